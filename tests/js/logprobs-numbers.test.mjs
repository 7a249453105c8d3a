// Number and text forms real JSON uses (issue 12, kind 3): protobuf JSON's non-finite strings and
// Python's bare NaN / Infinity; OpenAI's escaped byte tokens mixing literal text and \xNN escapes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogprobs, probToLogprob } from '../../dist/logprobs/index.js';
import { chatCompletion, legacyCompletion, logprobs, throwsAt } from './logprobs-support.mjs';

/** A Gemini response with these chosen [token, logProbability] steps, each listing itself. */
const gemini = (steps, snake = false) => {
  const candidate = (token, value) =>
    snake ? { token, log_probability: value } : { token, logProbability: value };
  const chosen = steps.map(([token, value]) => candidate(token, value));
  const top = steps.map(([token, value]) => ({
    candidates: [candidate(token, value), candidate('?', '-Infinity')],
  }));
  return {
    candidates: [
      snake
        ? { index: 0, logprobs_result: { chosen_candidates: chosen, top_candidates: top } }
        : { index: 0, logprobsResult: { chosenCandidates: chosen, topCandidates: top } },
    ],
  };
};

test('Gemini: "-Infinity" is p = 0, in chosen and top candidates, camelCase and snake_case', () => {
  for (const snake of [false, true]) {
    for (const input of [
      gemini(
        [
          ['a', -0.5],
          ['b', '-Infinity'],
        ],
        snake,
      ),
      JSON.stringify(
        gemini(
          [
            ['a', -0.5],
            ['b', '-Infinity'],
          ],
          snake,
        ),
      ),
    ]) {
      const [choice] = parseLogprobs(input).choices;
      assert.deepEqual(logprobs(choice), [-0.5, -Infinity]);
      assert.equal(choice.tokens[0].topLogprobs[1].logprob, -Infinity);
      assert.equal(choice.tokens[1].belowTopN, false);
    }
  }
});

test('Gemini: "NaN" and "Infinity" where a logprob belongs are errors naming the path', () => {
  throwsAt(
    () =>
      parseLogprobs(
        gemini([
          ['a', -0.5],
          ['b', 'NaN'],
        ]),
      ),
    'candidates[0].logprobsResult.chosenCandidates[1].logProbability',
    /the string "NaN" \(the protobuf JSON form of NaN\)/,
  );
  throwsAt(
    () => parseLogprobs(gemini([['a', 'Infinity']], true)),
    'candidates[0].logprobs_result.chosen_candidates[0].log_probability',
    /"Infinity".*p > 1/,
  );
  throwsAt(
    () => parseLogprobs(gemini([['a', '-inf']])),
    'candidates[0].logprobsResult.chosenCandidates[0].logProbability',
    /got a string \("-inf"\)/,
  );
});

test('the protobuf strings are read wherever a logprob is (OpenAI-compatible, SGLang, TGI, llama.cpp)', () => {
  const chat = chatCompletion({
    logprobs: {
      content: [
        { token: 'x', logprob: '-Infinity', top_logprobs: [{ token: 'y', logprob: '-Infinity' }] },
      ],
    },
  });
  assert.equal(parseLogprobs(chat).choices[0].tokens[0].topLogprobs[0].logprob, -Infinity);
  const sglang = {
    text: 'x',
    meta_info: { id: 'q', output_token_logprobs: [['-Infinity', 7, 'x']], completion_tokens: 1 },
  };
  assert.deepEqual(logprobs(parseLogprobs(sglang).choices[0]), [-Infinity]);
  throwsAt(
    () =>
      parseLogprobs({
        generated_text: 'x',
        details: { tokens: [{ id: 1, text: 'x', logprob: 'NaN', special: false }] },
      }),
    'details.tokens[0].logprob',
    /"NaN"/,
  );
  // llama.cpp probabilities: "-Infinity" is no probability.
  throwsAt(
    () => parseLogprobs({ completion_probabilities: [{ token: 'x', prob: '-Infinity' }] }),
    'completion_probabilities[0].prob',
    /expected a probability/,
  );
});

