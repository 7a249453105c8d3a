// The `compat` rules, the prompt / output histories and the reference processors, through the
// wasm sampler (both builds): each numbered item of issue 13 on fixtures of our own, alone and in
// chains, against the reference chain (chain-reference.mjs) and the stacks' own pipelines
// (stack-reference.mjs); the pasted config files; seeded draws identical on the SIMD and baseline
// builds for every new stage; and the errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  fromLlamaCpp,
  fromOpenAI,
  fromTransformers,
  fromVllm,
  LogitkitRangeError,
  LogitkitTypeError,
  ORDER_PRESETS,
} from '../../dist/index.js';
import * as ref from './chain-reference.mjs';
import * as stack from './stack-reference.mjs';
import {
  assertMatches,
  LLAMA_MIROSTAT_CASE,
  loadBoth,
  normalLogits,
  PROFILES,
  profileFixture,
  profileFixtureFiles,
  observe,
  rng,
} from './helpers.mjs';

const { simd, baseline, both } = await loadBoth();

/** A sampler with `options`, the prompt accepted as prompt, then `output` accepted. */
function samplerWith(lk, options, { prompt = [], output = [] } = {}, extra = {}) {
  const s = lk.createSampler({ ...options, ...extra });
  if (prompt.length > 0) s.accept(prompt, { prompt: true });
  if (output.length > 0) s.accept(output);
  return s;
}

/** Runs `options` on `z` and checks the result against the reference chain and, when given, `want`. */
function check(lk, z, options, history = {}, want, where = JSON.stringify(options)) {
  // The final distribution as the top list, whatever the config asks the top list to be.
  const s = samplerWith(lk, options, history, {
    topLogprobs: z.length,
    logprobsMode: 'processed',
    seed: options.seed ?? 5,
  });
  const expected = ref.referenceChain(
    z,
    { seed: 5, ...options },
    {
      prompt: history.prompt ?? [],
      history: history.output ?? [],
    },
  );
  const seen = observe(s, z);
  assertMatches(seen, expected, `${where} (reference chain)`, { counted: true });
  if (want) assertMatches(seen, want, `${where} (stack)`, { counted: true });
  s.dispose();
  return seen;
}

function tiedLogits(n, seed) {
  const next = rng(seed);
  return Float32Array.from({ length: n }, () => Math.round(next() * 8) / 2 - 2);
}

const HISTORIES = [
  { prompt: [], output: [] },
  { prompt: [0, 1, 2, 1], output: [] },
  { prompt: [], output: [3, 3, 4] },
  { prompt: [5, 0, 6, 5], output: [1, 5, 2, 2, 7] },
];

