// Shared by the browser tests: Debian's Chromium through playwright-core (never a downloaded
// browser), and a page wrapper that records console errors, page errors and off-origin requests.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launches headless Chromium, or throws a message that says how to get it. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM}. Run \`bash scripts/setup.sh\` (it installs Debian's chromium package) ` +
        'or set CHROMIUM_PATH. Do not run `npx playwright install`: it downloads a browser.',
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}

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
