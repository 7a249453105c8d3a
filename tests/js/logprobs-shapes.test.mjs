// Response shapes of OpenAI-compatible servers beyond OpenAI's own: what a server puts where the
// OpenAI reader expects an object or leaves out (Together's streams, its echoed prompt, the
// token ids beside the legacy arrays).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogprobs } from '../../dist/logprobs/index.js';
import { logprobs, sse, texts, throwsAt } from './logprobs-support.mjs';

/** One Together stream chunk: the token's logprob is `choices[0].logprobs` itself. */
const togetherChunk = (content, logprob, tokenId, extra = {}) => ({
  id: 'o1',
  object: 'chat.completion.chunk',
  created: 1,
  model: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
  choices: [
    {
      index: 0,
      text: content,
      logprobs: logprob,
      finish_reason: null,
      seed: null,
      delta: { token_id: tokenId, role: 'assistant', content, tool_calls: null },
      ...extra,
    },
  ],
  usage: null,
});

test('Together chat stream: a number as choices[].logprobs is that chunk token’s logprob', () => {
  const text = sse([
    togetherChunk('The', -0.01, 791),
    togetherChunk(' Sun', -0.5, 8219),
    togetherChunk('.', -0.25, 13, { finish_reason: 'stop' }),
  ]);
  const [choice] = parseLogprobs(text).choices;
  assert.equal(choice.text, 'The Sun.');
  assert.deepEqual(logprobs(choice), [-0.01, -0.5, -0.25]);
  assert.deepEqual(
    choice.tokens.map((t) => t.id),
    [791, 8219, 13],
  );
});

test('Together completions stream (no delta.content): the text field is the token', () => {
  const chunks = [' violets', ' are', ' blue'].map((t, i) => {
    const c = togetherChunk(t, -(i + 1) / 10, 100 + i);
    c.object = 'completion.chunk';
    delete c.choices[0].delta.content;
    return c;
  });
  const [choice] = parseLogprobs(chunks).choices;
  assert.deepEqual(texts(choice), [' violets', ' are', ' blue']);
  assert.deepEqual(logprobs(choice), [-0.1, -0.2, -0.3]);
});

test('a scalar logprob keeps the number rules: "-Infinity" is p = 0, NaN is named', () => {
  const [choice] = parseLogprobs([togetherChunk('x', '-Infinity', 5)]).choices;
  assert.equal(choice.tokens[0].logprob, -Infinity);
  throwsAt(() => parseLogprobs([togetherChunk('x', 'NaN', 5)]), '[0].choices[0].logprobs');
  throwsAt(() => parseLogprobs([togetherChunk('x', 0.5, 5)]), '[0].choices[0].logprobs');
});

const legacy = (tokens, values, ids) => ({
  token_ids: ids,
  tokens,
  token_logprobs: values,
});

test('Together echo: the top-level prompt list becomes each choice’s prompt', () => {
  const response = {
    id: 'x',
    object: 'text_completion',
    created: 1,
    model: 'm',
    prompt: [
      { text: 'Hello world', logprobs: legacy(['Hello', ' world'], [null, -4.5], [9906, 1917]) },
    ],
    choices: [
      { index: 0, text: '!', logprobs: legacy(['!'], [-0.3], [0]), finish_reason: 'length' },
      { index: 1, text: '.', logprobs: legacy(['.'], [-1.3], [13]), finish_reason: 'length' },
    ],
  };
  const { choices } = parseLogprobs(response);
  for (const choice of choices) {
    assert.equal(choice.prompt.text, 'Hello world');
    assert.deepEqual(logprobs(choice.prompt), [null, -4.5]);
    assert.deepEqual(
      choice.prompt.tokens.map((t) => t.id),
      [9906, 1917],
    );
  }
  assert.deepEqual(
    choices.map((c) => c.text),
    ['!', '.'],
  );
});

test('one echoed prompt per choice: prompt i belongs to choice i', () => {
  const response = {
    object: 'text_completion',
    prompt: [
      { text: 'A', logprobs: legacy(['A'], [null], [32]) },
      { text: 'B', logprobs: legacy(['B'], [null], [33]) },
    ],
    choices: [
      { index: 0, text: 'a', logprobs: legacy(['a'], [-1], [64]) },
      { index: 1, text: 'b', logprobs: legacy(['b'], [-2], [65]) },
    ],
  };
  const { choices } = parseLogprobs(response);
  assert.deepEqual(
    choices.map((c) => c.prompt.text),
    ['A', 'B'],
  );
});

test('token_ids beside the legacy arrays become ids, validated by path', () => {
  const response = {
    object: 'text_completion',
    choices: [
      { index: 0, text: ' the', logprobs: legacy([' the', ' end'], [-0.2, -1], [279, 842]) },
    ],
  };
  const [choice] = parseLogprobs(response).choices;
  assert.deepEqual(
    choice.tokens.map((t) => t.id),
    [279, 842],
  );
  response.choices[0].logprobs.token_ids = [279, -1];
  throwsAt(() => parseLogprobs(response), 'choices[0].logprobs.token_ids[1]');
  response.choices[0].logprobs.token_ids = [279];
  throwsAt(() => parseLogprobs(response), 'choices[0].logprobs.token_ids');
});

test('an API error body, alone or as a stream event, is an error carrying the API message', () => {
  const content = (token) => ({
    object: 'chat.completion.chunk',
    choices: [
      {
        index: 0,
        delta: { content: token },
        logprobs: { content: [{ token, logprob: -1, top_logprobs: [] }] },
      },
    ],
  });
  const cases = [
    // OpenRouter: a provider failure after some tokens, as an event of the same stream.
    [
      [content('a'), { error: { message: 'Provider returned error', code: 502 } }],
      '[1]',
      /Provider returned error — 502/,
    ],
    // Anthropic-style and Gemini-style bodies; TGI streams `{ error, error_type }`.
    [
      { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } },
      '$',
      /Overloaded — overloaded_error/,
    ],
    [
      { error: { code: 400, message: 'Logprobs is not enabled', status: 'INVALID_ARGUMENT' } },
      '$',
      /Logprobs is not enabled — INVALID_ARGUMENT — 400/,
    ],
    [
      'data: {"error":"Request failed during generation","error_type":"generation"}\n\n',
      '[0]',
      /Request failed during generation/,
    ],
  ];
  for (const [input, path, pattern] of cases) {
    throwsAt(() => parseLogprobs(input), path, pattern);
    throwsAt(
      () => parseLogprobs(input, { provider: 'openai-chat' }),
      path,
      /the API returned an error/,
    );
  }
  // A response that has an `error` field beside its choices is still a response.
  const [choice] = parseLogprobs({ ...content('a'), error: null }).choices;
  assert.equal(choice.text, 'a');
});
