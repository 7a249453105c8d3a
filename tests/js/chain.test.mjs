// The sampler chain through the JS API, against float64 references of each stage written from its
// reference implementation (chain-reference.mjs): every filter alone and in chains (HF and llama.cpp
// orders), mirostat's mu, XTC's and Gumbel's Philox draws, history-driven processors, outputs,
// clone, options, and SIMD-versus-baseline identity for every stage.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogitkitRangeError, LogitkitTypeError, ORDER_PRESETS } from '../../dist/index.js';
import * as ref from './chain-reference.mjs';
import { assertMatches, loadBoth, normalLogits, observe } from './helpers.mjs';

const { simd, baseline, both } = await loadBoth();

function runCase(lk, z, options, { history = [], order } = {}) {
  const s = lk.createSampler({ ...options, topLogprobs: z.length, ...(order ? { order } : {}) });
  for (const t of history) s.accept(t);
  const where = JSON.stringify(options) + (order ? ` order=${order}` : '');
  assertMatches(
    observe(s, z),
    ref.referenceChain(z, options, {
      history,
      order: order === 'llama.cpp' ? ref.LLAMA_ORDER : ref.STAGES,
    }),
    where,
    { ordered: true },
  );
  s.dispose();
}

for (const lk of both) {
  const build = lk.simd ? 'simd' : 'baseline';

  test(`${build}: each filter alone keeps the reference set (typicalP, epsilon, eta, topNSigma, dynatemp)`, () => {
    for (const n of [7, 300, 3000]) {
      for (const sigma of [1, 3]) {
        const z = normalLogits(n, sigma, 100 + n);
        for (const temperature of [1, 0.7]) {
          for (const minTokensToKeep of [1, 3]) {
            const base = { temperature, minTokensToKeep, seed: 3 };
            for (const typicalP of [0.2, 0.5, 0.9, 0.99]) runCase(lk, z, { ...base, typicalP });
            for (const v of [1e-4, 3e-3, 0.02, 0.2]) {
              runCase(lk, z, { ...base, epsilonCutoff: v });
              runCase(lk, z, { ...base, etaCutoff: v });
            }
            for (const topNSigma of [0.5, 1, 2]) runCase(lk, z, { ...base, topNSigma });
            for (const dynatempRange of [0.3, 0.9]) {
              for (const dynatempExponent of [0.5, 1, 2])
                runCase(lk, z, { ...base, dynatempRange, dynatempExponent, topK: 20 });
            }
          }
        }
      }
    }
  });

  test(`${build}: XTC fires when its Philox draw (stream 1) is <= xtcProbability and drops the reference tokens`, () => {
    const z = normalLogits(500, 3, 7);
    let fired = 0;
    for (let seed = 0; seed < 30; seed++) {
      for (const xtcThreshold of [0.01, 0.05, 0.1]) {
        const options = { xtcProbability: 0.5, xtcThreshold, seed };
        runCase(lk, z, options);
        if (ref.referenceChain(z, options).length < z.length) fired++;
      }
    }
    assert.ok(fired > 15 && fired < 75, `fired ${fired} of 90`);
  });

  test(`${build}: chains of several filters match the reference chain in the 'hf' and 'llama.cpp' orders`, () => {
    const z = normalLogits(4000, 2.5, 9);
    for (const order of ['hf', 'llama.cpp']) {
      for (let v = 0; v < 6; v++) {
        runCase(
          lk,
          z,
          {
            seed: 50 + v,
            temperature: 0.8,
            topK: v % 2 ? 0 : 200,
            topP: 0.95,
            minP: 0.01,
            minTokensToKeep: 2,
            ...(v >= 2 ? { typicalP: 0.9 } : {}),
            ...(v === 3 ? { epsilonCutoff: 1e-3 } : {}),
            ...(v === 4 ? { etaCutoff: 1e-3 } : {}),
            ...(v >= 4 ? { topNSigma: 1.5 } : {}),
            ...(v === 5 ? { xtcProbability: 1, xtcThreshold: 0.02 } : {}),
          },
          { order },
        );
      }
    }
  });

  test(`${build}: mirostat v1 and v2 follow the reference truncation and mu update; reset restores 2 tau`, () => {
    const z = normalLogits(2000, 2, 11);
    for (const mirostat of [1, 2]) {
      const options = { mirostat, mirostatTau: 3, mirostatEta: 0.2, temperature: 0.9, seed: 4 };
      const s = lk.createSampler({ ...options, topLogprobs: z.length });
      let mu = 6;
      assert.equal(s.mirostatMu, 6);
      for (let step = 0; step < 20; step++) {
        const seen = observe(s, z);
        const want = ref.referenceChain(z, options, { mu, call: step });
        assertMatches(seen, want, `mirostat ${mirostat} step ${step}`, { ordered: true });
        const p = ref.probs(want)[want.findIndex((x) => x.id === seen.r.token)];
        mu -= 0.2 * (-Math.log2(p) - 3);
        assert.ok(
          Math.abs(s.mirostatMu - mu) <= 1e-5 * Math.abs(mu),
          `mu ${s.mirostatMu} vs ${mu}`,
        );
      }
      s.reset();
      assert.equal(s.mirostatMu, 6);
      s.dispose();
    }
  });

  test(`${build}: history-driven processors (DRY, no-repeat n-gram, bad words, penalties, allowed ids) match`, () => {
    const z = normalLogits(64, 1.5, 21);
    const history = [];
    for (let i = 0; i < 40; i++) history.push(((i * 7) % 13) + (i % 9 === 0 ? 20 : 0));
    history.push(3, 10, 4, 11, 3, 10, 4);
    for (const noRepeatNgramSize of [1, 2, 3, 4])
      runCase(lk, z, { noRepeatNgramSize, seed: 1 }, { history });
    for (const dryMultiplier of [0.8, 2]) {
      for (const dryAllowedLength of [1, 2, 3]) {
        for (const dryPenaltyLastN of [-1, 16, 5]) {
          for (const drySequenceBreakers of [[], [[10]], [[10], [4, 11]]]) {
            runCase(
              lk,
              z,
              { dryMultiplier, dryAllowedLength, dryPenaltyLastN, drySequenceBreakers, seed: 2 },
              { history },
            );
          }
        }
      }
    }
    runCase(
      lk,
      z,
      { badWordsIds: [[5], [4, 11], [10, 4, 12], [3, 10, 4, 13], [35, 1]], seed: 3 },
      { history },
    );
    runCase(
      lk,
      z,
      {
        allowedTokenIds: [2, 5, 9, 33, 60],
        logitBias: { 5: 2, 9: -Infinity },
        repetitionPenalty: 1.3,
        presencePenalty: 0.2,
        frequencyPenalty: 0.1,
        penaltyLastN: 20,
        seed: 4,
      },
      { history },
    );
    runCase(
      lk,
      z,
      {
        logitBias: { 1: 1.5 },
        badWordsIds: [[4, 11]],
        noRepeatNgramSize: 3,
        repetitionPenalty: 1.2,
        penaltyLastN: 32,
        dryMultiplier: 0.8,
        temperature: 0.7,
        topK: 30,
        topP: 0.9,
        seed: 5,
      },
      { history, order: 'llama.cpp' },
    );
  });

  test(`${build}: n distinct samples are the Gumbel top-k with Philox keys from stream 2`, () => {
    const z = normalLogits(1000, 2, 31);
    const options = { temperature: 0.9, topK: 50, n: 6, seed: 12 };
    const s = lk.createSampler(options);
    for (let call = 0; call < 4; call++) {
      const r = s.sample(z);
      assert.equal(r.samples.tokens.length, 6);
      assert.equal(r.token, r.samples.tokens[0]);
      assert.equal(new Set(r.samples.tokens).size, 6);
      const kept = ref.referenceChain(z, options);
      const keys = kept
        .map((x) => ({
          id: x.id,
          key: x.z - kept[0].z - Math.log(-Math.log(ref.uniformStream(12, call, 2, x.id))),
        }))
        .sort((a, b) => b.key - a.key || a.id - b.id);
      assert.deepEqual(
        [...r.samples.tokens],
        keys.slice(0, 6).map((k) => k.id),
      );
      const p = ref.probs(kept);
      r.samples.tokens.forEach((t, j) => {
        assert.ok(
          Math.abs(r.samples.logprobs[j] - Math.log(p[kept.findIndex((x) => x.id === t)])) < 2e-5,
        );
      });
    }
    // Fewer kept tokens than n: all of them.
    assert.equal(lk.sample(z, { topK: 3, n: 5, seed: 1 }).samples.tokens.length, 3);
    s.dispose();
  });

  test(`${build}: rank and logprobsMode`, () => {
    const z = normalLogits(500, 2, 41);
    const raw = lk.sample(z, {
      temperature: 0.5,
      topK: 3,
      topLogprobs: 10,
      logprobsMode: 'raw',
      seed: 3,
    });
    assert.deepEqual(raw.topLogprobs, lk.topLogprobs(z, 10));
    const processed = lk.sample(z, { temperature: 0.5, topK: 3, topLogprobs: 10, seed: 3 });
    assert.equal(processed.token, raw.token);
    assert.deepEqual(processed.topLogprobs.logprobs.slice(3), new Float32Array(7).fill(-Infinity));
    assert.equal(processed.topLogprobs.indices[processed.rank - 1], processed.token);
    // Ties: the lower token id ranks first.
    const tied = lk.sample([1, 3, 3, 3], { temperature: 0, seed: 1 });
    assert.equal(tied.token, 1);
    assert.equal(tied.rank, 1);
    for (let seed = 0; seed < 20; seed++) {
      const r = lk.sample([1, 3, 3, 3], { seed });
      assert.equal(r.rank, r.token === 0 ? 4 : r.token);
    }
  });
}

