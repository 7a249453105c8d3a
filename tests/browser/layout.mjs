// Layout checks shared by the browser tests: the tab order of a page region against its visual
// order, and the vertical distance between two elements.

/**
 * Tabs through `container` (a selector) from its start and returns, for each stop in order, the
 * element's box and a short description. Stops when focus leaves the container.
 */
export async function tabStops(page, container, max = 200) {
  await page.evaluate((selector) => {
    const first = document.querySelector(selector);
    // Focus lands on the first focusable element inside once Tab is pressed from here.
    first.setAttribute('tabindex', '-1');
    first.focus();
  }, container);
  const stops = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const stop = await page.evaluate((selector) => {
      const active = document.activeElement;
      if (!active || !document.querySelector(selector).contains(active)) return null;
      const box = active.getBoundingClientRect();
      return {
        inMain: active.closest('.main') !== null,
        x: box.left + window.scrollX,
        y: box.top + window.scrollY,
        width: box.width,
        height: box.height,
        what: `${active.tagName.toLowerCase()} ${active.getAttribute('aria-label') ?? active.textContent?.trim().slice(0, 30) ?? ''}`,
      };
    }, container);
    if (stop === null) break;
    stops.push(stop);
  }
  return stops;
}

/**
 * Pairs of consecutive tab stops that go against the reading order: in one column, top to bottom
 * and left to right within a line; with `twoColumns`, the side column (and what is above it)
 * before the main one (.main).
 */
export function outOfOrder(stops, twoColumns) {
  const column = (stop) => (twoColumns && stop.inMain ? 1 : 0);
  const problems = [];
  for (let i = 1; i < stops.length; i++) {
    const [a, b] = [stops[i - 1], stops[i]];
    if (column(b) > column(a)) continue;
    const sameLine = Math.abs(a.y - b.y) < Math.min(a.height, b.height) / 2 + 2;
    const forward = column(b) === column(a) && (sameLine ? b.x >= a.x - 1 : b.y >= a.y - 1);
    if (!forward)
      problems.push(
        `${a.what} (${Math.round(a.x)}, ${Math.round(a.y)}) → ${b.what} (${Math.round(b.x)}, ${Math.round(b.y)})`,
      );
  }
  return problems;
}
