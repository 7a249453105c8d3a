/**
 * One token sequence under construction (a choice's answer, refusal or prompt), and the rule for
 * merging a stream into it.
 *
 * Stream rule: each chunk's entries are appended in arrival order, except entries the stream has
 * already delivered, which are not appended again. A chunk repeats earlier tokens in one of three
 * ways, each recognised from what the chunk states or carries:
 * - it says where its entries sit (`place`): llama.cpp's `tokens_predicted` and SGLang's
 *   `meta_info.completion_tokens` count the tokens generated so far, so a chunk's n entries are
 *   positions count − n … count − 1, whether the server sends each token once (incremental) or
 *   everything so far (cumulative);
 * - it is a summary of the whole sequence (`placeWhole`): OpenAI Responses' `response.completed`,
 *   SGLang's prompt logprobs repeated in every chunk;
 * - it is a final event (`appendUnlessRepeat`: llama.cpp `stop: true`, Ollama `done: true`, a
 *   choice with a `finish_reason`) whose entries begin with every token delivered so far, equal
 *   in text and logprob, and spell more than the text the event itself carries. The llama.cpp
 *   server's old format ends a stream that way, with all probabilities again; a last chunk that
 *   carries just its own token (vLLM's) spells its own text and is appended.
 * Entries placed over positions already held must equal what is held (text, logprob and sentinel);
 * a conflict is a `LogprobsParseError` naming the entry. A gap (a stream captured from its middle,
 * or positions a server never sent) is accepted: the entries are appended.
 */
import { LogprobsParseError } from './errors.js';
import type { JsonPath } from './path.js';
import { appendAll } from './token.js';
import type { LogprobToken } from './types.js';

/** The JSON path of entry `i` of a chunk's list, for errors. */
export type EntryPath = (i: number) => JsonPath;

export class TokenRun {
  readonly tokens: LogprobToken[] = [];
  /** The provider's position just past the last token held. */
  private end = 0;

  /** Appends entries that are new by construction (a chunk that carries only its own tokens). */
  append(entries: readonly LogprobToken[]): void {
    appendAll(this.tokens, entries);
    this.end += entries.length;
  }

  /** Places entries the provider says occupy positions `start`, `start + 1`, …. */
  place(entries: readonly LogprobToken[], start: number, pathOf: EntryPath): void {
    const held = this.tokens.length;
    const repeated = Math.min(entries.length, Math.max(0, this.end - start));
    for (let i = 0; i < repeated; i++) {
      const at = held - (this.end - (start + i));
      if (at >= 0)
        checkSame(
          this.tokens[at] as LogprobToken,
          entries[i] as LogprobToken,
          start + i,
          pathOf(i),
        );
    }
    for (let i = repeated; i < entries.length; i++) this.tokens.push(entries[i] as LogprobToken);
    this.end = Math.max(this.end, start + entries.length);
  }

  /** Places entries that are the whole sequence from its first token. */
  placeWhole(entries: readonly LogprobToken[], pathOf: EntryPath): void {
    this.place(entries, this.end - this.tokens.length, pathOf);
  }

  /**
   * Adds the entries of a chunk that may repeat the whole sequence so far: a final event, or a
   * chunk of a stream that may be cumulative and does not say where its entries sit. `ownText` is
   * the text the chunk itself carries (its delta or content), when it has such a field.
   */
  appendUnlessRepeat(
    entries: readonly LogprobToken[],
    ownText: string | undefined,
    pathOf: EntryPath,
  ): void {
    if (this.repeatsAll(entries, ownText)) this.placeWhole(entries, pathOf);
    else this.append(entries);
  }

  private repeatsAll(entries: readonly LogprobToken[], ownText: string | undefined): boolean {
    const held = this.tokens.length;
    if (held === 0 || entries.length < held) return false;
    if (ownText !== undefined && ownText === spelled(entries)) return false;
    for (let i = 0; i < held; i++)
      if (!same(this.tokens[i] as LogprobToken, entries[i] as LogprobToken)) return false;
    return true;
  }
}

function spelled(entries: readonly LogprobToken[]): string {
  let text = '';
  for (let i = 0; i < entries.length; i++) text += (entries[i] as LogprobToken).token;
  return text;
}

function same(a: LogprobToken, b: LogprobToken): boolean {
  return a.token === b.token && a.logprob === b.logprob && a.belowTopN === b.belowTopN;
}

function checkSame(
  held: LogprobToken,
  entry: LogprobToken,
  position: number,
  path: JsonPath,
): void {
  if (same(held, entry)) return;
  throw new LogprobsParseError(
    path,
    `repeats token ${position} of the stream, which was ${show(held)}, as ${show(entry)}`,
  );
}

function show(token: LogprobToken): string {
  const value = token.belowTopN ? 'the below-top-N sentinel' : `logprob ${String(token.logprob)}`;
  return `${JSON.stringify(token.token)} (${value})`;
}

/**
 * The position of a chunk's first entry when the chunk counts the tokens generated so far
 * (`count`, which its `length` entries end at); `undefined` when `count` is not such a count.
 */
export function startFromCount(count: unknown, length: number): number | undefined {
  return typeof count === 'number' && Number.isSafeInteger(count) && count >= length
    ? count - length
    : undefined;
}
