/**
 * The OpenAI-shaped choice responses: Chat Completions (`chat.completion`, streamed
 * `chat.completion.chunk`), legacy Completions (`text_completion`) and every OpenAI-compatible
 * server (vLLM, TGI, SGLang, llama.cpp, Ollama, LM Studio, Together, Fireworks, DeepSeek, ...).
 *
 * Each `choices[i].logprobs` is read by its shape, whatever `object` says, because servers mix
 * them (TGI's chat endpoint labels chat-shaped choices `text_completion`; some servers answer chat
 * requests with the legacy arrays):
 * - `content[]` and `refusal[]`: arrays of the shared OpenAI entry (entry.ts), the answer and a
 *   refusal message;
 * - `tokens[]` with `token_logprobs[]`, `top_logprobs[]`, `text_offset[]`: the legacy parallel
 *   arrays (openai-completions.ts).
 * - a number: Together's stream chunks carry one generated token each, its logprob as
 *   `choices[i].logprobs`, its text in `delta.content` (or `text`) and its id in `delta.token_id`.
 * `logprobs: null` adds nothing. Choices are keyed by their `index` (falling back to their
 * position), so stream chunks for the same choice add to one draft; a chunk whose choice has a
 * `finish_reason` is a final event for the stream rule (token-run.ts), its own text being
 * `delta.content`, `message.content` or `text`.
 */
import type { ChoiceAccumulator, DraftChoice } from '../accumulate.js';
import { readEntryList } from '../entry.js';
import type { JsonPath } from '../path.js';
import {
  expectRecord,
  isRecord,
  optionalArray,
  protobufNonFinite,
  readIndex,
  readLogprob,
  readTokenId,
  type JsonRecord,
} from '../read.js';
import { makeToken } from '../token.js';
import type { TokenRun } from '../token-run.js';
import type { LogprobToken, ProviderId } from '../types.js';
import { hasParallelArrays, readParallelArrays } from './openai-completions.js';
import type { ProviderParser } from './provider.js';

function parseChunks(...[chunks, choices]: Parameters<ProviderParser['parse']>): void {
  for (const chunk of chunks)
    parseOpenAIChunk(expectRecord(chunk.value, chunk.path), chunk.path, choices);
}

export const openaiChat: ProviderParser = {
  id: 'openai-chat',
  shape: 'choices[].logprobs.content[]',
  reads: hasChoices,
  parse: parseChunks,
};

export const openaiCompletions: ProviderParser = {
  id: 'openai-completions',
  shape: 'choices[].logprobs.tokens[]',
  reads: hasChoices,
  parse: parseChunks,
};

export function hasChoices(chunk: JsonRecord): boolean {
  return Array.isArray(chunk.choices);
}

/**
 * Which OpenAI reader the chunk's choices call for, by the shape of their `logprobs` (`tokens[]`
 * → legacy completions, `content[]` / `refusal[]` → chat; `byShape: true`), or, when no choice
 * carries logprobs, by the choice's fields (`text` → completions, `message` / `delta` → chat)
 * and last by `object` (`byShape: false`). `undefined` when the chunk has neither `choices` nor
 * one of those labels.
 */
export function openAIShape(chunk: JsonRecord): { id: ProviderId; byShape: boolean } | undefined {
  if (!Array.isArray(chunk.choices)) {
    const label = OBJECT_LABELS.get(String(chunk.object));
    return label === undefined ? undefined : { id: label, byShape: false };
  }
  let byFields: ProviderId | undefined;
  for (const choice of chunk.choices as unknown[]) {
    if (!isRecord(choice)) continue;
    const logprobs = choice.logprobs;
    if (isRecord(logprobs)) {
      if (hasParallelArrays(logprobs)) return { id: 'openai-completions', byShape: true };
      if (isPresent(logprobs.content) || isPresent(logprobs.refusal))
        return { id: 'openai-chat', byShape: true };
    }
    if (typeof choice.text === 'string') byFields ??= 'openai-completions';
    else if (isRecord(choice.message) || isRecord(choice.delta)) byFields ??= 'openai-chat';
  }
  const id =
    byFields ?? (chunk.object === 'text_completion' ? 'openai-completions' : 'openai-chat');
  return { id, byShape: false };
}

