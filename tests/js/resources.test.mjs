// Resource safety: long loops allocate nothing after warm-up, samplers and buffers come and go
// without growth, separate instances run in several worker threads at once, and V spans 1 to 2^22.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { load } from '../../dist/index.js';
import { ACCURACY } from './contracts.mjs';
import { normalLogits, refSoftmax } from './helpers.mjs';

/** wasm memory size in bytes (it only ever grows). */
const memorySize = (buf) => buf.array.buffer.byteLength;

test('a million calls in a loop: no wasm memory growth after warm-up', async () => {
  const lk = await load();
  const z = normalLogits(16, 2, 1);
  const buf = lk.allocLogits(16);
  const out = lk.allocLogits(16);
  buf.array.set(z);
  const sampler = lk.createSampler({
    temperature: 0.8,
    topP: 0.9,
    topK: 8,
    repetitionPenalty: 1.1,
    seed: 1,
  });
  const warm = () => {
    lk.softmax(buf, { out });
    lk.logSoftmax(buf, { out });
    lk.topK(buf, 4);
    sampler.sample(buf);
    lk.sample(z, { seed: 2, topLogprobs: 4 });
  };
  for (let i = 0; i < 1000; i++) warm();
  const size = memorySize(buf);
  for (let i = 0; i < 200_000; i++) warm(); // 5 calls each: a million in all
  assert.equal(memorySize(buf), size);
  sampler.dispose();
  buf.dispose();
  out.dispose();
});

test('ten thousand samplers and buffers created and disposed: no growth', async () => {
  const lk = await load();
  const probe = lk.allocLogits(4);
  const z = normalLogits(1000, 1, 2);
  const cycle = () => {
    const s = lk.createSampler({
      topP: 0.9,
      seed: 3,
      logitBias: { 1: 2 },
      bad_words_ids: [[5, 6]],
    });
    s.sample(z);
    s.dispose();
    const b = lk.allocLogits(1000);
    b.dispose();
  };
  for (let i = 0; i < 200; i++) cycle();
  const size = memorySize(probe);
  for (let i = 0; i < 10_000; i++) cycle();
  assert.equal(memorySize(probe), size);
  probe.dispose();
});

test('separate instances in four worker threads at once agree with the main thread', async () => {
  const lk = await load();
  const z = normalLogits(32000, 2, 9);
  const want = Array.from(
    { length: 4 },
    (_, w) => lk.sample(z, { temperature: 0.8, topP: 0.95, seed: 100 + w }).token,
  );
  const source = `
    const { parentPort, workerData } = require('node:worker_threads');
    (async () => {
      const { load } = await import(workerData.entry);
      const lk = await load();
      const z = Float32Array.from(workerData.z);
      const tokens = [];
      for (let i = 0; i < 50; i++) tokens.push(lk.sample(z, { temperature: 0.8, topP: 0.95, seed: workerData.seed }).token);
      parentPort.postMessage(tokens);
    })();`;
  const entry = new URL('../../dist/index.js', import.meta.url).href;
  const results = await Promise.all(
    want.map(
      (_, w) =>
        new Promise((resolve, reject) => {
          const worker = new Worker(source, {
            eval: true,
            workerData: { entry, z: Array.from(z), seed: 100 + w },
          });
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    ),
  );
  results.forEach((tokens, w) =>
    assert.ok(
      tokens.every((t) => t === want[w]),
      `worker ${w}`,
    ),
  );
});

test('V from 1 up to 2^22', async () => {
  const lk = await load();
  for (let log2 = 0; log2 <= 22; log2 += 1) {
    for (const n of new Set([1 << log2, (1 << log2) + 1])) {
      if (n > 1 << 22) continue;
      const buf = lk.allocLogits(n);
      buf.array.set(normalLogits(n, 2, n));
      const p = lk.softmax(buf);
      let sum = 0;
      for (const v of p) sum += v;
      assert.ok(Math.abs(sum - 1) <= ACCURACY.softmaxSumError, `V=${n}: sum ${sum}`);
      const r = lk.sample(buf, { temperature: 0.8, topP: 0.95, seed: 7 });
      assert.ok(r.token >= 0 && r.token < n && r.logprob <= 0, `V=${n}`);
      if (n <= 4096) {
        const want = refSoftmax(buf.array);
        want.forEach((w, i) => {
          if (w >= ACCURACY.softmaxRelativeErrorFrom)
            assert.ok(Math.abs(p[i] - w) <= ACCURACY.softmaxRelativeError * w, `V=${n} p[${i}]`);
        });
      }
      buf.dispose();
    }
  }
});
