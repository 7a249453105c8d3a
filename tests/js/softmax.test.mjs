// softmax, logSoftmax, logSumExp, entropy, argmax, topK, topLogprobs through the public API,
// on both builds, against float64 references and the seed article's tables.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCURACY } from './contracts.mjs';
import { loadBoth, normalLogits, order, refLogSumExp, refSoftmax } from './helpers.mjs';

const { both } = await loadBoth();
const ARTICLE = [8, 6, 5, -1]; // Paris, London, Rome, banana

for (const lk of both) {
  const build = lk.simd ? 'simd' : 'baseline';

  test(`${build}: the seed article's temperature table, to 4 decimals`, () => {
    // T = 1 Paris is 0.8437 (exp(8)/sum = 0.843707); the article's 0.8438 is a rounding slip.
    const tables = {
      0.5: [0.9796, 0.0179, 0.0024, 0.0],
      1: [0.8437, 0.1142, 0.042, 0.0001],
      2: [0.6242, 0.2296, 0.1393, 0.0069],
    };
    for (const [t, want] of Object.entries(tables)) {
      const p = lk.softmax(ARTICLE, { temperature: Number(t) });
      want.forEach((w, i) =>
        assert.ok(Math.abs(p[i] - w) <= 0.00005, `T=${t} token ${i}: ${p[i]} vs ${w}`),
      );
      const exact = refSoftmax(ARTICLE, Number(t));
      exact.forEach((w, i) =>
        assert.ok(
          Math.abs(p[i] - w) <= ACCURACY.softmaxRelativeError * w,
          `T=${t} token ${i} vs float64`,
        ),
      );
    }
  });

  test(`${build}: the accuracy contracts at sizes around the vector tile`, () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 1000, 32000, 128256, 262144]) {
      const z = normalLogits(n, 3, n);
      for (const t of [1, 0.6, 1.7]) {
        const p = lk.softmax(z, { temperature: t });
        const lp = lk.logSoftmax(z, { temperature: t });
        const want = refSoftmax(z, t);
        const lse = refLogSumExp(z, t);
        let sum = 0;
        for (let i = 0; i < n; i++) {
          sum += p[i];
          if (want[i] >= ACCURACY.softmaxRelativeErrorFrom)
            assert.ok(
              Math.abs(p[i] - want[i]) <= ACCURACY.softmaxRelativeError * want[i],
              `n=${n} T=${t} p[${i}]`,
            );
          const wantLp = z[i] / t - lse;
          if (wantLp >= ACCURACY.logSoftmaxErrorFrom)
            assert.ok(
              Math.abs(lp[i] - wantLp) <= ACCURACY.logSoftmaxAbsoluteError,
              `n=${n} T=${t} logp[${i}]`,
            );
        }
        assert.ok(Math.abs(sum - 1) <= ACCURACY.softmaxSumError, `n=${n} sum ${sum}`);
        assert.ok(
          Math.abs(lk.logSumExp(z, { temperature: t }) - lse) <= 1e-6 * Math.max(1, Math.abs(lse)),
        );
      }
    }
  });

  test(`${build}: temperature 0 is greedy`, () => {
    assert.deepEqual([...lk.softmax([1, 3, 3, -Infinity], { temperature: 0 })], [0, 1, 0, 0]);
    assert.deepEqual([...lk.logSoftmax([1, 3, 3], { temperature: 0 })], [-Infinity, 0, -Infinity]);
    assert.equal(lk.entropy([1, 3, 3], { temperature: 0 }), 0);
    assert.equal(lk.sample([1, 3, 3], { temperature: 0 }).token, 1);
    assert.equal(lk.sample([1, 3, 3], { temperature: 0 }).logprob, 0);
  });

  test(`${build}: -Infinity logits are masked tokens`, () => {
    const p = lk.softmax([1, -Infinity, 2]);
    assert.equal(p[1], 0);
    assert.equal(lk.logSoftmax([1, -Infinity, 2])[1], -Infinity);
    const want = refSoftmax([1, 2]);
    assert.ok(Math.abs(p[0] - want[0]) < 1e-7 && Math.abs(p[2] - want[1]) < 1e-7);
    assert.ok(Number.isFinite(lk.entropy([1, -Infinity, 2])));
  });

  test(`${build}: entropy in nats and bits`, () => {
    const z = normalLogits(5000, 2, 9);
    const want = -refSoftmax(z).reduce((h, p) => h + (p > 0 ? p * Math.log(p) : 0), 0);
    assert.ok(Math.abs(lk.entropy(z) - want) <= ACCURACY.entropyRelativeError * want);
    assert.ok(
      Math.abs(lk.entropy(z, { base: 2 }) - want / Math.LN2) <=
        ACCURACY.entropyRelativeError * want,
    );
    assert.ok(Math.abs(lk.entropy(new Float32Array(1024)) - Math.log(1024)) < 1e-6);
  });

  test(`${build}: argmax, topK and topLogprobs order by value, ties to the lower index`, () => {
    assert.equal(lk.argmax([0, 5, 2, 5]), 1);
    const z = normalLogits(20000, 2, 4);
    for (let i = 0; i < z.length; i += 9) z[i] = 1.25; // ties
    const ord = order(z);
    for (const k of [1, 5, 50, 1000]) {
      const { indices, values } = lk.topK(z, k);
      assert.deepEqual([...indices], ord.slice(0, k));
      assert.deepEqual(
        [...values],
        ord.slice(0, k).map((i) => z[i]),
      );
    }
    assert.equal(lk.topK([3, 1, 2], 10).indices.length, 3);
    const lse = refLogSumExp(z, 0.7);
    const top = lk.topLogprobs(z, 20, { temperature: 0.7 });
    assert.deepEqual([...top.indices], ord.slice(0, 20));
    top.logprobs.forEach((lp, j) =>
      assert.ok(Math.abs(lp - (z[ord[j]] / 0.7 - lse)) <= ACCURACY.logSoftmaxAbsoluteError),
    );
  });

  test(`${build}: inputs as number[], Float32Array, Float64Array and LogitsBuffer agree`, () => {
    const z = normalLogits(1000, 2, 77);
    const buf = lk.allocLogits(z.length);
    buf.array.set(z);
    const a = lk.softmax(z);
    assert.deepEqual(lk.softmax(Array.from(z)), a);
    assert.deepEqual(lk.softmax(Float64Array.from(z)), a);
    assert.deepEqual(lk.softmax(buf), a);
    buf.dispose();
  });
}
