// The Model mode's "Constrain output" box in headless Chromium, with both sources (the llama2.c
// engine and the ONNX export in transformers.js): the constrained output parses and validates
// against the JSON Schema (ajv), matches the regular expression whole, or is a sentence of the GBNF
// grammar; each step shows how many tokens the grammar allowed, and at the first step that count
// equals the number of vocabulary entries whose bytes begin every text the grammar accepts, counted
// here from the model's tokenizer.json; a grammar that does not compile is reported under the box
// and nothing is generated. Screenshots: test-output/screenshots/model-constraint-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import Ajv from 'ajv';
import { demoSession, screenshotDir, waitForModelStatus } from './demo-session.mjs';

const session = demoSession({
  ready: (page) => page.waitForSelector('[data-model-status="ready"]', { timeout: 60_000 }),
});
const LOAD_MS = 120_000;

// The default model's vocabulary: each entry's bytes ("<0xHH>" is that byte), special tokens apart.
const TOKENIZER = JSON.parse(
  readFileSync(new URL('../../examples/model/kjv-onnx/tokenizer.json', import.meta.url), 'utf8'),
);
const SPECIAL = new Set(['<unk>', '<s>', '</s>']);
const VOCAB = Object.entries(TOKENIZER.model.vocab)
  .filter(([piece]) => !SPECIAL.has(piece))
  .map(([piece]) =>
    /^<0x[0-9A-F]{2}>$/.test(piece)
      ? Buffer.from([parseInt(piece.slice(3, 5), 16)])
      : Buffer.from(piece, 'utf8'),
  );

/**
 * How many tokens can come first when every accepted text begins with one of `starts` and each
 * start is longer than any token: the entries whose bytes are a non-empty prefix of a start.
 */
function firstStepCount(starts) {
  const heads = starts.map((s) => Buffer.from(s, 'utf8'));
  return VOCAB.filter((bytes) =>
    heads.some(
      (head) => bytes.length <= head.length && head.subarray(0, bytes.length).equals(bytes),
    ),
  ).length;
}

/**
 * The "grammar allowed" count of step `index`, read from that step's own view: the view of the
 * last step drawn may still be on the page for a moment after the click (a loaded machine).
 */
async function allowedAt(page, index) {
  const view = `.step-view[data-step="${index}"] dd[data-allowed]`;
  return Number(await page.getAttribute(view, 'data-allowed'));
}

/**
 * Picks `kind` and example `example` in the box, generates at full speed until the generation
 * ends, and returns the constrained output, its status and the first step's allowed count.
 */
async function constrainedRun(page, kind, example = 0) {
  await page.getByLabel('Constrain with').selectOption(kind);
  await page.getByLabel('Example').selectOption(String(example));
  await page.getByLabel('Speed').selectOption({ label: 'As fast as it runs' });
  await page.getByRole('button', { name: 'Generate' }).click();
  const status = page.locator('[data-constraint-status]:not([data-constraint-status="running"])');
  await status.waitFor({ timeout: 120_000 });
  await page.locator('#model-output .gen-token[data-step="0"]').click();
  const allowed = await allowedAt(page, 0);
  return {
    grammar: await page.inputValue('.constraint-text'),
    output: await page.textContent('[data-constrained-output]'),
    status: await status.getAttribute('data-constraint-status'),
    allowed,
  };
}

async function useOnnx(page) {
  await page.getByLabel(/transformers\.js, bundled ONNX export/).check();
  await waitForModelStatus(page, /ONNX export/, LOAD_MS);
}

const validate = (schema, value) => {
  const check = new Ajv({ strict: true }).compile(schema);
  assert.ok(check(value), JSON.stringify(check.errors));
};

const HASH = '#mode=model&T=0.8&p=0.95&seed=';

