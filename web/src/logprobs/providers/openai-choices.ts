/**
 * The choice walk shared by the OpenAI-shaped providers (chat, legacy completions, and vLLM,
 * which speaks both): for each `choices[i]` of a chunk that carries a non-null `logprobs` object,
 * calls `visit` with that choice's accumulator entry, the `logprobs` record and its JSON path.
 * Choices are keyed by their `index` field (falling back to their position), so stream chunks
 * for the same choice append to one draft.
 */
import type { ChoiceAccumulator } from '../accumulate.js';
import type { JsonPath } from '../path.js';
import { expectRecord, optionalArray, readIndex, type JsonRecord } from '../read.js';

export type ChoiceDraft = ReturnType<ChoiceAccumulator['choice']>;

export function forEachChoiceLogprobs(
  chunk: JsonRecord,
  path: JsonPath,
  choices: ChoiceAccumulator,
  visit: (
    draft: ChoiceDraft,
    logprobs: JsonRecord,
    logprobsPath: JsonPath,
    choice: JsonRecord,
  ) => void,
): void {
  const choicesPath = path.key('choices');
  const list = optionalArray(chunk.choices, choicesPath);
  if (list === undefined) return;
  list.forEach((value, position) => {
    const choicePath = choicesPath.index(position);
    const choice = expectRecord(value, choicePath);
    const draft = choices.choice(readIndex(choice.index, choicePath.key('index'), position));
    if (choice.logprobs === undefined || choice.logprobs === null) return;
    const logprobsPath = choicePath.key('logprobs');
    visit(draft, expectRecord(choice.logprobs, logprobsPath), logprobsPath, choice);
  });
}
