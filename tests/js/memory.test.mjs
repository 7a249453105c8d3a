// The zero-copy path: LogitsBuffers survive wasm memory growth, in-place calls allocate nothing,
// and the documented API surface exists.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { load, LogitsBuffer, Sampler, simdSupported } from '../../dist/index.js';
import { ACCURACY } from './contracts.mjs';
import { normalLogits, refSoftmax } from './helpers.mjs';

test('every name of the documented API exists', async () => {
  const lk = await load();
  for (const name of [
    'softmax',
    'logSoftmax',
    'logSumExp',
    'argmax',
    'topK',
    'topLogprobs',
    'entropy',
    'sample',
    'createSampler',
    'allocLogits',
  ]) {
    assert.equal(typeof lk[name], 'function', name);
  }
  assert.equal(typeof lk.simd, 'boolean');
  assert.equal(lk.simd, simdSupported());
  const s = lk.createSampler({ seed: 1 });
  assert.ok(s instanceof Sampler);
  for (const name of ['sample', 'accept', 'reset', 'dispose'])
    assert.equal(typeof s[name], 'function', name);
  s.dispose();
});

test('load() takes { simd: false }, wasmBinary and wasmUrl', async () => {
  assert.equal((await load({ simd: false })).simd, false);
  const bytes = await readFile(new URL('../../dist/wasm/logitkit-baseline.wasm', import.meta.url));
  const fromBytes = await load({ simd: false, wasmBinary: bytes });
  assert.deepEqual(fromBytes.softmax([1, 2]), (await load()).softmax([1, 2]));
  const fromUrl = await load({
    simd: true,
    wasmUrl: new URL('../../dist/wasm/logitkit-simd.wasm', import.meta.url),
  });
  assert.equal(fromUrl.argmax([1, 3, 2]), 1);
});

test('LogitsBuffers stay valid when wasm memory grows', async () => {
  const lk = await load();
  const buf = lk.allocLogits(1000);
  const z = normalLogits(1000, 2, 1);
  buf.array.set(z);
  const before = buf.array.buffer;
  const big = [];
  for (let i = 0; i < 8; i++) big.push(lk.allocLogits(1 << 20)); // 32 MiB: forces growth
  assert.notEqual(buf.array.buffer, before, 'memory should have grown');
  assert.deepEqual(buf.array, z);
  const p = lk.softmax(buf);
  refSoftmax(z).forEach((w, i) =>
    assert.ok(Math.abs(p[i] - w) <= ACCURACY.softmaxRelativeError * w),
  );
  for (const b of big) b.dispose();
  buf.dispose();
});

test('in place on a LogitsBuffer: no copy, no allocation, no memory growth in steady state', async () => {
  const lk = await load();
  const n = 128256;
  const buf = lk.allocLogits(n);
  const out = lk.allocLogits(n);
  const sampler = lk.createSampler({ temperature: 0.8, topP: 0.95, seed: 1 });
  buf.array.set(normalLogits(n, 2, 5));
  lk.softmax(buf, { out }); // warm-up
  sampler.sample(buf);
  const memory = buf.array.buffer;
  const size = memory.byteLength;
  for (let i = 0; i < 200; i++) {
    assert.equal(lk.softmax(buf, { out }), out.array);
    lk.logSoftmax(buf, { out });
    sampler.sample(buf);
  }
  assert.equal(buf.array.buffer, memory);
  assert.equal(memory.byteLength, size);
  // out may alias the input: softmax in place.
  const copy = buf.array.slice();
  lk.softmax(buf, { out: buf });
  refSoftmax(copy).forEach((w, i) => {
    if (w > ACCURACY.softmaxRelativeErrorFrom)
      assert.ok(Math.abs(buf.array[i] - w) <= ACCURACY.softmaxRelativeError * w);
  });
  assert.ok(buf instanceof LogitsBuffer);
  sampler.dispose();
  buf.dispose();
  out.dispose();
});

test('a Float32Array `out` receives the result', async () => {
  const lk = await load();
  const out = new Float32Array(4);
  assert.equal(lk.softmax([8, 6, 5, -1], { out }), out);
  assert.ok(Math.abs(out[0] - 0.843707) < 1e-6);
  assert.throws(
    () => lk.softmax([1, 2, 3], { out: new Float32Array(2) }),
    /options.out holds 2 values, logits has 3/,
  );
});

test('load() names the URL when it does not serve WebAssembly', async () => {
  const notWasm = new URL('../../README.md', import.meta.url);
  await assert.rejects(load({ wasmUrl: notWasm }), (error) => {
    assert.equal(error.name, 'LogitkitStateError');
    assert.match(
      error.message,
      /cannot instantiate the (SIMD|baseline) WebAssembly module from .*README\.md/,
    );
    return true;
  });
  assert.equal((await load()).argmax([0, 2, 1]), 1); // and loading still works afterwards
});
