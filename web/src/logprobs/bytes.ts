/**
 * Rebuilding text from byte-level tokens.
 *
 * Byte-level BPE tokenizers may split one character across tokens (an emoji is 4 UTF-8 bytes and
 * can arrive as 3 + 1). Decoding each token alone would give U+FFFD pairs; instead the bytes of
 * all tokens go through one streaming UTF-8 decoder, so the character comes out whole.
 */
import type { LogprobToken, TokenSequence, TopLogprob } from './types.js';

const encoder = new TextEncoder();

/** Text of a token sequence and each token's start offset in it (UTF-16 code units). */
export interface DecodedTokens {
  text: string;
  offsets: number[];
}

/**
 * Decodes tokens to text. Contract:
 * - A token's bytes are `token.bytes` when present, else the UTF-8 encoding of `token.token`.
 * - The concatenated bytes are decoded once as UTF-8 (invalid sequences become U+FFFD, as in
 *   `TextDecoder`), so characters split across tokens are whole.
 * - `offsets[i]` is the length of the text decoded from the bytes before token i, i.e. where
 *   token i's first complete character starts; a token that only continues a pending character
 *   gets the offset of that character.
 */
export function decodeTokens(tokens: readonly TopLogprob[]): DecodedTokens {
  const offsets = new Array<number>(tokens.length);
  let text = '';
  if (!tokens.some((t) => t.bytes !== undefined)) {
    // No byte data anywhere: the text is the plain concatenation (same result, no codec work).
    for (let i = 0; i < tokens.length; i++) {
      offsets[i] = text.length;
      text += (tokens[i] as TopLogprob).token;
    }
    return { text, offsets };
  }
  const decoder = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as TopLogprob;
    offsets[i] = text.length;
    const bytes = token.bytes === undefined ? encoder.encode(token.token) : Uint8Array.from(token.bytes);
    text += decoder.decode(bytes, { stream: true });
  }
  text += decoder.decode();
  return { text, offsets };
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
  if (token.length < 4 || (token.charCodeAt(0) !== 92 /* \ */ && !token.startsWith('bytes:'))) return undefined;
  const match = ESCAPED_BYTES.exec(token);
  if (match === null) return undefined;
  const hex = match[1] as string;
  const bytes: number[] = [];
  for (let i = 0; i < hex.length; i += 4) bytes.push(parseInt(hex.slice(i + 2, i + 4), 16));
  return bytes;
}
