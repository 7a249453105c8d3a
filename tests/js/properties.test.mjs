// Property tests (fast-check) of the public API: invariants that must hold for any logits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import './property-seed.mjs';
import { ACCURACY } from './contracts.mjs';
import { loadBoth, order } from './helpers.mjs';

const { simd: lk } = await loadBoth();

// Logits as a model emits them: finite floats in a realistic range, some -Infinity (masked), at
// least one finite, plenty of ties (values on a coarse grid).
const logitsArb = fc
  .array(
    fc.oneof(
      { weight: 12, arbitrary: fc.integer({ min: -4000, max: 4000 }).map((v) => v / 100) },
      { weight: 1, arbitrary: fc.constant(-Infinity) },
    ),
    { minLength: 1, maxLength: 300 },
  )
  .filter((z) => z.some(Number.isFinite))
  .map((z) => Float32Array.from(z));
const temperatureArb = fc.oneof(fc.constant(1), fc.double({ min: 0.05, max: 20, noNaN: true }));
const runs = { numRuns: 200 };

test('softmax is unchanged when a constant is added to every logit', () => {
  fc.assert(
    fc.property(logitsArb, temperatureArb, fc.integer({ min: -50, max: 50 }), (z, t, c) => {
      const shifted = z.map((v) => v + c); // exact in float32 on this grid
      fc.pre(shifted.every((v, i) => v - c === z[i]));
      const a = lk.softmax(z, { temperature: t }),
        b = lk.softmax(shifted, { temperature: t });
      a.forEach((p, i) =>
        assert.ok(
          Math.abs(p - b[i]) <=
            ACCURACY.softmaxRelativeError * Math.max(p, ACCURACY.softmaxRelativeErrorFrom) + 1e-37,
          `p[${i}]`,
        ),
      );
    }),
    runs,
  );
});

test("topP's kept set grows monotonically with p", () => {
  fc.assert(
    fc.property(
      logitsArb,
      temperatureArb,
      fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      (z, t, p1, p2) => {
        const [low, high] = p1 <= p2 ? [p1, p2] : [p2, p1];
        const keptLow = lk.sample(z, { temperature: t, topP: low, seed: 1 }).kept;
        const keptHigh = lk.sample(z, { temperature: t, topP: high, seed: 1 }).kept;
        assert.ok(keptLow <= keptHigh, `p ${low} keeps ${keptLow} > p ${high} keeps ${keptHigh}`);
      },
    ),
    runs,
  );
});

test('topK(k) is a prefix of topK(k + 1), in the stable descending order', () => {
  fc.assert(
    fc.property(logitsArb, fc.nat(), (z, r) => {
      const k = 1 + (r % z.length);
      const a = lk.topK(z, k).indices,
        b = lk.topK(z, Math.min(k + 1, z.length)).indices;
      assert.deepEqual([...a], [...b.subarray(0, k)]);
      assert.deepEqual([...b], order(z).slice(0, b.length));
    }),
    runs,
  );
});

test('seeded runs repeat, on a fresh sampler and after reset()', () => {
  fc.assert(
    fc.property(logitsArb, fc.nat({ max: 2 ** 32 }), temperatureArb, (z, seed, t) => {
      const options = { temperature: t, topP: 0.9, minP: 0.01, repetitionPenalty: 1.2, seed };
      const a = lk.createSampler(options),
        b = lk.createSampler(options);
      const first = Array.from({ length: 5 }, () => a.sample(z).token);
      assert.deepEqual(
        Array.from({ length: 5 }, () => b.sample(z).token),
        first,
      );
      a.reset();
      assert.deepEqual(
        Array.from({ length: 5 }, () => a.sample(z).token),
        first,
      );
      a.dispose();
      b.dispose();
    }),
    { numRuns: 100 },
  );
});

test('probabilities are in [0, 1] and sum to 1; logprobs are <= 0; sampled tokens are never masked', () => {
  fc.assert(
    fc.property(logitsArb, temperatureArb, (z, t) => {
      const p = lk.softmax(z, { temperature: t });
      let sum = 0;
      p.forEach((v) => {
        assert.ok(v >= 0 && v <= 1);
        sum += v;
      });
      assert.ok(Math.abs(sum - 1) <= ACCURACY.softmaxSumError);
      lk.logSoftmax(z, { temperature: t }).forEach((v) => assert.ok(!(v > 1e-6)));
      const r = lk.sample(z, { temperature: t, topK: 20, seed: 3 });
      assert.ok(Number.isFinite(z[r.token]) && r.logprob <= 1e-6 && r.rawLogprob <= 1e-6);
    }),
    runs,
  );
});