describe('demo page, Model mode, Constrain output', { timeout: 600_000 }, () => {
  for (const source of ['llama2.c engine', 'ONNX export in transformers.js']) {
    test(`${source}: a JSON Schema run parses and validates for three seeds; the first step allowed only what begins {"name":"`, async () => {
      await session.withPage(
        async (page) => {
          if (source !== 'llama2.c engine') await useOnnx(page);
          for (const seed of [1, 2, 3]) {
            await page.getByLabel('Seed').fill(String(seed));
            await page.getByLabel('Seed').press('Enter');
            const run = await constrainedRun(page, 'json_schema');
            assert.equal(run.status, 'eos', `the grammar's text is complete: ${run.output}`);
            validate(JSON.parse(run.grammar), JSON.parse(run.output));
            assert.match(await page.textContent('.constraint-result'), /It parses as JSON\./);
            // Compact JSON with the required properties in schema order: it starts with {"name":".
            assert.equal(run.allowed, firstStepCount(['{"name":"']));
            await page.locator('#model-output .gen-token[data-step="0"]').click();
            assert.match(
              await page.textContent('.step-view[data-step="0"] .step-settings'),
              new RegExp(`seed ${seed}\\.`),
            );
          }
          await page.screenshot({
            path: `${screenshotDir}model-constraint-json-${source.startsWith('llama') ? 'engine' : 'onnx'}.png`,
            fullPage: true,
          });
        },
        { hash: `${HASH}1` },
      );
    });

    test(`${source}: a regular expression run matches it whole; the allowed count is shown at every step`, async () => {
      await session.withPage(
        async (page) => {
          if (source !== 'llama2.c engine') await useOnnx(page);
          const run = await constrainedRun(page, 'regex');
          assert.equal(run.status, 'eos');
          assert.match(run.output, new RegExp(`^(?:${run.grammar})$`, 'u'));
          assert.equal(run.allowed, firstStepCount([' Yea, ', ' Nay, ']));
          // Every step says how many tokens the grammar allowed.
          const steps = await page.locator('#model-output .gen-token[data-step]').count();
          for (const index of [1, Math.floor(steps / 2), steps - 1]) {
            await page.locator(`#model-output .gen-token[data-step="${index}"]`).click();
            const allowed = await allowedAt(page, index);
            assert.ok(allowed >= 1 && allowed < 1024, `step ${index}: ${allowed} allowed`);
          }
        },
        { hash: `${HASH}5` },
      );
    });
  }

  test('a GBNF grammar: the output is one of its sentences (llama2.c engine and ONNX export)', async () => {
    // The example grammar as a regular expression (it has no recursion).
    const sentence =
      /^ (the LORD|the king|Moses|the people) (spake unto|went unto|blessed) (Israel|Aaron|them|the land of [A-Z][a-z]{2,8})\.$/;
    await session.withPage(
      async (page) => {
        const engine = await constrainedRun(page, 'gbnf');
        assert.equal(engine.status, 'eos');
        assert.match(engine.output, sentence);
        await useOnnx(page);
        const onnx = await constrainedRun(page, 'gbnf');
        assert.match(onnx.output, sentence);
        assert.equal(
          onnx.output,
          engine.output,
          'the same seed draws the same sentence in both runtimes',
        );
      },
      { hash: `${HASH}9` },
    );
  });

  test('a grammar that does not compile is reported under the box; nothing is generated', async () => {
    await session.withPage(
      async (page) => {
        await page.getByLabel('Constrain with').selectOption('gbnf');
        await page.getByLabel('Grammar').fill('root ::= ("a" | "b"');
        await page.getByRole('button', { name: 'Generate' }).click();
        const error = page.locator('.constraint-error p');
        await error.waitFor({ timeout: 30_000 });
        assert.match(await error.textContent(), /expecting '\)' \(at 19\)/);
        assert.equal(await page.locator('#model-output .gen-token[data-step]').count(), 0);
        assert.match(
          await page.textContent('[data-mode="model"] .results-error'),
          /Not started: the grammar in “Constrain output” does not compile/,
        );
        // A schema keyword the engine cannot enforce is named.
        await page.getByLabel('Constrain with').selectOption('json_schema');
        await page.getByLabel('Grammar').fill('{"type": "array", "uniqueItems": true}');
        await page.getByRole('button', { name: 'Generate' }).click();
        await page
          .locator('.constraint-error p', {
            hasText: /'uniqueItems' cannot be enforced.*\/uniqueItems/,
          })
          .waitFor({ timeout: 30_000 });
        await page.screenshot({
          path: `${screenshotDir}model-constraint-error.png`,
          fullPage: true,
        });
      },
      { hash: `${HASH}1`, width: 375 },
    );
  });
});
