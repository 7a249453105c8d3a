import { LogitkitRangeError, LogitkitTypeError } from '../errors.js';
import { describe } from '../input.js';
import type { ConfigReader } from './config-reader.js';
import {
  readProfileArguments,
  type ProfileResult,
  type ProfileSamplingOptions,
  type ProfileTokenizer,
} from './profile.js';
import { isTextFormat, OPENAI_REQUEST_FIELDS } from './request-fields.js';

// vllm/sampling_params.py (vllm-project/vllm at 00388f65): SamplingParams' field defaults, and the
// temperatures __post_init__ treats specially.
const SAMPLING_EPS = 1e-5; // below it: greedy
const MAX_TEMP = 1e-2; // (0, MAX_TEMP) is raised to MAX_TEMP
const DEFAULTS = {
  temperature: 1,
  top_p: 1,
  top_k: 0,
  min_p: 0,
  presence_penalty: 0,
  frequency_penalty: 0,
  repetition_penalty: 1,
  min_tokens: 0,
} as const;

// Fields that do not change the next-token distribution: stopping and lengths, detokenization,
// output shape, prompt scoring, scheduling, and the engine's internal copies.
const IGNORED = [
  'n',
  'best_of',
  'stop',
  'ignore_eos',
  'max_tokens',
  'prompt_logprobs',
  'prompt_logprob_token_ids',
  'prompt_logprob_start',
  'logprob_token_ids',
  'flat_logprobs',
  'detokenize',
  'skip_special_tokens',
  'spaces_between_special_tokens',
  'include_stop_str_in_output',
  'output_kind',
  'stream_interval',
  'skip_clone',
  'skip_reading_prefix_cache',
  'truncate_prompt_tokens',
  'extra_args',
  'repetition_detection',
  'routed_experts_prompt_start',
  'output_text_buffer_length',
  '_eos_token_id',
  // the request around the sampling fields, in a vLLM server request (OpenAI-compatible)
  'model',
  'messages',
  'prompt',
  'suffix',
  'echo',
  'stream',
  'stream_options',
  'max_completion_tokens',
  'user',
  'add_generation_prompt',
  'continue_final_message',
  'add_special_tokens',
  'chat_template',
  'chat_template_kwargs',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'documents',
  'request_id',
  'priority',
  'return_tokens_as_token_ids',
  'include_reasoning',
  'guided_decoding_backend',
  'guided_whitespace_pattern',
  'mm_processor_kwargs',
  'cache_salt',
  'kv_transfer_params',
  'return_token_ids',
  'prompt_embeds',
];

// Beam search's own fields: SamplingParams had them up to vLLM 0.6.2 (refusing values other than
// their defaults without use_beam_search); since then they live in BeamSearchParams, and a server
// request's `length_penalty` is read only by to_beam_search_params (use_beam_search, refused
// here). They never change a sampling step.
const BEAM_SEARCH_ONLY = ['length_penalty', 'early_stopping'];

/**
 * A vLLM `SamplingParams` (as a dict / JSON object) or a vLLM server request (OpenAI-compatible,
 * with vLLM's extra sampling fields) as sampling options with vLLM's v1 sampler semantics: `compat: 'vllm'` (top-k keeps
 * every token tied with the k-th; the repetition penalty sees prompt and output, the presence and
 * frequency penalties the output only), vLLM's order (`order: 'vllm'`: processors, temperature,
 * min_p, then top_k and top_p) and `SamplingParams`' defaults.
 *
 * Values keep vLLM's meaning: `temperature` below 1e-5 is greedy (top_p, top_k and min_p are then
 * unused, as `__post_init__` resets them), a temperature in (0, 0.01) becomes 0.01, `top_k` 0 or -1
 * is off, `seed` -1 is random, `logprobs` N returns N raw top logprobs (-1: all), `min_tokens` bans
 * `stop_token_ids` (add the EOS token: vLLM's engine adds it from the model) until that many tokens
 * were generated; in a server request, `logprobs: true` with `top_logprobs` is that many and
 * `logit_bias` is clamped to [-100, 100], as vLLM's server does. The conversation, stopping,
 * lengths and output-format fields go to `ignored`, as do the OpenAI request fields vLLM's server
 * accepts and passes by (`user`, `metadata`, `store`, ...) and beam search's `length_penalty` and
 * `early_stopping` (read only with `use_beam_search`, which is refused). A server started with the
 * model's `generation_config.json` (vLLM's default) takes its defaults from there: merge those keys
 * in.
 *
 * What vLLM's engine adds from the model's tokenizer comes from `tokenizer`: its
 * `tokenizerEncode` turns text `bad_words` into token sequences as `update_from_tokenizer` does
 * (each word with its leading whitespace stripped, and again after one space when that gives
 * another first token and as many tokens), and its stop tokens (`stopTokenIds`, else
 * `tokenizerInfo`'s) join `stop_token_ids` in the set `min_tokens` bans (vLLM's
 * `_all_stop_token_ids` holds the model's EOS).
 *
 * @param samplingParams the parsed SamplingParams fields.
 * @param tokenizer the model's tokenizer, copied into the options: `{ tokenizerInfo?,
 *   tokenizerEncode?, stopTokenIds? }` (see ProfileTokenizer).
 * @returns `{ options, ignored }`; `options` goes to `lk.createSampler(options)` as it is.
 * @throws LogitkitTypeError for an unknown key or a value of the wrong type, naming its JSON path
 *   (`samplingParams.top_k`, `tokenizer.stopTokenIds`); LogitkitRangeError for a value vLLM
 *   refuses (`temperature` > 2, `top_k` < -1, penalties outside [-2, 2], a bad word that
 *   tokenizes to nothing, ...) or logitkit cannot reproduce (structured outputs, custom logits
 *   processors, text `bad_words` without `tokenizer.tokenizerEncode` or their token ids).
 */
