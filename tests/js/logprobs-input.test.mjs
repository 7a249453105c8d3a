// Input forms (object, JSON text, chunk arrays, SSE, NDJSON) and typed errors naming JSON paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogprobs, detectProvider, PROVIDERS } from '../../dist/logprobs/index.js';
import { throwsAt } from './logprobs-support.mjs';

const entry = (token, logprob, extra = {}) => ({
  token,
  logprob,
  bytes: [...Buffer.from(token)],
  top_logprobs: [],
  ...extra,
});
const chat = (content, index = 0) => ({
  object: 'chat.completion',
  choices: [{ index, logprobs: { content, refusal: null } }],
});
const chunk = (content, index = 0) => ({
  object: 'chat.completion.chunk',
  choices: [{ index, delta: {}, logprobs: { content } }],
});

test('the same response as object, JSON text, chunk array, chunk strings and SSE gives the same tokens', () => {
  const whole = chat([entry('a', -0.1), entry('b', -0.2)]);
  const chunks = [chunk([entry('a', -0.1)]), chunk([entry('b', -0.2)])];
  const expected = parseLogprobs(whole).choices[0].tokens;
  const sse = chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';
  for (const input of [
    whole,
    JSON.stringify(whole),
    chunks,
    JSON.stringify(chunks),
    chunks.map((c) => JSON.stringify(c)).concat('[DONE]'),
    sse,
    `\uFEFF${sse}`,
  ]) {
    assert.deepEqual(parseLogprobs(input).choices[0].tokens, expected);
  }
});

test('SSE details: comments, event: lines, multi-line data, CRLF, and logs that lost blank lines', () => {
  const one = JSON.stringify(chunk([entry('x', -1)]));
  const two = JSON.stringify(chunk([entry('y', -2)]));
  const cases = [
    `: keep-alive\nevent: message\nid: 1\ndata: ${one}\n\ndata: ${two}\n\ndata: [DONE]`,
    `data: ${one}\r\n\r\ndata: ${two}\r\n\r\n`,
    `data: ${one}\ndata: ${two}\ndata: [DONE]\n`, // blank lines lost: each data line is a chunk
    `data: {"object":"chat.completion.chunk",\ndata: "choices":[{"index":0,"logprobs":{"content":[{"token":"x","logprob":-1},{"token":"y","logprob":-2}]}}]}\n\n`,
  ];
  for (const text of cases) assert.equal(parseLogprobs(text).choices[0].text, 'xy');
});

test('a stream chunk that breaks JSON is named by its chunk number', () => {
  throwsAt(
    () => parseLogprobs(`data: ${JSON.stringify(chunk([]))}\n\ndata: {"choices": [\n\n`),
    '[1]',
    /invalid JSON/,
  );
  throwsAt(() => parseLogprobs('{"choices": ['), '$', /invalid JSON/);
  throwsAt(() => parseLogprobs('   '), '$', /empty/);
});

test('paths name the value at fault', () => {
  const bad = (value) =>
    chat([entry('a', -0.1), entry('b', -0.2), entry('c', -0.3), { ...entry('d', -0.4), ...value }]);
  throwsAt(
    () => parseLogprobs(bad({ logprob: 'x' })),
    'choices[0].logprobs.content[3].logprob',
    /got a string/,
  );
  throwsAt(
    () => parseLogprobs(bad({ logprob: 0.5 })),
    'choices[0].logprobs.content[3].logprob',
    /p > 1/,
  );
  throwsAt(
    () => parseLogprobs(bad({ logprob: NaN })),
    'choices[0].logprobs.content[3].logprob',
    /NaN/,
  );
  throwsAt(
    () => parseLogprobs(bad({ logprob: Infinity })),
    'choices[0].logprobs.content[3].logprob',
  );
  throwsAt(
    () => parseLogprobs(bad({ token: 7 })),
    'choices[0].logprobs.content[3].token',
    /expected a string/,
  );
  throwsAt(
    () => parseLogprobs(bad({ bytes: [1, 256] })),
    'choices[0].logprobs.content[3].bytes[1]',
    /byte/,
  );
  throwsAt(
    () =>
      parseLogprobs(
        bad({
          top_logprobs: [
            { token: 'z', logprob: -1 },
            { token: 'q', logprob: '?' },
          ],
        }),
      ),
    'choices[0].logprobs.content[3].top_logprobs[1].logprob',
  );
  throwsAt(() => parseLogprobs(chat('nope')), 'choices[0].logprobs.content', /expected an array/);
  throwsAt(() => parseLogprobs({ choices: [{ index: -1 }] }), 'choices[0].index');
  throwsAt(
    () => parseLogprobs([chunk([]), chunk([entry('a', 'x')])]),
    '[1].choices[0].logprobs.content[0].logprob',
  );
  throwsAt(
    () =>
      parseLogprobs({
        candidates: [{ logprobsResult: { chosenCandidates: [{ token: 'a', logProbability: 1 }] } }],
      }),
    'candidates[0].logprobsResult.chosenCandidates[0].logProbability',
  );
  throwsAt(
    () => parseLogprobs({ completion_probabilities: [{ token: 'a', prob: 1.5 }] }),
    'completion_probabilities[0].prob',
  );
  throwsAt(
    () =>
      parseLogprobs({
        object: 'text_completion',
        choices: [{ logprobs: { tokens: ['a', 'b'], token_logprobs: [-1] } }],
      }),
    'choices[0].logprobs.token_logprobs',
    /expected 2 entries/,
  );
  throwsAt(
    () =>
      parseLogprobs({
        candidates: [{ logprobsResult: { chosenCandidates: [{ token: 'a' }], topCandidates: [] } }],
      }),
    'candidates[0].logprobsResult.topCandidates',
    /expected 1 entries/,
  );
});

