// Shared by the logitkit/logprobs tests: fixtures, the typed-error assertion, small projections.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LogprobsParseError } from '../../dist/logprobs/index.js';

/** The text of tests/fixtures/logprobs/<name>. */
export const fixture = (name) =>
  readFileSync(new URL(`../fixtures/logprobs/${name}`, import.meta.url), 'utf8');

/** Asserts a LogprobsParseError with this exact path (and optionally a message pattern). */
export function throwsAt(fn, path, pattern) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof LogprobsParseError, `expected LogprobsParseError, got ${error}`);
    assert.ok(error instanceof Error);
    assert.equal(error.name, 'LogprobsParseError');
    assert.equal(error.path, path);
    assert.ok(error.message.startsWith(`${path}: `));
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

/** The token texts of a sequence / choice. */
export const texts = (sequence) => sequence.tokens.map((t) => t.token);
/** The logprobs of a sequence / choice. */
export const logprobs = (sequence) => sequence.tokens.map((t) => t.logprob);
/** SSE text of these chunks. */
export const sse = (chunks) => chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('');
