// The demo's paste parser (web/demo/parse-logits.js) in Node: each accepted shape, and errors
// that point at the entry at fault. No browser needed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLogits } from '../../web/demo/parse-logits.js';

const ok = (text) => {
  const r = parseLogits(text);
  assert.equal(r.error, undefined, r.error?.message);
  return { labels: r.labels, logits: Array.from(r.logits), format: r.format };
};

test('numbers separated by commas, spaces or newlines', () => {
  assert.deepEqual(ok('8, 6, 5, -1'), {
    labels: ['#0', '#1', '#2', '#3'],
    logits: [8, 6, 5, -1],
    format: 'numbers',
  });
  assert.deepEqual(ok('8 6\n5\t-1\n').logits, [8, 6, 5, -1]);
  assert.deepEqual(ok('1,\n2,\n-inf,').logits, [1, 2, -Infinity]);
});

test('JSON arrays, pairs, records and objects', () => {
  assert.deepEqual(ok('[8, 6, 5, -1]').logits, [8, 6, 5, -1]);
  assert.deepEqual(ok('[[" Paris", 8], [" London", "-inf"]]'), {
    labels: [' Paris', ' London'],
    logits: [8, -Infinity],
    format: 'json-array',
  });
  assert.deepEqual(ok('[{"token": "a", "logit": 1}, {"token": "b", "logit": 2}]').labels, [
    'a',
    'b',
  ]);
  assert.deepEqual(ok('{" Paris": 8.0, " London": 6.0}'), {
    labels: [' Paris', ' London'],
    logits: [8, 6],
    format: 'json-object',
  });
});

test('CSV with or without a header, and "token logit" lines', () => {
  assert.deepEqual(ok('token,logit\n" Paris",8\n" London",6'), {
    labels: [' Paris', ' London'],
    logits: [8, 6],
    format: 'csv',
  });
  assert.deepEqual(ok('logit,token\n8,Paris\n6,London').labels, ['Paris', 'London']);
  assert.deepEqual(ok('Paris,8\nLondon,6').logits, [8, 6]);
  assert.deepEqual(ok('New York 3.5\n"a ""b"" c" 1').labels, ['New York', 'a "b" c']);
});

test('errors name the entry, its line and column, and its offsets', () => {
  assert.deepEqual(parseLogits('1, 2, abc').error, {
    message: 'Entry 3 "abc" at line 1, column 7 is not a number.',
    index: 2,
    line: 1,
    column: 7,
    start: 6,
    end: 9,
  });
  assert.equal(parseLogits('[1, 2, abc]').error.index, 2);
  assert.match(
    parseLogits('Paris 8\nLondon x').error.message,
    /logit "x" of entry 2 at line 2, column 8/,
  );
  assert.match(parseLogits('1 nan').error.message, /is NaN/);
  assert.match(parseLogits('1 inf').error.message, /\+Infinity/);
  assert.match(parseLogits('1e40').error.message, /float32 range/);
  assert.match(parseLogits('1,,2').error.message, /Entry 2 at line 1, column 3 is empty/);
  assert.match(parseLogits('{"a": "x"}').error.message, /Token "a" \(entry 1\)/);
  assert.match(parseLogits('   ').error.message, /Paste some logits/);
});
