/**
 * Rebuilding text from byte-level tokens.
 *
 * Byte-level BPE tokenizers may split one character across tokens (an emoji is 4 UTF-8 bytes and
 * can arrive as 3 + 1). Decoding each token alone would give U+FFFD pairs; instead the bytes of
 * all tokens go through one streaming UTF-8 decoder, so the character comes out whole.
 */
import { itemsOf } from './arguments.js';
import type { LogprobToken, TokenSequence, TopLogprob } from './types.js';

const encoder = new TextEncoder();
const NO_BYTES = new Uint8Array(0);

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
 * - A token's bytes are `token.bytes` when present, else the UTF-8 encoding of `token.token`; a
 *   special token (`special: true`, such as end-of-sequence) has none: it adds no text.
 * - The concatenated bytes are decoded once as UTF-8 (invalid sequences become U+FFFD, as in
 *   `TextDecoder`), so characters split across tokens are whole.
 * - `offsets[i]` is the length of the text decoded from the bytes before token i, i.e. where
 *   token i's first character starts; a token that only continues a pending character gets the
 *   offset of that character. `ends[i]` is the text length once the character holding token i's
 *   last byte is complete.
 * @throws TypeError naming `tokens[i].token` / `tokens[i].bytes[j]` for an entry that is not a token
 *   (its text would otherwise come out as "undefined").
 */
export function decodeTokens(tokens: readonly TopLogprob[]): DecodedTokens {
  const list = itemsOf(tokens, 'tokens');
  for (let i = 0; i < list.length; i++) checkDecodable(list[i], `tokens[${i}]`);
  return decodeChecked(list as readonly TopLogprob[]);
}

/** What decoding reads of a token: a string `token` and, when present, `bytes` of 0..255. */
function checkDecodable(value: unknown, name: string): void {
  if (typeof value !== 'object' || value === null)
    throw new TypeError(`${name} must be a token object`);
  const token = value as { token?: unknown; bytes?: unknown };
  if (typeof token.token !== 'string') throw new TypeError(`${name}.token must be a string`);
  if (token.bytes === undefined) return;
  if (!Array.isArray(token.bytes)) throw new TypeError(`${name}.bytes must be an array of bytes`);
  token.bytes.forEach((byte: unknown, j) => {
    if (!Number.isInteger(byte) || (byte as number) < 0 || (byte as number) > 255)
      throw new TypeError(`${name}.bytes[${j}] must be an integer in 0..255`);
  });
}

/** decodeTokens without the checks, for tokens the parsers built. */
function decodeChecked(tokens: readonly TopLogprob[]): DecodedTokens {
  const offsets = new Array<number>(tokens.length);
  const ends = new Array<number>(tokens.length);
  let text = '';
  if (!tokens.some((t) => t.bytes !== undefined)) {
    // No byte data anywhere: the text is the plain concatenation (same result, no codec work).
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i] as TopLogprob;
      offsets[i] = text.length;
      if (token.special !== true) text += token.token;
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
      token.special === true
        ? NO_BYTES
        : token.bytes === undefined
          ? encoder.encode(token.token)
          : Uint8Array.from(token.bytes);
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
  const { text, offsets } = decodeChecked(tokens);
  for (let i = 0; i < tokens.length; i++) (tokens[i] as LogprobToken).offset = offsets[i] as number;
  return { tokens, text };
}

/** `\xNN` for a byte 0x80..0xFF: the only bytes a backslash-replacing UTF-8 decoder escapes. */
const HIGH_BYTE_ESCAPE = /\\x[89a-fA-F][0-9a-fA-F]/;
const LEGACY_PREFIX = 'bytes:';

/**
 * OpenAI writes a token that is not valid UTF-8 on its own with its invalid bytes escaped, as
 * Python's `errors="backslashreplace"` does: each byte 0x80..0xFF that is not part of a valid
 * character becomes the four characters `\xNN`, and the rest stays literal text. The legacy
 * Completions API also puts `bytes:` in front (`bytes: \xe2\x80\x9c` is the bytes 20 E2 80 9C);
 * Chat Completions and Responses do not (`\xf0\x9f\x99`, `" \xe2"`).
 *
 * Returns the token's bytes (literal characters as UTF-8, escapes as the byte they name) when the
 * token holds at least one such escape, else `undefined` (a normal token). `\xNN` below 0x80 is
 * never an escape (those bytes are valid UTF-8 by themselves), so it stays literal text, as does
 * `bytes:` before a token without escapes. Parsers call this only when the provider sent no
 * `bytes` field, so a split emoji still decodes whole.
 */
export function bytesFromEscapedToken(token: string): number[] | undefined {
  if (token.length < 4 || !token.includes('\\x') || !HIGH_BYTE_ESCAPE.test(token)) return undefined;
  const body = token.startsWith(LEGACY_PREFIX) ? token.slice(LEGACY_PREFIX.length) : token;
  const bytes: number[] = [];
  let literalStart = 0;
  const flushLiteral = (end: number): void => {
    if (end > literalStart)
      for (const byte of encoder.encode(body.slice(literalStart, end))) bytes.push(byte);
  };
  for (let i = 0; i + 3 < body.length; i++) {
    if (body.charCodeAt(i) !== 92 /* \ */ || body.charCodeAt(i + 1) !== 120 /* x */) continue;
    const byte = parseHighByte(body.charCodeAt(i + 2), body.charCodeAt(i + 3));
    if (byte === undefined) continue;
    flushLiteral(i);
    bytes.push(byte);
    i += 3;
    literalStart = i + 1;
  }
  flushLiteral(body.length);
  return bytes;
}

/** The byte 0x80..0xFF that two hex digit character codes name, or `undefined`. */
function parseHighByte(high: number, low: number): number | undefined {
  const h = hexValue(high);
  const l = hexValue(low);
  return h === undefined || l === undefined || h < 8 ? undefined : h * 16 + l;
}

function hexValue(code: number): number | undefined {
  if (code >= 48 && code <= 57) return code - 48; // 0-9
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 102) return lower - 87; // a-f
  return undefined;
}
