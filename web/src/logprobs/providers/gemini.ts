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
import { LogprobsParseError } from '../errors.js';
import type { JsonPath } from '../path.js';
import {
  expectRecord,
  expectString,
  isRecord,
  optionalArray,
  readIndex,
  readLogprob,
  readTokenId,
  type JsonRecord,
} from '../read.js';
import { makeAlternative, makeToken } from '../token.js';
import type { LogprobToken, TopLogprob } from '../types.js';
import type { ProviderParser } from './provider.js';

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
function field(
  record: JsonRecord,
  path: JsonPath,
  camel: string,
  snake: string,
): { value: unknown; path: JsonPath } {
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
    const chosenList = optionalArray(chosen.value, chosen.path) ?? [];
    const top = field(logprobs, result.path, 'topCandidates', 'top_candidates');
    const topList = optionalArray(top.value, top.path);
    if (topList !== undefined && topList.length !== chosenList.length) {
      throw new LogprobsParseError(
        top.path,
        `expected ${chosenList.length} entries (one per chosen token), got ${topList.length}`,
      );
    }
    const entries = chosenList.map((entry, j): LogprobToken => {
      const { token, reading, id } = readCandidate(entry, chosen.path.index(j));
      const alternatives = topList === undefined ? [] : readTopStep(topList[j], top.path.index(j));
      return makeToken(token, undefined, reading, alternatives, { id });
    });
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

function readCandidate(value: unknown, path: JsonPath) {
  const candidate = expectRecord(value, path);
  const logProbability = field(candidate, path, 'logProbability', 'log_probability');
  const tokenId = field(candidate, path, 'tokenId', 'token_id');
  return {
    token: expectString(candidate.token, path.key('token')),
    reading: readLogprob(logProbability.value, logProbability.path),
    id: readTokenId(tokenId.value, tokenId.path),
  };
}

function readTopStep(value: unknown, path: JsonPath): TopLogprob[] {
  const step = expectRecord(value, path);
  const list = optionalArray(step.candidates, path.key('candidates')) ?? [];
  return list.map((entry, i) => {
    const { token, reading, id } = readCandidate(entry, path.key('candidates').index(i));
    return makeAlternative(token, undefined, reading, { id });
  });
}
