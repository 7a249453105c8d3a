// Stream merging (issue 12, kind 2): a final or cumulative event that repeats tokens the stream
// already delivered is not appended again, in every streaming provider; genuine repeats of the
// same token are kept; a chunk that contradicts what it repeats is a typed error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogprobs, sequenceLogprob, LogprobsParseError } from '../../dist/logprobs/index.js';
import { fixture, logprobs, sse, texts } from './logprobs-support.mjs';

const close = (actual, expected) =>
  assert.ok(Math.abs(actual - expected) <= 1e-12, `${actual} ≈ ${expected}`);

/** Old llama.cpp entry: `{ content, probs: [{ tok_str, prob }] }`. */
const legacy = (content, ...probs) => ({
  content,
  probs: probs.map(([tok_str, prob]) => ({ tok_str, prob })),
});
/** Current llama.cpp / OpenAI entry. */
const entry = (token, logprob) => ({ token, logprob, top_logprobs: [] });

test('the issue example: llama.cpp old format, final stop event repeating every token', () => {
  const paris = legacy(' Paris', [' Paris', 0.92], [' the', 0.05]);
  const dot = legacy('.', ['.', 0.81], [',', 0.11]);
  const text = sse([
    { content: ' Paris', stop: false, completion_probabilities: [paris] },
    { content: '.', stop: false, completion_probabilities: [dot] },
    { content: '', stop: true, tokens_predicted: 2, completion_probabilities: [paris, dot] },
  ]);
  const [choice] = parseLogprobs(text).choices;
  assert.equal(choice.text, ' Paris.');
  assert.equal(choice.tokens.length, 2);
  close(sequenceLogprob(choice), Math.log(0.92) + Math.log(0.81));
});

test('llama.cpp old format fixture: three tokens, the final event adds nothing', () => {
  const [choice] = parseLogprobs(fixture('llamacpp-legacy-stream.sse')).choices;
  assert.equal(choice.text, ' Paris, of');
  close(sequenceLogprob(choice), Math.log(0.92) + Math.log(0.61) + Math.log(0.2));
});

test('llama.cpp final event without tokens_predicted: a repeat is recognised by its tokens', () => {
  const a = legacy('A', ['A', 0.5]);
  const b = legacy('B', ['B', 0.25]);
  const chunks = [
    { content: 'A', stop: false, completion_probabilities: [a] },
    { content: 'B', stop: false, completion_probabilities: [b] },
    { content: '', stop: true, completion_probabilities: [a, b] },
  ];
  assert.deepEqual(texts(parseLogprobs(chunks).choices[0]), ['A', 'B']);
});

test('llama.cpp final event that holds a stop-string tail the partials withheld: only the tail is added', () => {
  const tokens = [
    legacy('Hi', ['Hi', 0.9]),
    legacy('\n', ['\n', 0.5]),
    legacy('User', ['User', 0.4]),
  ];
  const chunks = [
    { content: 'Hi', stop: false, completion_probabilities: [tokens[0]] },
    { content: '', stop: true, tokens_predicted: 3, completion_probabilities: tokens },
  ];
  assert.deepEqual(texts(parseLogprobs(chunks).choices[0]), ['Hi', '\n', 'User']);
});

test('llama.cpp current format: tokens_predicted places each partial, a repeated token stays twice', () => {
  const chunks = [1, 2, 3].map((n) => ({
    content: 'ha',
    stop: false,
    tokens_predicted: n,
    completion_probabilities: [entry('ha', -0.5)],
  }));
  chunks.push({ content: '', stop: true, tokens_predicted: 3 });
  const [choice] = parseLogprobs(chunks).choices;
  assert.equal(choice.text, 'hahaha');
});

