import { LogitkitRangeError, LogitkitTypeError } from '../errors.js';
import { describe } from '../input.js';
import { ORDER_PRESETS, type StageName } from '../sampling/stages.js';
import type { ConfigReader } from './config-reader.js';
import {
  readProfileArguments,
  type ProfileResult,
  type ProfileSamplingOptions,
  type ProfileTokenizer,
} from './profile.js';
import { isTextFormat, OPENAI_REQUEST_FIELDS } from './request-fields.js';

// llama.cpp's defaults for keys a request leaves out: `struct common_params_sampling` in
// common/common.h (ggml-org/llama.cpp at 001d906a). A server started with other CLI flags
// (--temp, --top-k, ...) has those as its defaults instead.
const DEFAULTS = {
  temperature: 0.8,
  dynatemp_range: 0,
  dynatemp_exponent: 1,
  top_k: 40,
  top_p: 0.95,
  min_p: 0.05,
  typical_p: 1,
  top_n_sigma: -1,
  xtc_probability: 0,
  xtc_threshold: 0.1,
  repeat_last_n: 64,
  repeat_penalty: 1,
  frequency_penalty: 0,
  presence_penalty: 0,
  dry_multiplier: 0,
  dry_base: 1.75,
  dry_allowed_length: 2,
  dry_penalty_last_n: 64,
  dry_sequence_breakers: ['\n', ':', '"', '*'],
  mirostat: 0,
  mirostat_tau: 5,
  mirostat_eta: 0.1,
  min_keep: 0,
  n_probs: 0,
} as const;

// common_sampler_types_from_names (common/sampling.cpp at 00efb3e1): the server passes
// allow_alt_names = false, so only these canonical names are recognised.
const SAMPLER_NAMES: Record<string, StageName | 'infill' | 'adaptive_p'> = {
  dry: 'dry',
  top_k: 'topK',
  top_p: 'topP',
  top_n_sigma: 'topNSigma',
  typ_p: 'typicalP',
  min_p: 'minP',
  temperature: 'temperature',
  xtc: 'xtc',
  infill: 'infill',
  penalties: 'penalties',
  adaptive_p: 'adaptive_p',
};

// common_sampler_type_to_chr (common/sampling.cpp): the `--sampling-seq` / string form.
const SAMPLER_CHARS: Record<string, StageName | 'infill' | 'adaptive_p'> = {
  d: 'dry',
  k: 'topK',
  y: 'typicalP',
  p: 'topP',
  s: 'topNSigma',
  m: 'minP',
  t: 'temperature',
  x: 'xtc',
  i: 'infill',
  e: 'penalties',
  a: 'adaptive_p',
};

/**
 * Reads llama.cpp's `samplers` value, an array of names or a string of characters (`"kpt"`), as
 * `common_sampler_types_from_names` / `common_sampler_types_from_chars` do: a name or character
 * llama.cpp does not recognise is dropped (llama.cpp logs a warning); its path goes to `dropped`.
 * `infill` (which needs the vocabulary's end-of-generation tokens) and `adaptive_p` are not
 * implemented by logitkit: a `LogitkitRangeError`. A stage listed twice (llama.cpp would run it
 * twice) is a `LogitkitRangeError` too, since a logitkit chain runs each stage once.
 */
export function llamaCppSamplers(
  value: unknown,
  fn: string,
  where: string,
): { stages: StageName[]; dropped: string[] } {
  let items: { name: unknown; path: string; table: typeof SAMPLER_NAMES }[];
  if (typeof value === 'string') {
    items = [...value].map((ch, i) => ({ name: ch, path: `${where}[${i}]`, table: SAMPLER_CHARS }));
  } else if (Array.isArray(value)) {
    items = value.map((name, i) => ({ name, path: `${where}[${i}]`, table: SAMPLER_NAMES }));
  } else {
    throw new LogitkitTypeError(
      `${fn}: ${where} must be an array of sampler names or a string of sampler characters, got ${describe(value)}`,
      where,
    );
  }
  const stages: StageName[] = [];
  const dropped: string[] = [];
  for (const { name, path, table } of items) {
    const stage = typeof name === 'string' ? table[name] : undefined;
    if (stage === undefined) {
      dropped.push(path);
      continue;
    }
    if (stage === 'infill' || stage === 'adaptive_p') {
      throw new LogitkitRangeError(
        `${fn}: ${path} = ${JSON.stringify(name)}: llama.cpp's ${stage} sampler is not implemented by logitkit`,
        path,
      );
    }
    if (stages.includes(stage)) {
      throw new LogitkitRangeError(
        `${fn}: ${path} lists ${JSON.stringify(name)} again: llama.cpp would run it twice, a logitkit chain runs each stage once`,
        path,
      );
    }
    stages.push(stage);
  }
  return { stages, dropped };
}

