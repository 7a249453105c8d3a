// Shared by the logitkit/logprobs tests: fixtures, the typed-error assertion, small projections.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LogprobsParseError, parseLogprobs } from '../../dist/logprobs/index.js';

/** The text of tests/fixtures/logprobs/<name>. */
export const fixture = (name) =>
  readFileSync(new URL(`../fixtures/logprobs/${name}`, import.meta.url), 'utf8');

/** parseLogprobs of tests/fixtures/logprobs/<name>, asserting the provider it detects. */
export function parseFixtureAs(name, provider) {
  const result = parseLogprobs(fixture(name));
  assert.equal(result.provider, provider);
  return result;
}

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
/** A chat completions response (`object: 'chat.completion'`) with these choices, indexed from 0. */
export const chatCompletion = (...choices) => ({
  object: 'chat.completion',
  choices: choices.map((choice, index) => ({ index, ...choice })),
});
/** A legacy completions response (`object: 'text_completion'`) with these choices, indexed from 0. */
export const legacyCompletion = (...choices) => ({
  object: 'text_completion',
  choices: choices.map((choice, index) => ({ index, ...choice })),
});
