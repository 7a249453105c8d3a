// llama.cpp's string DRY breakers as token sequences (web/src/dry-breakers.ts, over token bytes)
// against the port of get_overlapping_token_sequences in stack-reference.mjs (over token texts),
// and the DRY penalty those sequences give.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dryBreakerSequences } from '../../dist/dry-breakers.js';
import * as ref from './chain-reference.mjs';
import { overlappingSequences } from './stack-reference.mjs';

// A small vocabulary with tokens that contain, start or end with parts of the breakers.
const VOCAB = [
  'a',
  'b',
  '\n',
  'ab\n',
  'x:',
  ':y',
  '**',
  '*',
  'Hel',
  'lo',
  ' wor',
  'ld',
  '\n\n',
  'end\n',
  '"q',
  '"',
  'q"',
  'wo',
  'r',
  'l',
  'd',
  'w',
  'o',
  ' ',
  'e',
  'n',
  'x',
  'y',
  'q',
  'H',
];
const BYTES = VOCAB.map((t) => new TextEncoder().encode(t));

/** Greedy longest-match encoder over VOCAB (the test's stand-in for a tokenizer). */
function encodeText(text) {
  const out = [];
  for (let at = 0; at < text.length;) {
    let best = -1;
    VOCAB.forEach((t, id) => {
      if (text.startsWith(t, at) && (best < 0 || t.length > VOCAB[best].length)) best = id;
    });
    if (best < 0) throw new Error(`cannot encode ${JSON.stringify(text.slice(at))}`);
    out.push(best);
    at += VOCAB[best].length;
  }
  return out;
}
const encodeBytes = (bytes) => encodeText(new TextDecoder().decode(bytes));
const key = (seqs) => [...new Set(seqs.map((s) => s.join(',')))].sort();

test('dryBreakerSequences gives the sequences llama.cpp builds from string breakers', () => {
  const sets = [
    ['\n', ':', '"', '*'],
    ['\n\n'],
    ['world', 'Hello'],
    ['ab', 'q"'],
    ['', 'x'.repeat(45)],
    ['**end'],
  ];
  for (const breakers of sets) {
    const want = breakers
      .filter((b) => b.length > 0)
      .flatMap((b) => overlappingSequences(VOCAB, encodeText, b.slice(0, 40)));
    const got = dryBreakerSequences(breakers, BYTES, encodeBytes);
    assert.deepEqual(key(got), key(want), JSON.stringify(breakers));
  }
  // One-token breakers for a single character: every token that contains it.
  assert.deepEqual(
    key(dryBreakerSequences(['\n'], BYTES, encodeBytes)),
    key([[2], [3], [12], [13]]),
  );
  // A token ending with the first part of a breaker heads a sequence with the rest's tokens.
  const id = (t) => VOCAB.indexOf(t);
  const world = key(dryBreakerSequences(['world'], BYTES, encodeBytes));
  assert.ok(world.includes([id('wo'), id('r'), id('ld')].join(',')), 'wo + r ld');
  assert.ok(world.includes([id(' wor'), id('ld')].join(',')), "' wor' ends with 'wor'");
  assert.ok(world.includes([id('w'), id('o'), id('r'), id('ld')].join(',')), 'w + o r ld');
  assert.ok(
    !world.some((s) => s.startsWith(`${id('lo')},`)),
    "'lo' has no prefix of 'world' at its end",
  );
});

test('dryBreakerSequences: the sequences drive the DRY penalty as llama.cpp token breakers do', () => {
  const breakers = dryBreakerSequences(['\n', ':'], BYTES, encodeBytes);
  const history = [0, 1, 23, 0, 1, 5, 0, 1, 23, 0, 1];
  const z = new Array(VOCAB.length).fill(0);
  ref.dry(z, history, 0.8, 1.75, 2, -1, breakers);
  assert.ok(z[23] < 0, 'the repeat continues with token 23');
  const blocked = [...history, 0, 2, 1];
  const zb = new Array(VOCAB.length).fill(0);
  ref.dry(zb, blocked, 0.8, 1.75, 2, -1, breakers);
  assert.ok(zb[23] === 0, 'a newline just before the last token stops the match');
});

test('dryBreakerSequences refuses an encoder that returns something other than token ids', () => {
  assert.throws(() => dryBreakerSequences(['world'], BYTES, () => [1.5]), RangeError);
});
