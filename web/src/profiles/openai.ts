import { ConfigReader } from './config-reader.js';
import type { ProfileResult, ProfileSamplingOptions } from './profile.js';
import { isTextFormat, OPENAI_REQUEST_FIELDS } from './request-fields.js';

// Completions' own fields beside the shared ones: the prompt and suffix, echo, and choices (`n`,
// `best_of`: independent completions, not distinct tokens of one step).
const IGNORED = [...OPENAI_REQUEST_FIELDS, 'prompt', 'suffix', 'echo', 'n', 'best_of'];

// The Responses API's own keys: its requests have no `logprobs` (top_logprobs alone asks for them).
const RESPONSES_KEYS = ['input', 'instructions', 'previous_response_id', 'conversation', 'text'];

/**
 * An OpenAI Chat Completions request (or a legacy Completions or a Responses request) as sampling
 * options with the semantics OpenAI documents: `compat: 'openai'` (presence and frequency penalties count the
 * tokens sampled so far, not the prompt: "c[j] is how often that token was sampled prior to the
 * current position"), `logit_bias` added to the logits before sampling, `temperature` (0 taken as
 * greedy) and `top_p`, and `logprobs: true` with `top_logprobs: N` as N top logprobs of the model's
 * distribution (raw, before temperature and top_p; the legacy `logprobs: N` and a Responses
 * request's `top_logprobs: N` likewise).
 *
 * OpenAI's models and their exact sampler are not public: these options reproduce what the API
 * reference specifies, with the defaults it gives (temperature 1, top_p 1, penalties 0). The
 * conversation, lengths, stopping, streaming, tools, storage (`store`, `metadata`), routing
 * (`service_tier`), `reasoning_effort`, output modalities and `n` go to `ignored`.
 *
 * @param request the parsed JSON request body.
 * @returns `{ options, ignored }`; `options` goes to `lk.createSampler(options)` as it is.
 * @throws LogitkitTypeError for an unknown key or a value of the wrong type, naming its JSON path
 *   (`request.top_p`); LogitkitRangeError for a value OpenAI refuses (temperature outside [0, 2], a
 *   bias outside [-100, 100], `top_logprobs` without `logprobs: true` in a Chat request, ...) or a
 *   structured-output `response_format` (or Responses `text.format`), which needs the grammar
 *   engine.
 */
export function fromOpenAI(request: Record<string, unknown>): ProfileResult {
  const r = new ConfigReader('fromOpenAI', 'request', request);
  const penalty = { min: -2, max: 2 };
  const options: ProfileSamplingOptions = {
    compat: 'openai',
    temperature: r.number('temperature', 1, { min: 0, max: 2 }),
    topP: r.number('top_p', 1, { min: 0, max: 1 }),
    presencePenalty: r.number('presence_penalty', 0, penalty),
    frequencyPenalty: r.number('frequency_penalty', 0, penalty),
    penaltyLastN: -1, // every token sampled so far
  };

  const bias = r.tokenBiases('logit_bias', { min: -100, max: 100 });
  if (bias !== undefined) options.logitBias = bias;

  // Chat: logprobs is a boolean and top_logprobs (0-20) needs it. Legacy Completions: logprobs is
  // the count itself (0-5).
  const logprobs = r.raw('logprobs');
  let count = 0;
  if (typeof logprobs === 'number') {
    count = r.integer('logprobs', 0, { min: 0, max: 5 });
    r.ignore('top_logprobs');
  } else {
    const on = r.boolean('logprobs', false);
    const top = r.integer('top_logprobs', undefined, { min: 0, max: 20 });
    const responses = RESPONSES_KEYS.some((key) => r.has(key));
    if (top !== undefined && !on && !responses)
      r.rangeError('top_logprobs', 'needs logprobs: true');
    count = top ?? 0;
  }
  if (count > 0) {
    options.topLogprobs = count;
    options.logprobsMode = 'raw';
  }

  const seed = r.integer('seed', undefined, { min: 0, max: Number.MAX_SAFE_INTEGER });
  if (seed !== undefined) options.seed = seed;

  const grammarWhy =
    'constrains sampling: compile its schema with the grammar engine and pass the matcher as options.grammar';
  r.unsupported('response_format', isTextFormat, grammarWhy);
  // The Responses API's `text: { format, verbosity }`: `format` is its response_format.
  r.unsupported(
    'text',
    (v) =>
      typeof v === 'object' &&
      v !== null &&
      ((v as { format?: unknown }).format == null ||
        isTextFormat((v as { format: unknown }).format)),
    grammarWhy,
  );
  r.ignore(...IGNORED);
  return { options, ignored: r.finish() };
}
