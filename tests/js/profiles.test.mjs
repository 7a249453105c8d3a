// The profile functions (fromLlamaCpp, fromTransformers, fromVllm, fromOpenAI) against float64 ports
// of each stack's pipeline (stack-reference.mjs): the options a profile returns, run through the
// reference chain with their `compat` rules (chain-reference.mjs), keep the same tokens with the same
// logprobs as the stack itself, on our own configs and on real config files as users ship them
// (tests/fixtures/profiles/). Plus the values each stack gives a special meaning, the keys a profile
// ignores, and the errors.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogitkitRangeError, LogitkitTypeError } from '../../dist/index.js';
import * as ref from './chain-reference.mjs';
import * as stack from './stack-reference.mjs';
import {
  LLAMA_MIROSTAT_CASE,
  normalLogits,
  PROFILES,
  profileFixture,
  profileFixtureFiles,
  rng,
} from './helpers.mjs';

// The profile functions under test (PROFILES holds the package's own, by name).
const { fromLlamaCpp, fromOpenAI, fromTransformers, fromVllm } = PROFILES;

/** Kept ids (ascending) and their log-probabilities, from a candidate list. */
function summary(kept) {
  const lp = ref.probs(kept).map(Math.log);
  const byId = new Map(kept.map((x, i) => [x.id, lp[i]]));
  const ids = [...byId.keys()].sort((a, b) => a - b);
  return { ids, logprobs: ids.map((id) => byId.get(id)) };
}

function assertSameDistribution(got, want, where) {
  const a = summary(got),
    b = summary(want);
  assert.deepEqual(a.ids, b.ids, `${where}: kept set`);
  a.logprobs.forEach((lp, i) =>
    assert.ok(Math.abs(lp - b.logprobs[i]) <= 1e-9, `${where}: logprob of ${a.ids[i]}`),
  );
}

/** Each [config, error class, JSON path] case throws that class naming that path, from `profile`. */
function assertErrors(profile, cases) {
  for (const [config, type, argument] of cases) {
    assert.throws(
      () => profile(config),
      (e) =>
        e instanceof type && e.argument === argument && e.message.startsWith(`${profile.name}: `),
      JSON.stringify(config),
    );
  }
}

/** Logits with ties: values on a coarse grid, so the k-th value is often shared. */
function tiedLogits(n, seed) {
  const next = rng(seed);
  return Float32Array.from({ length: n }, () => Math.round(next() * 8) / 2 - 2);
}

/** Histories drawn from the first `v` tokens, for penalties and n-gram rules to bite. */
function histories(v, seed) {
  const next = rng(seed);
  const draw = (len) => Array.from({ length: len }, () => Math.floor(next() * v));
  return [
    { prompt: [], output: [] },
    { prompt: draw(5), output: [] },
    { prompt: [], output: draw(6) },
    { prompt: draw(7), output: draw(9) },
  ];
}

function inputs(seed) {
  return [normalLogits(12, 2, seed), normalLogits(300, 1.5, seed + 1), tiedLogits(40, seed + 2)];
}

/**
 * For every config, logits and history: the profile's options through the reference chain keep the
 * same tokens with the same logprobs as the stack's pipeline (called with { prompt, output }).
 */
function assertProfileMatches(profile, pipeline, configs, seed) {
  configs.forEach((config, ci) => {
    const { options } = profile(config);
    inputs(seed + ci).forEach((z, zi) => {
      for (const { prompt, output } of histories(Math.min(z.length, 12), seed + 50 + ci)) {
        const want = pipeline(config, z, { prompt, output });
        const got = ref.referenceChain(z, options, { prompt, history: output });
        assertSameDistribution(got, want, `config ${ci} ${JSON.stringify(config)}, logits ${zi}`);
      }
    });
  });
}

// ---------------------------------------------------------------- llama.cpp

