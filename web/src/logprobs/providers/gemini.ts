/**
 * Google Gemini `generateContent` / `streamGenerateContent` (with `responseLogprobs: true` and
 * `logprobs: N`). Per candidate: `logprobsResult.chosenCandidates[j] = { token, tokenId,
 * logProbability }` (one per decoding step) and `logprobsResult.topCandidates[j].candidates[]`
 * (the top-N at step j, same length as chosenCandidates). The REST API uses camelCase; the Python
 * SDK's `model_dump()` uses snake_case (`logprobs_result`, `chosen_candidates`, `top_candidates`,
 * `log_probability`); both are read. Protobuf JSON omits empty lists, so a missing list is empty,
 * and writes a non-finite float as a string: `"-Infinity"` (p = 0) is read as -Infinity,
 * `"NaN"` and `"Infinity"` are errors (read.ts). Gemini gives no bytes; `tokenId` becomes `id`.
 * Candidates are kept apart by `index` (or their position). In a stream each chunk carries the
 * steps of its own text; a candidate with a `finishReason` is a final event for the stream rule
 * (token-run.ts), its own text being its `content.parts[].text`.
 */
import type { ChoiceAccumulator } from '../accumulate.js';
import type { JsonPath } from '../path.js';
import { expectRecord, isRecord, optionalArray, readIndex, type JsonRecord } from '../read.js';
import type { ProviderParser } from './provider.js';
import {
  readStepEntry,
  readStepTokens,
  type FieldAt,
  type ListAt,
  type StepEntry,
} from './step-tokens.js';

export const gemini: ProviderParser = {
  id: 'gemini',
  shape: 'candidates[].logprobsResult',
  reads: (chunk) => Array.isArray(chunk.candidates),
  parse(chunks, choices) {
    for (const chunk of chunks)
      parseGeminiChunk(expectRecord(chunk.value, chunk.path), chunk.path, choices);
  },
};

/** A field under its camelCase or snake_case name, with the path of the name actually used. */
function field(record: JsonRecord, path: JsonPath, camel: string, snake: string): FieldAt {
  return record[camel] === undefined && record[snake] !== undefined
    ? { value: record[snake], path: path.key(snake) }
    : { value: record[camel], path: path.key(camel) };
}

function parseGeminiChunk(chunk: JsonRecord, path: JsonPath, choices: ChoiceAccumulator): void {
  const candidatesPath = path.key('candidates');
  optionalArray(chunk.candidates, candidatesPath)?.forEach((value, position) => {
    const candidatePath = candidatesPath.index(position);
    const candidate = expectRecord(value, candidatePath);
    const draft = choices.choice(readIndex(candidate.index, candidatePath.key('index'), position));
    const result = field(candidate, candidatePath, 'logprobsResult', 'logprobs_result');
    if (result.value === undefined || result.value === null) return;
    const logprobs = expectRecord(result.value, result.path);

    const chosen = field(logprobs, result.path, 'chosenCandidates', 'chosen_candidates');
    const top = field(logprobs, result.path, 'topCandidates', 'top_candidates');
    const entries = readStepTokens(
      { list: optionalArray(chosen.value, chosen.path) ?? [], path: chosen.path },
      { list: optionalArray(top.value, top.path), path: top.path },
      readCandidate,
      candidatesOfStep,
    );
    const pathOf = (j: number) => chosen.path.index(j);
    const finish = field(candidate, candidatePath, 'finishReason', 'finish_reason');
    if (typeof finish.value === 'string' && finish.value !== '')
      draft.answer.appendUnlessRepeat(entries, ownText(candidate), pathOf);
    else draft.answer.append(entries);
  });
}

/** The text of a candidate's `content.parts`, when it has any. */
function ownText(candidate: JsonRecord): string | undefined {
  const content = candidate.content;
  if (!isRecord(content) || !Array.isArray(content.parts)) return undefined;
  let text = '';
  for (const part of content.parts as unknown[])
    if (isRecord(part) && typeof part.text === 'string') text += part.text;
  return text;
}

function readCandidate(value: unknown, path: JsonPath): StepEntry {
  const candidate = expectRecord(value, path);
  return readStepEntry(
    { value: candidate.token, path: path.key('token') },
    field(candidate, path, 'logProbability', 'log_probability'),
    field(candidate, path, 'tokenId', 'token_id'),
  );
}

/** `topCandidates[j]`: `{ candidates: [...] }`. */
function candidatesOfStep(value: unknown, path: JsonPath): ListAt<readonly unknown[]> {
  const step = expectRecord(value, path);
  const listPath = path.key('candidates');
  return { list: optionalArray(step.candidates, listPath) ?? [], path: listPath };
}