test('order presets, sampler.order, and order errors', () => {
  const s = simd.createSampler({
    order: 'llama.cpp',
    temperature: 0.8,
    top_k: 40,
    min_p: 0.05,
    repeat_penalty: 1.1,
    dry_multiplier: 0.8,
  });
  assert.deepEqual(s.order, ['penalties', 'dry', 'topK', 'minP', 'temperature']);
  s.dispose();
  const h = simd.createSampler({
    temperature: 0.8,
    topK: 40,
    minP: 0.05,
    typicalP: 0.9,
    repetitionPenalty: 1.1,
  });
  assert.deepEqual(h.order, ['penalties', 'temperature', 'topK', 'minP', 'typicalP']);
  h.dispose();
  assert.deepEqual(
    ORDER_PRESETS['llama.cpp'].slice(11, 20), // after the eleven processors (the grammar first)
    'topNSigma topK typicalP topP minP epsilon eta xtc temperature'.split(' '),
  );
  // llama.cpp server spellings in `samplers`.
  const l = simd.createSampler({
    samplers: ['penalties', 'top_k', 'typ_p', 'top_p', 'min_p', 'temperature'],
    top_k: 5,
    temperature: 0.5,
  });
  assert.deepEqual(l.order, ['topK', 'temperature']);
  l.dispose();
  const z = normalLogits(1000, 2, 3);
  // Temperature last (llama.cpp) keeps top-p's set at T = 1; temperature first (HF) at T = 0.5.
  const last = simd.sample(z, { order: 'llama.cpp', temperature: 0.5, topP: 0.5, seed: 1 });
  const first = simd.sample(z, { temperature: 0.5, topP: 0.5, seed: 1 });
  assert.equal(
    last.kept,
    ref.referenceChain(z, { temperature: 0.5, topP: 0.5 }, { order: ref.LLAMA_ORDER }).length,
  );
  assert.equal(first.kept, ref.referenceChain(z, { temperature: 0.5, topP: 0.5 }).length);
  assert.ok(last.kept > first.kept);
  assert.throws(
    () => simd.sample(z, { order: ['topK', 'penalties'], topK: 3, repetitionPenalty: 1.2 }),
    (e) =>
      e instanceof LogitkitRangeError &&
      /logit processors .* must come before the filters/.test(e.message) &&
      e.argument === 'options.order[1]',
  );
  assert.throws(
    () => simd.sample(z, { order: ['topK'], topK: 3, topP: 0.5 }),
    (e) =>
      e instanceof RangeError &&
      /options.order lacks "topP", which options.topP switches on/.test(e.message),
  );
  assert.throws(() => simd.sample(z, { order: ['topK', 'topK'] }), /lists "topK" twice/);
  assert.throws(
    () => simd.sample(z, { order: ['top_q'] }),
    (e) =>
      e instanceof RangeError &&
      /options.order\[0\] = the string "top_q" is not a stage/.test(e.message),
  );
  assert.throws(() => simd.sample(z, { order: 'mlx' }), /options.order must be 'hf', 'llama.cpp'/);
});