const LLAMA_CONFIGS = [
  {},
  { temperature: 0.8, top_k: 40, top_p: 0.95, min_p: 0.05, repeat_penalty: 1.3, repeat_last_n: 8 },
  { temperature: 0, top_k: 5 },
  { temperature: -1, samplers: 'kpt', top_p: 0.5 },
  { top_k: 1, min_keep: 3, top_p: 0.3, samplers: ['top_k', 'top_p', 'temperature'] },
  {
    samplers: 'tkpe',
    top_k: 6,
    repeat_penalty: 1.5,
    presence_penalty: 0.7,
    frequency_penalty: 0.3,
  },
  {
    samplers: ['top_k', 'penalties', 'min_p'],
    top_k: 8,
    min_p: 0.1,
    repeat_penalty: 2,
    repeat_last_n: -1,
  },
  { samplers: [], temperature: 0.5 },
  { samplers: ['top-k', 'min_p', 'nucleus', 'temperature'], top_k: 2, min_p: 0.2 },
  {
    mirostat: 2,
    mirostat_tau: 3,
    mirostat_eta: 0.2,
    top_k: 2,
    repeat_penalty: 1.5,
    temperature: 0.7,
  },
  { mirostat: 1, mirostat_tau: 4, temperature: 1.2, min_p: 0.5 },
  { typical_p: 0.7, min_keep: 2, temperature: 0.9 },
  { top_n_sigma: 1.5, xtc_probability: 0.5, xtc_threshold: 0.05, min_keep: 1, temperature: 1.1 },
  { dynatemp_range: 0.5, dynatemp_exponent: 2, temperature: 0.9, min_p: 0 },
  { temperature: 0, dynatemp_range: 0.6, top_k: 0, top_p: 1, min_p: 0 },
  { logit_bias: { 3: 5, 4: false }, top_k: 10 },
  { logit_bias: [[1, -2], [1, -1.5], [5, false], ['junk'], [7, true]], top_p: 0.9 },
  { top_p: 0, min_keep: 2, samplers: 'pt' },
];

test('fromLlamaCpp: the options keep what llama.cpp keeps (own configs, alone and in chains)', () => {
  LLAMA_CONFIGS.forEach((config, ci) => {
    const { options } = fromLlamaCpp(config);
    inputs(10 + ci).forEach((z, zi) => {
      for (const { prompt, output } of histories(Math.min(z.length, 12), 20 + ci)) {
        for (const xtcU of [0.2, 0.9]) {
          const mu = 2 * (config.mirostat_tau ?? 5) - zi;
          const want = stack.llamaCppPipeline(config, z, {
            history: [...prompt, ...output],
            xtcU,
            mu,
          });
          const got = ref.referenceChain(z, options, { prompt, history: output, xtcU, mu });
          assertSameDistribution(
            got,
            want,
            `config ${ci} ${JSON.stringify(config)}, logits ${zi}, u ${xtcU}`,
          );
        }
      }
    });
  });
});