export function fromVllm(
  samplingParams: Record<string, unknown>,
  tokenizer?: ProfileTokenizer,
): ProfileResult {
  const { vocabulary, r } = readProfileArguments(
    'fromVllm',
    'samplingParams',
    samplingParams,
    tokenizer,
  );
  const options: ProfileSamplingOptions = { compat: 'vllm', order: 'vllm' };
  const penalty = { min: -2, max: 2 };

  let temperature = r.number('temperature', DEFAULTS.temperature, { min: 0, max: 2 });
  if (temperature > 0 && temperature < MAX_TEMP) temperature = MAX_TEMP;
  if (temperature < SAMPLING_EPS) {
    options.temperature = 0;
    r.ignore('top_p', 'top_k', 'min_p');
  } else {
    options.temperature = temperature;
    options.topP = r.number('top_p', DEFAULTS.top_p, { min: 0, max: 1, minExclusive: true });
    options.topK = Math.max(0, r.integer('top_k', DEFAULTS.top_k, { min: -1 }));
    options.minP = r.number('min_p', DEFAULTS.min_p, { min: 0, max: 1 });
  }
  options.presencePenalty = r.number('presence_penalty', DEFAULTS.presence_penalty, penalty);
  options.frequencyPenalty = r.number('frequency_penalty', DEFAULTS.frequency_penalty, penalty);
  options.repetitionPenalty = r.number('repetition_penalty', DEFAULTS.repetition_penalty, {
    min: 0,
    minExclusive: true,
  });
  options.penaltyLastN = -1; // vLLM's penalties see the whole prompt and output

  const seed = r.integer('seed', undefined, { min: -1, max: Number.MAX_SAFE_INTEGER });
  if (seed !== undefined && seed !== -1) options.seed = seed;

  // logprobs: True is 1 (__post_init__), -1 is the whole vocabulary; in a chat request,
  // `logprobs: true` asks for `top_logprobs` of them (to_sampling_params). vLLM returns raw
  // logprobs unless the server runs with another --logprobs-mode.
  const logprobs = r.raw('logprobs');
  const top = r.integer('top_logprobs', undefined, { min: -1 });
  const chat = top !== undefined || r.has('messages');
  if (top !== undefined && logprobs !== true) r.rangeError('top_logprobs', 'needs logprobs: true');
  const count =
    logprobs === true
      ? chat
        ? (top ?? 0)
        : 1
      : logprobs === false || logprobs === undefined
        ? undefined
        : r.integer('logprobs', 0, { min: -1 });
  if (count !== undefined && count !== 0) {
    options.topLogprobs = count === -1 ? 0x7fffffff : count;
    options.logprobsMode = 'raw';
  }

  // The server clamps a request's biases to [-100, 100] (SamplingParams.from_optional).
  const bias = r.tokenBiases('logit_bias');
  const request = r.has('messages') || r.has('prompt') || r.has('model');
  if (bias !== undefined) {
    for (const t of Object.keys(bias))
      if (request) bias[+t] = Math.min(100, Math.max(-100, bias[+t]!));
    options.logitBias = bias;
  }
  const allowed = r.tokenIds('allowed_token_ids');
  if (allowed !== undefined) options.allowedTokenIds = allowed;

  // bad_words are text that vLLM encodes with the model's tokenizer (with and without a leading
  // space); a SamplingParams that went through the engine carries the result.
  const badWordIds = r.tokenSequences('_bad_words_token_ids');
  const badWords = r.raw('bad_words');
  if (badWordIds !== undefined && badWordIds.length > 0) options.badWordsIds = badWordIds;
  else if (Array.isArray(badWords) && badWords.length > 0) {
    options.badWordsIds = badWordSequences(
      r,
      badWords,
      vocabulary.tokenizerEncode ??
        r.rangeError(
          'bad_words',
          "are text, which vLLM turns into token ids with the model's tokenizer: pass fromVllm(samplingParams, { tokenizerEncode }), or give those ids as badWordsIds",
        ),
    );
  }

  const stop = [
    ...(r.tokenIds('stop_token_ids') ?? []),
    ...(r.tokenIds('_all_stop_token_ids') ?? []),
    ...(vocabulary.stopTokenIds ?? vocabulary.tokenizerInfo?.stopTokenIds ?? []),
  ];
  if (stop.length > 0) options.stopTokenIds = [...new Set(stop)];
  const minTokens = r.integer('min_tokens', DEFAULTS.min_tokens, { min: 0 });
  if (minTokens > 0) options.minNewTokens = minTokens;

  const grammarWhy =
    'constrains sampling: compile it with the grammar engine and pass the matcher as options.grammar';
  for (const key of [
    'structured_outputs',
    'guided_decoding',
    'guided_json',
    'guided_regex',
    'guided_choice',
    'guided_grammar',
  ])
    r.unsupported(key, () => false, grammarWhy);
  r.unsupported('response_format', isTextFormat, grammarWhy);
  r.unsupported(
    'logits_processors',
    (v) => Array.isArray(v) && v.length === 0,
    'are Python callables',
  );
  r.unsupported(
    'use_beam_search',
    (v) => v === false,
    'is beam search, which a sampler does not do',
  );
  r.unsupported(
    'thinking_token_budget',
    (v) => v === -1,
    "forces tokens, which logitkit's sampler does not do",
  );
  r.unsupported(
    'trace_decode_token_ids',
    () => false,
    "forces tokens, which logitkit's sampler does not do",
  );
  r.ignore(...IGNORED, ...BEAM_SEARCH_ONLY, ...OPENAI_REQUEST_FIELDS);
  Object.assign(options, { ...vocabulary, stopTokenIds: options.stopTokenIds });
  if (options.stopTokenIds === undefined) delete options.stopTokenIds;
  return { options, ignored: r.finish() };
}

