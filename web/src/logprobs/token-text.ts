/**
 * The text of a token as a provider wrote it, turned into what the normalised token holds:
 * `token`, `bytes`, `id` and `textUnknown`.
 *
 * Forms read here:
 * - a plain token string: itself, with the bytes of OpenAI's escaped form (`\xf0\x9f`,
 *   `bytes: \xe2\x80\x9c`) when it is one (bytes.ts);
 * - vLLM's `--return-tokens-as-token-ids` placeholder `token_id:<id>` (vLLM's
 *   `format_token_id_placeholder` writes `f"token_id:{token_id}"` in place of the decoded token, in
 *   the chosen token, the alternatives and the legacy `top_logprobs` keys): the id is read from it;
 *   the text comes from the entry's UTF-8 `bytes` when it has them (Chat Completions does), else it
 *   is unknown (legacy Completions carries no bytes);
 * - no text at all (`null`, as Together's `tokens: List[str | None]` allows): unknown.
 * An unknown text is `token: ""` with `textUnknown: true` and no `bytes`: the token adds nothing to
 * the rebuilt `text`, and its `id` (when given) is what identifies it.
 */
import { bytesFromEscapedToken } from './bytes.js';

/** What a token string (with its optional bytes) says about the token. */
export interface TokenText {
  readonly token: string;
  readonly bytes: number[] | undefined;
  readonly id: number | undefined;
  readonly textUnknown: boolean;
}

const PLACEHOLDER = /^token_id:(\d{1,15})$/;
const utf8 = new TextDecoder('utf-8', { fatal: false, ignoreBOM: true });

/** The id in vLLM's `token_id:<id>` placeholder, or `undefined` for any other token string. */
export function placeholderTokenId(token: string): number | undefined {
  const match = PLACEHOLDER.exec(token);
  return match === null ? undefined : Number(match[1]);
}

/**
 * Reads a token string (`null` when the provider sent none) and the `bytes` the entry carries
 * (`undefined` when it has none). `bytes` always win over the bytes of an escaped form.
 */
export function readTokenText(raw: string | null, bytes: number[] | undefined): TokenText {
  if (raw === null) return { token: '', bytes: undefined, id: undefined, textUnknown: true };
  const id = placeholderTokenId(raw);
  if (id === undefined)
    return { token: raw, bytes: bytes ?? bytesFromEscapedToken(raw), id, textUnknown: false };
  if (bytes !== undefined)
    return { token: utf8.decode(Uint8Array.from(bytes)), bytes, id, textUnknown: false };
  return { token: '', bytes: undefined, id, textUnknown: true };
}