// llama.cpp's default `samplers` list (common/common.h): its stages in the 'llama.cpp' order preset.
const DEFAULT_SAMPLERS: readonly StageName[] = ORDER_PRESETS['llama.cpp'].filter((stage) =>
  Object.values(SAMPLER_NAMES).includes(stage),
);

// Keys the server no longer reads (params_from_json_cmpl takes only the keys it knows): `slot_id`
// (now `id_slot`), `system_prompt` and `penalty_prompt`, all removed from the server; and the
// OpenAI request fields the OpenAI-compatible endpoints accept and pass by
// (oaicompat_chat_params_parse).
const PASSED_BY = ['slot_id', 'system_prompt', 'penalty_prompt', ...OPENAI_REQUEST_FIELDS];

// Request keys that do not change the next-token distribution: prompt and stopping, output format,
// server scheduling (tools/server/server-task.cpp params_from_json_cmpl at 00efb3e1).
const IGNORED = [
  'prompt',
  'messages',
  'model',
  'n_predict',
  'max_tokens',
  'max_completion_tokens',
  'stream',
  'stream_options',
  'stop',
  'cache_prompt',
  'n_keep',
  'n_discard',
  'n_indent',
  'n_cmpl',
  'n',
  'n_cache_reuse',
  't_max_predict_ms',
  't_max_prompt_ms',
  'id_slot',
  'return_tokens',
  'return_progress',
  'response_fields',
  'timings_per_token',
  'lora',
  'image_data',
  'multimodal_data',
  'chat_format',
  'reasoning_format',
  'thinking_forced_open',
  'parse_tool_calls',
  'chat_parser',
  'preserved_tokens',
  'grammar_lazy',
  'grammar_triggers',
  'backend_sampling',
  'speculative.n_max',
  'speculative.n_min',
  'speculative.p_min',
  'speculative.type',
  'speculative.ngram_size_n',
  'speculative.ngram_size_m',
  'speculative.ngram_m_hits',
  'input_prefix',
  'input_suffix',
  'input_extra',
  'chat_template_kwargs',
  'add_generation_prompt',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
];

/**
 * A llama.cpp server request (`/completion`, or the sampling fields of `/v1/chat/completions`) as
 * sampling options with llama.cpp's semantics: `compat: 'llama.cpp'` (mirostat replaces the chain,
 * top-k has no min_keep, stages missing from `samplers` are dropped, the prompt feeds the same
 * penalty window as the output) and llama.cpp's defaults for every key left out (`top_k` 40,
 * `top_p` 0.95, `min_p` 0.05, `temperature` 0.8, ...; see the README table).
 *
 * Values keep llama.cpp's meaning: `temperature` <= 0 is greedy, `seed` -1 is random, `min_keep` 0
 * is 1, `repeat_last_n` / `dry_penalty_last_n` -1 is the whole context, `dry_base` < 1 is 1.75,
 * `logit_bias` `false` bans a token, `n_probs` returns raw top logprobs (post-sampling with
 * `post_sampling_probs`). Keys that only steer the server (`prompt`, `n_predict`, `stream`, `stop`,
 * ...) go to `ignored`, with any `samplers` entry llama.cpp would drop.
 *
 * Two keys need the model's vocabulary, which llama.cpp has and a pasted request does not: DRY's
 * string `dry_sequence_breakers` (default `["\n", ":", "\"", "*"]`) stay strings in the options,
 * matched against the vocabulary by the sampler (`tokenizer.tokenizerInfo`, see
 * `SamplingOptions.drySequenceBreakers`), and `ignore_eos` bans the end-of-generation tokens (llama.cpp
 * gives each a -inf logit bias) as `suppressStopTokens` over `tokenizer.stopTokenIds`, else
 * `tokenizer.tokenizerInfo`'s stop tokens.
 *
 * A body sent to the OpenAI-compatible endpoints reads as llama.cpp reads it there
 * (`oaicompat_chat_params_parse`, `oaicompat_completion_params_parse`): `logprobs: true` asks for
 * `top_logprobs` (default 20) raw top logprobs, a `logprobs` number for that many, an `n_probs` in
 * the body wins; `response_format` `{ "type": "text" }` and `echo: false` are ignored, a schema
 * (`json_object`, `json_schema`: a grammar in llama.cpp) or `echo: true`, `best_of`, `suffix` (which
 * llama.cpp refuses) a `LogitkitRangeError`. The OpenAI fields the server passes by (`user`,
 * `metadata`, `store`, ...) and the keys it no longer reads (`slot_id`, `system_prompt`) go to
 * `ignored`.
 *
 * @param params the parsed JSON request body.
 * @param tokenizer the model's vocabulary, copied into the options: `{ tokenizerInfo?,
 *   tokenizerEncode?, stopTokenIds? }` (see ProfileTokenizer).
 * @returns `{ options, ignored }`; `options` goes to `lk.createSampler(options)` as it is.
 * @throws LogitkitTypeError for an unknown key or a value of the wrong type, naming its JSON path
 *   (`params.top_k`, `tokenizer.tokenizerInfo`); LogitkitRangeError for a value llama.cpp refuses
 *   or logitkit cannot reproduce (a grammar, the infill or adaptive-p sampler, a text `logit_bias`
 *   key, `ignore_eos` without `tokenizer.tokenizerInfo` or `tokenizer.stopTokenIds`).
 */
