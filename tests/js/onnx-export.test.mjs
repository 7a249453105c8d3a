// The ONNX export of the default model (examples/model/kjv-onnx/, written by
// examples/model/export_onnx.py) against the C++ engine that runs the same checkpoint:
// - tokenizer.json, read by transformers.js's tokenizer, encodes exactly as cpp/model/tokenizer.cpp
//   on the fixture texts, on thousands of random strings built from vocabulary pieces and arbitrary
//   code points, and on strings that look like special or byte tokens; decoding gives the text back;
// - the graph's logits match the C++ engine's within LOGIT_TOLERANCE at every position, whether the
//   prompt runs in one call or token by token through the key/value cache, and match PyTorch's
//   float64 fixture; a left-padded batch row gives the logits of the unpadded sequence;
// - config.json describes the checkpoint.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { AutoTokenizer, env } from '@huggingface/transformers';
import {
  BOS,
  LOGIT_TOLERANCE,
  MODEL_ID,
  MODELS_DIR,
  ONNX_DIR,
  cppGenerate,
  cppModelForFile,
  maxAbsDiff,
} from './adapter-support.mjs';
import { rng } from './helpers.mjs';
import { FORWARD_FIXTURE, TOKENIZER_FIXTURE } from './model-support.mjs';

const cpp = cppModelForFile();
let tokenizer;
let session;
const config = JSON.parse(readFileSync(`${ONNX_DIR}config.json`, 'utf8'));

before(async () => {
  env.allowRemoteModels = false;
  env.localModelPath = MODELS_DIR;
  tokenizer = await AutoTokenizer.from_pretrained(MODEL_ID);
  session = await ort.InferenceSession.create(`${ONNX_DIR}onnx/model.onnx`);
});
const same = (text) => {
  const expected = Array.from(cpp.model.encode(text));
  assert.deepEqual(tokenizer.encode(text), expected, `encoding of ${JSON.stringify(text)}`);
  return expected;
};

test('config.json describes the checkpoint; the graph has the Hugging Face causal-LM inputs and outputs', () => {
  const c = cpp.model.config;
  assert.equal(config.model_type, 'llama');
  assert.equal(config.hidden_size, c.dim);
  assert.equal(config.intermediate_size, c.hiddenDim);
  assert.equal(config.num_hidden_layers, c.nLayers);
  assert.equal(config.num_attention_heads, c.nHeads);
  assert.equal(config.num_key_value_heads, c.nKvHeads);
  assert.equal(config.vocab_size, c.vocabSize);
  assert.equal(config.max_position_embeddings, c.seqLen);
  assert.equal(config.tie_word_embeddings, c.sharedClassifier);
  const layers = Array.from({ length: c.nLayers }, (_, l) => l);
  assert.deepEqual(session.inputNames, [
    'input_ids',
    'attention_mask',
    'position_ids',
    ...layers.flatMap((l) => [`past_key_values.${l}.key`, `past_key_values.${l}.value`]),
  ]);
  assert.deepEqual(session.outputNames, [
    'logits',
    ...layers.flatMap((l) => [`present.${l}.key`, `present.${l}.value`]),
  ]);
});

test('tokenizer.json encodes the fixture texts as the C++ tokenizer and the Python trainer do', () => {
  for (const { text, tokens } of TOKENIZER_FIXTURE.cases) assert.deepEqual(same(text), tokens);
});

test('tokenizer.json encodes 5000 random strings exactly as the C++ tokenizer, and decodes them back', () => {
  const next = rng(2026);
  const pieces = [];
  for (let id = 3 + 256; id < cpp.model.vocabSize; id++) pieces.push(cpp.model.piece(id));
  const odd = [
    ' ',
    '  ',
    '\n',
    '\t',
    '\r\n',
    'é',
    '—',
    '😀',
    '𝔘',
    '\u0000',
    '<s>',
    '</s>',
    '<unk>',
    '<0x41>',
    '<0x',
    '>',
  ];
  for (let n = 0; n < 5000; n++) {
    let text = '';
    const parts = 1 + Math.floor(next() * 12);
    for (let j = 0; j < parts; j++) {
      const r = next();
      if (r < 0.75) text += pieces[Math.floor(next() * pieces.length)];
      else if (r < 0.9) text += odd[Math.floor(next() * odd.length)];
      else text += String.fromCodePoint(Math.floor(next() * 0x3000));
    }
    const ids = same(text);
    assert.equal(ids[0], BOS);
    assert.equal(
      tokenizer.decode(ids, { skip_special_tokens: true }),
      text,
      `round trip of ${JSON.stringify(text)}`,
    );
  }
});

test('strings that look like special or byte tokens are text, as in llama2.c', () => {
  for (const text of ['<s>', '</s>', '<unk>', '<0x41>', 'a<s>b', '']) same(text);
  assert.deepEqual(tokenizer.encode(''), [BOS]);
});

