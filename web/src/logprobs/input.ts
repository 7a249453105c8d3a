/**
 * Turns every accepted input form into a list of chunks (parsed JSON values with their paths):
 * - a parsed response object              → one chunk, path `$`
 * - an array (of stream chunks)           → one chunk per element, paths `[0]`, `[1]`, ...;
 *                                           string elements are parsed as JSON, `"[DONE]"` skipped
 * - JSON text                             → parsed, then as above
 * - SSE text (`event:` / `data:` lines)   → one chunk per event's data; `[DONE]` is skipped
 * - NDJSON text (Ollama streams)          → one chunk per line
 * A non-streamed response is thus a one-chunk stream, so each parser handles both the same way.
 */
import { LogprobsParseError, describe } from './errors.js';
import { markIntegerKeys } from './key-order.js';
import { JsonPath } from './path.js';
import { isRecord } from './read.js';

export interface Chunk {
  readonly value: unknown;
  readonly path: JsonPath;
}

const DONE = '[DONE]';
const SSE_FIELD_AT_START = /^(?:data|event|id|retry):|^:/;

export function toChunks(input: unknown): Chunk[] {
  if (typeof input === 'string') return chunksFromText(input);
  return chunksFromValue(input);
}

function chunksFromValue(value: unknown): Chunk[] {
  if (isRecord(value)) return [{ value, path: JsonPath.root }];
  if (Array.isArray(value)) {
    const chunks: Chunk[] = [];
    value.forEach((element: unknown, i) => {
      const path = JsonPath.root.index(i);
      if (typeof element === 'string') {
        if (element.trim() !== DONE)
          chunks.push({ value: expectChunk(parseJson(element, path), path), path });
      } else {
        chunks.push({ value: expectChunk(element, path), path });
      }
    });
    return chunks;
  }
  throw new LogprobsParseError(
    JsonPath.root,
    `expected a response object, an array of stream chunks, or JSON / SSE text; got ${describe(value)}`,
  );
}

function expectChunk(value: unknown, path: JsonPath): unknown {
  if (!isRecord(value))
    throw new LogprobsParseError(
      path,
      `expected a stream chunk (an object), got ${describe(value)}`,
    );
  return value;
}

function chunksFromText(text: string): Chunk[] {
  const body = text.replace(/^\uFEFF/, '').trim();
  if (body === '')
    throw new LogprobsParseError(JsonPath.root, 'expected JSON or SSE text, got an empty string');
  if (SSE_FIELD_AT_START.test(body)) return chunksFromSse(body);
  try {
    return chunksFromValue(parseJson(body, JsonPath.root));
  } catch (error) {
    const ndjson = looksLikeNdjson(body) ? chunksFromNdjson(body) : undefined;
    if (ndjson === undefined) throw error;
    return ndjson;
  }
}

/** Newline-delimited JSON: more than one line, and the first line is a JSON object on its own. */
function looksLikeNdjson(body: string): boolean {
  const firstLine = body.slice(0, body.indexOf('\n')).trim();
  if (firstLine === '' || !body.includes('\n')) return false;
  return isRecord(tryJson(firstLine));
}

function chunksFromNdjson(body: string): Chunk[] {
  const chunks: Chunk[] = [];
  for (const line of body.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed === DONE) continue;
    const path = JsonPath.root.index(chunks.length);
    chunks.push({ value: parseJson(trimmed, path), path });
  }
  return chunks;
}

/**
 * Server-sent events, per the WHATWG rules that matter here: lines `field: value`, a blank line
 * ends an event, an event's `data:` lines are joined with "\n", `:` lines are comments, other
 * fields (`event:`, `id:`) are ignored because every payload names its own type. If a saved log
 * lost its blank lines, an event's data lines are not one JSON value; then each line is parsed
 * as its own chunk.
 */
function chunksFromSse(body: string): Chunk[] {
  const events: string[][] = [];
  let data: string[] = [];
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length > 0) events.push(data);
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    if (field !== 'data') continue;
    const value = colon < 0 ? '' : line.slice(colon + 1);
    data.push(value.startsWith(' ') ? value.slice(1) : value);
  }
  if (data.length > 0) events.push(data);

  const chunks: Chunk[] = [];
  const add = (payload: string): void => {
    if (payload.trim() === DONE || payload.trim() === '') return;
    const path = JsonPath.root.index(chunks.length);
    chunks.push({ value: parseJson(payload, path), path });
  };
  for (const lines of events) {
    const joined = lines.join('\n');
    if (lines.length > 1 && !isJson(joined)) lines.forEach(add);
    else add(joined);
  }
  return chunks;
}

function isJson(text: string): boolean {
  return tryJson(text) !== NOT_JSON;
}

/**
 * `JSON.parse` with vLLM key order kept (see key-order.ts) and errors typed. Text that is not
 * JSON only because of bare `NaN`, `Infinity` or `-Infinity` (Python's `json.dumps` writes them)
 * is read with those values as their protobuf-JSON strings, which the number readers accept
 * (`"-Infinity"`) or reject naming the path (`"NaN"`, `"Infinity"`).
 */
function parseJson(text: string, path: JsonPath): unknown {
  const marked = markIntegerKeys(text);
  try {
    return JSON.parse(marked);
  } catch (error) {
    const value = withBareNonFiniteQuoted(marked);
    if (value !== NOT_JSON) return value;
    const reason = error instanceof Error ? error.message : String(error);
    throw new LogprobsParseError(path, `invalid JSON: ${reason}`);
  }
}

const NOT_JSON: unique symbol = Symbol('not JSON');

/** The JSON value of `text` (bare non-finites allowed, as in parseJson), or `NOT_JSON`. */
function tryJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return withBareNonFiniteQuoted(text);
  }
}

const BARE_NON_FINITE = /NaN|Infinity/;
/** A JSON string (skipped as a whole, so nothing inside one is touched) or a bare non-finite. */
const STRING_OR_BARE_NON_FINITE = /"[^"\\]*(?:\\.[^"\\]*)*"|(-?Infinity|NaN)/g;

function withBareNonFiniteQuoted(text: string): unknown {
  if (!BARE_NON_FINITE.test(text)) return NOT_JSON;
  try {
    return JSON.parse(text.replace(STRING_OR_BARE_NON_FINITE, quoteBare));
  } catch {
    return NOT_JSON;
  }
}

function quoteBare(match: string, bare: string | undefined): string {
  return bare === undefined ? match : `"${bare}"`;
}