test('fromLlamaCpp: values keep their llama.cpp meaning', () => {
  const d = fromLlamaCpp({}).options;
  assert.equal(d.compat, 'llama.cpp');
  assert.deepEqual(
    [d.temperature, d.topK, d.topP, d.minP, d.penaltyLastN, d.dryPenaltyLastN, d.minTokensToKeep],
    [0.8, 40, 0.95, 0.05, 64, 64, 1],
  );
  assert.deepEqual(d.order, [
    'logitBias',
    'penalties',
    'dry',
    'topNSigma',
    'topK',
    'typicalP',
    'topP',
    'minP',
    'xtc',
    'temperature',
  ]);
  assert.equal(d.seed, undefined, 'no seed given: random');
  assert.equal(fromLlamaCpp({ seed: -1 }).options.seed, undefined, 'seed -1 is random');
  assert.equal(
    fromLlamaCpp({ seed: 4294967295 }).options.seed,
    undefined,
    'LLAMA_DEFAULT_SEED is random',
  );
  assert.equal(fromLlamaCpp({ seed: 7 }).options.seed, 7);
  assert.equal(
    fromLlamaCpp({ temperature: -0.5 }).options.temperature,
    0,
    'temperature <= 0 is greedy',
  );
  assert.equal(fromLlamaCpp({ min_keep: 0 }).options.minTokensToKeep, 1);
  assert.equal(fromLlamaCpp({ min_keep: 4 }).options.minTokensToKeep, 4);
  assert.equal(fromLlamaCpp({ top_k: -1 }).options.topK, 0);
  assert.equal(fromLlamaCpp({ dry_base: 0.5, dry_multiplier: 0.8 }).options.dryBase, 1.75);
  assert.equal(fromLlamaCpp({ repeat_last_n: -1 }).options.penaltyLastN, -1);
  assert.deepEqual(fromLlamaCpp({ samplers: 'kpmt' }).options.order, [
    'logitBias',
    'topK',
    'topP',
    'minP',
    'temperature',
  ]);
  assert.deepEqual(fromLlamaCpp({ samplers: 'edkypmxts' }).options.order.length, 10);
  // DRY: the default string breakers when DRY runs, none when it does not.
  assert.equal(d.drySequenceBreakers, undefined);
  assert.deepEqual(fromLlamaCpp({ dry_multiplier: 0.8 }).options.drySequenceBreakers, [
    '\n',
    ':',
    '"',
    '*',
  ]);
  assert.deepEqual(
    fromLlamaCpp({ dry_multiplier: 0.8, dry_sequence_breakers: ['\n\n', '', 'x'.repeat(50)] })
      .options.drySequenceBreakers,
    ['\n\n', 'x'.repeat(40)],
  );
  // n_probs: raw unless post_sampling_probs.
  assert.deepEqual(
    [
      fromLlamaCpp({ n_probs: 3 }).options.topLogprobs,
      fromLlamaCpp({ n_probs: 3 }).options.logprobsMode,
    ],
    [3, 'raw'],
  );
  assert.equal(
    fromLlamaCpp({ n_probs: 3, post_sampling_probs: true }).options.logprobsMode,
    'processed',
  );
  assert.equal(fromLlamaCpp({ logprobs: 2 }).options.topLogprobs, 2);
  assert.equal(
    fromLlamaCpp({ ignore_eos: true }, { stopTokenIds: [2] }).options.suppressStopTokens,
    true,
  );
  assert.deepEqual(fromLlamaCpp({ logit_bias: { 5: false, 6: 1 } }).options.logitBias, {
    5: -Infinity,
    6: 1,
  });
});

test('fromLlamaCpp: dropped sampler names and server-only keys are listed in `ignored`', () => {
  const { options, ignored } = fromLlamaCpp({
    prompt: 'hi',
    n_predict: 8,
    stream: true,
    stop: ['\n'],
    samplers: ['top_k', 'top-p', 'temperature', 42],
    logit_bias: [
      [3, true],
      [4, -1],
    ],
  });
  assert.deepEqual(options.order, ['logitBias', 'topK', 'temperature']);
  assert.deepEqual(
    [...ignored].sort(),
    [
      'n_predict',
      'params.logit_bias[0]',
      'params.samplers[1]',
      'params.samplers[3]',
      'prompt',
      'stop',
      'stream',
    ].sort(),
  );
  assert.deepEqual(fromLlamaCpp({ samplers: 'kzq' }).ignored, [
    'params.samplers[1]',
    'params.samplers[2]',
  ]);
});

test('fromLlamaCpp: errors name the JSON path', () => {
  const cases = [
    [{ top_k: '40' }, LogitkitTypeError, 'params.top_k'],
    [{ tempurature: 0.7 }, LogitkitTypeError, 'params.tempurature'],
    [{ mirostat: 3 }, LogitkitRangeError, 'params.mirostat'],
    [{ repeat_last_n: -2 }, LogitkitRangeError, 'params.repeat_last_n'],
    [{ samplers: ['top_k', 'infill'] }, LogitkitRangeError, 'params.samplers[1]'],
    [{ samplers: 'kka' }, LogitkitRangeError, 'params.samplers[1]'],
    [{ samplers: 'ka' }, LogitkitRangeError, 'params.samplers[1]'],
    [{ samplers: 7 }, LogitkitTypeError, 'params.samplers'],
    [{ logit_bias: { hello: -1 } }, LogitkitRangeError, 'params.logit_bias["hello"]'],
    [{ grammar: 'root ::= "a"' }, LogitkitRangeError, 'params.grammar'],
    [{ json_schema: {} }, LogitkitRangeError, 'params.json_schema'],
    [{ dry_sequence_breakers: [1, 2] }, LogitkitTypeError, 'params.dry_sequence_breakers'],
    [{ temperature: -1, dynatemp_range: 0.5 }, LogitkitRangeError, 'params.temperature'],
    [{ min_p: 1.5 }, LogitkitRangeError, 'params.min_p'],
    [{ repeat_penalty: 0 }, LogitkitRangeError, 'params.repeat_penalty'],
  ];
  assertErrors(fromLlamaCpp, cases);
  assert.throws(() => fromLlamaCpp([]), LogitkitTypeError);
  assert.throws(() => fromLlamaCpp(null), LogitkitTypeError);
});

