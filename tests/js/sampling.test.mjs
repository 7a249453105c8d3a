// Sampling semantics (README, Sampling): the kept set of every filter, logprob and rawLogprob, chi-square
// tests on frequencies, seeded reproducibility across builds, and the stateful Sampler.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ACCURACY } from './contracts.mjs';
import { chiSquare, loadBoth, normalLogits, refKept, refLogSumExp } from './helpers.mjs';

const { simd, baseline, both } = await loadBoth();

const CONFIGS = [
  {},
  { temperature: 0.8, topP: 0.95 },
  { temperature: 0.7, topK: 50 },
  { topK: 40, topP: 0.9 },
  { temperature: 1.2, minP: 0.05 },
  { topP: 0.5, minP: 0.1 },
  { topK: 10, topP: 0.3, minP: 0.2, minTokensToKeep: 5 },
  { topP: 1e-6 },
  { topP: 1e-6, minTokensToKeep: 3 },
  { temperature: 2, topP: 0.999 },
];

for (const lk of both) {
  const build = lk.simd ? 'simd' : 'baseline';

  test(`${build}: each filter keeps the float64 reference set; logprob and rawLogprob match`, () => {
    for (const n of [1, 2, 5, 17, 300, 5000, 32000]) {
      for (const sigma of [0.3, 3]) {
        const z = normalLogits(n, sigma, 31 * n);
        for (let i = 0; i < n; i += 13) z[i] = z[0]; // ties at the boundary
        for (const config of CONFIGS) {
          const r = lk.sample(z, { ...config, seed: 5, topLogprobs: Math.min(n, 64) });
          const { kept, ord, p } = refKept(z, config);
          const where = `n=${n} sigma=${sigma} ${JSON.stringify(config)}`;
          assert.equal(r.kept, kept, where);
          assert.ok(
            ord.slice(0, kept).includes(r.token),
            `${where}: token ${r.token} was filtered out`,
          );
          let mass = 0;
          for (let j = 0; j < kept; j++) mass += p[ord[j]];
          assert.ok(
            Math.abs(r.logprob - Math.log(p[r.token] / mass)) <=
              ACCURACY.sampleLogprobAbsoluteError,
            `${where}: logprob`,
          );
          assert.ok(
            Math.abs(r.rawLogprob - (z[r.token] - refLogSumExp(z))) <=
              ACCURACY.sampleLogprobAbsoluteError,
            `${where}: rawLogprob`,
          );
          r.topLogprobs.indices.forEach((idx, j) => {
            assert.equal(idx, ord[j], `${where}: top ${j}`);
            const lp = r.topLogprobs.logprobs[j];
            if (j < kept)
              assert.ok(
                Math.abs(lp - Math.log(p[idx] / mass)) <= 2e-5,
                `${where}: top logprob ${j}`,
              );
            else assert.equal(lp, -Infinity);
          });
        }
      }
    }
  });

  test(`${build}: topK <= 0 or >= V keeps everything; topP = 1 disables`, () => {
    const z = normalLogits(100, 1, 3);
    for (const options of [{ topK: 0 }, { topK: -3 }, { topK: 100 }, { topK: 1000 }, { topP: 1 }]) {
      assert.equal(lk.sample(z, { ...options, seed: 1 }).kept, 100, JSON.stringify(options));
    }
  });

  test(`${build}: draw frequencies follow the filtered distribution (chi-square, p = 0.001)`, () => {
    const z = [2.0, 1.5, 1.0, 0.5, 0.0, -0.5, -1.0, -Infinity, 0.25, 1.25];
    // 27.88 is the 0.999 quantile of chi-square with 9 degrees of freedom (fewer cells only lower it).
    for (const config of [
      {},
      { temperature: 0.8, topP: 0.9 },
      { temperature: 1.5, topK: 4 },
      { minP: 0.3 },
    ]) {
      const sampler = lk.createSampler({ ...config, seed: 2024 });
      const draws = 20000;
      const counts = new Array(z.length).fill(0);
      for (let d = 0; d < draws; d++) counts[sampler.sample(z).token]++;
      sampler.dispose();
      const { kept, ord, p } = refKept(z, config);
      const expected = new Array(z.length).fill(0);
      let mass = 0;
      for (let j = 0; j < kept; j++) mass += p[ord[j]];
      for (let j = 0; j < kept; j++) expected[ord[j]] = p[ord[j]] / mass;
      counts.forEach((c, i) => {
        if (expected[i] === 0) assert.equal(c, 0, `token ${i} is filtered`);
      });
      assert.ok(chiSquare(counts, expected, draws) < 27.88, JSON.stringify(config));
    }
  });

  test(`${build}: logitBias is added before everything; -Infinity bans`, () => {
    assert.equal(
      lk.sample([5, 0, 0], { temperature: 0, logitBias: { 0: -Infinity, 2: 1 } }).token,
      2,
    );
    assert.equal(lk.sample([5, 0, 0], { temperature: 0, logit_bias: new Map([[1, 10]]) }).token, 1);
    const r = lk.sample([0, 0], { logitBias: { 1: Math.log(3) }, seed: 1 });
    const want = r.token === 1 ? Math.log(0.75) : Math.log(0.25);
    assert.ok(Math.abs(r.logprob - want) < 1e-6);
    assert.ok(Math.abs(r.rawLogprob - Math.log(0.5)) < 1e-6);
  });

  test(`${build}: Sampler penalties see the history; reset restarts the seed's stream`, () => {
    const s = lk.createSampler({
      temperature: 0,
      repetitionPenalty: 2,
      presencePenalty: 0.25,
      frequencyPenalty: 0.125,
      topLogprobs: 4,
    });
    for (const t of [0, 0, 1]) s.accept(t);
    // token 0: 2/2 - 0.25 - 2*0.125 = 0.5; token 1: -2*2 - 0.25 - 0.125 = -4.375; token 3 stays 1.9
    const r = s.sample([2, -2, 0, 1.9]);
    assert.equal(r.token, 3);
    s.dispose();

    const seeded = lk.createSampler({ temperature: 0.9, topP: 0.95, seed: 7 });
    const z = normalLogits(1000, 1, 3);
    const first = Array.from({ length: 30 }, () => seeded.sample(z).token);
    seeded.reset();
    const again = Array.from({ length: 30 }, () => seeded.sample(z).token);
    assert.deepEqual(again, first);
    assert.equal(seeded.seed, 7n);
    seeded.dispose();
  });
}

test('seeded draws are identical on the SIMD and baseline builds', () => {
  for (const [n, sigma] of [
    [10, 1],
    [1000, 0.5],
    [32000, 2],
    [128256, 3],
  ]) {
    const z = normalLogits(n, sigma, n + 1);
    for (const config of CONFIGS) {
      for (let seed = 0; seed < 20; seed++) {
        const a = simd.sample(z, { ...config, seed });
        const b = baseline.sample(z, { ...config, seed });
        assert.deepEqual(b, a, `n=${n} seed=${seed} ${JSON.stringify(config)}`);
      }
    }
  }
});

test('the same seed repeats; without a seed, draws vary', () => {
  const z = new Float32Array(1000); // uniform: 1000 equally likely tokens
  assert.equal(simd.sample(z, { seed: 42 }).token, simd.sample(z, { seed: 42 }).token);
  assert.equal(simd.sample(z, { seed: 42n }).token, simd.sample(z, { seed: 42 }).token);
  const tokens = new Set(Array.from({ length: 20 }, () => simd.sample(z).token));
  assert.ok(tokens.size > 10, `unseeded draws repeat too often: ${[...tokens]}`);
});