test('options: snake_case aliases, unknown keys list the valid ones, out-of-range values name the option', () => {
  const z = normalLogits(300, 2, 5);
  const snakeOptions = {
    typical_p: 0.9,
    epsilon_cutoff: 1e-3,
    eta_cutoff: 1e-3,
    top_n_sigma: 2,
    no_repeat_ngram_size: 2,
    bad_words_ids: [[1]],
    allowed_token_ids: [1, 2, 3, 4, 5],
    mirostat_tau: 4,
    mirostat: 2,
    xtc_probability: 0.1,
    xtc_threshold: 0.1,
    dynatemp_range: 0.2,
    dynatemp_exponent: 1.5,
    dry_multiplier: 0.5,
    dry_base: 2,
    dry_allowed_length: 3,
    dry_penalty_last_n: 16,
    dry_sequence_breakers: [[4]],
    logprobs_mode: 'raw_logprobs',
    top_logprobs: 3,
    seed: 9,
  };
  // The same options under their camelCase names; logprobs_mode's vLLM value names the mode 'raw'.
  const camelCase = (key) => key.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
  const camelOptions = Object.fromEntries(
    Object.entries(snakeOptions).map(([key, value]) => [camelCase(key), value]),
  );
  camelOptions.logprobsMode = 'raw';
  const snake = simd.sample(z, snakeOptions);
  const camel = simd.sample(z, camelOptions);
  assert.deepEqual(snake, camel);
  assert.throws(
    () => simd.sample(z, { typicalp: 0.9 }),
    (e) =>
      e instanceof LogitkitTypeError &&
      /unknown option "typicalp". Valid options: .*typicalP.*epsilonCutoff.*order/.test(e.message),
  );
  const bad = [
    [{ typicalP: 0 }, 'options.typicalP'],
    [{ typicalP: 1.5 }, 'options.typicalP'],
    [{ epsilonCutoff: 1 }, 'options.epsilonCutoff'],
    [{ etaCutoff: -0.1 }, 'options.etaCutoff'],
    [{ xtcProbability: 2 }, 'options.xtcProbability'],
    [{ mirostat: 3 }, 'options.mirostat'],
    [{ mirostatM: 0 }, 'options.mirostatM'],
    [{ dryBase: 0.5 }, 'options.dryBase'],
    [{ dryPenaltyLastN: -2 }, 'options.dryPenaltyLastN'],
    [{ noRepeatNgramSize: 1.5 }, 'options.noRepeatNgramSize'],
    [{ n: 0 }, 'options.n'],
    [{ logprobsMode: 'both' }, 'options.logprobsMode'],
    [{ allowedTokenIds: [] }, 'options.allowedTokenIds'],
    [{ allowedTokenIds: [1, -2] }, 'options.allowedTokenIds[1]'],
    [{ badWordsIds: [[1], []] }, 'options.badWordsIds[1]'],
    [{ drySequenceBreakers: [[0.5]] }, 'options.drySequenceBreakers[0][0]'],
    [{ dynatempRange: -1 }, 'options.dynatempRange'],
    [{ dtype: 'int8' }, 'options.dtype'],
  ];
  for (const [options, argument] of bad) {
    assert.throws(
      () => simd.sample(z, options),
      (e) => e instanceof RangeError && e.argument === argument && e.message.includes(argument),
      JSON.stringify(options),
    );
  }
  assert.throws(
    () => simd.sample(z, { allowedTokenIds: [1, 5000] }),
    (e) => e instanceof RangeError && /token id 5000/.test(e.message),
  );
  assert.throws(() => simd.sample(z, { badWordsIds: 'x' }), LogitkitTypeError);
  assert.throws(
    () => simd.sample(z, { allowedTokenIds: [1], logitBias: { 1: -Infinity } }),
    /leave no token/,
  );
  // Disabled values: topNSigma <= 0 and xtcThreshold > 0.5 are off, as in llama.cpp.
  assert.equal(simd.sample(z, { topNSigma: -1, seed: 2 }).kept, 300);
  assert.equal(simd.sample(z, { xtcProbability: 1, xtcThreshold: 0.6, seed: 2 }).kept, 300);
});

