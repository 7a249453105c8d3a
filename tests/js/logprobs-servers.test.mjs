// Response shapes of real servers that were read wrongly (the tester's findings after issue 12):
// vLLM's token-id placeholders, Cohere v2 chat, Together's null tokens, SGLang batches without
// request ids. Each input is built from the field layout in the server's own source or API types,
// quoted above the test.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectProvider, parseLogprobs, sequenceLogprob } from '../../dist/logprobs/index.js';
import {
  chatCompletion,
  fixture,
  legacyCompletion,
  logprobs,
  sse,
  texts,
  throwsAt,
} from './logprobs-support.mjs';

const ids = (sequence) => sequence.tokens.map((t) => t.id);
const unknown = (sequence) => sequence.tokens.map((t) => t.textUnknown === true);

// --- vLLM --return-tokens-as-token-ids ---------------------------------------------------------
// vllm/entrypoints/openai/serving_engine.py: `def format_token_id_placeholder(token_id: int) -> str:
// return f"token_id:{token_id}"`, used for the chosen token and every alternative when
// return_tokens_as_token_ids is set. The Completions form (`_create_completion_logprobs`) puts it
// in `tokens` and as the `top_logprobs` keys, with no bytes; the Chat form
// (`ChatCompletionLogProb`) adds `bytes: list(token.encode("utf-8", errors="replace"))` of the
// decoded token.

test('vLLM token ids, legacy Completions: the id comes from the placeholder, the text is unknown', () => {
  const response = legacyCompletion({
    text: 'Hi!',
    logprobs: {
      tokens: ['token_id:13347', 'token_id:0'],
      token_logprobs: [-0.1, -0.5],
      top_logprobs: [
        { 'token_id:13347': -0.1, 'token_id:9': -3 },
        { 'token_id:0': -0.5, 'token_id:11': -1.2 },
      ],
      text_offset: [0, 2],
    },
  });
  const [choice] = parseLogprobs(response).choices;
  assert.deepEqual(ids(choice), [13347, 0]);
  assert.deepEqual(texts(choice), ['', '']);
  assert.deepEqual(unknown(choice), [true, true]);
  assert.equal(choice.text, ''); // the placeholders are not the text
  assert.deepEqual(
    choice.tokens[0].topLogprobs.map((t) => [t.id, t.token, t.textUnknown, t.logprob]),
    [
      [13347, '', true, -0.1],
      [9, '', true, -3],
    ],
  );
  assert.equal(sequenceLogprob(choice), -0.6);
});

test('vLLM token ids, Chat Completions: text from the bytes, a split emoji whole, ids kept', () => {
  const emoji = [...new TextEncoder().encode('🙂')];
  const entry = (id, bytes, logprob, top = []) => ({
    token: `token_id:${id}`,
    bytes,
    logprob,
    top_logprobs: top,
  });
  const response = chatCompletion({
    message: { role: 'assistant', content: 'Hi 🙂' },
    logprobs: {
      content: [
        entry(13347, [72, 105], -0.1, [{ token: 'token_id:9', bytes: [72], logprob: -3 }]),
        entry(220, [32], -0.2),
        entry(9468, emoji.slice(0, 3), -0.3),
        entry(224, emoji.slice(3), -0.4),
      ],
    },
    finish_reason: 'stop',
  });
  const [choice] = parseLogprobs(response).choices;
  assert.equal(choice.text, 'Hi 🙂');
  assert.deepEqual(ids(choice), [13347, 220, 9468, 224]);
  assert.deepEqual(texts(choice).slice(0, 2), ['Hi', ' ']);
  assert.deepEqual(unknown(choice), [false, false, false, false]);
  assert.deepEqual(choice.tokens[0].topLogprobs[0], {
    token: 'H',
    bytes: [72],
    id: 9,
    logprob: -3,
    belowTopN: false,
  });
  // The same entries streamed one per chunk read the same.
  const chunks = response.choices[0].logprobs.content.map((e) => ({
    object: 'chat.completion.chunk',
    choices: [{ index: 0, delta: { content: '' }, logprobs: { content: [e] } }],
  }));
  assert.equal(parseLogprobs(sse(chunks)).choices[0].text, 'Hi 🙂');
});

