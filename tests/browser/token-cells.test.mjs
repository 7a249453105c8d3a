// The demo's heatmap cells (web/demo/token-cells.js) in Node: for every provider fixture the cells
// cover the text parseLogprobs rebuilds, exactly and in order, and byte-level tokens that share a
// character share a cell (the emoji whole). No browser needed.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseLogprobs } from 'logitkit/logprobs';
import { cellProbability, tokenCells } from '../../web/demo/token-cells.js';

const dir = fileURLToPath(new URL('../fixtures/logprobs/', import.meta.url));

test('cells cover the rebuilt text of every fixture, contiguous, every token in exactly one cell', () => {
  for (const name of readdirSync(dir)) {
    for (const choice of parseLogprobs(readFileSync(dir + name, 'utf8')).choices) {
      for (const sequence of [choice, choice.refusal, choice.prompt].filter(Boolean)) {
        const { text, cells } = tokenCells(sequence.tokens);
        assert.equal(text, sequence.text, name);
        assert.equal(cells.map((c) => text.slice(c.start, c.end)).join(''), text, name);
        let next = 0;
        let at = 0;
        for (const c of cells) {
          assert.equal(c.tokenStart, next, name);
          assert.equal(c.start, at, name);
          next = c.tokenEnd;
          at = c.end;
        }
        assert.equal(next, sequence.tokens.length, name);
        assert.doesNotMatch(cells.map((c) => text.slice(c.start, c.end)).join('|'), /\uFFFD/, name);
      }
    }
  }
});

test('a split emoji is one cell with the joint probability of its tokens', () => {
  const choice = parseLogprobs(readFileSync(`${dir}openai-chat.json`, 'utf8')).choices[0];
  const { text, cells } = tokenCells(choice.tokens);
  const emoji = cells[cells.length - 1];
  assert.deepEqual(
    [text.slice(emoji.start, emoji.end), emoji.tokenStart, emoji.tokenEnd],
    ['🙂', 5, 7],
  );
  const { p, belowTopN } = cellProbability(choice.tokens, emoji);
  assert.ok(Math.abs(p - Math.exp(-0.6 - 0.0001)) < 1e-15);
  assert.equal(belowTopN, false);
});

test('tokens without a logprob or with the sentinel give no number, and an empty token keeps a cell', () => {
  const tokens = [
    { token: 'a', logprob: -0.1, belowTopN: false, topLogprobs: [], offset: 0 },
    { token: '', logprob: null, belowTopN: false, topLogprobs: [], offset: 1 },
    { token: 'b', logprob: null, belowTopN: true, topLogprobs: [], offset: 1 },
  ];
  const { cells } = tokenCells(tokens);
  assert.deepEqual(
    cells.map((c) => [c.start, c.end, c.tokenStart, c.tokenEnd]),
    [
      [0, 1, 0, 1],
      [1, 1, 1, 2],
      [1, 2, 2, 3],
    ],
  );
  assert.deepEqual(cellProbability(tokens, cells[1]), { p: null, belowTopN: false });
  assert.deepEqual(cellProbability(tokens, cells[2]), { p: null, belowTopN: true });
});