for (const lk of both) {
  const build = lk.simd ? 'simd' : 'baseline';
  const logits = [normalLogits(12, 2, 1), normalLogits(500, 1.5, 2), tiedLogits(40, 3)];

  test(`${build}: item 1, llama.cpp mirostat chains: only logit bias, temperature and mirostat run; mu follows`, () => {
    const configs = [
      LLAMA_MIROSTAT_CASE.config,
      {
        mirostat: 1,
        mirostat_tau: 3,
        temperature: 1.2,
        top_k: 2,
        repeat_penalty: 2,
        logit_bias: { 4: 3 },
      },
      {
        mirostat: 2,
        mirostat_tau: 2,
        mirostat_eta: 0.3,
        dynatemp_range: 0.5,
        samplers: 'kt',
        min_keep: 3,
      },
    ];
    const { z: z0, history: output, want } = LLAMA_MIROSTAT_CASE;
    const first = observe(
      samplerWith(lk, fromLlamaCpp(configs[0]).options, { output }, { topLogprobs: 8 }),
      z0,
    );
    want.forEach((lp, i) =>
      assert.ok(Math.abs(first.kept.get(i) - lp) < 5e-4, `issue example ${i}`),
    );
    configs.forEach((config, ci) => {
      for (const z of logits) {
        const { options } = fromLlamaCpp(config);
        const s = samplerWith(
          lk,
          options,
          { prompt: [0, 1] },
          { topLogprobs: z.length, seed: 9 + ci },
        );
        let mu = 2 * (config.mirostat_tau ?? 5);
        const history = [0, 1];
        for (let step = 0; step < 6; step++) {
          const seen = observe(s, z);
          const kept = stack.llamaCppPipeline(config, z, { history, mu });
          assertMatches(seen, kept, `config ${ci} step ${step}`, { counted: true });
          const p = ref.probs(kept)[kept.findIndex((x) => x.id === seen.r.token)];
          mu -= (config.mirostat_eta ?? 0.1) * (-Math.log2(p) - (config.mirostat_tau ?? 5));
          assert.ok(
            Math.abs(s.mirostatMu - mu) <= 1e-5 * Math.max(1, Math.abs(mu)),
            `mu at ${step}`,
          );
          history.push(seen.r.token);
        }
        s.dispose();
      }
    });
  });

  test(`${build}: item 2, min_keep per stage: llama.cpp top-k ignores it, its other stages and HF keep it`, () => {
    const configs = [
      [{ top_k: 1, min_keep: 3, samplers: ['top_k', 'temperature'] }, [3, 2, 1, 0]],
      [{ top_k: 2, min_keep: 4, top_p: 0.1, samplers: 'kp' }, null],
      [{ top_k: 3, min_keep: 5, min_p: 0.9, typical_p: 0.3, samplers: 'kmyt' }, null],
    ];
    for (const [config, z0] of configs) {
      for (const z of z0 ? [z0] : logits) {
        check(lk, z, fromLlamaCpp(config).options, {}, stack.llamaCppPipeline(config, z));
      }
    }
    assert.equal(
      lk
        .createSampler({ ...fromLlamaCpp(configs[0][0]).options, topLogprobs: 4 })
        .sample([3, 2, 1, 0]).kept,
      1,
    );
    // HF keeps min_tokens_to_keep at top-k: max(k, min_keep).
    check(lk, [3, 2, 1, 0], { compat: 'transformers', topK: 1, minTokensToKeep: 3 }, {}, [
      { id: 0, z: 3 },
      { id: 1, z: 2 },
      { id: 2, z: 1 },
    ]);
  });

  test(`${build}: item 3, llama.cpp samplers lists: characters, dropped stages, penalties anywhere`, () => {
    const configs = [
      { samplers: 'kpt', top_k: 5, top_p: 0.8, min_p: 0.2, repeat_penalty: 1.5 },
      {
        samplers: ['top_k', 'nucleus', 'penalties', 'temperature'],
        top_k: 6,
        repeat_penalty: 2,
        presence_penalty: 0.5,
      },
      { samplers: 'tkep', temperature: 0.7, top_k: 8, frequency_penalty: 0.4, top_p: 0.7 },
      { samplers: [], temperature: 0.5, top_k: 1 },
    ];
    configs.forEach((config, ci) => {
      for (const z of logits) {
        for (const h of HISTORIES) {
          const want = stack.llamaCppPipeline(config, z, { history: [...h.prompt, ...h.output] });
          check(lk, z, fromLlamaCpp(config).options, h, want, `config ${ci}`);
        }
      }
    });
    assert.deepEqual(lk.createSampler(fromLlamaCpp(configs[1]).options).order, [
      'topK',
      'penalties',
      'temperature',
    ]);
  });

  test(`${build}: item 4, pasted values: min_keep 0, seed -1, temperature <= 0, llama.cpp defaults`, () => {
    for (const z of logits) {
      for (const config of [
        { min_keep: 0, top_p: 0.5 },
        { temperature: 0 },
        { temperature: -2, top_k: 3 },
        {},
      ]) {
        check(lk, z, fromLlamaCpp(config).options, {}, stack.llamaCppPipeline(config, z));
      }
    }
    const seeds = new Set(
      Array.from({ length: 4 }, () => lk.createSampler(fromLlamaCpp({ seed: -1 }).options).seed),
    );
    assert.equal(seeds.size, 4, 'seed -1 draws a random seed');
    assert.equal(lk.createSampler(fromLlamaCpp({ seed: 12 }).options).seed, 12n);
    // DRY with its default (string) breakers needs the vocabulary: a clear error until then.
    assert.throws(
      () => lk.createSampler(fromLlamaCpp({ dry_multiplier: 0.8 }).options),
      (e) =>
        e instanceof LogitkitRangeError &&
        e.argument === 'options.drySequenceBreakers[0]' &&
        /vocabulary/.test(e.message),
    );
    // DRY with token-id breakers runs; dry_penalty_last_n defaults to llama.cpp's 64.
    const dry = { ...fromLlamaCpp({ dry_multiplier: 0.8 }).options, drySequenceBreakers: [[9]] };
    assert.equal(dry.dryPenaltyLastN, 64);
    const long = Array.from({ length: 90 }, (_, i) => (i % 3 === 2 ? 4 : i % 3));
    for (const z of logits) check(lk, z, dry, { output: long });
  });

  test(`${build}: item 5, prompt and output histories: vLLM, OpenAI, HF and llama.cpp penalties`, () => {
    const z0 = [2, 2, 2];
    const issue = observe(
      samplerWith(
        lk,
        fromVllm({ repetition_penalty: 1.5, presence_penalty: 1 }).options,
        { prompt: [0], output: [1] },
        { topLogprobs: 3 },
      ),
      z0,
    );
    [-1.199, -2.199, -0.532].forEach((lp, i) =>
      assert.ok(Math.abs(issue.kept.get(i) - lp) < 5e-4, `issue example ${i}`),
    );
    const cases = [
      [
        fromVllm,
        stack.vllmPipeline,
        { repetition_penalty: 1.4, presence_penalty: 0.6, frequency_penalty: 0.3 },
      ],
      [
        fromVllm,
        stack.vllmPipeline,
        { repetition_penalty: 0.8, frequency_penalty: -0.5, top_k: 4 },
      ],
      [fromOpenAI, stack.openaiPipeline, { presence_penalty: 1.2, frequency_penalty: 0.9 }],
      [
        fromTransformers,
        stack.transformersPipeline,
        { do_sample: true, top_k: 0, repetition_penalty: 1.6 },
      ],
      [
        fromLlamaCpp,
        (c, z, h) => stack.llamaCppPipeline(c, z, { history: [...h.prompt, ...h.output] }),
        {
          repeat_penalty: 1.6,
          presence_penalty: 0.4,
          repeat_last_n: 5,
          top_k: 0,
          top_p: 1,
          min_p: 0,
        },
      ],
    ];
    for (const [profile, pipeline, config] of cases) {
      for (const z of logits) {
        for (const h of HISTORIES)
          check(lk, z, profile(config).options, h, pipeline(config, z, h), JSON.stringify(config));
      }
    }
    // A prompt accepted after output tokens starts a new generation: the output so far joins the prompt.
    const s = samplerWith(
      lk,
      fromVllm({ presence_penalty: 2 }).options,
      { prompt: [0], output: [1] },
      { topLogprobs: 3 },
    );
    s.accept([2], { prompt: true });
    const after = observe(s, z0);
    assert.ok(
      Math.abs(after.kept.get(0) - after.kept.get(1)) < 1e-6,
      'no output token yet: no presence penalty',
    );
  });

  test(`${build}: item 6, HF suppress_tokens, begin_suppress_tokens, sequence_bias; min_new_tokens / min_length / min_tokens`, () => {
    const hf = [
      { do_sample: true, top_k: 0, suppress_tokens: [0, 3, 7] },
      { do_sample: true, top_k: 0, suppress_tokens: [1], begin_suppress_tokens: [2, 5] },
      { do_sample: true, top_k: 5, begin_suppress_tokens: [0, 1, 2] },
      {
        do_sample: true,
        top_k: 0,
        sequence_bias: [
          [[4], 2.5],
          [[1, 5], -3],
        ],
      },
      {
        do_sample: true,
        top_k: 0,
        sequence_bias: [
          [[5, 2, 2], 4],
          [[7], -1],
        ],
        repetition_penalty: 1.3,
      },
      {
        do_sample: true,
        top_k: 3,
        sequence_bias: [
          [[2, 7, 3], 6],
          [[7, 1], -20],
        ],
      },
      { do_sample: true, top_k: 0, eos_token_id: [2, 9], min_new_tokens: 3 },
      { do_sample: true, top_k: 0, eos_token_id: 1, min_length: 6 },
      { do_sample: false, eos_token_id: [0, 5], min_new_tokens: 2, min_length: 7 },
    ];
    for (const config of hf) {
      for (const z of logits) {
        for (const h of HISTORIES)
          check(
            lk,
            z,
            fromTransformers(config).options,
            h,
            stack.transformersPipeline(config, z, h),
          );
      }
    }
    const vllm = [
      { stop_token_ids: [1, 4], min_tokens: 3 },
      { stop_token_ids: [0], min_tokens: 1, top_k: 3 },
      { _all_stop_token_ids: [2, 3], min_tokens: 5, temperature: 0 },
    ];
    for (const config of vllm) {
      for (const z of logits) {
        for (const h of HISTORIES)
          check(lk, z, fromVllm(config).options, h, stack.vllmPipeline(config, z, h));
      }
    }
    // min_tokens with no stop token known: a clear error.
    assert.throws(
      () => lk.createSampler({ compat: 'vllm', minNewTokens: 2 }),
      (e) => e instanceof LogitkitRangeError && e.argument === 'options.stopTokenIds',
    );
  });

  test(`${build}: item 6, OpenAI logprobs: true + top_logprobs: the raw top list`, () => {
    for (const [request, z] of [
      [{ logprobs: true, top_logprobs: 5, temperature: 0.5 }, logits[1]],
      [{ logprobs: true, top_logprobs: 1, top_p: 0.2 }, logits[0]],
      [{ logprobs: 3, logit_bias: { 2: 5 } }, logits[2]],
    ]) {
      const r = lk.createSampler({ ...fromOpenAI(request).options, seed: 1 }).sample(z);
      const raw = lk.topLogprobs(z, request.top_logprobs ?? request.logprobs);
      assert.deepEqual([...r.topLogprobs.indices], [...raw.indices]);
      r.topLogprobs.logprobs.forEach((lp, i) => assert.ok(Math.abs(lp - raw.logprobs[i]) < 1e-6));
      assert.ok(
        Math.abs(
          r.rawLogprob - Math.log(ref.probs([...z].map((v, id) => ({ id, z: v })))[r.token]),
        ) < 1e-5,
      );
    }
  });

  test(`${build}: item 7, HF and vLLM top-k keep every token tied with the k-th`, () => {
    const z0 = [2, 1, 1, 1, 0];
    for (const options of [
      fromTransformers({ do_sample: true, top_k: 2 }).options,
      fromVllm({ top_k: 2 }).options,
    ]) {
      assert.equal(lk.createSampler({ ...options, seed: 1 }).sample(z0).kept, 4);
    }
    assert.equal(
      lk.createSampler({ topK: 2, seed: 1 }).sample(z0).kept,
      2,
      'logitkit keeps exactly k',
    );
    const configs = [
      [fromTransformers, stack.transformersPipeline, { do_sample: true, top_k: 3 }],
      [
        fromTransformers,
        stack.transformersPipeline,
        { do_sample: true, top_k: 2, epsilon_cutoff: 0.3, eta_cutoff: 0.2 },
      ],
      [fromVllm, stack.vllmPipeline, { top_k: 5, top_p: 0.6 }],
      [fromVllm, stack.vllmPipeline, { top_k: 1, min_p: 0.5 }],
    ];
    for (const [profile, pipeline, config] of configs) {
      for (const z of [tiedLogits(40, 11), tiedLogits(300, 12), z0])
        check(lk, z, profile(config).options, {}, pipeline(config, z));
    }
  });

  test(`${build}: pasted config files through the sampler keep what their stacks keep`, () => {
    const z = normalLogits(151936, 2.5, 7); // Qwen2.5's vocabulary, the largest id the files name
    for (const file of profileFixtureFiles()) {
      const [, name, pipeline] = stack.FIXTURE_STACKS.find(([pattern]) => pattern.test(file));
      const config = profileFixture(file);
      for (const h of [HISTORIES[0], HISTORIES[3]])
        check(lk, z, PROFILES[name](config).options, h, pipeline(config, z, h), file);
    }
  });
}

