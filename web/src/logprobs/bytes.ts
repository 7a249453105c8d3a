/**
 * Rebuilding text from byte-level tokens.
 *
 * Byte-level BPE tokenizers may split one character across tokens (an emoji is 4 UTF-8 bytes and
 * can arrive as 3 + 1). Decoding each token alone would give U+FFFD pairs; instead the bytes of
 * all tokens go through one streaming UTF-8 decoder, so the character comes out whole.
 */
import type { LogprobToken, TokenSequence, TopLogprob } from './types.js';

const encoder = new TextEncoder();

/** Text of a token sequence and where each token sits in it (UTF-16 code units). */
export interface DecodedTokens {
  /** The decoded text of all the tokens. */
  text: string;
  /** offsets[i]: where the first character token i's bytes contribute to starts. */
  offsets: number[];
  /**
   * ends[i]: where the last character token i's bytes contribute to ends. Tokens that share a
   * split character overlap: for 🙂 sent as [F0 9F 99] + [82] both tokens cover the emoji.
   */
  ends: number[];
}

/**
 * Decodes tokens to text. Contract:
 * - A token's bytes are `token.bytes` when present, else the UTF-8 encoding of `token.token`.
 * - The concatenated bytes are decoded once as UTF-8 (invalid sequences become U+FFFD, as in
 *   `TextDecoder`), so characters split across tokens are whole.
 * - `offsets[i]` is the length of the text decoded from the bytes before token i, i.e. where
 *   token i's first character starts; a token that only continues a pending character gets the
 *   offset of that character. `ends[i]` is the text length once the character holding token i's
 *   last byte is complete.
 */
export function decodeTokens(tokens: readonly TopLogprob[]): DecodedTokens {
  const offsets = new Array<number>(tokens.length);
  const ends = new Array<number>(tokens.length);
  let text = '';
  if (!tokens.some((t) => t.bytes !== undefined)) {
    // No byte data anywhere: the text is the plain concatenation (same result, no codec work).
    for (let i = 0; i < tokens.length; i++) {
      offsets[i] = text.length;
      text += (tokens[i] as TopLogprob).token;
      ends[i] = text.length;
    }
    return { text, offsets, ends };
  }
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  let continuationBytesDue = 0;
  let firstWaiting = 0; // tokens firstWaiting..i-1 end inside a character not yet complete
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as TopLogprob;
    offsets[i] = text.length;
    const bytes =
      token.bytes === undefined ? encoder.encode(token.token) : Uint8Array.from(token.bytes);
    text += decoder.decode(bytes, { stream: true });
    for (const byte of bytes) continuationBytesDue = nextDue(continuationBytesDue, byte);
    if (continuationBytesDue === 0) {
      for (let j = firstWaiting; j <= i; j++) ends[j] = text.length;
      firstWaiting = i + 1;
    }
  }
  text += decoder.decode();
  for (let j = firstWaiting; j < tokens.length; j++) ends[j] = text.length;
  return { text, offsets, ends };
}

/** UTF-8 state: how many continuation bytes are still due after `byte`. */
function nextDue(due: number, byte: number): number {
  if (due > 0 && byte >= 0x80 && byte <= 0xbf) return due - 1;
  if (byte >= 0xc0 && byte <= 0xdf) return 1;
  if (byte >= 0xe0 && byte <= 0xef) return 2;
  if (byte >= 0xf0 && byte <= 0xf7) return 3;
  return 0;
}

/** Fills in every token's `offset` and returns the sequence with its rebuilt text. */
export function finishSequence(tokens: LogprobToken[]): TokenSequence {
  const { text, offsets } = decodeTokens(tokens);
  for (let i = 0; i < tokens.length; i++) (tokens[i] as LogprobToken).offset = offsets[i] as number;
  return { tokens, text };
}

const ESCAPED_BYTES = /^(?:bytes:)?((?:\\x[0-9a-fA-F]{2})+)$/;

/**
 * OpenAI writes a token that is not valid UTF-8 on its own as escaped bytes: `bytes:\xNN\xNN` in
 * the legacy Completions API, `\xNN\xNN` in Chat Completions and Responses (literal backslashes).
 * Returns those bytes, or `undefined` for a normal token. Parsers call this only when the
 * provider sent no `bytes` field (legacy Completions and Responses stream events never do), so a
 * split emoji still decodes whole.
 */
export function bytesFromEscapedToken(token: string): number[] | undefined {
  if (token.length < 4 || (token.charCodeAt(0) !== 92 /* \ */ && !token.startsWith('bytes:')))
    return undefined;
  const match = ESCAPED_BYTES.exec(token);
  if (match === null) return undefined;
  const hex = match[1] as string;
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 4) bytes.push(parseInt(hex.slice(i + 2, i + 4), 16));
  return bytes;
}