// Python's str.isspace() characters, which str.lstrip() removes.
const PY_LEADING_SPACE =
  /^[\t\n\v\f\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

// SamplingParams.update_from_tokenizer: each bad word without its leading whitespace, then with one
// space before it when that encodes to another first token and as many tokens (the word in the
// middle of a text); a word that encodes to nothing is refused.
function badWordSequences(
  r: ConfigReader,
  words: unknown[],
  encode: NonNullable<ProfileTokenizer['tokenizerEncode']>,
): (readonly number[])[] {
  const out: (readonly number[])[] = [];
  const utf8 = new TextEncoder();
  words.forEach((word, i) => {
    const where = `${r.path('bad_words')}[${i}]`;
    if (typeof word !== 'string')
      throw new LogitkitTypeError(
        `fromVllm: ${where} must be a string, got ${describe(word)}`,
        where,
      );
    for (const prefix of ['', ' ']) {
      const ids = encode(utf8.encode(prefix + word.replace(PY_LEADING_SPACE, '')));
      ids.forEach((id, k) => {
        if (!Number.isInteger(id) || id < 0)
          throw new LogitkitRangeError(
            `fromVllm: tokenizer.tokenizerEncode returned ${String(id)} at ${k} for ${where}, not a token id`,
            'tokenizer.tokenizerEncode',
          );
      });
      if (ids.length === 0) {
        if (prefix === '')
          throw new LogitkitRangeError(
            `fromVllm: ${where} = ${JSON.stringify(word)} encodes to no token (vLLM refuses it)`,
            where,
          );
        continue;
      }
      const last = out[out.length - 1]!;
      if (prefix === '' || (ids[0] !== last[0] && ids.length === last.length)) out.push(ids);
    }
  });
  return out;
}
