// The demo's "Model" mode in headless Chromium: the default model writes text in a Web Worker,
// token by token, with each step's distribution; with a fixed seed the page draws the same tokens
// as Node does with the same code (examples/model/); pause, single-step and resume; a sampling
// setting changed mid-run applies to the next token; a user's checkpoint and tokenizer.bin (a
// random-weight model made here) load through the file inputs and generate the same tokens as in
// Node; a broken file is reported and the loaded model stays usable. Screenshots go to
// test-output/screenshots/model-*.png. The demo is built once for all test files by ensureDemoBuilt().
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { Generation, loadModelRuntime } from '../../examples/model/index.js';
import { randomCheckpoint, randomTokenizer } from '../../examples/model/random-checkpoint.js';
import { demoSession, screenshotDir, waitForModelStatus } from './demo-session.mjs';

const DEFAULT_CHECKPOINT = readFileSync(
  new URL('../../examples/model/kjv-model.bin', import.meta.url),
);
const DEFAULT_TOKENIZER = readFileSync(
  new URL('../../examples/model/kjv-tokenizer.bin', import.meta.url),
);
const USER_CONFIG = {
  dim: 48,
  hiddenDim: 96,
  nLayers: 2,
  nHeads: 6,
  nKvHeads: 3,
  vocabSize: 600,
  seqLen: 64,
};
const USER_CHECKPOINT = Buffer.from(randomCheckpoint(USER_CONFIG, { seed: 11, scale: 0.3 }));
const USER_TOKENIZER = Buffer.from(randomTokenizer(USER_CONFIG.vocabSize));

let runtime;
const session = demoSession({
  ready: (page) => page.waitForSelector('[data-model-status="ready"]', { timeout: 30_000 }),
});

before(async () => {
  runtime = await loadModelRuntime();
});

/** The first `n` tokens Node generates with the same code, model and settings as the page. */
function nodeTokens(checkpoint, tokenizer, prompt, sampling, n) {
  const model = runtime.loadModel(checkpoint, tokenizer);
  const logits = runtime.lk.allocLogits(model.vocabSize);
  const sampler = runtime.lk.createSampler({ ...sampling, topLogprobs: 10 });
  const generation = new Generation(model, logits, prompt);
  const tokens = [];
  while (generation.stop === null && tokens.length < n) tokens.push(generation.step(sampler).token);
  sampler.dispose();
  logits.dispose();
  model.dispose();
  return tokens;
}

const withPage = (fn, hash = '#mode=model', width = 1280) => session.withPage(fn, { hash, width });
const WIDTHS = [1280, 375];

const generated = (page) =>
  page.$$eval('#model-output .gen-token[data-step]', (els) =>
    els.map((e) => Number(e.dataset.token)),
  );
const count = (page) => page.$$eval('#model-output .gen-token[data-step]', (els) => els.length);
const waitForTokens = (page, n) =>
  page.waitForFunction(
    (k) => document.querySelectorAll('#model-output .gen-token[data-step]').length >= k,
    n,
    { timeout: 30_000 },
  );
const waitForIdle = (page) =>
  page.waitForSelector('[data-mode="model"][data-running="false"]', { timeout: 30_000 });