const int64 = (values, dims) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);
const emptyPast = (batch) => {
  const past = {};
  for (let l = 0; l < config.num_hidden_layers; l++)
    for (const kind of ['key', 'value'])
      past[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
        batch,
        config.num_key_value_heads,
        0,
        config.head_dim,
      ]);
  return past;
};
/** One forward pass over a whole prompt (batch 1, no cache). */
const runPrompt = (ids) =>
  session.run({
    input_ids: int64(ids, [1, ids.length]),
    attention_mask: int64(new Array(ids.length).fill(1), [1, ids.length]),
    position_ids: int64(
      ids.map((_, i) => i),
      [1, ids.length],
    ),
    ...emptyPast(1),
  });
const presentAsPast = (out) =>
  Object.fromEntries(
    Object.entries(out)
      .filter(([name]) => name.startsWith('present.'))
      .map(([name, t]) => [name.replace('present.', 'past_key_values.'), t]),
  );
const row = (tensor, b, i) => {
  const [, seq, vocab] = tensor.dims;
  return tensor.data.subarray((b * seq + i) * vocab, (b * seq + i + 1) * vocab);
};

test(`logits match the C++ engine within ${LOGIT_TOLERANCE} at every position: whole prompt in one call, then 40 cached steps`, async () => {
  const greedy = (logits) => cpp.lk.argmax(logits);
  // The C++ side runs the prompt token by token; its steps[] are the logits after each position.
  const prompt = Array.from(cpp.model.encode('And God said, Let there be light'));
  const allPositions = [];
  for (let pos = 0; pos < prompt.length; pos++) {
    cpp.model.forward(prompt[pos], pos, cpp.logits);
    allPositions.push(cpp.logits.array.slice());
  }
  const n = prompt.length;
  const out = await runPrompt(prompt);
  let worst = 0;
  allPositions.forEach(
    (expected, i) => (worst = Math.max(worst, maxAbsDiff(row(out.logits, 0, i), expected))),
  );

  const reference = cppGenerate(cpp, prompt, 40, greedy);
  let past = presentAsPast(out);
  let last = cpp.lk.argmax(row(out.logits, 0, n - 1));
  for (let step = 0; step < reference.steps.length; step++) {
    if (step > 0) {
      const pos = n - 1 + step;
      const o = await session.run({
        input_ids: int64([last], [1, 1]),
        attention_mask: int64(new Array(pos + 1).fill(1), [1, pos + 1]),
        position_ids: int64([pos], [1, 1]),
        ...past,
      });
      past = presentAsPast(o);
      worst = Math.max(worst, maxAbsDiff(row(o.logits, 0, 0), reference.steps[step]));
      last = cpp.lk.argmax(row(o.logits, 0, 0));
    }
    if (step < reference.tokens.length)
      assert.equal(last, reference.tokens[step], `greedy token ${step}`);
  }
  console.log(
    `onnx-export: max |logit difference| vs C++ over ${n + reference.steps.length - 1} positions: ${worst.toExponential(2)}`,
  );
  assert.ok(worst <= LOGIT_TOLERANCE, `max |difference| ${worst}`);
});

test('logits match PyTorch float64 (the training script fixture) within 1e-4', async () => {
  const ids = FORWARD_FIXTURE.tokens;
  const out = await runPrompt(ids);
  FORWARD_FIXTURE.logits.forEach((expected, i) =>
    assert.ok(maxAbsDiff(row(out.logits, 0, i), expected) <= 1e-4, `position ${i}`),
  );
});

test('a left-padded batch row gives the logits of the same sequence alone (attention_mask and position_ids honoured)', async () => {
  const long = Array.from(cpp.model.encode('In the beginning God created'));
  const short = Array.from(cpp.model.encode('Jesus wept.'));
  const n = long.length;
  const pad = n - short.length;
  assert.ok(pad > 0);
  const ids = [...long, ...new Array(pad).fill(2), ...short];
  const mask = [
    ...new Array(n).fill(1),
    ...new Array(pad).fill(0),
    ...new Array(short.length).fill(1),
  ];
  const positions = [
    ...long.map((_, i) => i),
    ...new Array(pad).fill(1),
    ...short.map((_, i) => i),
  ];
  const batch = await session.run({
    input_ids: int64(ids, [2, n]),
    attention_mask: int64(mask, [2, n]),
    position_ids: int64(positions, [2, n]),
    ...emptyPast(2),
  });
  for (const [b, seq] of [
    [0, long],
    [1, short],
  ]) {
    const reference = cppGenerate(cpp, seq, 1, () => BOS).steps[0];
    const got = row(batch.logits, b, n - 1);
    assert.ok(maxAbsDiff(got, reference) <= LOGIT_TOLERANCE, `row ${b}`);
    assert.ok(got.every(Number.isFinite));
  }
});