/** What `object` says, the last resort for a chunk without choices (a usage or keep-alive chunk). */
const OBJECT_LABELS = new Map<string, ProviderId>([
  ['chat.completion', 'openai-chat'],
  ['chat.completion.chunk', 'openai-chat'],
  ['text_completion', 'openai-completions'],
]);

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Reads one chunk's choices into `choices`, each by the shape of its `logprobs`. */
export function parseOpenAIChunk(
  chunk: JsonRecord,
  path: JsonPath,
  choices: ChoiceAccumulator,
): void {
  const choicesPath = path.key('choices');
  optionalArray(chunk.choices, choicesPath)?.forEach((value, position) => {
    const choicePath = choicesPath.index(position);
    const choice = expectRecord(value, choicePath);
    const draft = choices.choice(readIndex(choice.index, choicePath.key('index'), position));
    if (choice.logprobs === undefined || choice.logprobs === null) return;
    const logprobsPath = choicePath.key('logprobs');
    if (!isRecord(choice.logprobs) && isScalarLogprob(choice.logprobs)) {
      readScalarLogprob(draft, choice, choicePath);
      return;
    }
    readChoiceLogprobs(draft, choice, expectRecord(choice.logprobs, logprobsPath), logprobsPath);
  });
  readEchoedPrompts(chunk, path, choices);
}

/**
 * Together's `echo: true`: a top-level `prompt` list, one `{ text, logprobs }` per prompt, whose
 * `logprobs` has the legacy parallel arrays (the first token's logprob `null`). One prompt is
 * shared by every choice of the chunk; otherwise prompt i belongs to choice i.
 */
function readEchoedPrompts(chunk: JsonRecord, path: JsonPath, choices: ChoiceAccumulator): void {
  if (!Array.isArray(chunk.prompt)) return;
  const promptPath = path.key('prompt');
  const parts = chunk.prompt as unknown[];
  const choicesPath = path.key('choices');
  const indices = Array.isArray(chunk.choices)
    ? (chunk.choices as unknown[]).map((c, i) =>
        isRecord(c) ? readIndex(c.index, choicesPath.index(i).key('index'), i) : i,
      )
    : [];
  parts.forEach((part, p) => {
    if (!isRecord(part) || !isRecord(part.logprobs) || !hasParallelArrays(part.logprobs)) return;
    const logprobsPath = promptPath.index(p).key('logprobs');
    const tokens = readParallelArrays(part.logprobs, logprobsPath);
    const tokensPath = logprobsPath.key('tokens');
    const owners = parts.length === 1 ? (indices.length > 0 ? indices : [0]) : [p];
    for (const owner of owners)
      choices
        .choice(owner)
        .prompt()
        .placeWhole(
          tokens.map((token) => ({ ...token })),
          (i) => tokensPath.index(i),
        );
  });
}

/** A logprob written as a number (or its protobuf-JSON string form, as readLogprob accepts). */
function isScalarLogprob(value: unknown): boolean {
  return typeof value === 'number' || protobufNonFinite(value) !== undefined;
}

/** One streamed token whose `logprobs` is the number itself (Together's chunks). */
function readScalarLogprob(draft: DraftChoice, choice: JsonRecord, choicePath: JsonPath): void {
  const delta = isRecord(choice.delta) ? choice.delta : undefined;
  const text = (delta && textField(delta, 'content')) ?? textField(choice, 'text') ?? '';
  const id =
    delta === undefined
      ? undefined
      : readTokenId(delta.token_id, choicePath.key('delta').key('token_id'));
  const reading = readLogprob(choice.logprobs, choicePath.key('logprobs'));
  const entry = makeToken(text, undefined, reading, [], { id });
  draft.answer.append([entry]);
}

function readChoiceLogprobs(
  draft: DraftChoice,
  choice: JsonRecord,
  logprobs: JsonRecord,
  path: JsonPath,
): void {
  const final = typeof choice.finish_reason === 'string' && choice.finish_reason !== '';
  const message = isRecord(choice.delta)
    ? choice.delta
    : isRecord(choice.message)
      ? choice.message
      : choice;
  if (hasParallelArrays(logprobs)) {
    const entries = readParallelArrays(logprobs, path);
    const tokensPath = path.key('tokens');
    add(
      draft.answer,
      entries,
      final,
      textField(choice, 'text') ?? textField(message, 'content'),
      (i) => tokensPath.index(i),
    );
    return;
  }
  const contentPath = path.key('content');
  add(
    draft.answer,
    readEntryList(logprobs.content, contentPath),
    final,
    textField(message, 'content'),
    (i) => contentPath.index(i),
  );
  const refusalPath = path.key('refusal');
  const refusal = readEntryList(logprobs.refusal, refusalPath);
  if (refusal.length > 0)
    add(draft.refusal(), refusal, final, textField(message, 'refusal'), (i) =>
      refusalPath.index(i),
    );
}

function add(
  run: TokenRun,
  entries: readonly LogprobToken[],
  final: boolean,
  ownText: string | undefined,
  pathOf: (i: number) => JsonPath,
): void {
  if (final) run.appendUnlessRepeat(entries, ownText, pathOf);
  else run.append(entries);
}

function textField(record: JsonRecord, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' ? value : undefined;
}
