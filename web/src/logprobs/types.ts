/**
 * The normalised shape every provider parser produces, the same for every provider:
 * `{ provider, choices: [{ index, tokens: [{ token, bytes?, logprob, topLogprobs }], text }] }`.
 */

/** Providers `parseLogprobs` understands; pass one as `options.provider` to skip detection. */
export type ProviderId =
  | 'openai-chat'
  | 'openai-completions'
  | 'openai-responses'
  | 'gemini'
  | 'ollama'
  | 'llamacpp'
  | 'vllm'
  | 'sglang'
  | 'tgi'
  | 'cohere';

/** Every provider id, in documentation order. */
export const PROVIDERS: readonly ProviderId[] = Object.freeze([
  'openai-chat',
  'openai-completions',
  'openai-responses',
  'gemini',
  'ollama',
  'llamacpp',
  'vllm',
  'sglang',
  'tgi',
  'cohere',
]);

/**
 * One alternative at a position (an entry of the provider's top-N list).
 *
 * `logprob` is the natural-log probability (always <= 0, may be `-Infinity` for p = 0), or `null`
 * when there is no usable number. `belowTopN` tells the two `null` cases apart:
 * - `belowTopN: true`  — the provider sent its "below the top-N" sentinel (OpenAI's `-9999`, which
 *   vLLM also uses for -inf). The token is very unlikely, but its probability is unknown.
 * - `belowTopN: false` — the value was absent or `null` (e.g. the first prompt token with `echo`).
 * Neither case ever enters a sum, mean or probability: analysis functions skip `null`.
 */
export interface TopLogprob {
  /** Token text as the provider sent it (may be a byte-escape form such as `bytes:\xf0\x9f`). */
  token: string;
  /** UTF-8 bytes of the token, when the provider gives them (or they can be read from `token`). */
  bytes?: number[];
  /** The token's id in the model's vocabulary, when the provider gives it. */
  id?: number;
  /**
   * True for a special (control) token such as end-of-sequence, when the provider flags it
   * (Hugging Face TGI's `special`). Its logprob counts like any other, but it adds no text: `text`
   * is what the server returns as the generated text, which leaves special tokens out.
   */
  special?: boolean;
  /**
   * True when the provider sent no text for this token: vLLM's `--return-tokens-as-token-ids`
   * placeholder `token_id:<id>` without `bytes` (the legacy Completions form), a `null` token
   * (Together), a Cohere token whose text chunk is missing, an SGLang `[logprob, id, null]` triple
   * (without `return_text_in_logprobs`). `token` is then `""`, `bytes` absent, and the token adds
   * nothing to the rebuilt `text`; `id` identifies it when the provider gave one.
   */
  textUnknown?: boolean;
  /** Natural-log probability (<= 0, `-Infinity` for p = 0), or `null` when unknown (see above). */
  logprob: number | null;
  /** True when the provider sent its below-top-N sentinel instead of a value (`logprob` is then `null`). */
  belowTopN: boolean;
}

/** One generated (or prompt) token, with the alternatives the provider listed at its position. */
export interface LogprobToken extends TopLogprob {
  /** The provider's top-N list at this position, in the provider's order (most likely first). */
  topLogprobs: TopLogprob[];
  /**
   * Start of this token in the sequence's `text`, in UTF-16 code units (JavaScript string index).
   * A token that only continues a character begun by an earlier token (the second half of an
   * emoji split across byte-level tokens) gets the offset where that character starts.
   */
  offset: number;
}

/** A run of tokens and the text they decode to. */
export interface TokenSequence {
  /** The tokens, in order. */
  tokens: LogprobToken[];
  /**
   * The text rebuilt from the tokens: their UTF-8 bytes concatenated and decoded once, so a
   * character split across tokens comes out whole. Tokens without bytes contribute their text;
   * tokens flagged `special` or `textUnknown` contribute nothing.
   */
  text: string;
}

/** One choice / candidate of the response (n > 1 gives several, kept apart by `index`). */
export interface LogprobChoice extends TokenSequence {
  /** The provider's choice / candidate index. */
  index: number;
  /** OpenAI Chat Completions: logprobs of a refusal message (`logprobs.refusal`), when present. */
  refusal?: TokenSequence;
  /**
   * The prompt tokens with their logprobs, when the provider returns them: vLLM
   * `prompt_logprobs`, SGLang `input_token_logprobs`, TGI `details.prefill`. The first prompt
   * token has no logprob (nothing precedes it): SGLang and TGI list it with `logprob: null`;
   * vLLM gives no entry for it (the leading `null`), so it is not included.
   */
  prompt?: TokenSequence;
}

/** Result of `parseLogprobs`. Choices are sorted by `index`. */
export interface ParsedLogprobs {
  /** The provider the input came from (detected, or as given in `options.provider`). */
  provider: ProviderId;
  /** One entry per choice / candidate, in the provider's order. */
  choices: LogprobChoice[];
}

/** Options of `parseLogprobs`. */
export interface ParseOptions {
  /** Skip detection and parse as this provider. Must be one of `PROVIDERS`. */
  provider?: ProviderId;
}