test('vLLM token ids: only the exact placeholder is one; other token strings stay text', () => {
  const response = legacyCompletion({
    logprobs: {
      tokens: ['token_id:', 'token_id:12a', ' token_id:5', 'token_id:7'],
      token_logprobs: [-1, -1, -1, -1],
    },
  });
  const [choice] = parseLogprobs(response).choices;
  assert.deepEqual(texts(choice), ['token_id:', 'token_id:12a', ' token_id:5', '']);
  assert.deepEqual(ids(choice), [undefined, undefined, undefined, 7]);
  assert.equal(choice.text, 'token_id:token_id:12a token_id:5');
});

// --- Cohere v2 chat ------------------------------------------------------------------------------
// Cohere's API reference (v2 chat, OpenAPI `LogprobItem`): `text: The text chunk for which the log
// probabilities was calculated`, `token_ids: The token ids of each token used to construct the text
// chunk` (required), `logprobs: The log probability of each token used to construct the text
// chunk`; the response has `logprobs: array of LogprobItem`. cohere-ai's TypeScript SDK:
// `interface LogprobItem { text?: string; tokenIds: number[]; logprobs?: number[] }`. Stream events
// (`type: "content-delta"`, ...) carry the LogprobItem of their text chunk in `logprobs`.

const cohereResponse = {
  id: '5a50480a-cf52-46f0-af01-53d18539bd31',
  message: { role: 'assistant', content: [{ type: 'text', text: 'Hello 🙂' }] },
  finish_reason: 'COMPLETE',
  usage: { billed_units: { input_tokens: 5, output_tokens: 4 }, tokens: { output_tokens: 4 } },
  logprobs: [
    { token_ids: [28339], text: 'Hello', logprobs: [-0.0125] },
    { token_ids: [228, 242, 246], text: ' 🙂', logprobs: [-0.5, -0.01, 0] },
  ],
};

test('Cohere v2 chat: detected as cohere (not Ollama), one token per id, the chunk text on its last', () => {
  assert.equal(detectProvider(cohereResponse), 'cohere');
  const result = parseLogprobs(JSON.stringify(cohereResponse));
  assert.equal(result.provider, 'cohere');
  const [choice] = result.choices;
  assert.equal(choice.index, 0);
  assert.equal(choice.text, 'Hello 🙂');
  assert.deepEqual(ids(choice), [28339, 228, 242, 246]);
  assert.deepEqual(texts(choice), ['Hello', '', '', ' 🙂']);
  assert.deepEqual(logprobs(choice), [-0.0125, -0.5, -0.01, 0]);
  // Every token of a chunk starts where the chunk does.
  assert.deepEqual(
    choice.tokens.map((t) => t.offset),
    [0, 5, 5, 5],
  );
  assert.deepEqual(
    choice.tokens.map((t) => t.topLogprobs),
    [[], [], [], []],
  );
});

test('Cohere v2 chat fixture (the API reference sample response, with logprobs)', () => {
  const result = parseLogprobs(fixture('cohere-chat.json'));
  assert.equal(result.provider, 'cohere');
  const [choice] = result.choices;
  assert.equal(choice.text, 'The capital of France is Paris.');
  assert.deepEqual(ids(choice), [1171, 7288, 1055, 8607, 1407, 7159, 1046]);
  // Hand computation: -0.0021 - 0.31 - 0 - 0.00042 - 0.011 - 0.0009 - 0.27 = -0.59442
  assert.ok(Math.abs(sequenceLogprob(choice) + 0.59442) < 1e-12);
});

test('Cohere v2 chat: items without text or without logprobs, and Ollama still read as Ollama', () => {
  const response = {
    id: 'x',
    finish_reason: 'MAX_TOKENS',
    message: { role: 'assistant', content: [{ type: 'text', text: 'ab' }] },
    logprobs: [
      { token_ids: [1, 2], logprobs: [-1, -2] },
      { token_ids: [3], text: 'b' },
    ],
  };
  const [choice] = parseLogprobs(response).choices;
  assert.deepEqual(texts(choice), ['', '', 'b']);
  assert.deepEqual(unknown(choice), [true, true, false]);
  assert.deepEqual(logprobs(choice), [-1, -2, null]);
  const ollama = {
    model: 'llama3.2',
    created_at: '2025-01-01T00:00:00Z',
    response: 'a',
    done: true,
    logprobs: [{ token: 'a', logprob: -0.5, top_logprobs: [] }],
  };
  assert.equal(detectProvider(ollama), 'ollama');
  assert.equal(detectProvider({ logprobs: [{ token: 'a', logprob: -1 }] }), 'ollama');
});