test('SIMD and baseline draw the same tokens with every new stage and compat rule', () => {
  const optionsList = [
    fromLlamaCpp({ mirostat: 2, mirostat_tau: 3 }).options,
    fromLlamaCpp({
      samplers: 'kept',
      top_k: 9,
      repeat_penalty: 1.4,
      typical_p: 0.8,
    }).options,
    fromTransformers({
      do_sample: true,
      top_k: 4,
      sequence_bias: [[[1, 2], 3]],
      suppress_tokens: [5],
      begin_suppress_tokens: [6],
      eos_token_id: 7,
      min_new_tokens: 3,
    }).options,
    fromVllm({
      top_k: 6,
      min_p: 0.05,
      repetition_penalty: 1.3,
      presence_penalty: 0.5,
      stop_token_ids: [8],
      min_tokens: 2,
    }).options,
    fromOpenAI({ presence_penalty: 1, frequency_penalty: 0.5, top_p: 0.9 }).options,
  ];
  const z = tiedLogits(600, 21);
  for (const options of optionsList) {
    const draws = [simd, baseline].map((lk) => {
      const s = lk.createSampler({ ...options, seed: 33 });
      s.accept([1, 2, 3, 4], { prompt: true });
      return Array.from({ length: 40 }, () => s.sample(z).token);
    });
    assert.deepEqual(draws[0], draws[1], JSON.stringify(options));
  }
});

