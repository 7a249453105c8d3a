// Headless Chromium (the Debian package, through tests/browser/browser.mjs) and a probe that opens a page and reads the JSON the examples write to <body data-result>.
import { launchBrowser } from '../../browser/browser.mjs';

/** Launches Debian's Chromium (tests/browser/browser.mjs), or throws an error that says how to install it. */
export const launchChromium = launchBrowser;

/**
 * Opens `url` in a new page and records what went wrong on the way: uncaught errors, console
 * errors and warnings (e.g. Emscripten's "wasm streaming compile failed"), and HTTP >= 400.
 * It also records every .wasm response, for the content-type and magic-number checks.
 */
export async function openProbe(browser, url) {
  const page = await browser.newPage();
  const problems = [];
  const wasm = []; // promises of { url, status, type, magic }
  page.on('pageerror', (error) => problems.push(`uncaught: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning')
      problems.push(`console.${message.type()}: ${message.text()}`);
  });
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`HTTP ${response.status()} for ${response.url()}`);
    if (new URL(response.url()).pathname.endsWith('.wasm')) {
      wasm.push(
        response
          .body()
          .catch(() => Buffer.alloc(0))
          .then((body) => ({
            url: response.url(),
            status: response.status(),
            type: response.headers()['content-type'],
            magic: body.subarray(0, 4).toString('hex'),
          })),
      );
    }
  });
  await page.goto(url);
  return {
    page,
    problems,
    /** Every .wasm response so far: { url, status, type (content-type), magic (first 4 bytes, hex) }. */
    wasmResponses: () => Promise.all(wasm),
    /**
     * Waits for a <body data-result> JSON whose properties equal those of `match` (compared as
     * JSON), or that reports an `error`, and returns it parsed.
     */
    async result(match = {}, timeout = 30_000) {
      const handle = await page.waitForFunction(
        (want) => {
          const raw = document.body.dataset.result;
          if (raw === undefined) return false;
          const got = JSON.parse(raw);
          const matches = Object.entries(want).every(
            ([key, value]) => JSON.stringify(got[key]) === JSON.stringify(value),
          );
          return (matches || got.error !== undefined) && raw;
        },
        match,
        { timeout },
      );
      return JSON.parse(await handle.jsonValue());
    },
    close: () => page.close(),
  };
}

/** The magic number every WebAssembly binary starts with ("\0asm"), as hex. */
export const WASM_MAGIC = '0061736d';
