/**
 * The OpenAI-style token entry `{ token, logprob, bytes, top_logprobs: [{ token, logprob, bytes }] }`,
 * shared by every provider that uses it: OpenAI Chat Completions (content and refusal), OpenAI
 * Responses (output_text and delta events), Ollama, llama.cpp server (`/completion`, which adds
 * `id`) and vLLM. llama.cpp with `post_sampling_probs` sends the same entry with probabilities:
 * `{ token, prob, bytes, top_probs: [{ token, prob, bytes }] }`; `PROB_ENTRY` reads that form.
 * Without a `bytes` field, OpenAI's escaped-byte token text (`\xf0\x9f`, `" \xe2"`) supplies the
 * bytes. An `id` (llama.cpp) becomes the token's `id`. vLLM's `token_id:<id>` placeholder gives the
 * `id`, the text coming from `bytes` (token-text.ts).
 */
import type { JsonPath } from './path.js';
import {
  expectRecord,
  expectString,
  optionalArray,
  readBytes,
  readLogprob,
  readProbabilityAsLogprob,
  tokenIdIfAny,
  type JsonRecord,
  type LogprobReading,
} from './read.js';
import { makeAlternative, makeToken } from './token.js';
import { readTokenText, type TokenText } from './token-text.js';
import type { LogprobToken, TopLogprob } from './types.js';

/** Which fields carry the number and the alternatives, and how the number is read. */
export interface EntryFormat {
  readonly valueKey: 'logprob' | 'prob';
  readonly alternativesKey: 'top_logprobs' | 'top_probs';
  readonly read: (value: unknown, path: JsonPath) => LogprobReading;
}

export const LOGPROB_ENTRY: EntryFormat = {
  valueKey: 'logprob',
  alternativesKey: 'top_logprobs',
  read: readLogprob,
};
export const PROB_ENTRY: EntryFormat = {
  valueKey: 'prob',
  alternativesKey: 'top_probs',
  read: readProbabilityAsLogprob,
};

/** Reads an array of entries; a missing or `null` list is empty. */
export function readEntryList(
  value: unknown,
  path: JsonPath,
  format: EntryFormat = LOGPROB_ENTRY,
): LogprobToken[] {
  const list = optionalArray(value, path);
  if (list === undefined) return [];
  const tokens = new Array<LogprobToken>(list.length);
  for (let i = 0; i < list.length; i++) tokens[i] = readEntry(list[i], path.index(i), format);
  return tokens;
}

/** Reads one entry. `token` is required; a missing logprob is `null`; missing alternatives are `[]`. */
export function readEntry(
  value: unknown,
  path: JsonPath,
  format: EntryFormat = LOGPROB_ENTRY,
): LogprobToken {
  const entry = expectRecord(value, path);
  const text = readEntryText(entry, path);
  const reading = format.read(entry[format.valueKey], path.key(format.valueKey));
  const alternativesPath = path.key(format.alternativesKey);
  const list = optionalArray(entry[format.alternativesKey], alternativesPath);
  const topLogprobs: TopLogprob[] = [];
  if (list !== undefined) {
    for (let i = 0; i < list.length; i++)
      topLogprobs.push(readAlternative(list[i], alternativesPath.index(i), format));
  }
  return makeToken(text.token, text.bytes, reading, topLogprobs, facts(entry, text));
}

function readAlternative(value: unknown, path: JsonPath, format: EntryFormat): TopLogprob {
  const entry = expectRecord(value, path);
  const text = readEntryText(entry, path);
  const reading = format.read(entry[format.valueKey], path.key(format.valueKey));
  return makeAlternative(text.token, text.bytes, reading, facts(entry, text));
}

function readEntryText(entry: JsonRecord, path: JsonPath): TokenText {
  const token = expectString(entry.token, path.key('token'));
  return readTokenText(token, readBytes(entry.bytes, path.key('bytes')));
}

/** The entry's own `id` (llama.cpp), else the placeholder's. */
function facts(entry: JsonRecord, text: TokenText) {
  return { id: tokenIdIfAny(entry.id) ?? text.id, textUnknown: text.textUnknown };
}