test('clone: same history, mu and stream position, then independent; dispose and Symbol.dispose', () => {
  const z = normalLogits(3000, 1.5, 51);
  const a = simd.createSampler({
    temperature: 0.9,
    topP: 0.9,
    repetitionPenalty: 1.5,
    mirostat: 2,
    dryMultiplier: 0.5,
    noRepeatNgramSize: 3,
    seed: 8,
  });
  for (const t of [1, 2, 3, 1, 2]) a.accept(t);
  for (let i = 0; i < 5; i++) a.sample(z);
  const b = a.clone();
  assert.equal(b.mirostatMu, a.mirostatMu);
  assert.equal(b.historyLength, a.historyLength);
  assert.deepEqual(b.order, a.order);
  assert.equal(b.seed, a.seed);
  const ta = Array.from({ length: 10 }, () => a.sample(z).token);
  const tb = Array.from({ length: 10 }, () => b.sample(z).token);
  assert.deepEqual(tb, ta);
  a.accept(7);
  assert.equal(a.historyLength, b.historyLength + 1);
  b.dispose();
  assert.throws(() => b.sample(z), /sampler.sample: used after dispose/);
  assert.throws(() => b.clone(), /used after dispose/);
  a.sample(z); // the original is unaffected
  const c = a.clone();
  c.sample(z);
  c[Symbol.dispose]();
  assert.equal(c.disposed, true);
  a[Symbol.dispose]();
  assert.equal(a.disposed, true);
});