describe('demo page, Model mode', { timeout: 240_000 }, () => {
  test('the default model writes text token by token in a worker, each step with its distribution; Node and Chromium draw the same 20 tokens', async () => {
    const sampling = { temperature: 0.8, topK: 40, topP: 0.95, minP: 0, seed: 1234 };
    const expected = nodeTokens(
      DEFAULT_CHECKPOINT,
      DEFAULT_TOKENIZER,
      'And God said',
      sampling,
      20,
    );
    assert.equal(expected.length, 20);
    await withPage(async (page) => {
      assert.match(
        await page.textContent('.model-status'),
        /King James Bible model \(default\).*vocabulary 1,024, context 256/s,
      );
      assert.equal(page.workers().length, 1, 'the model runs in a Web Worker');
      await page.getByRole('button', { name: 'Generate' }).click();
      // Tokens arrive one by one at the default pace (20 per second): the page shows a partial text first.
      await waitForTokens(page, 3);
      assert.ok((await count(page)) < 60, 'streamed, not all at once');
      await waitForTokens(page, 20);
      assert.deepEqual((await generated(page)).slice(0, 20), expected);
      // The latest step: the sampled token, its probability, and the distributions it came from.
      const card = page.locator('[data-mode="model"] .step-view .draw-card');
      assert.ok(Number(await card.locator('dd[data-p]').getAttribute('data-p')) > 0);
      assert.equal(
        (await page.locator('[data-chart="model-before"] .bar-row').count()) >= 10,
        true,
      );
      assert.ok((await page.locator('[data-chart="model-after"] .bar-row').count()) >= 1);
      assert.equal((await page.locator('[data-chart="model-after"] .is-drawn').count()) <= 1, true);
      assert.ok(Number(await page.getAttribute('.gen-stats', 'data-tokens-per-second')) > 0);
      assert.match(await page.textContent('.gen-stats'), /tokens\/s in the worker/);
      await page.getByRole('button', { name: 'Pause' }).click();
      await waitForIdle(page);
      const text = await page.textContent('#model-output');
      assert.match(text, /^And God said/);
      assert.ok(
        /\b(the|and|of|unto|LORD|shall)\b/.test(text.slice('And God said'.length)),
        `recognisable words in ${JSON.stringify(text)}`,
      );
      await page.screenshot({ path: `${screenshotDir}model-default.png`, fullPage: true });
    }, '#mode=model&T=0.8&k=40&p=0.95&seed=1234');
  });

  test('pause, single step, resume; a setting changed while paused applies to the next token; a past step can be inspected', async () => {
    await withPage(async (page) => {
      await page.getByLabel('Speed').selectOption({ label: '10 tokens/s' });
      await page.getByRole('button', { name: 'Generate' }).click();
      await waitForTokens(page, 2);
      await page.getByRole('button', { name: 'Pause' }).click();
      await waitForIdle(page);
      const paused = await count(page);
      await page.waitForTimeout(400);
      assert.equal(await count(page), paused, 'nothing is generated while paused');
      assert.equal(await page.getByRole('button', { name: 'Resume' }).count(), 1);

      // Greedy from the next token on: one token kept, with probability 1.
      await page.getByRole('spinbutton', { name: 'Temperature', exact: true }).fill('0');
      await page.getByRole('button', { name: 'Step' }).click();
      await waitForTokens(page, paused + 1);
      await page.waitForTimeout(200);
      assert.equal(await count(page), paused + 1, 'Step adds exactly one token');
      assert.equal(
        await page.getAttribute('[data-mode="model"] .step-view', 'data-step'),
        String(paused),
      );
      assert.equal(
        Number(await page.getAttribute('[data-mode="model"] .step-view dd[data-p]', 'data-p')),
        1,
      );
      assert.match(
        await page.textContent('[data-mode="model"] .step-view .kv'),
        /1 of 1,024 tokens/,
      );

      // Inspect the first step: its own distribution comes back.
      await page.locator('#model-output .gen-token[data-step="0"]').click();
      await page.waitForSelector('[data-mode="model"] .step-view[data-step="0"]');
      assert.equal(
        await page.getAttribute('#model-output .gen-token[data-step="0"]', 'aria-selected'),
        'true',
      );

      await page.getByRole('button', { name: 'Resume' }).click();
      await waitForTokens(page, paused + 3);
      await page.getByRole('button', { name: 'Pause' }).click();
      await waitForIdle(page);
    });
  });

  test('a user checkpoint and tokenizer.bin load through the file inputs and generate what Node generates', async () => {
    const sampling = { temperature: 1, topK: 0, topP: 1, minP: 0, seed: 5 };
    const expected = nodeTokens(USER_CHECKPOINT, USER_TOKENIZER, 'And God said', sampling, 20);
    await withPage(async (page) => {
      await page.getByLabel('Checkpoint').setInputFiles({
        name: 'random-48.bin',
        mimeType: 'application/octet-stream',
        buffer: USER_CHECKPOINT,
      });
      await page.getByLabel('Tokenizer').setInputFiles({
        name: 'tokenizer.bin',
        mimeType: 'application/octet-stream',
        buffer: USER_TOKENIZER,
      });
      await waitForModelStatus(page, /random-48\.bin/);
      assert.match(
        await page.textContent('.model-status'),
        /2 layers, dim 48, 6 heads \(3 key\/value\), vocabulary 600, context 64/,
      );
      assert.equal(await page.getAttribute('.model-status', 'data-model-status'), 'ready');
      await page.getByLabel('Speed').selectOption({ label: 'As fast as it runs' });
      await page.getByRole('button', { name: 'Generate' }).click();
      await waitForIdle(page);
      await waitForTokens(page, 20);
      assert.deepEqual((await generated(page)).slice(0, 20), expected);
      await page.screenshot({ path: `${screenshotDir}model-user.png`, fullPage: true });

      // A truncated tokenizer is refused with the file named; the loaded model still generates.
      await page.getByLabel('Tokenizer').setInputFiles({
        name: 'tokenizer.bin',
        mimeType: 'application/octet-stream',
        buffer: USER_TOKENIZER.subarray(0, 500),
      });
      await waitForModelStatus(page, /Not loaded/);
      assert.match(await page.textContent('.model-status'), /tokenizer/);
      await page.getByRole('button', { name: 'Use the default model' }).click();
      await waitForModelStatus(page, /King James/);
    }, '#mode=model&seed=5');
  });

  test('both files dropped together on the zone load the same way (the tokenizer found by its name)', async () => {
    await withPage(async (page) => {
      const dataTransfer = await page.evaluateHandle(
        ([checkpoint, tokenizer]) => {
          const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const dt = new DataTransfer();
          dt.items.add(new File([bytes(tokenizer)], 'tokenizer.bin'));
          dt.items.add(new File([bytes(checkpoint)], 'dropped-model.bin'));
          return dt;
        },
        [USER_CHECKPOINT.toString('base64'), USER_TOKENIZER.toString('base64')],
      );
      await page.dispatchEvent('[data-mode="model"] .drop-zone', 'drop', { dataTransfer });
      await waitForModelStatus(page, /dropped-model\.bin/);
      assert.match(await page.textContent('.model-status'), /vocabulary 600, context 64/);
      await page.getByRole('button', { name: 'Step' }).click();
      await waitForTokens(page, 1);
    });
  });

  for (const width of WIDTHS) {
    test(`${width} px: each step keeps the settings it was drawn with (Generate, Pause, T = 0, Step, then the first token)`, async () => {
      await withPage(
        async (page) => {
          await page.getByRole('button', { name: 'Generate' }).click();
          await waitForTokens(page, 2);
          await page.getByRole('button', { name: 'Pause' }).click();
          await waitForIdle(page);
          const paused = await count(page);
          const temperature = page.getByRole('spinbutton', { name: 'Temperature', exact: true });
          await temperature.fill('0');
          await temperature.press('Enter');
          await page.getByRole('button', { name: 'Step' }).click();
          await waitForTokens(page, paused + 1);
          await page.waitForSelector(`[data-mode="model"] .step-view[data-step="${paused}"]`);
          assert.match(
            await page.textContent('[data-chart="model-before"] .chart-note'),
            /softmax\(z \/ 0, greedy\)/,
          );
          await page.locator('#model-output [data-step="0"]').click();
          await page.waitForSelector('[data-mode="model"] .step-view[data-step="0"]');
          const note = await page.textContent('[data-chart="model-before"] .chart-note');
          assert.match(note, /softmax\(z \/ T = 1\)/, 'the first token was drawn at T = 1');
          assert.match(
            await page.textContent('[data-mode="model"] .step-settings'),
            /Drawn with T = 1, no filter, seed 42/,
          );
          const kept = await page.textContent('[data-mode="model"] .step-view .kv');
          assert.doesNotMatch(kept, /1 of 1,024 tokens/, 'its bars are the T = 1 distribution');
        },
        '#mode=model',
        width,
      );
    });

    test(`${width} px: typing into a control while generating never stops the generation; an invalid value says it keeps the old one`, async () => {
      await withPage(
        async (page) => {
          await page.getByLabel('Speed').selectOption({ label: '10 tokens/s' });
          await page.getByRole('button', { name: 'Generate' }).click();
          await waitForTokens(page, 2);
          const topP = page.getByRole('spinbutton', { name: 'Top-p', exact: true });
          await topP.fill('');
          await topP.pressSequentially('0.5', { delay: 40 });
          await topP.press('Tab');
          const before = await count(page);
          await waitForTokens(page, before + 2);
          assert.equal(
            await page.getAttribute('[data-mode="model"]', 'data-running'),
            'true',
            'still generating',
          );
          assert.equal(await page.getByRole('button', { name: 'Resume' }).count(), 0);
          assert.equal(await page.textContent('[data-control="model-topP"] .field-error'), '');
          await topP.fill('0');
          await topP.press('Enter');
          const error = page.locator('[data-control="model-topP"] .field-error');
          await error.getByText('Still using 0.5').waitFor();
          const after = await count(page);
          await waitForTokens(page, after + 2);
          assert.equal(await page.getAttribute('[data-mode="model"]', 'data-running'), 'true');
          await page.getByRole('button', { name: 'Pause' }).click();
          await waitForIdle(page);
        },
        '#mode=model',
        width,
      );
    });

    test(`${width} px: a newline token is a visible cell (↵ then the line break), and the text is one tab stop with arrow keys`, async () => {
      // Where the default settings (seed 42, T = 1) first write a newline, as Node generates it.
      const model = runtime.loadModel(DEFAULT_CHECKPOINT, DEFAULT_TOKENIZER);
      const logits = runtime.lk.allocLogits(model.vocabSize);
      const sampler = runtime.lk.createSampler({ temperature: 1, seed: 42, topLogprobs: 10 });
      const generation = new Generation(model, logits, 'And God said');
      const texts = [];
      while (generation.stop === null && texts.length < 200)
        texts.push(generation.step(sampler).text);
      [sampler, logits, model].forEach((x) => x.dispose());
      const newline = texts.findIndex((text) => text.includes('\n'));
      assert.ok(newline >= 0, 'the model writes a newline within 200 tokens');
      await withPage(
        async (page) => {
          await page.getByLabel('Speed').selectOption({ label: 'As fast as it runs' });
          await page.getByRole('button', { name: 'Generate' }).click();
          await waitForTokens(page, newline + 2);
          await page.getByRole('button', { name: 'Pause' }).click();
          await waitForIdle(page);
          const cell = page.locator(`#model-output [data-step="${newline}"]`);
          const box = await cell.boundingBox();
          assert.ok(box.width >= 4, `the newline cell is ${box.width} px wide`);
          assert.equal(await cell.textContent(), texts[newline].replace(/\n/g, '↵\n'));
          assert.equal(
            await page.locator('#model-output [tabindex="0"]').count(),
            1,
            'one tab stop',
          );
          assert.ok((await page.locator('#model-output [data-step]').count()) > newline + 1);
          await cell.click();
          await page.keyboard.press('ArrowRight');
          assert.equal(
            await page.evaluate(() => document.activeElement.dataset.step),
            String(newline + 1),
          );
          await page.waitForSelector(`[data-mode="model"] .step-view[data-step="${newline + 1}"]`);
          await page.keyboard.press('Home');
          await page.waitForSelector('[data-mode="model"] .step-view[data-step="0"]');
          assert.equal(
            await page.getAttribute('#model-output [data-step="0"]', 'aria-selected'),
            'true',
          );
        },
        '#mode=model',
        width,
      );
    });
  }
});