test('Cohere v2 chat stream: content-delta events each carry their chunk', () => {
  const events = [
    { type: 'message-start', id: 'm', delta: { message: { role: 'assistant' } } },
    {
      type: 'content-start',
      index: 0,
      delta: { message: { content: { type: 'text', text: '' } } },
    },
    ...cohereResponse.logprobs.map((item) => ({
      type: 'content-delta',
      index: 0,
      delta: { message: { content: { text: item.text } } },
      logprobs: item,
    })),
    { type: 'content-end', index: 0 },
    { type: 'message-end', delta: { finish_reason: 'COMPLETE' } },
  ];
  const text = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
  assert.equal(detectProvider(text), 'cohere');
  const plain = parseLogprobs(cohereResponse).choices;
  assert.deepEqual(parseLogprobs(text).choices, plain);
  // A stream that never carried logprobs still has its one (empty) answer.
  assert.deepEqual(parseLogprobs(sse(events.slice(0, 2))).choices, [
    { index: 0, tokens: [], text: '' },
  ]);
});

test('Cohere v2 chat: malformed items name the path', () => {
  const bad = (item) => ({ id: 'x', finish_reason: 'COMPLETE', logprobs: [item] });
  throwsAt(
    () => parseLogprobs(bad({ token_ids: [1, 2], logprobs: [-1] })),
    'logprobs[0].logprobs',
    /expected 2 entries/,
  );
  throwsAt(() => parseLogprobs(bad({ token_ids: [1, -2] })), 'logprobs[0].token_ids[1]');
  throwsAt(() => parseLogprobs(bad({ token_ids: [null] })), 'logprobs[0].token_ids[0]');
  throwsAt(
    () => parseLogprobs(bad({ token_ids: [1], logprobs: [0.5] })),
    'logprobs[0].logprobs[0]',
  );
  throwsAt(() => parseLogprobs(bad({ token_ids: [1], text: 5 })), 'logprobs[0].text');
  throwsAt(
    () => parseLogprobs({ ...bad({ token_ids: [1] }), logprobs: 'x' }, { provider: 'cohere' }),
    '$',
  );
});

// --- Together: null tokens ------------------------------------------------------------------------
// together-python, src/together/types/common.py: `class LogprobsPart(BaseModel): # token list
// tokens: List[str | None] | None = None; # token logprob list token_logprobs: List[float | None] |
// None = None`, used for `choices[i].logprobs` and for `prompt[i].logprobs` (PromptPart, echo).

test('Together: null tokens in prompt and choice logprobs are tokens of unknown text', () => {
  const response = {
    id: 't',
    object: 'text_completion',
    prompt: [
      {
        text: '<s>Hi',
        logprobs: {
          tokens: ['<s>', null, 'Hi'],
          token_logprobs: [null, -2.5, -1],
          token_ids: [1, 29871, 6324],
        },
      },
    ],
    choices: [
      {
        index: 0,
        text: ' there',
        logprobs: { tokens: [null, ' there'], token_logprobs: [-0.5, -0.25], token_ids: [2, 727] },
      },
    ],
  };
  const [choice] = parseLogprobs(response).choices;
  assert.deepEqual(texts(choice.prompt), ['<s>', '', 'Hi']);
  assert.deepEqual(unknown(choice.prompt), [false, true, false]);
  assert.deepEqual(ids(choice.prompt), [1, 29871, 6324]);
  assert.equal(choice.prompt.text, '<s>Hi');
  assert.deepEqual(logprobs(choice.prompt), [null, -2.5, -1]);
  assert.deepEqual(unknown(choice), [true, false]);
  assert.equal(choice.text, ' there');
  assert.equal(sequenceLogprob(choice), -0.75);
});

test('Together: a null token without token_ids has neither text nor id; other non-strings fail', () => {
  const response = (tokens) => ({
    object: 'text_completion',
    choices: [{ index: 0, logprobs: { tokens, token_logprobs: tokens.map(() => -1) } }],
  });
  const [choice] = parseLogprobs(response(['a', null])).choices;
  assert.deepEqual(
    choice.tokens.map((t) => [t.token, t.id, t.textUnknown]),
    [
      ['a', undefined, undefined],
      ['', undefined, true],
    ],
  );
  throwsAt(() => parseLogprobs(response(['a', 5])), 'choices[0].logprobs.tokens[1]');
  throwsAt(() => parseLogprobs(response([{}])), 'choices[0].logprobs.tokens[0]');
});