export function fromLlamaCpp(
  params: Record<string, unknown>,
  tokenizer?: ProfileTokenizer,
): ProfileResult {
  const { vocabulary, r } = readProfileArguments('fromLlamaCpp', 'params', params, tokenizer);
  const nonNegative = { min: 0 };

  const dynatempRange = Math.max(0, r.number('dynatemp_range', DEFAULTS.dynatemp_range));
  let temperature = r.number('temperature', DEFAULTS.temperature);
  if (temperature < 0 && dynatempRange > 0) {
    r.rangeError(
      'temperature',
      `= ${temperature} with dynatemp_range > 0 spans negative temperatures, which logitkit does not take`,
    );
  }
  temperature = Math.max(0, temperature);

  const mirostat = r.integer('mirostat', DEFAULTS.mirostat, { min: 0, max: 2 });
  const dryMultiplier = r.number('dry_multiplier', DEFAULTS.dry_multiplier, nonNegative);
  const dryBaseRaw = r.number('dry_base', DEFAULTS.dry_base);
  const dryBase = dryBaseRaw < 1 ? DEFAULTS.dry_base : dryBaseRaw; // params_from_json_cmpl
  const dryPenaltyLastN = r.integer('dry_penalty_last_n', DEFAULTS.dry_penalty_last_n, { min: -1 });
  const options: ProfileSamplingOptions = {
    compat: 'llama.cpp',
    temperature,
    dynatempRange,
    dynatempExponent: r.number('dynatemp_exponent', DEFAULTS.dynatemp_exponent, nonNegative),
    topK: Math.max(0, r.integer('top_k', DEFAULTS.top_k)),
    topP: Math.min(1, Math.max(0, r.number('top_p', DEFAULTS.top_p))),
    minP: Math.max(0, r.number('min_p', DEFAULTS.min_p, { max: 1 })),
    typicalP: Math.min(
      1,
      r.number('typical_p', DEFAULTS.typical_p, { min: 0, minExclusive: true }),
    ),
    topNSigma: Math.max(-1, r.number('top_n_sigma', DEFAULTS.top_n_sigma)),
    xtcProbability: Math.min(1, Math.max(0, r.number('xtc_probability', DEFAULTS.xtc_probability))),
    xtcThreshold: Math.min(1, Math.max(0, r.number('xtc_threshold', DEFAULTS.xtc_threshold))),
    penaltyLastN: r.integer('repeat_last_n', DEFAULTS.repeat_last_n, { min: -1 }),
    repetitionPenalty: r.number('repeat_penalty', DEFAULTS.repeat_penalty, {
      min: 0,
      minExclusive: true,
    }),
    frequencyPenalty: r.number('frequency_penalty', DEFAULTS.frequency_penalty),
    presencePenalty: r.number('presence_penalty', DEFAULTS.presence_penalty),
    dryMultiplier,
    dryBase,
    dryAllowedLength: r.integer('dry_allowed_length', DEFAULTS.dry_allowed_length, nonNegative),
    dryPenaltyLastN,
    mirostat,
    mirostatTau: r.number('mirostat_tau', DEFAULTS.mirostat_tau, nonNegative),
    mirostatEta: r.number('mirostat_eta', DEFAULTS.mirostat_eta, nonNegative),
    minTokensToKeep: Math.max(1, r.integer('min_keep', DEFAULTS.min_keep, nonNegative)),
  };

  // DRY's breakers matter only when DRY runs (llama_sampler_init_dry: dry_enabled).
  const breakers = r.raw('dry_sequence_breakers');
  if (breakers !== undefined) {
    if (
      !Array.isArray(breakers) ||
      breakers.length === 0 ||
      breakers.some((b) => typeof b !== 'string')
    ) {
      r.typeError(
        'dry_sequence_breakers',
        `must be a non-empty array of strings, got ${describe(breakers)}`,
      );
    }
  }
  if (dryMultiplier !== 0 && dryPenaltyLastN !== 0) {
    // llama_sampler_init_dry skips empty strings and truncates the others to 40 characters.
    options.drySequenceBreakers = (
      (breakers as string[] | undefined) ?? DEFAULTS.dry_sequence_breakers
    )
      .filter((b) => b.length > 0)
      .map((b) => b.slice(0, 40));
  }

  // seed: a uint32; LLAMA_DEFAULT_SEED (0xFFFFFFFF, what -1 becomes) draws a random seed.
  const seed = r.integer('seed', undefined, { min: -(2 ** 31), max: 2 ** 32 - 1 });
  if (seed !== undefined && seed >>> 0 !== 0xffffffff) options.seed = seed >>> 0;

  // n_probs: raw probabilities, or those of the final candidates with post_sampling_probs.
  const nProbs = r.integer('n_probs', undefined, nonNegative);
  const topLogprobs = nProbs ?? readOpenAILogprobs(r);
  if (nProbs !== undefined) r.ignore('logprobs', 'top_logprobs');
  if (topLogprobs > 0) {
    options.topLogprobs = topLogprobs;
    options.logprobsMode = r.boolean('post_sampling_probs', false) ? 'processed' : 'raw';
  } else {
    r.ignore('post_sampling_probs');
  }

  const bias = readLogitBias(r, vocabulary);
  if (bias !== undefined) options.logitBias = bias;
  if (r.boolean('ignore_eos', false)) {
    // params_from_json_cmpl: a -inf logit bias on every end-of-generation token of the vocabulary.
    if (vocabulary.stopTokenIds === undefined && vocabulary.tokenizerInfo === undefined)
      r.rangeError(
        'ignore_eos',
        "bans the vocabulary's end-of-generation tokens (llama.cpp gives them a -inf logit bias), which a request does not list: pass fromLlamaCpp(params, { tokenizerInfo }) or fromLlamaCpp(params, { stopTokenIds })",
      );
    options.suppressStopTokens = true;
  }
  Object.assign(options, vocabulary);

  const samplers = r.raw('samplers');
  let stages = [...DEFAULT_SAMPLERS];
  if (samplers !== undefined) {
    const parsed = llamaCppSamplers(samplers, 'fromLlamaCpp', r.path('samplers'));
    stages = parsed.stages;
    parsed.dropped.forEach((path) => r.ignorePath(path));
  }
  options.order = ['logitBias', ...stages];

  // adaptive-p runs only when `samplers` names it, which llamaCppSamplers refuses.
  r.ignore('adaptive_target', 'adaptive_decay');
  // Keys of samplers llama.cpp removed, which requests from older clients still carry and today's
  // server does not read: `penalize_nl` (removed 2024-09; the penalties now see newlines like any
  // token) is ignored; tail-free sampling's `tfs_z` (removed 2024-11) only at its off value 1, since
  // any other value asks for a sampler neither stack runs.
  r.ignore('penalize_nl');
  r.unsupported(
    'tfs_z',
    (v) => v === 1,
    'asks for tail-free sampling, which llama.cpp removed (only 1, off, means the same today)',
  );
  const grammarWhy =
    'constrains sampling: compile it with the grammar engine and pass the matcher as options.grammar';
  r.unsupported('grammar', (v) => v === '', grammarWhy);
  r.unsupported('json_schema', () => false, grammarWhy);
  // oaicompat_chat_params_parse: `json_object` and `json_schema` become a `json_schema`, a grammar.
  r.unsupported('response_format', isTextFormat, grammarWhy);
  // oaicompat_completion_params_parse refuses these ("Only no echo is supported", "Unsupported param").
  r.unsupported('echo', (v) => v === false, "is refused by llama.cpp's /v1/completions");
  r.unsupported('best_of', () => false, "is refused by llama.cpp's /v1/completions");
  r.unsupported('suffix', () => false, "is refused by llama.cpp's /v1/completions");
  r.unsupported(
    'reasoning_budget_tokens',
    (v) => typeof v === 'number' && v < 0,
    "forces tokens, which logitkit's sampler does not do",
  );
  r.ignore(
    ...IGNORED,
    ...PASSED_BY,
    'reasoning_budget_start_tag',
    'reasoning_budget_end_tag',
    'reasoning_budget_message',
    'reasoning_budget_arm_immediately',
  );
  return { options, ignored: r.finish() };
}

