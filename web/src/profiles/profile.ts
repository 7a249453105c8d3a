import type { SamplingOptions } from '../sampling/options.js';

/**
 * Whose rules a sampler follows where the references differ: `'llama.cpp'` (llama.cpp's
 * `common_sampler_init` chain), `'transformers'` (HF `generate()`), `'vllm'` (vLLM's v1 sampler) or
 * `'openai'` (OpenAI's documented request semantics). The README's *Profiles* section lists each rule.
 */
export type Compat = 'llama.cpp' | 'transformers' | 'vllm' | 'openai';

/** A token sequence and the bias added to its last token when the history ends with the rest (HF `sequence_bias`). */
export type SequenceBias = readonly [tokens: readonly number[], bias: number];

/**
 * The sampling options a profile function returns: `SamplingOptions` plus the settings that give a
 * pasted config its reference's meaning. Pass it to `lk.createSampler(options)` as it is.
 */
export interface ProfileSamplingOptions extends Omit<
  SamplingOptions,
  'drySequenceBreakers' | 'order'
> {
  /** Whose rules apply where the references differ. */
  compat: Compat;
  /**
   * The stage order: stage names (llama.cpp: `logitBias`, then its `samplers` list) or a preset;
   * `'vllm'` is vLLM's (processors, temperature, minP, topK, topP).
   */
  order?: readonly string[] | 'hf' | 'llama.cpp' | 'vllm';
  /** DRY sequence breakers: token-id sequences, or strings (llama.cpp's form; they need the vocabulary). */
  drySequenceBreakers?: readonly (readonly number[] | string)[];
  /** The end-of-sequence / stop token ids (HF `eos_token_id`, vLLM `stop_token_ids`). */
  stopTokenIds?: readonly number[];
  /** The stop tokens are banned until this many tokens were generated (HF `min_new_tokens`, vLLM `min_tokens`). */
  minNewTokens?: number;
  /** The stop tokens are banned until prompt + output reach this length (HF `min_length`). */
  minLength?: number;
  /** The stop tokens are always banned (llama.cpp `ignore_eos`). */
  suppressStopTokens?: boolean;
  /** Tokens that are never sampled (HF `suppress_tokens`). */
  suppressTokens?: readonly number[];
  /** Tokens that are not sampled at the first generated position (HF `begin_suppress_tokens`). */
  beginSuppressTokens?: readonly number[];
  /** Additive biases on token sequences (HF `sequence_bias`). */
  sequenceBias?: readonly SequenceBias[];
}

/** What a profile function returns. */
export interface ProfileResult {
  /** The options, ready for `lk.createSampler(options)`. */
  options: ProfileSamplingOptions;
  /**
   * The keys of the pasted config that the profile knows and leaves out on purpose, because they do
   * not change the next-token distribution (`max_tokens`, `stop`, `stream`, ...), as JSON paths.
   */
  ignored: string[];
}