// --- SGLang batches without request ids ----------------------------------------------------------
// sglang/srt/managers/tokenizer_manager.py: a batch request returns a list of `{ text, meta_info }`
// results, one per prompt (and per sample with n > 1); `meta_info.id` was added later (older
// servers send none). `meta_info.finish_reason` is `null` in stream chunks until the last and set
// (`{"type": "length", "length": N}` / `{"type": "stop", ...}`) in every finished result.

const sglangResult = (text, list, finish = { type: 'length', length: list.length }) => ({
  text,
  meta_info: {
    prompt_tokens: 3,
    completion_tokens: list.length,
    finish_reason: finish,
    output_token_logprobs: list,
  },
});

test('SGLang batch without request ids: each array element is its own choice', () => {
  const batch = [
    sglangResult('Yes', [[-0.38, 9642, 'Yes']]),
    sglangResult('No', [[-1.41, 2822, 'No']]),
    sglangResult('Yes.', [
      [-0.5, 9642, 'Yes'],
      [-0.1, 13, '.'],
    ]),
  ];
  for (const input of [batch, JSON.stringify(batch)]) {
    const result = parseLogprobs(input);
    assert.equal(result.provider, 'sglang');
    assert.deepEqual(
      result.choices.map((c) => [c.index, c.text, logprobs(c)]),
      [
        [0, 'Yes', [-0.38]],
        [1, 'No', [-1.41]],
        [2, 'Yes.', [-0.5, -0.1]],
      ],
    );
  }
});

test('SGLang without request ids: a stream is one choice until finish_reason, then the next starts', () => {
  const a = [-0.5, 1, 'a'];
  const b = [-0.25, 2, 'b'];
  const stream = [
    sglangResult('a', [a], null),
    sglangResult('ab', [a, b], null),
    sglangResult('ab', [a, b]),
    sglangResult('b', [b], null),
    sglangResult('b', [b]),
  ];
  assert.deepEqual(
    parseLogprobs(sse(stream)).choices.map((c) => [c.index, c.text]),
    [
      [0, 'ab'],
      [1, 'b'],
    ],
  );
});

// --- SGLang tokens listed by id only -------------------------------------------------------------
// sglang/srt/managers/tokenizer_manager.py, `detokenize_logprob_tokens`: `if not decode_to_text:
// return [(logprob, token_id, None) for ...]`; `decode_to_text` is the request's
// `return_text_in_logprobs` (False by default), and the top lists are built from the same helper.
// So a default `/generate` with `return_logprob: true` lists every token, prompt token and
// alternative as `[logprob, id, null]`.

test('SGLang without return_text_in_logprobs: [logprob, id, null] tokens have unknown text, as vLLM placeholders do', () => {
  const response = {
    text: ' Paris.',
    output_ids: [12366, 13],
    meta_info: {
      id: '3f1c0a7e9b8d4c2a',
      finish_reason: { type: 'length', length: 2 },
      prompt_tokens: 2,
      completion_tokens: 2,
      cached_tokens: 0,
      input_token_logprobs: [
        [null, 128000, null],
        [-7.25, 791, null],
      ],
      output_token_logprobs: [
        [-0.0546875, 12366, null],
        [-0.41015625, 13, null],
      ],
      input_top_logprobs: [null, [[-2.5, 578, null]]],
      output_top_logprobs: [
        [
          [-0.0546875, 12366, null],
          [-3.25, 264, null],
        ],
        [[-0.41015625, 13, null]],
      ],
    },
  };
  const [choice] = parseLogprobs(response).choices;
  assert.deepEqual(ids(choice), [12366, 13]);
  assert.deepEqual(texts(choice), ['', '']);
  assert.deepEqual(unknown(choice), [true, true]);
  assert.equal(choice.text, ''); // no token text to rebuild it from
  assert.deepEqual(
    choice.tokens[0].topLogprobs.map((t) => [t.id, t.token, t.textUnknown, t.logprob]),
    [
      [12366, '', true, -0.0546875],
      [264, '', true, -3.25],
    ],
  );
  assert.deepEqual(ids(choice.prompt), [128000, 791]);
  assert.deepEqual(unknown(choice.prompt), [true, true]);
  assert.equal(sequenceLogprob(choice), -0.46484375);
  // With return_text_in_logprobs the same triples carry their text and nothing is flagged.
  const withText = structuredClone(response);
  withText.meta_info.output_token_logprobs[0][2] = ' Paris';
  withText.meta_info.output_token_logprobs[1][2] = '.';
  const [read] = parseLogprobs(withText).choices;
  assert.equal(read.text, ' Paris.');
  assert.deepEqual(unknown(read), [false, false]);
});