test('issue 13, item 1: llama.cpp with mirostat runs [logit_bias,] temperature, mirostat only', () => {
  const { config, z, history, want } = LLAMA_MIROSTAT_CASE;
  const port = summary(stack.llamaCppPipeline(config, z, { history }));
  const chain = summary(ref.referenceChain(z, fromLlamaCpp(config).options, { history }));
  for (const got of [port, chain]) {
    assert.deepEqual(got.ids, [0, 1, 2, 3, 4, 5, 6]);
    got.logprobs.forEach((lp, i) =>
      assert.ok(Math.abs(lp - want[i]) < 5e-4, `${lp} vs ${want[i]}`),
    );
  }
  // llama.cpp's own samplers list never names mirostat: it still runs.
  const listed = fromLlamaCpp({
    ...config,
    samplers: ['top_k', 'top_p', 'min_p', 'temperature'],
  }).options;
  assert.deepEqual(summary(ref.referenceChain(z, listed, { history })).ids, port.ids);
});

test('issue 13, item 2: llama.cpp top-k has no min_keep', () => {
  const z = [3, 2, 1, 0];
  const config = { top_k: 1, min_keep: 3, samplers: ['top_k', 'temperature'], temperature: 1 };
  assert.deepEqual(summary(stack.llamaCppPipeline(config, z)).ids, [0]);
  assert.deepEqual(summary(ref.referenceChain(z, fromLlamaCpp(config).options)).ids, [0]);
});

// ---------------------------------------------------------------- transformers

const HF_CONFIGS = [
  {},
  { do_sample: true },
  { do_sample: true, temperature: 0.6, top_p: 0.9, eos_token_id: [1, 2] },
  { do_sample: true, top_k: 3, temperature: 0.8 },
  { do_sample: true, top_k: 0, top_p: 0.5, min_p: 0.1, repetition_penalty: 1.3 },
  { do_sample: true, top_k: 0, typical_p: 0.6, epsilon_cutoff: 0.02 },
  { do_sample: true, top_k: 0, eta_cutoff: 0.01, temperature: 1.4 },
  {
    do_sample: true,
    top_k: 4,
    no_repeat_ngram_size: 2,
    bad_words_ids: [[3], [5, 6], [1]],
    eos_token_id: 1,
  },
  {
    do_sample: true,
    sequence_bias: [
      [[4], 3],
      [[2, 5], -4],
      [[9, 9, 7], 6],
      [[2, 5], 2.5],
    ],
  },
  { do_sample: true, eos_token_id: 2, min_length: 10, min_new_tokens: 3 },
  { do_sample: true, suppress_tokens: [0, 4], begin_suppress_tokens: [1, 7], top_k: 6 },
  { do_sample: false, repetition_penalty: 1.5, no_repeat_ngram_size: 3, top_k: 2, top_p: 0.1 },
  { do_sample: true, top_k: 2, top_p: 0, epsilon_cutoff: 1.5, eta_cutoff: 0 },
];

test('fromTransformers: the options keep what generate() keeps (own configs, alone and in chains)', () => {
  assertProfileMatches(fromTransformers, stack.transformersPipeline, HF_CONFIGS, 40);
});

