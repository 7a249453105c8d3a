// logitkit/onnxruntime: lastPositionLogits reads exactly the last position of the chosen row of
// a float32 or float16 [batch, seq, vocab] tensor into wasm memory (and nothing more: no copy of
// the tensor on the JS side, one row of wasm memory), reuses an `out` buffer without allocating,
// and refuses malformed input with typed errors; the onnxruntime-node generation loop of
// examples/onnxruntime/ draws, seed for seed, the tokens logitkit's sampler draws on the C++ engine,
// and under a JSON Schema (a grammar matcher masking each step) writes JSON that parses and
// validates, the C++ engine's constrained tokens.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as ort from 'onnxruntime-node';
import {
  HalfLogitsBuffer,
  LogitkitRangeError,
  LogitkitTypeError,
  LogitsBuffer,
  load,
} from '../../dist/index.js';
import { lastPositionLogits } from '../../dist/onnxruntime/index.js';
import {
  PERSON_SCHEMA,
  generate,
  jsonMatcher,
  loadModel,
} from '../../examples/onnxruntime/generate.mjs';
import {
  LOGIT_TOLERANCE,
  ONNX_DIR,
  adapterFixtures,
  cppConstrained,
  cppGenerate,
  maxAbsDiff,
  toHalf,
} from './adapter-support.mjs';
import { normalLogits } from './helpers.mjs';
import { assertValidJson } from './structured-support.mjs';

const { lk, cpp, runtime: model } = await adapterFixtures(() => loadModel(ONNX_DIR));
/** A [batch, seq, vocab] float32 tensor whose element (b, s, v) is b * 1000 + s * 10 + v / vocab. */
function labelled(batch, seq, vocab) {
  const data = new Float32Array(batch * seq * vocab);
  for (let b = 0; b < batch; b++)
    for (let s = 0; s < seq; s++)
      for (let v = 0; v < vocab; v++)
        data[(b * seq + s) * vocab + v] = b * 1000 + s * 10 + v / vocab;
  return new ort.Tensor('float32', data, [batch, seq, vocab]);
}

test('float32: the last position of the chosen row, as a LogitsBuffer (row 0 by default)', () => {
  const tensor = labelled(3, 4, 50);
  for (const row of [undefined, 0, 1, 2]) {
    const buf = lastPositionLogits(lk, tensor, row === undefined ? {} : { row });
    assert.ok(buf instanceof LogitsBuffer);
    assert.equal(buf.length, 50);
    const b = row ?? 0;
    assert.deepEqual(buf.array, tensor.data.subarray((b * 4 + 3) * 50, (b * 4 + 4) * 50));
    assert.equal(lk.argmax(buf), 49);
    buf.dispose();
  }
});

test('float16: the raw words in a HalfLogitsBuffer, converted exactly by the kernels', () => {
  const vocab = 1000;
  const rows = [normalLogits(vocab, 3, 1), normalLogits(vocab, 3, 2)];
  const words = new Uint16Array(2 * 2 * vocab);
  rows.forEach((z, b) => words.set(Uint16Array.from(z, toHalf), (b * 2 + 1) * vocab));
  const tensor = new ort.Tensor('float16', words, [2, 2, vocab]);
  const buf = lastPositionLogits(lk, tensor, { row: 1 });
  assert.ok(buf instanceof HalfLogitsBuffer);
  assert.equal(buf.dtype, 'float16');
  const expected = words.subarray(3 * vocab, 4 * vocab);
  assert.deepEqual(buf.array, expected);
  assert.deepEqual(lk.softmax(buf), lk.softmax(expected, { dtype: 'float16' }));
  assert.equal(lk.argmax(buf), lk.argmax(rows[1]));
  const sampler = lk.createSampler({ temperature: 0.7, topP: 0.9, seed: 5 });
  const reference = lk.createSampler({ temperature: 0.7, topP: 0.9, seed: 5 });
  assert.equal(sampler.sample(buf).token, reference.sample(expected, { dtype: 'float16' }).token);
  sampler.dispose();
  reference.dispose();
  buf.dispose();
});

test('options.out is filled and returned, with no wasm memory growth over 1000 steps', () => {
  const tensor = labelled(2, 3, 4096);
  const out = lk.allocLogits(4096);
  lastPositionLogits(lk, tensor, { out, row: 1 });
  const bytes = lk.heap.buffer.byteLength;
  for (let i = 0; i < 1000; i++)
    assert.equal(lastPositionLogits(lk, tensor, { out, row: i % 2 }), out);
  assert.equal(lk.heap.buffer.byteLength, bytes);
  assert.deepEqual(out.array, tensor.data.subarray(5 * 4096, 6 * 4096)); // row 1, position 2
  out.dispose();
});

test('only the last row is copied: no JS-side copy of a 64 MB tensor', () => {
  const tensor = new ort.Tensor('float32', new Float32Array(8 * 16 * 128256), [8, 16, 128256]);
  tensor.data[(7 * 16 + 15) * 128256 + 5] = 3;
  const out = lk.allocLogits(128256);
  const before = process.memoryUsage().arrayBuffers;
  const wasmBefore = lk.heap.buffer.byteLength;
  lastPositionLogits(lk, tensor, { row: 7, out });
  const grown = process.memoryUsage().arrayBuffers - before;
  assert.ok(grown < 4 * 2 ** 20, `array buffers grew by ${grown} bytes`);
  assert.equal(lk.heap.buffer.byteLength, wasmBefore);
  assert.equal(lk.argmax(out), 5);
  out.dispose();
});

