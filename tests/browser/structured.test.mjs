// StructuredOutputProcessor in headless Chromium: transformers.js's browser build generates on the
// exported KJV model served by the test server (the page of adapters-page.mjs), with logitkit's
// grammar engine loaded in the page (logitkit-grammar-*.wasm from dist/):
// - JSON Schema (greedy and seeded, a batch of three), json_object and regex outputs, validated in
//   Node (ajv, ^(?:re)$);
// - seeded runs give the tokens the same processor gives in Node;
// - along model-driven walks the masks equal those of @huggingface/transformers-structured-output
//   running in the same page, every difference explained (tests/js/structured-support.mjs).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { loadBoth } from '../js/helpers.mjs';
import { EOS, MODEL_ID, MODELS_DIR } from '../js/adapter-support.mjs';
import { decodeVocabulary } from '../js/grammar-support.mjs';
import {
  assertMatches,
  assertValidJson,
  COMPARED,
  compareMasks,
  INTEGERS,
  noWhitespace,
  REGEXES,
  SCHEMAS,
} from '../js/structured-support.mjs';
import { loadLocal } from '../../examples/transformers/generate.mjs';
import { generateStructured } from '../../examples/transformers/structured.mjs';
import { openAdaptersPage } from './adapters-page.mjs';
import { launchBrowser } from './browser.mjs';

let browser;
let session;
let node; // the same model in Node, for the reference runs

before(async () => {
  browser = await launchBrowser();
  session = await openAdaptersPage(browser);
  node = await loadLocal(MODELS_DIR, MODEL_ID);
  // In the page: generateStructured of examples/transformers/structured.mjs, for the browser build.
  await session.page.evaluate(() => {
    window.structured = async (prompts, format, options) => {
      const { lk, StructuredOutputProcessor, tokenizer, model } = window.t;
      const processor = await StructuredOutputProcessor.create(tokenizer, format, {
        ...options,
        lk,
      });
      try {
        const inputs = tokenizer(prompts, { padding: true });
        const output = await model.generate({
          ...inputs,
          max_new_tokens: 200,
          logits_processor: processor,
        });
        const stop = new Set(processor.stopTokenIds);
        return output.tolist().map((row) => {
          const all = row.slice(inputs.input_ids.dims[1]).map(Number);
          const end = all.findIndex((id) => stop.has(id));
          const ids = end < 0 ? all : all.slice(0, end);
          return {
            ids,
            ended: end >= 0,
            text: ids.length === 0 ? '' : tokenizer.decode(ids, { skip_special_tokens: true }),
          };
        });
      } finally {
        processor.dispose();
      }
    };
  });
});

after(async () => {
  await session?.close();
  await browser?.close();
  await node?.model.dispose();
});

const PROMPTS = ['And God said', 'In the beginning', 'Jesus wept.'];

test('JSON Schema, json_object and regex outputs generated in Chromium parse and validate; seeded runs give the tokens Node gives', async () => {
  const { simd: lk } = await loadBoth();
  const runs = [
    ...Object.entries(SCHEMAS).map(([name, schema]) => [
      name,
      { type: 'json_schema', json_schema: schema },
      { whitespace: 'compact', samplingOptions: { temperature: 0.9, topP: 0.95, seed: 7 } },
      (text, label) => assertValidJson(text, schema, label),
    ]),
    [
      'verse, greedy',
      { type: 'json_schema', json_schema: SCHEMAS.verse },
      { whitespace: { maxRun: 2 } },
      (text, label) => assertValidJson(text, SCHEMAS.verse, label),
    ],
    [
      'json_object, greedy',
      { type: 'json_object' },
      { whitespace: 'compact' },
      (text, label) => assertValidJson(text, { type: 'object' }, label),
    ],
    ...REGEXES.map((regex) => [
      regex,
      { type: 'regex', regex },
      { samplingOptions: { temperature: 0.8, seed: 3 } },
      (text, label) => assertMatches(text, regex, label),
    ]),
  ];
  for (const [name, format, options, check] of runs) {
    const inPage = await session.page.evaluate(
      ({ prompts, format, options }) => window.structured(prompts, format, options),
      { prompts: PROMPTS, format, options },
    );
    const inNode = await generateStructured(lk, node, PROMPTS, format, options);
    inPage.forEach((row, b) => {
      assert.ok(row.ended, `${name}, row ${b}: cut at max_new_tokens: ${row.text}`);
      check(row.text, `${name}, row ${b}`);
      assert.deepEqual(row.ids, inNode[b].ids, `${name}, row ${b}: the tokens Node generates`);
    });
  }
  assert.deepEqual(session.problems, []);
});