test('issue 13, item 7: HF and vLLM top-k keep every token tied with the k-th', () => {
  const z = [2, 1, 1, 1, 0];
  const hf = { do_sample: true, top_k: 2 };
  const vllm = { top_k: 2 };
  assert.deepEqual(summary(stack.transformersPipeline(hf, z)).ids, [0, 1, 2, 3]);
  assert.deepEqual(summary(ref.referenceChain(z, fromTransformers(hf).options)).ids, [0, 1, 2, 3]);
  assert.deepEqual(summary(stack.vllmPipeline(vllm, z)).ids, [0, 1, 2, 3]);
  assert.deepEqual(summary(ref.referenceChain(z, fromVllm(vllm).options)).ids, [0, 1, 2, 3]);
  // logitkit's own rule (no compat): exactly k, ties by lower id.
  assert.deepEqual(summary(ref.referenceChain(z, { topK: 2 })).ids, [0, 1]);
});

test('fromTransformers: values, ignored keys and errors', () => {
  const greedy = fromTransformers({ temperature: 0.7, top_p: 0.9, max_new_tokens: 20 });
  assert.equal(greedy.options.temperature, 0, 'do_sample defaults to false: greedy');
  assert.deepEqual(greedy.ignored, ['temperature', 'top_p', 'max_new_tokens']);
  const sample = fromTransformers({ do_sample: true }).options;
  assert.deepEqual([sample.temperature, sample.topK, sample.topP], [1, 50, 1], "HF's defaults");
  const eos = fromTransformers({
    eos_token_id: 2,
    bad_words_ids: [[2], [3]],
    min_new_tokens: 4,
  }).options;
  assert.deepEqual(eos.stopTokenIds, [2]);
  assert.deepEqual(eos.badWordsIds, [[3]], 'the EOS token alone is never a bad word');
  assert.equal(eos.minNewTokens, 4);
  assert.equal(
    fromTransformers({ min_new_tokens: 4 }).options.minNewTokens,
    undefined,
    'no EOS: no processor',
  );
  assert.equal(
    fromTransformers({ repetition_penalty: 1.2 }).options.penaltyLastN,
    -1,
    'all of input_ids',
  );
  assert.deepEqual(fromTransformers({ num_beams: 1, guidance_scale: null }).ignored, ['num_beams']);
  const cases = [
    [{ do_sample: true, temperature: 0 }, LogitkitRangeError, 'generationConfig.temperature'],
    [{ do_sample: true, top_k: -1 }, LogitkitRangeError, 'generationConfig.top_k'],
    [{ do_sample: true, typical_p: 0 }, LogitkitRangeError, 'generationConfig.typical_p'],
    [{ num_beams: 4 }, LogitkitRangeError, 'generationConfig.num_beams'],
    [{ penalty_alpha: 0.6, top_k: 4 }, LogitkitRangeError, 'generationConfig.penalty_alpha'],
    [{ forced_eos_token_id: 2 }, LogitkitRangeError, 'generationConfig.forced_eos_token_id'],
    [{ sequence_bias: [[[0], 1]] }, LogitkitRangeError, 'generationConfig.sequence_bias'],
    [{ sequence_bias: { '(1,)': 1 } }, LogitkitTypeError, 'generationConfig.sequence_bias'],
    [{ bad_words_ids: [3] }, LogitkitTypeError, 'generationConfig.bad_words_ids[0]'],
    [{ eos_token_id: [1, -2] }, LogitkitRangeError, 'generationConfig.eos_token_id[1]'],
    [{ top_kk: 3 }, LogitkitTypeError, 'generationConfig.top_kk'],
  ];
  assertErrors(fromTransformers, cases);
});

// ---------------------------------------------------------------- vLLM

const VLLM_CONFIGS = [
  {},
  { temperature: 0.7, top_p: 0.8, top_k: 20, min_p: 0.05, repetition_penalty: 1.05 },
  { temperature: 0, top_k: 3, top_p: 0.5, min_p: 0.9 },
  { temperature: 0.001, top_k: 4 },
  { top_k: 3, top_p: 0.6, min_p: 0.3 },
  { repetition_penalty: 1.5, presence_penalty: 1, frequency_penalty: -0.5 },
  { allowed_token_ids: [0, 2, 3, 5, 8], logit_bias: { 2: 1.5, 3: -30 }, top_k: -1 },
  { _bad_words_token_ids: [[1], [4, 5], [6, 7, 8]], top_p: 0.9 },
  { stop_token_ids: [1, 3], min_tokens: 4, temperature: 1.3 },
  { seed: -1, logprobs: 3, top_k: 2 },
];