test('typed errors name the argument at fault', async () => {
  const ok = labelled(2, 2, 8);
  const other = await load({ simd: false });
  const cases = [
    [() => lastPositionLogits(lk, null), LogitkitTypeError, 'tensor'],
    [() => lastPositionLogits(lk, new Float32Array(8)), LogitkitTypeError, 'tensor'],
    [
      () => lastPositionLogits(lk, new ort.Tensor('int64', new BigInt64Array(8), [1, 1, 8])),
      LogitkitTypeError,
      'tensor.type',
    ],
    [
      () => lastPositionLogits(lk, new ort.Tensor('float32', new Float32Array(8), [1, 8])),
      LogitkitRangeError,
      'tensor.dims',
    ],
    [
      () => lastPositionLogits(lk, new ort.Tensor('float32', new Float32Array(0), [1, 0, 8])),
      LogitkitRangeError,
      'tensor.dims',
    ],
    [() => lastPositionLogits(lk, ok, { row: 2 }), LogitkitRangeError, 'options.row'],
    [() => lastPositionLogits(lk, ok, { row: -1 }), LogitkitRangeError, 'options.row'],
    [() => lastPositionLogits(lk, ok, { row: 0.5 }), LogitkitRangeError, 'options.row'],
    [
      () => lastPositionLogits(lk, { type: 'float32', dims: [1, 2, 8], data: new Float32Array(8) }),
      LogitkitRangeError,
      'tensor.data',
    ],
    [
      () => lastPositionLogits(lk, { type: 'float32', dims: [1, 1, 8], data: new Float64Array(8) }),
      LogitkitTypeError,
      'tensor.data',
    ],
    [
      () => lastPositionLogits(lk, { type: 'float16', dims: [1, 1, 8], data: new Float32Array(8) }),
      LogitkitTypeError,
      'tensor.data',
    ],
    [
      () =>
        lastPositionLogits(lk, {
          type: 'float32',
          dims: [1, 1, 8],
          location: 'gpu-buffer',
          data: undefined,
        }),
      LogitkitTypeError,
      'tensor.location',
    ],
    [
      () => lastPositionLogits(lk, ok, { out: lk.allocLogits(8, { dtype: 'float16' }) }),
      LogitkitTypeError,
      'options.out',
    ],
    [
      () => lastPositionLogits(lk, ok, { out: lk.allocLogits(9) }),
      LogitkitRangeError,
      'options.out',
    ],
    [
      () => lastPositionLogits(lk, ok, { out: other.allocLogits(8) }),
      LogitkitTypeError,
      'options.out',
    ],
  ];
  for (const [call, type, argument] of cases) {
    assert.throws(call, (error) => {
      assert.ok(error instanceof type, `${error.name}: ${error.message}`);
      assert.equal(error.argument, argument, error.message);
      assert.match(error.message, /^lastPositionLogits: /);
      return true;
    });
  }
  // A NaN in the row is reported by the kernel that reads it, with its index.
  const bad = labelled(1, 1, 8);
  bad.data[3] = NaN;
  const buf = lastPositionLogits(lk, bad);
  assert.throws(
    () => lk.softmax(buf),
    (e) => e instanceof LogitkitRangeError && e.index === 3,
  );
  buf.dispose();
});

test('the onnxruntime-node loop (KV cache) draws, seed for seed, what logitkit draws on the C++ engine; logits agree at every step', async () => {
  const sampling = { temperature: 0.8, topP: 0.95, repetitionPenalty: 1.1, seed: 42 };
  const steps = [];
  const onnx = await generate(lk, model, 'And God said', {
    maxNewTokens: 60,
    sampling,
    onStep: (logits) => steps.push(logits.array.slice()),
  });
  const sampler = cpp.lk.createSampler(sampling);
  const prompt = Array.from(cpp.model.encode('And God said'));
  for (const t of prompt) sampler.accept(t);
  const reference = cppGenerate(cpp, prompt, 60, (logits) => sampler.sample(logits).token);
  sampler.dispose();
  assert.deepEqual(onnx.tokens, reference.tokens);
  assert.ok(onnx.tokens.length >= 20, 'a real continuation');
  let worst = 0;
  reference.steps.forEach(
    (expected, i) => (worst = Math.max(worst, maxAbsDiff(steps[i], expected))),
  );
  assert.ok(worst <= LOGIT_TOLERANCE, `max |difference| ${worst}`);

  const greedy = await generate(lk, model, 'In the beginning', {
    maxNewTokens: 40,
    sampling: { temperature: 0 },
  });
  const cppGreedy = cppGenerate(cpp, 'In the beginning', 40, (logits) => cpp.lk.argmax(logits));
  assert.deepEqual(greedy.tokens, cppGreedy.tokens);
});

test("constrained JSON: the KV-cache loop under a JSON Schema writes JSON that parses and validates, the C++ engine's constrained tokens", async () => {
  // The KJV model has never seen JSON; the grammar makes every output parse anyway.
  for (const seed of [1, 2, 3, 4, 5]) {
    const sampling = { temperature: 0.9, topP: 0.95, seed };
    const grammar = await jsonMatcher(lk, model, PERSON_SCHEMA, { whitespace: 'compact' });
    const onnx = await generate(lk, model, 'And Adam lived', {
      maxNewTokens: 200,
      sampling,
      grammar,
    });
    assert.ok(grammar.isTerminated(), `seed ${seed}: ended with a stop token`);
    assertValidJson(onnx.reply, PERSON_SCHEMA, `seed ${seed}`);
    grammar.reset();
    const sampler = cpp.lk.createSampler(sampling);
    const prompt = Array.from(cpp.model.encode('And Adam lived'));
    for (const t of prompt) sampler.accept(t);
    const reference = cppConstrained(cpp, prompt, grammar, sampler, 200);
    sampler.dispose();
    grammar.dispose();
    assert.deepEqual(onnx.tokens, reference.tokens, `seed ${seed}`);
  }
});
