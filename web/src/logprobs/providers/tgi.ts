/**
 * Hugging Face text-generation-inference (TGI), native API:
 * - `/generate` with `details: true`: `{ generated_text, details: { finish_reason,
 *   generated_tokens, seed, prefill, tokens, top_tokens?, best_of_sequences? } }`. A token is
 *   `{ id, text, logprob, special }`; `top_tokens` (with `top_n_tokens`) holds the top-N tokens
 *   at each generated position, in the same form; `prefill` (with `decoder_input_details: true`)
 *   holds the prompt tokens, the first with a `null` logprob (TGI writes its NaN as `null`), and
 *   becomes `prompt`; `best_of_sequences` (with `best_of`) holds the other candidates, each with
 *   its own `generated_text`, `prefill`, `tokens` and `top_tokens`.
 * - `/` and the Hugging Face Inference API answer with a JSON array of such responses.
 * - `/generate_stream`: SSE events `{ index, token, top_tokens, generated_text, details }`, one
 *   generated token each; the last also has `generated_text` and `details` (without tokens).
 * Choices are numbered in order of appearance: each response's main sequence, then its
 * `best_of_sequences`; a stream is one choice (its `index` counts tokens, not choices). A stream
 * event whose `details` does list `tokens` is a summary for the stream rule (token-run.ts).
 * A special token (`special: true`, such as `</s>`) keeps its logprob but adds no text, so a
 * choice's `text` is the `generated_text` TGI decodes without special tokens.
 */
import type { ChoiceAccumulator } from '../accumulate.js';
import type { JsonPath } from '../path.js';
import { expectRecord, isRecord, optionalArray, type JsonRecord } from '../read.js';
import { makeToken } from '../token.js';
import type { LogprobToken } from '../types.js';
import type { ProviderParser } from './provider.js';
import {
  readAlternatives,
  readStepEntry,
  readStepTokens,
  type ListAt,
  type StepEntry,
} from './step-tokens.js';

export const tgi: ProviderParser = {
  id: 'tgi',
  shape: 'details.tokens[] or stream events with token (TGI /generate, /generate_stream)',
  reads: isTgiChunk,
  parse(chunks, choices) {
    let next = 0;
    let stream: number | undefined;
    for (const chunk of chunks) {
      const record = expectRecord(chunk.value, chunk.path);
      if (record.token !== undefined) {
        stream ??= next++;
        readStreamEvent(record, chunk.path, choices, stream);
      } else if (record.details !== undefined || typeof record.generated_text === 'string') {
        next = readResponse(record, chunk.path, choices, next);
      }
    }
  },
};

/** True for a TGI response (`generated_text`, `details`) or stream event (`token`). */
export function isTgiChunk(chunk: JsonRecord): boolean {
  return (
    isRecord(chunk.token) ||
    typeof chunk.generated_text === 'string' ||
    (isRecord(chunk.details) &&
      (Array.isArray(chunk.details.tokens) || Array.isArray(chunk.details.prefill)))
  );
}

function readStreamEvent(
  event: JsonRecord,
  path: JsonPath,
  choices: ChoiceAccumulator,
  index: number,
): void {
  const run = choices.choice(index).answer;
  const { token, reading, facts } = readTgiToken(event.token, path.key('token'));
  const alternatives = readAlternatives(
    topTokens(event.top_tokens, path.key('top_tokens')),
    readTgiToken,
  );
  run.append([makeToken(token, undefined, reading, alternatives, facts)]);
  if (event.details === undefined || event.details === null) return;
  const detailsPath = path.key('details');
  const details = expectRecord(event.details, detailsPath);
  if (details.tokens === undefined || details.tokens === null) return;
  const summary = readSequence(details, detailsPath);
  run.placeWhole(summary, (i) => detailsPath.key('tokens').index(i));
}

/**
 * Reads one response and its best-of sequences into choices `next`, `next + 1`, …; returns the
 * next free index.
 */
function readResponse(
  response: JsonRecord,
  path: JsonPath,
  choices: ChoiceAccumulator,
  next: number,
): number {
  const main = choices.choice(next++);
  if (response.details === undefined || response.details === null) return next;
  const detailsPath = path.key('details');
  const details = expectRecord(response.details, detailsPath);
  readInto(main, details, detailsPath);
  const othersPath = detailsPath.key('best_of_sequences');
  optionalArray(details.best_of_sequences, othersPath)?.forEach((value, i) => {
    const sequencePath = othersPath.index(i);
    readInto(choices.choice(next++), expectRecord(value, sequencePath), sequencePath);
  });
  return next;
}

function readInto(
  draft: ReturnType<ChoiceAccumulator['choice']>,
  sequence: JsonRecord,
  path: JsonPath,
): void {
  draft.answer.append(readSequence(sequence, path));
  const prefillPath = path.key('prefill');
  const prefill = optionalArray(sequence.prefill, prefillPath);
  if (prefill === undefined || prefill.length === 0) return;
  draft.prompt().append(
    prefill.map((value, i) => {
      const { token, reading, facts } = readTgiToken(value, prefillPath.index(i));
      return makeToken(token, undefined, reading, [], facts);
    }),
  );
}

/**
 * `tokens` with their `top_tokens` (which must be one list per token when present; an empty
 * `top_tokens` is none).
 */
function readSequence(sequence: JsonRecord, path: JsonPath): LogprobToken[] {
  const tokensPath = path.key('tokens');
  const tokens = optionalArray(sequence.tokens, tokensPath) ?? [];
  const topPath = path.key('top_tokens');
  const tops = optionalArray(sequence.top_tokens, topPath);
  return readStepTokens(
    { list: tokens, path: tokensPath },
    { list: tops !== undefined && tops.length > 0 ? tops : undefined, path: topPath },
    readTgiToken,
    topTokens,
  );
}

/** One step of `top_tokens`: a list of tokens, or `null` for none. */
function topTokens(value: unknown, path: JsonPath): ListAt<readonly unknown[]> {
  return { list: optionalArray(value, path) ?? [], path };
}

/** `{ id, text, logprob, special? }`. */
function readTgiToken(value: unknown, path: JsonPath): StepEntry {
  const entry = expectRecord(value, path);
  return readStepEntry(
    { value: entry.text, path: path.key('text') },
    { value: entry.logprob, path: path.key('logprob') },
    { value: entry.id, path: path.key('id') },
    entry.special === true,
  );
}
