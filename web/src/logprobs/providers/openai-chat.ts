/**
 * OpenAI Chat Completions, plain (`chat.completion`) and streamed (`chat.completion.chunk`).
 * Per choice: `choices[i].logprobs.content` (the answer) and `choices[i].logprobs.refusal`
 * (a refusal message), both arrays of the shared OpenAI entry. In a stream each chunk carries the
 * entries of its delta; they are appended per `choices[i].index`. `logprobs: null` adds nothing.
 */
import type { ChoiceAccumulator } from '../accumulate.js';
import { readEntryList } from '../entry.js';
import type { JsonPath } from '../path.js';
import { expectRecord, type JsonRecord } from '../read.js';
import { appendAll } from '../token.js';
import { forEachChoiceLogprobs } from './openai-choices.js';
import type { ProviderParser } from './provider.js';

export const openaiChat: ProviderParser = {
  id: 'openai-chat',
  parse(chunks, choices) {
    for (const chunk of chunks)
      parseChatChunk(expectRecord(chunk.value, chunk.path), chunk.path, choices);
  },
};

export function parseChatChunk(
  chunk: JsonRecord,
  path: JsonPath,
  choices: ChoiceAccumulator,
): void {
  forEachChoiceLogprobs(chunk, path, choices, (draft, logprobs, logprobsPath) => {
    appendAll(draft.tokens, readEntryList(logprobs.content, logprobsPath.key('content')));
    const refusal = readEntryList(logprobs.refusal, logprobsPath.key('refusal'));
    if (refusal.length > 0) appendAll((draft.refusal ??= []), refusal);
  });
}