test('a repeat that contradicts the stream is an error naming the entry', () => {
  const chunks = [
    { content: 'A', stop: false, tokens_predicted: 1, completion_probabilities: [entry('A', -1)] },
    {
      content: '',
      stop: true,
      tokens_predicted: 2,
      completion_probabilities: [entry('Z', -1), entry('B', -2)],
    },
  ];
  assert.throws(
    () => parseLogprobs(chunks),
    (error) => {
      assert.ok(error instanceof LogprobsParseError);
      assert.equal(error.path, '[1].completion_probabilities[0]');
      assert.match(
        error.message,
        /repeats token 0 of the stream, which was "A" \(logprob -1\), as "Z"/,
      );
      return true;
    },
  );
});

test('OpenAI-compatible chat stream whose finish chunk repeats all logprobs: read once', () => {
  const chunk = (delta, lps, finish = null) => ({
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta, logprobs: { content: lps }, finish_reason: finish }],
  });
  const all = [entry('Bon', -0.1), entry('jour', -0.2)];
  const text = sse([
    chunk({ content: 'Bon' }, [all[0]]),
    chunk({ content: 'jour' }, [all[1]]),
    chunk({}, all, 'stop'),
  ]);
  const [choice] = parseLogprobs(text).choices;
  assert.equal(choice.text, 'Bonjour');
  close(sequenceLogprob(choice), -0.3);
});

test('vLLM-style last chunk carrying its own token with finish_reason: a genuine repeat is kept', () => {
  // "\n\n" as two identical tokens with logprob 0; the second arrives with finish_reason.
  const chunk = (finish) => ({
    object: 'chat.completion.chunk',
    choices: [
      {
        index: 0,
        delta: { content: '\n' },
        logprobs: { content: [entry('\n', 0)] },
        finish_reason: finish,
      },
    ],
  });
  assert.equal(parseLogprobs([chunk(null), chunk('stop')]).choices[0].text, '\n\n');
  // Legacy completions stream, same situation: the choice's `text` is its own token.
  const completion = (finish) => ({
    object: 'text_completion',
    choices: [
      {
        index: 0,
        text: 'ok',
        logprobs: { tokens: ['ok'], token_logprobs: [-0.5] },
        finish_reason: finish,
      },
    ],
  });
  assert.equal(parseLogprobs([completion(null), completion('length')]).choices[0].text, 'okok');
});

test('Ollama: a done line that repeats the stream adds nothing; one with its own token adds it', () => {
  const line = (content, lps, done) => ({
    model: 'gemma3',
    created_at: '2025-11-14T09:22:01Z',
    message: { role: 'assistant', content },
    logprobs: lps,
    done,
  });
  const a = entry('Hi', -0.25);
  const b = entry('!', -0.5);
  const ndjson = (lines) => lines.map((l) => JSON.stringify(l)).join('\n');
  const repeated = parseLogprobs(
    ndjson([line('Hi', [a], false), line('!', [b], false), line('', [a, b], true)]),
  );
  assert.equal(repeated.choices[0].text, 'Hi!');
  const own = parseLogprobs(ndjson([line('Hi', [a], false), line('Hi', [a], true)]));
  assert.equal(own.choices[0].text, 'HiHi');
});

test('SGLang cumulative stream (the default): each chunk repeats all, completion_tokens places them', () => {
  const [choice] = parseLogprobs(fixture('sglang-generate-stream.sse')).choices;
  const plain = parseLogprobs(fixture('sglang-generate.json')).choices[0];
  assert.equal(choice.text, ' Paris. It is');
  assert.deepEqual(logprobs(choice), logprobs(plain));
  assert.deepEqual(texts(choice.prompt), texts(plain.prompt));
});

