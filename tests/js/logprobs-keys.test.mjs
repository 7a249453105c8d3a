// JSON keys that are special names in JavaScript (issue 12, kind 5): wherever keys become tokens
// (legacy top_logprobs dicts, vLLM prompt_logprobs dicts read by the order-preserving reader)
// `__proto__`, `constructor`, `toString`, ... are ordinary tokens, from JSON text and from parsed
// objects alike, and nothing is ever assigned through them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import './property-seed.mjs';
import { parseLogprobs, knownDistribution, classifyLabels } from '../../dist/logprobs/index.js';

/** Token strings that are special as JavaScript keys, plus integer-like ones JS reorders. */
const SPECIAL = [
  '__proto__',
  'constructor',
  'toString',
  'valueOf',
  'hasOwnProperty',
  'isPrototypeOf',
  '__defineGetter__',
  'prototype',
  'length',
  '0',
  '17',
  '#12',
  '',
  ' ',
  'x',
];

/** A value already written as JSON text, for `objectText`. */
const raw = (text) => ({ raw: text });
/** JSON text of an object with these [key, value] pairs in this order (no JS object involved). */
const objectText = (pairs) =>
  `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${v?.raw ?? JSON.stringify(v)}`).join(',')}}`;

/** A legacy Completions response (as text) with one position whose top_logprobs dict has `keys`. */
function legacyText(chosen, keys) {
  const dict = objectText(keys.map((k, i) => [k, -(i + 1) / 4]));
  return (
    `{"object":"text_completion","choices":[{"index":0,"text":${JSON.stringify(chosen)},` +
    `"logprobs":{"tokens":[${JSON.stringify(chosen)}],"token_logprobs":[-0.25],"top_logprobs":[${dict}],` +
    `"text_offset":[0]}}]}`
  );
}

function assertNoPollution() {
  for (const name of ['polluted', '-0.25', '-0.5']) assert.equal({}[name], undefined, name);
  assert.equal(Object.getPrototypeOf({}), Object.prototype);
  assert.equal(typeof {}.toString, 'function');
}

test('the issue example: {"__proto__": -0.1, "x": -2} keeps both alternatives, from text and parsed', () => {
  const text = legacyText('x', ['__proto__', 'x']).replace('-0.25,"x"', '-0.1,"x"');
  for (const input of [text, JSON.parse(text)]) {
    const [token] = parseLogprobs(input).choices[0].tokens;
    assert.deepEqual(
      token.topLogprobs.map((a) => [a.token, a.logprob]),
      [
        ['__proto__', -0.1],
        ['x', -0.5],
      ],
    );
    assert.equal(Object.getPrototypeOf(token.topLogprobs[0]), Object.prototype);
  }
  assertNoPollution();
});

test('constructor, toString and valueOf as dict keys and as chosen tokens', () => {
  const text = legacyText('constructor', ['constructor', 'toString', 'valueOf', '0']);
  for (const input of [text, JSON.parse(text), `data: ${text}\n\ndata: [DONE]\n\n`]) {
    const [choice] = parseLogprobs(input).choices;
    assert.equal(choice.text, 'constructor');
    assert.deepEqual(
      choice.tokens[0].topLogprobs.map((a) => a.token),
      ['constructor', 'toString', 'valueOf', '0'],
    );
    // The analysis reads them as data too.
    assert.equal(knownDistribution(choice.tokens[0]).entries[0].token, 'constructor');
    assert.equal(classifyLabels(choice, ['constructor', 'valueOf']).label, 'constructor');
  }
  assertNoPollution();
});

test('vLLM prompt dicts through the order-preserving reader: special decoded tokens and ids', () => {
  const position = (entries) =>
    objectText(
      entries.map(([id, token, logprob, rank]) => [
        id,
        raw(
          objectText([
            ['logprob', logprob],
            ['rank', rank],
            ['decoded_token', token],
          ]),
        ),
      ]),
    );
  const text =
    `{"object":"chat.completion","choices":[{"index":0,"logprobs":{"content":[` +
    `{"token":"toString","logprob":-1,"top_logprobs":[{"token":"__proto__","logprob":-0.5}]}]}}],` +
    `"prompt_logprobs":[null,${position([
      ['900', '__proto__', -3, 5],
      ['12', 'constructor', -0.5, 1],
      ['7', 'toString', -1, 2],
    ])},${position([['3', 'hasOwnProperty', -0.25, 1]])}]}`;
  const [choice] = parseLogprobs(text).choices;
  assert.deepEqual(
    choice.prompt.tokens.map((t) => [t.token, t.id]),
    [
      ['__proto__', 900],
      ['hasOwnProperty', 3],
    ],
  );
  assert.deepEqual(
    choice.prompt.tokens[0].topLogprobs.map((a) => a.token),
    ['constructor', 'toString'],
  );
  assert.equal(choice.tokens[0].topLogprobs[0].token, '__proto__');
  assertNoPollution();
});

test('property: tokens drawn from special names survive every reader, from text and from objects', () => {
  const token = fc.constantFrom(...SPECIAL);
  fc.assert(
    fc.property(
      fc.array(fc.tuple(token, fc.uniqueArray(token, { minLength: 1, maxLength: 6 })), {
        minLength: 1,
        maxLength: 5,
      }),
      (positions) => {
        // Legacy Completions with one dict per position; logprobs fall with the key's place, so the
        // provider's order is the logprob order the reader restores.
        const dicts = positions.map(([, keys]) =>
          objectText(keys.map((k, i) => [k, -(i + 1) / 4])),
        );
        const chosen = positions.map(([t]) => t);
        const text =
          `{"object":"text_completion","choices":[{"index":0,"logprobs":{` +
          `"tokens":${JSON.stringify(chosen)},"token_logprobs":${JSON.stringify(chosen.map(() => -1))},` +
          `"top_logprobs":[${dicts.join(',')}]}}]}`;
        for (const input of [text, JSON.parse(text)]) {
          const [choice] = parseLogprobs(input).choices;
          assert.deepEqual(
            choice.tokens.map((t) => t.token),
            chosen,
          );
          choice.tokens.forEach((t, i) =>
            assert.deepEqual(
              t.topLogprobs.map((a) => [a.token, a.logprob]),
              positions[i][1].map((k, j) => [k, -(j + 1) / 4]),
            ),
          );
          assert.equal(choice.text, chosen.join(''));
        }
        // The same tokens as chat entries, SGLang triples and TGI tokens.
        const entries = chosen.map((t) => ({
          token: t,
          logprob: -1,
          top_logprobs: [{ token: t, logprob: -1 }],
        }));
        const chat = {
          object: 'chat.completion',
          choices: [{ index: 0, logprobs: { content: entries } }],
        };
        const sglang = {
          text: '',
          meta_info: {
            id: 'r',
            output_token_logprobs: chosen.map((t, i) => [-1, i, t]),
            completion_tokens: chosen.length,
          },
        };
        const tgi = {
          generated_text: '',
          details: {
            tokens: chosen.map((t, i) => ({ id: i, text: t, logprob: -1, special: false })),
          },
        };
        for (const response of [chat, sglang, tgi]) {
          const [choice] = parseLogprobs(JSON.stringify(response)).choices;
          assert.deepEqual(
            choice.tokens.map((t) => t.token),
            chosen,
          );
        }
        assertNoPollution();
      },
    ),
    { numRuns: 300 },
  );
});