test('fromVllm: the options keep what vLLM keeps (own configs, alone and in chains)', () => {
  assertProfileMatches(fromVllm, stack.vllmPipeline, VLLM_CONFIGS, 70);
});

test('issue 13, item 5: vLLM repetition over prompt + output, presence over the output only', () => {
  const config = { repetition_penalty: 1.5, presence_penalty: 1 };
  const z = [2, 2, 2];
  const want = [-1.199, -2.199, -0.532];
  for (const kept of [
    stack.vllmPipeline(config, z, { prompt: [0], output: [1] }),
    ref.referenceChain(z, fromVllm(config).options, { prompt: [0], history: [1] }),
  ]) {
    summary(kept).logprobs.forEach((lp, i) =>
      assert.ok(Math.abs(lp - want[i]) < 5e-4, `${lp} vs ${want[i]}`),
    );
  }
});

test('fromVllm: values, ignored keys and errors', () => {
  assert.equal(
    fromVllm({ temperature: 0.005 }).options.temperature,
    0.01,
    '(0, 0.01) becomes 0.01',
  );
  const greedy = fromVllm({ temperature: 0, top_k: 5 });
  assert.equal(greedy.options.temperature, 0);
  assert.deepEqual(greedy.ignored, ['top_k'], 'greedy resets top_k');
  assert.equal(fromVllm({ seed: -1 }).options.seed, undefined);
  assert.equal(fromVllm({ logprobs: true }).options.topLogprobs, 1);
  assert.equal(fromVllm({ logprobs: -1 }).options.topLogprobs, 0x7fffffff, 'all of the vocabulary');
  assert.equal(fromVllm({ logprobs: 4 }).options.logprobsMode, 'raw');
  assert.deepEqual(
    fromVllm({ stop_token_ids: [5, 6], _all_stop_token_ids: [6, 2] }).options.stopTokenIds,
    [5, 6, 2],
  );
  assert.deepEqual(
    fromVllm({ bad_words: ['x'], _bad_words_token_ids: [[9]] }).options.badWordsIds,
    [[9]],
  );
  assert.deepEqual(fromVllm({ n: 2, max_tokens: 9, stop: ['a'] }).ignored, [
    'n',
    'stop',
    'max_tokens',
  ]);
  // A server request (OpenAI-compatible): chat logprobs, clamped biases, the request around it.
  const served = fromVllm({
    model: 'm',
    messages: [],
    logprobs: true,
    top_logprobs: 3,
    logit_bias: { 4: -250 },
  });
  assert.deepEqual([served.options.topLogprobs, served.options.logitBias[4]], [3, -100]);
  assert.deepEqual(served.ignored, ['model', 'messages']);
  assert.equal(
    fromVllm({ messages: [], logprobs: true }).options.topLogprobs,
    undefined,
    'the sampled token only',
  );
  assert.equal(
    fromVllm({ logit_bias: { 4: -250 } }).options.logitBias[4],
    -250,
    'SamplingParams does not clamp',
  );
  const cases = [
    [{ temperature: 2.5 }, LogitkitRangeError, 'samplingParams.temperature'],
    [{ top_k: -2 }, LogitkitRangeError, 'samplingParams.top_k'],
    [{ top_logprobs: 2 }, LogitkitRangeError, 'samplingParams.top_logprobs'],
    [{ guided_json: {} }, LogitkitRangeError, 'samplingParams.guided_json'],
    [{ top_p: 0 }, LogitkitRangeError, 'samplingParams.top_p'],
    [{ presence_penalty: 3 }, LogitkitRangeError, 'samplingParams.presence_penalty'],
    [{ bad_words: ['hello'] }, LogitkitRangeError, 'samplingParams.bad_words'],
    [{ structured_outputs: { json: {} } }, LogitkitRangeError, 'samplingParams.structured_outputs'],
    [{ logit_bias: { a: 1 } }, LogitkitTypeError, 'samplingParams.logit_bias["a"]'],
    [{ best_off: 2 }, LogitkitTypeError, 'samplingParams.best_off'],
  ];
  assertErrors(fromVllm, cases);
});

