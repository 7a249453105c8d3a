// The Model mode's second source in headless Chromium: transformers.js on ONNX Runtime Web, with
// the default model's bundled ONNX export (served with the page: no request leaves the origin) or
// a Hugging Face model id. logitkit draws through LogitkitLogitsProcessor, so with the same seed and
// settings the ONNX export writes the same tokens as the llama2.c engine (the export's logits
// match the engine's; see the adapters tests). A model id that cannot be fetched says why, and the
// loaded model stays usable. Screenshots: test-output/screenshots/model-transformers-*.png.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { demoSession, screenshotDir, waitForModelStatus } from './demo-session.mjs';

const session = demoSession({
  ready: (page) => page.waitForSelector('[data-model-status="ready"]', { timeout: 60_000 }),
});

const HASH = '#mode=model&T=0.8&k=40&p=0.95&seed=1234';

const LOAD_MS = 120_000; // ONNX Runtime's 26 MB binary compiles on a loaded 2-core machine

const generated = (page) =>
  page.$$eval('#model-output .gen-token[data-step]', (els) =>
    els.map((e) => Number(e.dataset.token)),
  );

/** The prompt's text and the first `n` generated tokens' text, as the page shows them. */
const textOf = (page, n) =>
  page.$$eval(
    '#model-output .gen-token',
    (els, k) =>
      els
        .filter((e) => e.dataset.step === undefined || Number(e.dataset.step) < k)
        .map((e) => e.textContent)
        .join(''),
    n,
  );

/** Generates `n` tokens at full speed and pauses; returns the token ids. */
async function generate(page, n) {
  await page.getByLabel('Speed').selectOption({ label: 'As fast as it runs' });
  await page.getByRole('button', { name: 'Generate' }).click();
  // Until n tokens, or the generation has ended (a token, not running, nothing to pause: Generate
  // clears the text at once, so these are the new generation's).
  await page.waitForFunction(
    (k) => {
      const count = document.querySelectorAll('#model-output .gen-token[data-step]').length;
      const pause = [...document.querySelectorAll('[data-mode="model"] button')].find((b) =>
        /^(Pause|Resume)$/.test(b.textContent),
      );
      return (
        count >= k ||
        (count >= 1 &&
          document.querySelector('[data-mode="model"]')?.dataset.running === 'false' &&
          pause?.disabled)
      );
    },
    n,
    { timeout: 120_000 },
  );
  if ((await page.getAttribute('[data-mode="model"]', 'data-running')) === 'true')
    await page.getByRole('button', { name: 'Pause' }).click();
  await page.waitForSelector('[data-mode="model"][data-running="false"]', { timeout: 30_000 });
  return (await generated(page)).slice(0, n);
}

describe('demo page, Model mode, transformers.js source', { timeout: 300_000 }, () => {
  test('the bundled ONNX export runs offline in transformers.js and writes the llama2.c engine’s tokens for the same seed', async () => {
    await session.withPage(
      async (page) => {
        const engine = await generate(page, 20);
        assert.equal(engine.length, 20);
        await page.getByLabel(/transformers\.js, bundled ONNX export/).check();
        await waitForModelStatus(
          page,
          /ONNX export.*transformers\.js.*llama.*vocabulary 1,024, context 256/s,
          LOAD_MS,
        );
        const onnx = await generate(page, 20);
        assert.deepEqual(onnx, engine, 'same seed and settings, same tokens in both runtimes');
        const text = await page.textContent('#model-output');
        assert.match(text, /^And God said/);
        // Each step shows the distribution it was drawn from, as with the other source.
        await page.locator('#model-output .gen-token[data-step="0"]').click();
        assert.match(
          await page.textContent('.step-view[data-step="0"] .step-settings'),
          /T = 0\.8, top-k 40, top-p 0\.95, seed 1234/,
        );
        assert.ok((await page.locator('[data-chart="model-before"] .bar-row').count()) >= 10);
        assert.ok(Number(await page.getAttribute('.gen-stats', 'data-tokens-per-second')) > 0);
        await page.screenshot({
          path: `${screenshotDir}model-transformers-1280.png`,
          fullPage: true,
        });
        // Back to the engine: the radio and the status follow.
        await page.getByLabel(/llama2\.c engine/).check();
        await waitForModelStatus(page, /King James Bible model \(default\)/, LOAD_MS);
      },
      { hash: HASH },
    );
  });

  test('greedy (T = 0): the ONNX export and the engine write the same text', async () => {
    await session.withPage(
      async (page) => {
        const engine = await generate(page, 30);
        const engineText = await textOf(page, 30);
        await page.getByLabel(/transformers\.js, bundled ONNX export/).check();
        await waitForModelStatus(page, /ONNX export/, LOAD_MS);
        assert.deepEqual(await generate(page, 30), engine);
        assert.equal(await textOf(page, 30), engineText);
        assert.match(engineText, /^And God said \w/);
      },
      { hash: '#mode=model&T=0&seed=7' },
    );
  });

  test('375 px: the source choice fits the phone screen and the ONNX export generates', async () => {
    await session.withPage(
      async (page) => {
        await page.getByLabel(/transformers\.js, bundled ONNX export/).check();
        await waitForModelStatus(page, /ONNX export/, LOAD_MS);
        assert.equal((await generate(page, 10)).length, 10);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.equal(overflow, 0, 'no horizontal scrolling');
        await page.screenshot({
          path: `${screenshotDir}model-transformers-375.png`,
          fullPage: true,
        });
      },
      { hash: HASH, width: 375 },
    );
  });

  test('a Hugging Face model id that cannot be fetched says so with the reason; the loaded model stays usable', async () => {
    await session.withPage(
      async (page) => {
        // The Hub is unreachable (whatever this machine's network): every request to it fails.
        await page
          .context()
          .route(/huggingface\.co/, (route) => route.abort('internetdisconnected'));
        await page.getByLabel('Hugging Face model id').fill('logitkit-tests/missing-model');
        await page.getByRole('button', { name: 'Load', exact: true }).click();
        const message = page.locator('.source-msg');
        await message.filter({ hasText: /Could not/ }).waitFor({ timeout: 60_000 });
        const text = await message.textContent();
        assert.match(
          text,
          /Could not fetch logitkit-tests\/missing-model from the Hugging Face Hub/,
        );
        assert.match(text, /network request failed \(.+\)/, 'the reason is given');
        // The default model is still loaded, and says the other was not.
        await waitForModelStatus(
          page,
          /King James Bible model \(default\).*Not loaded: Could not fetch/s,
          LOAD_MS,
        );
        assert.ok(
          await page.getByLabel(/llama2\.c engine/).isChecked(),
          'the radio shows the model in use',
        );
        assert.equal((await generate(page, 5)).length, 5);
        // An id that is no id is refused before any request.
        await page.getByLabel('Hugging Face model id').fill('not an id!');
        await page.getByRole('button', { name: 'Load', exact: true }).click();
        await message.filter({ hasText: /is not a Hugging Face model id/ }).waitFor();
        await page.screenshot({
          path: `${screenshotDir}model-transformers-hub-error.png`,
          fullPage: true,
        });
      },
      { hash: HASH, expected: [/huggingface\.co/] },
    );
  });
});