test('SGLang incremental stream, and a cumulative one without completion_tokens, read the same', () => {
  const triples = [
    [-0.5, 10, 'na'],
    [-0.5, 10, 'na'],
    [-0.25, 11, '!'],
  ];
  const chunk = (list, count) => ({
    text: '',
    meta_info: {
      id: 'r',
      output_token_logprobs: list,
      ...(count === undefined ? {} : { completion_tokens: count }),
    },
  });
  const incremental = [chunk([triples[0]], 1), chunk([triples[1]], 2), chunk([triples[2]], 3)];
  const cumulative = [chunk(triples.slice(0, 1)), chunk(triples.slice(0, 2)), chunk(triples)];
  for (const chunks of [incremental, cumulative]) {
    const [choice] = parseLogprobs(sse(chunks)).choices;
    assert.equal(choice.text, 'nana!');
    assert.deepEqual(
      choice.tokens.map((t) => t.id),
      [10, 10, 11],
    );
  }
  // Two chunks of one token each, incremental, both "na": counts say they are two tokens.
  assert.equal(
    parseLogprobs([chunk([triples[0]], 1), chunk([triples[1]], 2)]).choices[0].text,
    'nana',
  );
});

test('OpenAI Responses stream: response.completed after the deltas is not read again', () => {
  const delta = (text, lp) => ({
    type: 'response.output_text.delta',
    delta: text,
    logprobs: [entry(text, lp)],
  });
  const completed = {
    type: 'response.completed',
    response: {
      object: 'response',
      output: [
        {
          type: 'message',
          content: [
            { type: 'output_text', text: 'ab', logprobs: [entry('a', -1), entry('b', -2)] },
          ],
        },
      ],
    },
  };
  assert.deepEqual(
    logprobs(parseLogprobs([delta('a', -1), delta('b', -2), completed]).choices[0]),
    [-1, -2],
  );
  // Without logprob-carrying deltas the final response supplies the tokens.
  assert.deepEqual(
    logprobs(parseLogprobs([{ type: 'response.created' }, completed]).choices[0]),
    [-1, -2],
  );
});

test('TGI stream: one token per event; a details summary listing the tokens is not added again', () => {
  const plain = parseLogprobs(fixture('tgi-generate-stream.sse')).choices[0];
  assert.equal(plain.tokens.length, 6);
  const event = (token, logprob, details = null) => ({
    index: 1,
    token: { id: 5, text: token, logprob, special: false },
    generated_text: details === null ? null : 'xy',
    details,
  });
  const summary = {
    finish_reason: 'length',
    generated_tokens: 2,
    tokens: [
      { id: 5, text: 'x', logprob: -1, special: false },
      { id: 5, text: 'y', logprob: -2, special: false },
    ],
  };
  assert.equal(parseLogprobs([event('x', -1), event('y', -2, summary)]).choices[0].text, 'xy');
});

test('Gemini stream: a finishing chunk that repeats the earlier steps adds nothing', () => {
  const step = (token, logProbability) => ({ token, logProbability });
  const chunk = (text, chosen, finishReason) => ({
    candidates: [
      {
        index: 0,
        content: { parts: [{ text }], role: 'model' },
        ...(finishReason ? { finishReason } : {}),
        logprobsResult: {
          chosenCandidates: chosen,
          topCandidates: chosen.map((c) => ({ candidates: [c] })),
        },
      },
    ],
  });
  const hallo = step('Hallo', -0.2);
  const welt = step(' Welt', -0.4);
  const repeated = [chunk('Hallo', [hallo]), chunk('', [hallo, welt], 'STOP')];
  assert.equal(parseLogprobs(repeated).choices[0].text, 'Hallo Welt');
  const own = [chunk('Hallo', [hallo]), chunk('Hallo', [hallo], 'STOP')];
  assert.equal(parseLogprobs(own).choices[0].text, 'HalloHallo');
});

test('an empty finish_reason on every chunk is no final event: each chunk adds its own token', () => {
  const chunk = () => ({
    object: 'chat.completion.chunk',
    choices: [
      {
        index: 0,
        delta: { content: '' },
        logprobs: { content: [entry('x', -1)] },
        finish_reason: '',
      },
    ],
  });
  assert.equal(parseLogprobs([chunk(), chunk()]).choices[0].text, 'xx');
});
