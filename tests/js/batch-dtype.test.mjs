// Batches (rows x V in one call, each row its own state and seed) and half-precision input
// (float16 / bfloat16 words converted in C++), on both builds.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  BatchSampler,
  HalfLogitsBuffer,
  LogitkitRangeError,
  LogitkitTypeError,
} from '../../dist/index.js';
import { loadBoth, normalLogits } from './helpers.mjs';

const { simd, baseline, both } = await loadBoth();

// float32 -> float16 / bfloat16 words, round to nearest even (test data only).
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);
function toBf16(x) {
  f32[0] = x;
  const bits = u32[0];
  return ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16) & 0xffff;
}
function fromBf16(w) {
  u32[0] = w << 16;
  return f32[0];
}
function toF16(x) {
  // Exact for the test values: multiples of 2^-8 within (-8, 8) (normal halves).
  if (x === 0) return 0;
  const sign = x < 0 ? 0x8000 : 0;
  let a = Math.abs(x);
  let e = Math.floor(Math.log2(a));
  const m = Math.round((a / 2 ** e - 1) * 1024);
  return sign | ((e + 15) << 10) | m;
}

for (const lk of both) {
  const build = lk.simd ? 'simd' : 'baseline';

  test(`${build}: a batch draws what each row's sampler draws alone, flat or as rows`, () => {
    const rows = 3,
      V = 2000;
    const z = Array.from({ length: rows }, (_, r) => normalLogits(V, 2, 10 + r));
    const flat = new Float32Array(rows * V);
    z.forEach((row, r) => flat.set(row, r * V));
    const options = {
      temperature: 0.8,
      topP: 0.9,
      repetitionPenalty: 1.2,
      mirostat: 2,
      topLogprobs: 3,
      n: 2,
    };
    const batchFlat = lk.createBatchSampler({ rows, ...options, seeds: [5, 6n, 7] });
    const batchRows = lk.createBatchSampler({ rows, ...options, seeds: [5, 6, 7] });
    const alone = [5, 6, 7].map((seed) => lk.createSampler({ ...options, seed }));
    assert.ok(batchFlat instanceof BatchSampler);
    assert.deepEqual(batchFlat.order, alone[0].order);
    for (let step = 0; step < 5; step++) {
      const a = batchFlat.sample(flat);
      const b = batchRows.sample(z);
      const c = alone.map((s, r) => s.sample(z[r]));
      assert.deepEqual(a, c, `step ${step}`);
      assert.deepEqual(b, c, `step ${step}`);
    }
    batchFlat.accept([1, 2, 3]);
    alone.forEach((s, r) => s.accept(r + 1));
    assert.deepEqual(
      batchFlat.sample(flat),
      alone.map((s, r) => s.sample(z[r])),
    );
    assert.equal(batchFlat.samplers[1].mirostatMu, alone[1].mirostatMu);
    // clone and reset
    const copy = batchFlat.clone();
    assert.deepEqual(copy.sample(flat), batchFlat.sample(flat));
    batchFlat.reset();
    alone.forEach((s) => s.reset());
    assert.deepEqual(
      batchFlat.sample(flat),
      alone.map((s, r) => s.sample(z[r])),
    );
    for (const s of [batchFlat, batchRows, copy, ...alone]) s.dispose();
    assert.throws(() => batchFlat.sample(flat), /used after dispose/);
  });

  test(`${build}: batch seeds default to seed + r; errors name the row`, () => {
    const V = 500;
    const z = normalLogits(V, 1, 3);
    const flat = new Float32Array(4 * V);
    for (let r = 0; r < 4; r++) flat.set(z, r * V);
    const batch = lk.createBatchSampler({ rows: 4, seed: 100 });
    const got = batch.sample(flat).map((r) => r.token);
    assert.deepEqual(
      got,
      [100, 101, 102, 103].map((seed) => lk.sample(z, { seed }).token),
    );
    flat[2 * V + 17] = NaN;
    assert.throws(
      () => batch.sample(flat),
      (e) => e instanceof LogitkitRangeError && /row 2\): logits\[17\] is NaN/.test(e.message),
    );
    assert.throws(() => batch.sample(new Float32Array(4 * V + 1)), /not a multiple of rows = 4/);
    assert.throws(() => batch.sample([z, z, z]), /has 3 rows, the sampler 4/);
    assert.throws(() => batch.sample([z, z, z, z.subarray(1)]), /logits\[3\] has 499 values/);
    assert.throws(() => batch.accept([1, 2]), /one per row/);
    assert.throws(
      () => lk.createBatchSampler({ rows: 2, seeds: [1] }),
      /options.seeds must be an array of 2 seeds/,
    );
    assert.throws(() => lk.createBatchSampler({ rows: 0 }), /options.rows/);
    assert.throws(
      () => lk.createBatchSampler({ rows: 2, topq: 1 }),
      (e) => e instanceof LogitkitTypeError && /unknown option "topq"/.test(e.message),
    );
    batch.dispose();
  });

  test(`${build}: float16 and bfloat16 input is converted exactly, from a Uint16Array or a half LogitsBuffer`, () => {
    const V = 1000;
    const grid = Float32Array.from(normalLogits(V, 2, 9), (v) =>
      Math.max(-7.99, Math.min(7.99, Math.round(v * 256) / 256)),
    );
    const f16 = Uint16Array.from(grid, toF16);
    const bf16 = Uint16Array.from(grid, toBf16);
    const bfValues = Float32Array.from(bf16, fromBf16);
    assert.deepEqual(lk.softmax(f16, { dtype: 'float16' }), lk.softmax(grid));
    assert.deepEqual(lk.softmax(bf16, { dtype: 'bfloat16' }), lk.softmax(bfValues));
    assert.equal(lk.argmax(f16, { dtype: 'float16' }), lk.argmax(grid));
    assert.deepEqual(lk.topK(bf16, 5, { dtype: 'bfloat16' }), lk.topK(bfValues, 5));
    assert.equal(lk.entropy(f16, { dtype: 'float16' }), lk.entropy(grid));
    const options = { temperature: 0.7, topP: 0.9, seed: 4, topLogprobs: 3 };
    assert.deepEqual(lk.sample(f16, { ...options, dtype: 'float16' }), lk.sample(grid, options));
    const s = lk.createSampler({ ...options, dtype: 'bfloat16' });
    const t = lk.createSampler(options);
    assert.deepEqual(s.sample(bf16), t.sample(bfValues));
    assert.deepEqual(s.sample(f16, { dtype: 'float16' }), t.sample(grid));
    s.dispose();
    t.dispose();
    const buf = lk.allocLogits(V, { dtype: 'float16' });
    assert.ok(buf instanceof HalfLogitsBuffer);
    assert.ok(buf.array instanceof Uint16Array);
    buf.array.set(f16);
    assert.deepEqual(lk.softmax(buf), lk.softmax(grid));
    assert.deepEqual(lk.sample(buf, options), lk.sample(grid, options));
    const batch = lk.createBatchSampler({ rows: 2, ...options });
    const two = new Uint16Array(2 * V);
    two.set(bf16);
    two.set(bf16, V);
    const rows = batch.sample(two, { dtype: 'bfloat16' });
    assert.equal(rows.length, 2);
    batch.dispose();
    // NaN / Infinity words are reported with their index; a Uint16Array needs a dtype.
    const bad = f16.slice();
    bad[42] = 0x7e00;
    assert.throws(
      () => lk.softmax(bad, { dtype: 'float16' }),
      (e) => e instanceof RangeError && e.index === 42 && /logits\[42\] is NaN/.test(e.message),
    );
    bad[42] = 0x7c00;
    assert.throws(() => lk.sample(bad, { dtype: 'float16' }), /logits\[42\] is \+Infinity/);
    assert.throws(
      () => lk.softmax(f16),
      (e) => e instanceof LogitkitTypeError && /Uint16Array: pass options.dtype/.test(e.message),
    );
    assert.throws(() => lk.softmax(f16, { dtype: 'float8' }), /options.dtype must be/);
    buf.dispose();
    assert.throws(() => buf.array, /used after dispose/);
  });
}

test('half-precision sampling is identical on the SIMD and baseline builds', () => {
  const z = normalLogits(32000, 2, 5);
  const bf16 = Uint16Array.from(z, toBf16);
  for (let seed = 0; seed < 10; seed++) {
    const options = { dtype: 'bfloat16', temperature: 0.8, topK: 50, typicalP: 0.9, seed };
    assert.deepEqual(baseline.sample(bf16, options), simd.sample(bf16, options));
  }
});
