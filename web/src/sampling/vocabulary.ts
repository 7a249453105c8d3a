// The options that need the model's vocabulary, resolved before the option rows parse them: a
// `tokenizerInfo` turns llama.cpp's string DRY breakers into the token sequences llama.cpp builds
// (dryBreakerSequences, one port of get_overlapping_token_sequences) and gives `stopTokenIds` its
// default (the vocabulary's stop tokens).
import { dryBreakerSequences } from '../dry-breakers.js';
import { LogitkitRangeError, LogitkitStateError, LogitkitTypeError } from '../errors.js';
import { TokenizerInfo } from '../grammar/tokenizer-info.js';
import { describe } from '../input.js';
import type { CanonicalSamplingOptions } from './options.js';

/** A tokenizer's encoder as the DRY breakers need it: UTF-8 bytes to token ids, no special tokens. */
export type TokenizerEncode = (text: Uint8Array) => readonly number[];

/** A `tokenizerInfo` option: a TokenizerInfo not yet disposed. */
export function parseTokenizerInfo(
  value: unknown,
  fn: string,
  what: string,
): TokenizerInfo | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof TokenizerInfo))
    throw new LogitkitTypeError(
      `${fn}: ${what} must be a TokenizerInfo (lk.createTokenizerInfo or tokenizerInfoFromHuggingFace), got ${describe(value)}`,
      what,
    );
  if (value.disposed) throw new LogitkitStateError(`${fn}: ${what} was disposed`);
  return value;
}

/** A `tokenizerEncode` option: a function. */
export function parseTokenizerEncode(
  value: unknown,
  fn: string,
  what: string,
): TokenizerEncode | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function')
    throw new LogitkitTypeError(
      `${fn}: ${what} must be a function (UTF-8 bytes to token ids), got ${describe(value)}`,
      what,
    );
  return value as TokenizerEncode;
}

// Per vocabulary: its token bytes, read once, and each string breaker's sequences per encoder (a
// sampler is often configured per request, or per batch row).
interface VocabularyCache {
  bytes: Uint8Array[];
  sequences: Map<TokenizerEncode | undefined, Map<string, number[][]>>;
}
const CACHE = new WeakMap<TokenizerInfo, VocabularyCache>();

function cacheOf(info: TokenizerInfo): VocabularyCache {
  let cache = CACHE.get(info);
  if (cache === undefined) {
    const bytes = Array.from({ length: info.vocabSize }, (_, id) => info.tokenBytes(id));
    cache = { bytes, sequences: new Map() };
    CACHE.set(info, cache);
  }
  return cache;
}

const SPACE = 0x20;

/**
 * The string breakers of `list` (the `drySequenceBreakers` option, already an array) as llama.cpp's
 * token sequences over `info`; token-id sequences pass through. With a SentencePiece vocabulary
 * ('byte-fallback') llama.cpp reads a lone token without its leading space when the model adds a
 * space prefix (Llama 2), which the TokenizerInfo does not record: a breaker containing a space is
 * then refused rather than matched differently.
 */
function breakersOver(
  list: readonly unknown[],
  info: TokenizerInfo,
  encode: TokenizerEncode | undefined,
  fn: string,
  what: string,
): unknown[] {
  const out: unknown[] = [];
  list.forEach((breaker, i) => {
    if (typeof breaker !== 'string') {
      out.push(breaker);
      return;
    }
    const where = `${what}[${i}]`;
    if (info.vocabType === 'byte-fallback' && new TextEncoder().encode(breaker).includes(SPACE))
      throw new LogitkitRangeError(
        `${fn}: ${where} = ${JSON.stringify(breaker)} contains a space, which llama.cpp matches against SentencePiece tokens read without their leading space when the model adds a space prefix, and the TokenizerInfo does not say whether it does; convert it with dryBreakerSequences over the detokenizer's pieces`,
        where,
      );
    const needsEncode: TokenizerEncode = () => {
      throw new LogitkitRangeError(
        `${fn}: ${where} = ${JSON.stringify(breaker)} overlaps the end of a token, and llama.cpp tokenizes the rest of the breaker: pass options.tokenizerEncode (the tokenizer's encoder, UTF-8 bytes to token ids)`,
        'options.tokenizerEncode',
      );
    };
    const cache = cacheOf(info);
    let byBreaker = cache.sequences.get(encode);
    if (byBreaker === undefined) cache.sequences.set(encode, (byBreaker = new Map()));
    let sequences = byBreaker.get(breaker);
    if (sequences === undefined) {
      sequences = dryBreakerSequences([breaker], cache.bytes, encode ?? needsEncode);
      byBreaker.set(breaker, sequences);
    }
    out.push(...sequences);
  });
  return out;
}

/**
 * `given` with the vocabulary applied: string `drySequenceBreakers` converted over
 * `tokenizerInfo`, and `stopTokenIds` defaulting to its stop tokens. Without a tokenizerInfo the
 * options are returned as they are (a string breaker is then refused by the breakers' parser).
 */
export function withVocabulary(
  given: CanonicalSamplingOptions,
  fn: string,
): CanonicalSamplingOptions {
  const info = parseTokenizerInfo(given.tokenizerInfo, fn, 'options.tokenizerInfo');
  const encode = parseTokenizerEncode(given.tokenizerEncode, fn, 'options.tokenizerEncode');
  if (info === undefined) return given;
  const out = { ...given };
  const breakers = given.drySequenceBreakers;
  if (Array.isArray(breakers) && breakers.some((b) => typeof b === 'string'))
    out.drySequenceBreakers = breakersOver(
      breakers,
      info,
      encode,
      fn,
      'options.drySequenceBreakers',
    ) as number[][];
  if (out.stopTokenIds === undefined) out.stopTokenIds = info.stopTokenIds;
  return out;
}
