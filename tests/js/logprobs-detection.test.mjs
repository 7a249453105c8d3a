// Detection by shape (issue 12, kind 1): each choice's `logprobs` decides how it is read, whatever
// `object` says; an explicit `options.provider` wins whenever its reader finds its structure; an
// input no reader recognises gets an error listing the shapes and the provider ids.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseLogprobs,
  detectProvider,
  sequenceLogprob,
  LogprobsParseError,
  PROVIDERS,
} from '../../dist/logprobs/index.js';
import {
  chatCompletion,
  fixture,
  legacyCompletion,
  logprobs,
  parseFixtureAs,
  texts,
} from './logprobs-support.mjs';

/** A chat-shaped `logprobs` (content[]) of these [token, logprob] pairs. */
const content = (pairs) => ({
  content: pairs.map(([token, logprob]) => ({ token, logprob, top_logprobs: [] })),
});
/** A legacy-shaped `logprobs` (parallel arrays) of these [token, logprob] pairs. */
const arrays = (pairs) => ({
  tokens: pairs.map(([token]) => token),
  token_logprobs: pairs.map(([, logprob]) => logprob),
  top_logprobs: pairs.map(([token, logprob]) => ({ [token]: logprob })),
  text_offset: pairs.map((_, i) => i),
});

test('TGI 1.4 chat labelled text_completion: read as chat, detected as openai-chat', () => {
  const result = parseFixtureAs('tgi-chat-mislabelled.json', 'openai-chat');
  assert.equal(result.choices[0].text, 'Bonjour à tous');
  assert.deepEqual(logprobs(result.choices[0]), [-0.31, -0.0004, -1.2, -0.09]);
  // The chosen " à" is second in its list, behind " !".
  assert.deepEqual(
    result.choices[0].tokens[2].topLogprobs.map((a) => a.token),
    [' !', ' à'],
  );
});

test('the issue example: text_completion with chat content[] parses, with and without a provider', () => {
  const example = {
    object: 'text_completion',
    model: 'm',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: 'Hi there' },
        logprobs: content([
          ['Hi', -0.2],
          [' there', -0.9],
        ]),
        finish_reason: 'length',
      },
    ],
  };
  for (const options of [
    undefined,
    { provider: 'openai-chat' },
    { provider: 'openai-completions' },
  ]) {
    const result = parseLogprobs(JSON.stringify(example), options);
    assert.equal(result.choices[0].text, 'Hi there');
    assert.deepEqual(logprobs(result.choices[0]), [-0.2, -0.9]);
  }
});

test('a legacy completions response whose choices carry chat content[] (text field, no message)', () => {
  const response = legacyCompletion(
    { text: ' yes', logprobs: content([[' yes', -0.05]]), finish_reason: 'stop' },
    { text: ' no', logprobs: content([[' no', -3]]), finish_reason: 'stop' },
  );
  const result = parseLogprobs(response);
  assert.equal(result.provider, 'openai-chat'); // the logprobs' shape, not `object` or `text`
  assert.deepEqual(
    result.choices.map((c) => [c.index, c.text]),
    [
      [0, ' yes'],
      [1, ' no'],
    ],
  );
});

test('a chat response (object chat.completion, message) with the legacy parallel arrays', () => {
  // The shape old vLLM versions sent for chat: content null, tokens/token_logprobs/top_logprobs.
  const response = chatCompletion({
    message: { role: 'assistant', content: '▁Hello!' },
    logprobs: {
      content: null,
      ...arrays([
        ['▁Hello', -0.4],
        ['!', -1.5],
      ]),
    },
    finish_reason: 'stop',
  });
  const result = parseLogprobs(response);
  assert.equal(result.provider, 'openai-completions');
  assert.deepEqual(texts(result.choices[0]), ['▁Hello', '!']);
  assert.equal(sequenceLogprob(result.choices[0]), -1.9);
  assert.equal(parseLogprobs(response, { provider: 'openai-chat' }).provider, 'openai-chat');
  assert.equal(parseLogprobs(response, { provider: 'vllm' }).choices[0].text, '▁Hello!');
});

test('one response mixing the two shapes across choices reads each choice by its own shape', () => {
  const response = {
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        message: { content: 'ab' },
        logprobs: arrays([
          ['a', -1],
          ['b', -2],
        ]),
      },
      {
        index: 1,
        message: { content: 'cd' },
        logprobs: content([
          ['c', -3],
          ['d', -4],
        ]),
      },
    ],
  };
  const [first, second] = parseLogprobs(response).choices;
  assert.deepEqual([first.text, logprobs(first)], ['ab', [-1, -2]]);
  assert.deepEqual([second.text, logprobs(second)], ['cd', [-3, -4]]);
});

test('a stream: the first chunk with logprobs decides the label, not the role chunk before it', () => {
  const chunks = [
    {
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { role: 'assistant' }, logprobs: null }],
    },
    {
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { content: 'x' }, logprobs: arrays([['x', -0.5]]) }],
    },
    {
      object: 'chat.completion.chunk',
      choices: [{ index: 0, delta: { content: 'y' }, logprobs: content([['y', -0.25]]) }],
    },
  ];
  assert.equal(detectProvider(chunks), 'openai-completions');
  assert.deepEqual(logprobs(parseLogprobs(chunks).choices[0]), [-0.5, -0.25]);
});

test('an explicit provider whose reader finds nothing it reads is an error naming what it needs', () => {
  const chat = fixture('tgi-chat-mislabelled.json');
  for (const provider of ['gemini', 'sglang', 'tgi', 'llamacpp', 'openai-responses']) {
    assert.throws(
      () => parseLogprobs(chat, { provider }),
      (error) => {
        assert.ok(error instanceof LogprobsParseError);
        assert.equal(error.path, '$');
        assert.match(error.message, new RegExp(`options.provider is "${provider}"`));
        assert.match(error.message, /looks like openai-chat/);
        return true;
      },
    );
  }
});

test('no reader matches: the error lists every recognised shape and every provider id', () => {
  for (const input of [{ hello: 'world' }, '{"result": {"tokens": []}}', [{ a: 1 }, { b: 2 }]]) {
    assert.throws(
      () => parseLogprobs(input),
      (error) => {
        assert.ok(error instanceof LogprobsParseError);
        assert.match(error.message, /cannot detect the provider/);
        assert.match(error.message, /Recognised shapes: /);
        for (const id of PROVIDERS) assert.ok(error.message.includes(`(${id})`), id);
        assert.ok(error.message.includes(PROVIDERS.join(', ')));
        return true;
      },
    );
  }
});
