// One browser test file's session with the demo: before its tests, the shared demo build
// (ensureDemoBuilt), a server on a free port and a headless Chromium; after them, both closed.
// withPage() opens a fresh page at a hash, waits until `ready(page)` resolves, runs the test body
// and then asserts that nothing went wrong (no console errors, failed or off-origin requests).
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { after, before } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../../scripts/serve.mjs';
import { launchBrowser, openPage } from './browser.mjs';
import { ensureDemoBuilt } from './demo-build.mjs';

/** Where the browser tests save screenshots (gitignored). */
export const screenshotDir = fileURLToPath(
  new URL('../../test-output/screenshots/', import.meta.url),
);

export function demoSession({ ready }) {
  const session = { server: undefined, browser: undefined };
  before(async () => {
    await ensureDemoBuilt();
    session.server = await startDemoServer({ port: 0, build: false });
    session.browser = await launchBrowser();
    mkdirSync(screenshotDir, { recursive: true });
  });
  after(async () => {
    await session.browser?.close();
    await session.server?.close();
  });
  /**
   * Runs `fn(page)` on a new page opened at `hash`, once `ready(page)` has resolved. The viewport
   * is `width` wide and `height` high (default: a phone's 667 px at widths up to 480, else 900).
   * `expected`: patterns of problems the test provokes on purpose (e.g. a request it blocks).
   */
  session.withPage = async (fn, { width = 1280, height, hash = '', expected = [] } = {}) => {
    const opened = await openPage(session.browser, session.server.url, {
      width,
      height: height ?? (width <= 480 ? 667 : 900),
    });
    try {
      await opened.page.goto(session.server.url + hash);
      await ready(opened.page);
      await fn(opened.page);
      assert.deepEqual(
        opened.problems.filter((problem) => !expected.some((pattern) => pattern.test(problem))),
        [],
        'no console errors, failed or off-origin requests',
      );
    } finally {
      await opened.close();
    }
  };
  return session;
}

/**
 * The form controls inside `scope` (a selector) with no accessible name (a label, aria-label,
 * aria-labelledby, or a button's text), as short HTML snippets: [] when every one is named.
 */
export function unlabelledControls(page, scope = 'body') {
  return page.$$eval(`${scope} :is(input, textarea, select, button)`, (els) =>
    els
      .filter((el) => {
        const named =
          el.labels?.length > 0 ||
          el.getAttribute('aria-label') ||
          el.getAttribute('aria-labelledby') ||
          (el.tagName === 'BUTTON' && el.textContent.trim());
        return !named;
      })
      .map((el) => el.outerHTML.slice(0, 80)),
  );
}

/**
 * Waits until the status says a model is loaded and its text matches `pattern`. (The text alone is
 * not enough: "Reading random-48.bin and tokenizer.bin…" names the file before it has loaded.)
 */
export function waitForModelStatus(page, pattern, timeout = 30_000) {
  return page.waitForFunction(
    ({ source, flags }) => {
      const status = document.querySelector('.model-status');
      return (
        status?.dataset.modelStatus === 'ready' &&
        new RegExp(source, flags).test(status.textContent ?? '')
      );
    },
    { source: pattern.source, flags: pattern.flags },
    { timeout },
  );
}
