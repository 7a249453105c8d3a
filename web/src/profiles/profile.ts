import type { TokenizerInfo } from '../grammar/tokenizer-info.js';
import type { Compat, SamplingOptions, SequenceBias } from '../sampling/options.js';
import {
  parseTokenizerEncode,
  parseTokenizerInfo,
  type TokenizerEncode,
} from '../sampling/vocabulary.js';
import { ConfigReader } from './config-reader.js';

export type { Compat, SequenceBias, TokenizerEncode };

/**
 * The sampling options a profile function returns: `SamplingOptions` with the `compat` setting
 * that gives a pasted config its reference's meaning. Pass it to `lk.createSampler(options)` as it is.
 */
export interface ProfileSamplingOptions extends SamplingOptions {
  /** Whose rules apply where the references differ. */
  compat: Exclude<Compat, 'none'>;
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

/**
 * What a profile function may be told about the model's tokenizer, for the config keys that are
 * text or vocabulary-dependent in their stack (llama.cpp's string `dry_sequence_breakers`,
 * `ignore_eos`). Each given field is copied into the returned options, under the same name.
 */
export interface ProfileTokenizer {
  /** The model's vocabulary (`lk.createTokenizerInfo`, `tokenizerInfoFromHuggingFace`). */
  tokenizerInfo?: TokenizerInfo;
  /** The tokenizer's encoder, for multi-byte string DRY breakers (see `SamplingOptions.tokenizerEncode`). */
  tokenizerEncode?: TokenizerEncode;
  /** The end-of-generation token ids; default: `tokenizerInfo`'s stop tokens. */
  stopTokenIds?: readonly number[];
}

/**
 * @internal The arguments of a profile function that takes a tokenizer, checked in this order: the
 * `tokenizer` (readProfileTokenizer), then the config `root` (a ConfigReader over it).
 */
export function readProfileArguments(
  fn: string,
  root: string,
  config: unknown,
  tokenizer: unknown,
): { vocabulary: ProfileTokenizer; r: ConfigReader } {
  const vocabulary = readProfileTokenizer(tokenizer, fn);
  return { vocabulary, r: new ConfigReader(fn, root, config) };
}

/**
 * @internal A profile function's `tokenizer` argument, validated (errors name `tokenizer.<key>`),
 * as the options it adds.
 */
export function readProfileTokenizer(tokenizer: unknown, fn: string): ProfileTokenizer {
  if (tokenizer === undefined) return {};
  const r = new ConfigReader(fn, 'tokenizer', tokenizer);
  const out: ProfileTokenizer = {};
  const info = parseTokenizerInfo(r.raw('tokenizerInfo'), fn, r.path('tokenizerInfo'));
  if (info !== undefined) out.tokenizerInfo = info;
  const encode = parseTokenizerEncode(r.raw('tokenizerEncode'), fn, r.path('tokenizerEncode'));
  if (encode !== undefined) out.tokenizerEncode = encode;
  const stop = r.tokenIds('stopTokenIds');
  if (stop !== undefined) out.stopTokenIds = stop;
  r.finish();
  return out;
}