test("the 'vllm' order preset is vLLM's order as the reference states it", () => {
  assert.deepEqual([...ORDER_PRESETS.vllm], [...ref.VLLM_ORDER]);
  const s = simd.createSampler({ order: 'vllm', temperature: 0.7, minP: 0.1, topK: 5, seed: 1 });
  assert.deepEqual(s.order, ['temperature', 'minP', 'topK']);
  s.dispose();
});

test('compat options: errors name the option', () => {
  const lk = simd;
  const cases = [
    [{ compat: 'mlx' }, LogitkitRangeError, 'options.compat'],
    [{ stopTokenIds: [1, -1] }, LogitkitRangeError, 'options.stopTokenIds[1]'],
    [{ minNewTokens: -1, stopTokenIds: [1] }, LogitkitRangeError, 'options.minNewTokens'],
    [{ sequenceBias: [[[1], 'x']] }, LogitkitTypeError, 'options.sequenceBias[0][1]'],
    [{ sequenceBias: [[[], 1]] }, LogitkitRangeError, 'options.sequenceBias[0][0]'],
    [{ suppressTokens: 'a' }, LogitkitTypeError, 'options.suppressTokens'],
    [{ samplers: 'kpt' }, LogitkitRangeError, 'options.order'],
  ];
  for (const [options, type, argument] of cases) {
    assert.throws(
      () => lk.createSampler(options),
      (e) => e instanceof type && e.argument === argument,
      JSON.stringify(options),
    );
  }
  const s = lk.createSampler({ seed: 1 });
  assert.throws(
    () => s.accept([1, 'x'], { prompt: true }),
    (e) => e instanceof LogitkitTypeError && e.argument === 'tokens[1]',
  );
  assert.throws(
    () => s.accept(1, { prompt: 'yes' }),
    (e) => e instanceof LogitkitTypeError && e.argument === 'options.prompt',
  );
});