test("Python's bare NaN / Infinity / -Infinity in JSON text: -Infinity read, the others typed errors", () => {
  const text = (value) =>
    `{"object":"chat.completion","choices":[{"index":0,"message":{"content":"NaN -Infinity"},` +
    `"logprobs":{"content":[{"token":"NaN","logprob":-0.5,"top_logprobs":[]},{"token":" -Infinity","logprob":${value},"top_logprobs":[]}]}}]}`;
  const [choice] = parseLogprobs(text('-Infinity')).choices;
  assert.deepEqual(logprobs(choice), [-0.5, -Infinity]);
  assert.equal(choice.text, 'NaN -Infinity'); // strings that spell them are untouched
  throwsAt(() => parseLogprobs(text('NaN')), 'choices[0].logprobs.content[1].logprob', /NaN/);
  throwsAt(
    () => parseLogprobs(text('Infinity')),
    'choices[0].logprobs.content[1].logprob',
    /Infinity/,
  );
  // In an SSE stream and NDJSON too.
  assert.deepEqual(
    logprobs(parseLogprobs(`data: ${text('-Infinity')}\n\ndata: [DONE]\n\n`).choices[0]),
    [-0.5, -Infinity],
  );
  const line = `{"model":"m","created_at":"t","response":"a","logprobs":[{"token":"a","logprob":-Infinity}],"done":false}`;
  assert.deepEqual(logprobs(parseLogprobs(`${line}\n${line}`).choices[0]), [-Infinity, -Infinity]);
  // Text that is broken JSON for another reason stays an invalid-JSON error.
  throwsAt(() => parseLogprobs('{"logprob": -Infinity,}'), '$', /invalid JSON/);
});

test('the issue example: a legacy token "bytes: \\xe2\\x80\\x9c" is the bytes 20 E2 80 9C', () => {
  const response = legacyCompletion({
    text: 'He said: “Hi”',
    logprobs: {
      tokens: ['He', ' said', ':', 'bytes: \\xe2\\x80\\x9c', 'Hi', '”'],
      token_logprobs: [-0.1, -0.2, -0.3, -0.4, -0.5, -0.6],
      top_logprobs: null,
      text_offset: [0, 2, 7, 8, 10, 12],
    },
  });
  const [choice] = parseLogprobs(response).choices;
  assert.equal(choice.text, 'He said: “Hi”');
  assert.deepEqual(choice.tokens[3].bytes, [0x20, 0xe2, 0x80, 0x9c]);
});

test('mixed literal text and escapes, in legacy tokens, top_logprobs keys and Responses events', () => {
  // "Ça" split as [" \xc3"] + ["\x87a"]; uppercase hex; a literal "\x41" (an ASCII byte is never
  // escaped) stays text; "bytes:" before a token without escapes stays text.
  const response = legacyCompletion({
    logprobs: {
      tokens: ['bytes: \\xC3', 'bytes:\\x87a', ' \\x41', ' bytes:'],
      token_logprobs: [-1, -1, -1, -1],
      top_logprobs: [{ 'bytes: \\xC3': -1, ' C': -2 }, null, null, null],
    },
  });
  const [choice] = parseLogprobs(response).choices;
  assert.equal(choice.text, ' Ça \\x41 bytes:');
  assert.deepEqual(choice.tokens[0].topLogprobs[0].bytes, [0x20, 0xc3]);
  assert.equal(choice.tokens[2].bytes, undefined);

  const delta = (token) => ({
    type: 'response.output_text.delta',
    delta: '',
    logprobs: [{ token, logprob: -0.5, top_logprobs: [{ token, logprob: -0.5 }] }],
  });
  const stream = [delta('x \\xf0\\x9f'), delta('\\x99\\x82!')];
  const [events] = parseLogprobs(stream).choices;
  assert.equal(events.text, 'x 🙂!');
  assert.deepEqual(events.tokens[1].topLogprobs[0].bytes, [0x99, 0x82, 0x21]);
});

test('chat entries with a bytes field keep those bytes; escapes are read only without one', () => {
  const chat = (token, bytes) => ({
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        logprobs: { content: [{ token, logprob: probToLogprob(0.5), bytes, top_logprobs: [] }] },
      },
    ],
  });
  assert.equal(parseLogprobs(chat(' \\xe2', [32, 92, 120, 101, 50])).choices[0].text, ' \\xe2');
  assert.deepEqual(parseLogprobs(chat(' \\xe2\\x82\\xac', null)).choices[0].text, ' €');
});