test('seeded draws with every stage are identical on the SIMD and baseline builds', () => {
  const history = [5, 6, 7, 5, 6, 8, 5, 6];
  const configs = [
    { typicalP: 0.9, temperature: 0.8 },
    { epsilonCutoff: 3e-4 },
    { etaCutoff: 3e-4, temperature: 1.2 },
    { topNSigma: 1.5 },
    { dynatempRange: 0.5, dynatempExponent: 1.5 },
    { xtcProbability: 0.5, xtcThreshold: 0.01 },
    { mirostat: 1 },
    { mirostat: 2, mirostatTau: 4 },
    { noRepeatNgramSize: 2, badWordsIds: [[5, 6]], dryMultiplier: 0.8, drySequenceBreakers: [[7]] },
    { allowedTokenIds: [1, 5, 9, 100, 200, 300], temperature: 0.7 },
    { n: 4, topK: 100 },
    {
      order: 'llama.cpp',
      temperature: 0.7,
      topK: 200,
      topP: 0.95,
      minP: 0.02,
      typicalP: 0.95,
      topNSigma: 2,
      xtcProbability: 0.5,
      xtcThreshold: 0.05,
    },
    {
      temperature: 0.8,
      topK: 0,
      topP: 0.97,
      minP: 0.001,
      typicalP: 0.98,
      epsilonCutoff: 1e-5,
      etaCutoff: 1e-5,
      topNSigma: 3,
      repetitionPenalty: 1.1,
      topLogprobs: 5,
    },
  ];
  for (const [n, sigma] of [
    [1000, 1],
    [32000, 2],
    [128256, 3],
  ]) {
    const z = normalLogits(n, sigma, n + 7);
    for (const config of configs) {
      const a = simd.createSampler({ ...config, seed: 77 });
      const b = baseline.createSampler({ ...config, seed: 77 });
      for (const t of history) {
        a.accept(t);
        b.accept(t);
      }
      for (let step = 0; step < 6; step++)
        assert.deepEqual(b.sample(z), a.sample(z), `n=${n} ${JSON.stringify(config)} step ${step}`);
      assert.equal(a.mirostatMu, b.mirostatMu);
      a.dispose();
      b.dispose();
    }
  }
});

test('a full chain on a LogitsBuffer allocates nothing in steady state', () => {
  const n = 128256;
  const buf = simd.allocLogits(n);
  buf.array.set(normalLogits(n, 2, 5));
  const s = simd.createSampler({
    repetitionPenalty: 1.1,
    presencePenalty: 0.2,
    dryMultiplier: 0.8,
    dryPenaltyLastN: 256,
    badWordsIds: [[1, 2]],
    temperature: 0.8,
    topK: 400,
    topP: 0.95,
    minP: 0.01,
    typicalP: 0.95,
    epsilonCutoff: 1e-5,
    etaCutoff: 1e-5,
    topNSigma: 3,
    xtcProbability: 0.3,
    xtcThreshold: 0.01,
    mirostat: 2,
    n: 3,
    topLogprobs: 8,
    seed: 1,
  });
  for (let i = 0; i < 600; i++) s.sample(buf); // warm-up: scratch and the bounded history reach their sizes
  const memory = buf.array.buffer;
  const size = memory.byteLength;
  for (let i = 0; i < 300; i++) s.sample(buf);
  assert.equal(buf.array.buffer, memory);
  assert.equal(memory.byteLength, size);
  assert.ok(s.historyLength <= 3 * 256 + 64);
  s.dispose();
  buf.dispose();
});