// ---------------------------------------------------------------- OpenAI

const OPENAI_CONFIGS = [
  {},
  { temperature: 0.7, top_p: 0.9 },
  { temperature: 0 },
  { presence_penalty: 1.5, frequency_penalty: 0.8 },
  { logit_bias: { 1: -100, 3: 7 }, top_p: 0.5, temperature: 1.5 },
  { top_p: 0, presence_penalty: -2 },
];

test('fromOpenAI: the options keep what OpenAI documents (own requests)', () => {
  assertProfileMatches(fromOpenAI, stack.openaiPipeline, OPENAI_CONFIGS, 90);
});

test('fromOpenAI: logprobs, ignored keys and errors', () => {
  const chat = fromOpenAI({ logprobs: true, top_logprobs: 4 }).options;
  assert.deepEqual([chat.topLogprobs, chat.logprobsMode], [4, 'raw']);
  assert.equal(
    fromOpenAI({ logprobs: true }).options.topLogprobs,
    undefined,
    'the sampled token only',
  );
  assert.equal(fromOpenAI({ logprobs: 3 }).options.topLogprobs, 3, 'legacy Completions');
  assert.deepEqual(fromOpenAI({ model: 'm', messages: [], stream: true }).ignored, [
    'model',
    'messages',
    'stream',
  ]);
  assert.deepEqual(fromOpenAI({ response_format: { type: 'text' } }).ignored, ['response_format']);
  const cases = [
    [{ top_logprobs: 3 }, LogitkitRangeError, 'request.top_logprobs'],
    [{ logprobs: true, top_logprobs: 21 }, LogitkitRangeError, 'request.top_logprobs'],
    [{ temperature: 2.1 }, LogitkitRangeError, 'request.temperature'],
    [{ logit_bias: { 5: 101 } }, LogitkitRangeError, 'request.logit_bias["5"]'],
    [{ response_format: { type: 'json_object' } }, LogitkitRangeError, 'request.response_format'],
    [{ top_k: 5 }, LogitkitTypeError, 'request.top_k'],
  ];
  assertErrors(fromOpenAI, cases);
});

// ---------------------------------------------------------------- real config files

test('pasted config files: each profile keeps what its stack keeps (llama.cpp requests, generation_config.json files, a SamplingParams dict, chat requests)', () => {
  const vocab = 151936; // Qwen2.5's, the largest id the files name
  const files = profileFixtureFiles();
  assert.equal(files.length, 8);
  const z = normalLogits(vocab, 2.5, 7);
  for (const file of files) {
    const [, name, pipeline] = stack.FIXTURE_STACKS.find(([pattern]) => pattern.test(file));
    const config = profileFixture(file);
    const { options, ignored } = PROFILES[name](config);
    assert.ok(ignored.length > 0, `${file}: something is ignored`);
    for (const h of histories(64, 9).filter((_, i) => i % 3 === 0)) {
      assertSameDistribution(
        ref.referenceChain(z, options, { prompt: h.prompt, history: h.output }),
        pipeline(config, z, h),
        file,
      );
    }
  }
});

test('fromLlamaCpp: keys of samplers llama.cpp removed, as older clients still send them', () => {
  // A request of llama.cpp's pre-2024-11 web UI: penalize_nl and tfs_z at their defaults.
  const { options, ignored } = fromLlamaCpp({ temperature: 0.7, penalize_nl: false, tfs_z: 1 });
  assert.equal(options.temperature, 0.7);
  assert.deepEqual(ignored.filter((k) => k === 'penalize_nl' || k === 'tfs_z').sort(), [
    'penalize_nl',
    'tfs_z',
  ]);
  assert.ok(fromLlamaCpp({ penalize_nl: true }).ignored.includes('penalize_nl'));
  assert.throws(
    () => fromLlamaCpp({ tfs_z: 0.95 }),
    (e) =>
      e instanceof RangeError &&
      e.argument === 'params.tfs_z' &&
      /tail-free sampling, which llama\.cpp removed/.test(e.message),
  );
});
