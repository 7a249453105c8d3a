/**
 * vLLM's OpenAI-compatible server (and other OpenAI-compatible servers). Generated-token logprobs
 * have exactly the OpenAI Chat Completions or legacy Completions shape, so each chunk is handed to
 * that parser. vLLM adds `prompt_logprobs` (request option `prompt_logprobs: k`):
 * - Chat Completions: top-level `prompt_logprobs` (the prompt is shared by every choice);
 * - Completions: `choices[i].prompt_logprobs` (one prompt per choice with a list of prompts).
 * Its value is a list, one item per prompt token: `null` for the first token (no context, so no
 * logprob), then `{ "<token id>": { logprob, rank, decoded_token } }` holding the prompt token and
 * the top-k alternatives. The prompt token is the dict's FIRST entry (vLLM builds the dict
 * with it first); it appears once even when it is also in the top-k.
 *
 * Caveat: JavaScript objects list integer keys in numeric order, so after a plain `JSON.parse`
 * the first entry can no longer be identified. From JSON/SSE text this module keeps the order
 * (key-order.ts); from an already-parsed object, a position with more than one entry raises
 * `LogprobsParseError` asking for the text, rather than guessing.
 */
import { LogprobsParseError } from '../errors.js';
import { hasMarkedKeys, unmarkKey } from '../key-order.js';
import type { JsonPath } from '../path.js';
import {
  expectArray,
  expectRecord,
  expectString,
  isRecord,
  readIndex,
  readLogprob,
  type JsonRecord,
} from '../read.js';
import { makeAlternative, makeToken } from '../token.js';
import type { LogprobToken } from '../types.js';
import { hasChoices, parseOpenAIChunk } from './openai-choices.js';
import type { ProviderParser } from './provider.js';

export const vllm: ProviderParser = {
  id: 'vllm',
  shape: 'choices[].logprobs as the OpenAI readers, plus prompt_logprobs',
  reads: (chunk) => hasChoices(chunk) || hasPromptLogprobs(chunk),
  parse(chunks, choices) {
    let sharedPrompt: LogprobToken[] | undefined;
    for (const chunk of chunks) {
      const record = expectRecord(chunk.value, chunk.path);
      parseOpenAIChunk(record, chunk.path, choices);

      if (record.prompt_logprobs !== undefined && record.prompt_logprobs !== null) {
        sharedPrompt = readPromptLogprobs(
          record.prompt_logprobs,
          chunk.path.key('prompt_logprobs'),
        );
      }
      if (!Array.isArray(record.choices)) continue;
      record.choices.forEach((choice: unknown, position) => {
        if (
          !isRecord(choice) ||
          choice.prompt_logprobs === undefined ||
          choice.prompt_logprobs === null
        )
          return;
        const choicePath = chunk.path.key('choices').index(position);
        const index = readIndex(choice.index, choicePath.key('index'), position);
        const listPath = choicePath.key('prompt_logprobs');
        const prompt = readPromptLogprobs(choice.prompt_logprobs, listPath);
        choices
          .choice(index)
          .prompt()
          .placeWhole(prompt, (i) => listPath.index(i));
      });
    }
    if (sharedPrompt !== undefined) {
      const indices = choices.indices();
      for (const index of indices.length > 0 ? indices : [0]) {
        const draft = choices.choice(index);
        // Each choice gets its own token objects: offsets are written per sequence.
        if (!draft.hasPrompt()) draft.prompt().append(sharedPrompt.map((token) => ({ ...token })));
      }
    }
  },
};

/** True when a chunk carries vLLM's `prompt_logprobs` (top level or in a choice). */
export function hasPromptLogprobs(chunk: JsonRecord): boolean {
  if (chunk.prompt_logprobs !== undefined && chunk.prompt_logprobs !== null) return true;
  return (
    Array.isArray(chunk.choices) &&
    chunk.choices.some(
      (c: unknown) => isRecord(c) && c.prompt_logprobs !== undefined && c.prompt_logprobs !== null,
    )
  );
}

function readPromptLogprobs(value: unknown, path: JsonPath): LogprobToken[] {
  const tokens: LogprobToken[] = [];
  expectArray(value, path).forEach((position, i) => {
    if (position !== null) tokens.push(readPromptPosition(position, path.index(i)));
  });
  return tokens;
}

interface PromptEntry {
  token: string;
  logprob: ReturnType<typeof readLogprob>;
  rank: number | undefined;
  id: number | undefined;
}

function readPromptPosition(value: unknown, path: JsonPath): LogprobToken {
  const dict = expectRecord(value, path);
  const keys = Object.keys(dict);
  if (keys.length === 0)
    throw new LogprobsParseError(path, 'expected at least one entry (the prompt token)');
  if (keys.length > 1 && !hasMarkedKeys(keys)) {
    throw new LogprobsParseError(
      path,
      'cannot tell which entry is the prompt token: vLLM lists it first, but JavaScript objects reorder ' +
        'integer keys. Pass the response as JSON text (e.g. `await response.text()`) so the order is kept',
    );
  }
  const entries = keys.map((key): PromptEntry => {
    const idText = unmarkKey(key);
    const entryPath = path.key(idText);
    const entry = expectRecord(dict[key], entryPath);
    const id = /^\d{1,15}$/.test(idText) ? Number(idText) : undefined; // the key is the token id
    const rank =
      entry.rank === undefined || entry.rank === null
        ? undefined
        : readIndex(entry.rank, entryPath.key('rank'), 0);
    return {
      token: expectString(entry.decoded_token, entryPath.key('decoded_token')),
      logprob: readLogprob(entry.logprob, entryPath.key('logprob')),
      rank,
      id,
    };
  });
  const chosen = entries[0] as PromptEntry;
  const others = entries.slice(1);
  // With k alternatives requested the dict holds k entries when the prompt token is among the
  // top k (rank <= k = others + 1), else k + 1 entries; only the top k are listed as alternatives.
  const chosenIsListed = chosen.rank === undefined || chosen.rank <= others.length + 1;
  const listed = (chosenIsListed ? entries : others).sort(
    (a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || 0,
  );
  return makeToken(
    chosen.token,
    undefined,
    chosen.logprob,
    listed.map((entry) => makeAlternative(entry.token, undefined, entry.logprob, entry)),
    chosen,
  );
}