test('masks equal those of @huggingface/transformers-structured-output in the same page along model-driven walks, every difference explained', async () => {
  const { bytes } = decodeVocabulary(node.tokenizer._tokenizerJSON);
  const explained = {};
  let total = 0;
  // A nested object with an integer, and a string: schemas that package supports whose outputs
  // have one property order (tests/js/structured-support.mjs).
  for (const name of ['nested', 'verse']) {
    const schema = COMPARED[name];
    // The page records, per step, the ids each processor allows and the ids generated so far;
    // both are given the same bytes (that package through { tokens, eos_token_id }), and the same
    // grammar without JSON whitespace (x-guidance there, 'compact' here).
    const steps = await session.page.evaluate(
      async ({ ours, theirsFormat, tokens, eos }) => {
        const { lk, StructuredOutputProcessor, TheirStructuredOutputProcessor, tokenizer, model } =
          window.t;
        const direct = {
          tokens: tokens.map((t) => Uint8Array.from(t)),
          eos_token_id: eos,
          special_token_ids: [0, 1],
        };
        const theirs = new TheirStructuredOutputProcessor(direct, theirsFormat);
        const mask = await StructuredOutputProcessor.create(tokenizer, ours, {
          lk,
          whitespace: 'compact',
        });
        const drive = await StructuredOutputProcessor.create(tokenizer, ours, {
          lk,
          whitespace: 'compact',
          samplingOptions: { temperature: 1.2, seed: 2 },
        });
        const allowed = (data) => [...data.keys()].filter((i) => data[i] !== -Infinity);
        const seen = [];
        const compare = (inputIds, logits) => {
          const a = { dims: logits.dims, data: logits.data.slice() };
          const b = { dims: logits.dims, data: logits.data.slice() };
          theirs(inputIds, a);
          mask(inputIds, b);
          seen.push({
            ids: inputIds[0].map(Number),
            theirs: allowed(a.data),
            ours: allowed(b.data),
          });
          return drive(inputIds, logits);
        };
        await model.generate({
          ...tokenizer('And God said'),
          max_new_tokens: 60,
          logits_processor: [compare],
        });
        mask.dispose();
        drive.dispose();
        return seen;
      },
      {
        ours: { type: 'json_schema', json_schema: schema },
        theirsFormat: { type: 'json_schema', json_schema: noWhitespace(schema) },
        tokens: bytes.map((b) => [...b]),
        eos: EOS,
      },
    );
    const promptLength = steps[0].ids.length;
    const row = (ids) => {
      const data = new Float32Array(bytes.length).fill(-Infinity);
      for (const id of ids) data[id] = 0;
      return data;
    };
    for (const [i, step] of steps.entries()) {
      const prefix = step.ids.slice(promptLength).flatMap((id) => [...bytes[id]]);
      const found = compareMasks(row(step.theirs), row(step.ours), prefix, bytes, {
        integers: INTEGERS.has(name),
      });
      assert.deepEqual(found.unexplained, [], `${name}, step ${i}`);
      for (const [why, n] of Object.entries(found.explained))
        explained[why] = (explained[why] ?? 0) + n;
    }
    total += steps.length;
  }
  console.log(
    `chromium, vs @huggingface/transformers-structured-output: ${total} steps, ${JSON.stringify(explained)}`,
  );
  assert.ok(total >= 20);
  assert.deepEqual(session.problems, []);
});
