/**
 * Keeping the source order of integer keys.
 *
 * vLLM's `prompt_logprobs` are objects keyed by token id (`{"1234": {logprob, rank,
 * decoded_token}, ...}`) and the prompt token itself is the *first* key. JavaScript objects list
 * integer-like keys in numeric order, not source order, so after a plain `JSON.parse` that
 * information is gone. When we parse JSON text ourselves we first mark such keys (`"1234"` →
 * `"#1234"`), which makes them ordinary string keys that keep their order; the vLLM parser
 * strips the mark.
 *
 * The pattern is exact for valid JSON: it matches a quoted run of digits that directly follows
 * `{` or `,` (plus whitespace) and is followed by `:` and `{`. Inside a JSON string every `"` is
 * escaped as `\"`, so a match cannot start inside a string; a closing quote is never followed by
 * digits. It is applied only to text that mentions `"prompt_logprobs"`.
 */
export const ORDERED_KEY_MARK = '#';

const INTEGER_KEY_WITH_OBJECT_VALUE = /(?<=[{,]\s*)"(\d+)"(?=\s*:\s*\{)/g;

export function markIntegerKeys(text: string): string {
  if (!text.includes('"prompt_logprobs"')) return text;
  return text.replace(INTEGER_KEY_WITH_OBJECT_VALUE, `"${ORDERED_KEY_MARK}$1"`);
}

/** True when the object's keys were marked, i.e. its key order is the source order. */
export function hasMarkedKeys(keys: readonly string[]): boolean {
  return keys.length > 0 && (keys[0] as string).startsWith(ORDERED_KEY_MARK);
}

/** The key without its order mark. */
export function unmarkKey(key: string): string {
  return key.startsWith(ORDERED_KEY_MARK) ? key.slice(ORDERED_KEY_MARK.length) : key;
}