test('tiny positive logprobs are float rounding (read as 0); absent and null logprobs are null, not NaN', () => {
  const [choice] = parseLogprobs(
    chat([entry('a', 3e-7), { token: 'b' }, entry('c', null)]),
  ).choices;
  assert.deepEqual(
    choice.tokens.map((t) => [t.logprob, t.belowTopN]),
    [
      [0, false],
      [null, false],
      [null, false],
    ],
  );
});

test('-9999 is the below-top-N sentinel for the chosen token too', () => {
  const [choice] = parseLogprobs(chat([entry('a', -9999.0)])).choices;
  assert.equal(choice.tokens[0].logprob, null);
  assert.equal(choice.tokens[0].belowTopN, true);
});

test('unrecognisable input raises LogprobsParseError; bad arguments raise TypeError', () => {
  throwsAt(() => parseLogprobs({ hello: 'world' }), '$', /cannot detect/);
  throwsAt(() => parseLogprobs([]), '$', /no chunks/);
  throwsAt(() => parseLogprobs(42), '$');
  throwsAt(() => parseLogprobs(null), '$');
  throwsAt(() => parseLogprobs('[1, 2]'), '[0]', /expected a stream chunk/);
  assert.throws(
    () => parseLogprobs(chat([]), { provider: 'anthropic' }),
    /options.provider must be one of/,
  );
  assert.throws(() => parseLogprobs(chat([]), 'openai-chat'), TypeError);
});

test('an explicitly named provider accepts an empty stream', () => {
  assert.deepEqual(parseLogprobs([], { provider: 'ollama' }), { provider: 'ollama', choices: [] });
});

test('detectProvider covers every provider id', () => {
  const samples = {
    'openai-chat': chat([]),
    'openai-completions': {
      object: 'text_completion',
      choices: [{ text: '', index: 0, logprobs: null }],
    },
    'openai-responses': { type: 'response.output_text.delta', delta: '', logprobs: [] },
    gemini: { candidates: [] },
    ollama: { model: 'llama3.2', created_at: '2025-01-01T00:00:00Z', response: '', done: true },
    llamacpp: { content: '', completion_probabilities: [] },
    vllm: { choices: [], prompt_logprobs: [null] },
    sglang: { text: '', meta_info: { id: 'a', output_token_logprobs: [] } },
    tgi: { generated_text: '', details: { tokens: [], prefill: [] } },
    cohere: { id: 'c', finish_reason: 'COMPLETE', logprobs: [{ token_ids: [1], logprobs: [0] }] },
  };
  for (const id of PROVIDERS) assert.equal(detectProvider(samples[id]), id);
  // vLLM wins in a stream when any chunk has prompt logprobs.
  assert.equal(detectProvider([chunk([]), { ...chunk([]), prompt_logprobs: [null] }]), 'vllm');
});

test('choices without logprobs are kept (empty), and n > 1 choices are sorted by index', () => {
  const response = {
    object: 'chat.completion',
    choices: [
      { index: 2, logprobs: null },
      { index: 0, logprobs: { content: [entry('a', -1)] } },
    ],
  };
  assert.deepEqual(
    parseLogprobs(response).choices.map((c) => [c.index, c.text]),
    [
      [0, 'a'],
      [2, ''],
    ],
  );
});

test('huge streams do not overflow the stack', () => {
  const tokens = Array.from({ length: 200_000 }, () => ({ token: 'x', logprob: -0.5 }));
  assert.equal(parseLogprobs(chat(tokens)).choices[0].tokens.length, 200_000);
});