// The OpenAI-style logprobs of a request without n_probs: the OpenAI-compatible chat endpoint's
// `logprobs: true` asks for `top_logprobs` (default 20) and refuses `top_logprobs` without it
// (oaicompat_chat_params_parse); a number is the legacy Completions count.
function readOpenAILogprobs(r: ConfigReader): number {
  if (typeof r.raw('logprobs') === 'number') {
    r.ignore('top_logprobs');
    return r.integer('logprobs', DEFAULTS.n_probs, { min: 0 });
  }
  const on = r.boolean('logprobs', false);
  const top = r.integer('top_logprobs', undefined, { min: 0 });
  if (top !== undefined && !on) r.rangeError('top_logprobs', 'needs logprobs: true');
  return on ? (top ?? 20) : DEFAULTS.n_probs;
}

// `logit_bias` as params_from_json_cmpl reads it: an object { "token id": bias } or an array of
// [token, bias] pairs; a bias of `false` bans the token. llama.cpp skips malformed entries, `true`
// biases and ids outside the vocabulary (they go to `ignored`; the last only when the vocabulary is
// known). A text key (an object key strtol does not read whole, or a string in a pair) biases each
// token of its tokenization (`common_tokenize(vocab, text, false)`, one entry per occurrence):
// `tokenizerEncode` gives it; without it, a LogitkitRangeError.
function readLogitBias(
  r: ConfigReader,
  vocabulary: ProfileTokenizer,
): Record<number, number> | undefined {
  const value = r.raw('logit_bias');
  if (value === undefined) return undefined;
  const where = r.path('logit_bias');
  const entries: [unknown, unknown, string][] = Array.isArray(value)
    ? value.map((el: unknown, i) =>
        Array.isArray(el) && el.length === 2
          ? [el[0], el[1], `${where}[${i}]`]
          : [undefined, undefined, `${where}[${i}]`],
      )
    : typeof value === 'object'
      ? Object.entries(value as object).map(([k, v]) => [
          strtolWhole(k) ?? k,
          v,
          `${where}[${JSON.stringify(k)}]`,
        ])
      : r.typeError(
          'logit_bias',
          `must be an object or an array of [token, bias] pairs, got ${describe(value)}`,
        );
  const out: Record<number, number> = {};
  const vocabSize = vocabulary.tokenizerInfo?.vocabSize ?? Infinity;
  for (const [token, bias, path] of entries) {
    const b = typeof bias === 'number' ? bias : bias === false ? -Infinity : undefined;
    if (b === undefined) {
      r.ignorePath(path);
      continue;
    }
    if (Number.isNaN(b)) r.rangeError('logit_bias', `has a NaN bias at ${path}`);
    if (typeof token === 'string') {
      const encode = vocabulary.tokenizerEncode;
      if (encode === undefined)
        throw new LogitkitRangeError(
          `fromLlamaCpp: ${path}: a text key is biased token by token as the tokenizer encodes it: pass fromLlamaCpp(params, { tokenizerEncode }), or give token ids`,
          path,
        );
      const ids = encode(new TextEncoder().encode(token));
      ids.forEach((id, k) => {
        if (!Number.isInteger(id) || id < 0)
          throw new LogitkitRangeError(
            `fromLlamaCpp: tokenizer.tokenizerEncode returned ${String(id)} at ${k} for ${path}, not a token id`,
            'tokenizer.tokenizerEncode',
          );
        out[id] = (out[id] ?? 0) + b;
      });
      continue;
    }
    if (typeof token !== 'number' || !Number.isInteger(token) || token < 0 || token >= vocabSize) {
      r.ignorePath(path);
      continue;
    }
    out[token] = (out[token] ?? 0) + b;
  }
  return out;
}

// An object key as llama.cpp's `strtol(key, &end, 10)` with `*end == 0` reads it: leading
// whitespace, a sign, digits, nothing after (the empty key is 0, as strtol converts nothing and
// stops at the end); undefined for a text key.
function strtolWhole(key: string): number | undefined {
  if (key === '') return 0;
  return /^[ \t\n\v\f\r]*[+-]?\d+$/.test(key) ? Number(key.trim()) : undefined;
}
