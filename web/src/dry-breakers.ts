import { LogitkitRangeError } from './errors.js';

/** Longest breaker llama.cpp keeps (MAX_CHAR_LEN, in bytes) and longest tail (MAX_SEQ_LEN, in tokens). */
const MAX_BREAKER_BYTES = 40;
const MAX_TAIL_TOKENS = 20;

const utf8 = new TextEncoder();

function contains(word: Uint8Array, part: Uint8Array): boolean {
  outer: for (let at = 0; at + part.length <= word.length; at++) {
    for (let k = 0; k < part.length; k++) if (word[at + k] !== part[k]) continue outer;
    return true;
  }
  return false;
}

/**
 * llama.cpp's string DRY sequence breakers as the token sequences its DRY sampler matches
 * (`get_overlapping_token_sequences` in src/llama-sampling.cpp, ggml-org/llama.cpp @0344068c),
 * on bytes: for each breaker (empty ones skipped, the others cut to 40 bytes), every token whose
 * bytes contain it is a one-token breaker, and every token whose bytes end with a proper prefix of
 * it, starting at an occurrence of its first byte, heads a breaker whose tail is `encode` of the
 * rest (at most 20 tokens). A sequence is listed once per head. The sampler applies it itself to
 * string `drySequenceBreakers` given a `tokenizerInfo` (and `tokenizerEncode`); call it directly for
 * a vocabulary held as bytes, or to read the sequences.
 *
 * @param breakers the breaker strings (UTF-8).
 * @param tokens each token's bytes, indexed by token id, as the detokenizer gives them.
 * @param encode the tokenizer's encoder (text to token ids, no special tokens), for the tails.
 * @returns the breakers as token-id sequences, head first, for `drySequenceBreakers`.
 * @throws LogitkitRangeError when `encode` returns something other than token ids.
 */
export function dryBreakerSequences(
  breakers: readonly string[],
  tokens: readonly Uint8Array[],
  encode: (text: Uint8Array) => readonly number[],
): number[][] {
  const out: number[][] = [];
  const byHead = new Map<number, number[][]>(); // llama.cpp's multimap, for its duplicate check
  for (const breaker of breakers) {
    const str = utf8.encode(breaker).subarray(0, MAX_BREAKER_BYTES);
    if (str.length === 0) continue;
    tokens.forEach((word, id) => {
      if (contains(word, str)) {
        out.push([id]);
        return;
      }
      for (let pos = word.indexOf(str[0]!); pos !== -1; pos = word.indexOf(str[0]!, pos + 1)) {
        let i = 1;
        while (i < str.length && i + pos < word.length && word[pos + i] === str[i]) i++;
        if (i < str.length && i + pos < word.length) continue; // a mismatch inside the word
        const tail = encode(str.subarray(i)).slice(0, MAX_TAIL_TOKENS);
        tail.forEach((t, k) => {
          if (!Number.isInteger(t) || t < 0) {
            throw new LogitkitRangeError(
              `dryBreakerSequences: encode returned ${String(t)} at ${k} for a tail of ${JSON.stringify(breaker)}, not a token id`,
              'encode',
            );
          }
        });
        const seq = [id, ...tail];
        const known = byHead.get(id) ?? [];
        if (
          known.some((other) => other.length === seq.length && other.every((v, k) => v === seq[k]))
        )
          continue;
        known.push(seq);
        byHead.set(id, known);
        out.push(seq);
      }
    });
  }
  return out;
}
