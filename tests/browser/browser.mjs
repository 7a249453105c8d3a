// Shared by the browser tests: Debian's Chromium (scripts/chromium.mjs) and a page wrapper that
// records console errors, page errors and off-origin requests.
import { launchChromium } from '../../scripts/chromium.mjs';

/** Launches headless Chromium (scripts/chromium.mjs). */
export const launchBrowser = launchChromium;

/**
 * A new page at `width` px in its own context. `problems` collects console errors, uncaught page
 * errors, failed requests and any request whose origin is not `origin`.
 */
export async function openPage(browser, origin, { width = 1280, height = 900 } = {}) {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems = [];
  const sameOrigin = new URL(origin).origin;
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol === 'data:' || url.protocol === 'blob:') return;
    if (url.origin !== sameOrigin) problems.push(`off-origin request: ${req.url()}`);
  });
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`),
  );
  page.on('response', (res) => {
    if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`);
  });
  return { page, problems, close: () => context.close() };
}
