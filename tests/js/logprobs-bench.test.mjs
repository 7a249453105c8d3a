// The benchmark module runs and returns well-formed rows (on a small instance, to stay fast).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { benchLogprobs, syntheticOpenAIResponse } from '../../bench/logprobs-bench.mjs';
import { parseLogprobs } from '../../dist/logprobs/index.js';

test('the synthetic response parses with the requested size', () => {
  const { choices } = parseLogprobs(syntheticOpenAIResponse(50, 20));
  assert.equal(choices[0].tokens.length, 50);
  assert.ok(choices[0].tokens.every((t) => t.topLogprobs.length === 20));
});

test('benchLogprobs returns { name, microseconds } rows', async () => {
  const rows = await benchLogprobs({ tokens: 200, alternatives: 20, repeats: 3 });
  assert.ok(rows.length >= 10);
  for (const row of rows) {
    assert.equal(typeof row.name, 'string');
    assert.ok(Number.isFinite(row.microseconds) && row.microseconds >= 0);
  }
});
