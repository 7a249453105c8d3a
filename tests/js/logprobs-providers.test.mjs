// Every provider parses from a realistic fixture (tests/fixtures/logprobs/), into the normalised
// shape, with the text rebuilt whole (no U+FFFD from split characters) and offsets into it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLogprobs, sequenceLogprob, LogprobsParseError } from '../../dist/logprobs/index.js';
import { fixture, parseFixtureAs } from './logprobs-support.mjs';
const close = (actual, expected, tolerance = 1e-12) =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${actual} is not within ${tolerance} of ${expected}`,
  );
const texts = (tokens) => tokens.map((t) => t.token);

test('OpenAI chat: n = 2 choices kept apart, unicode, byte-split emoji, -9999 sentinel', () => {
  const result = parseFixtureAs('openai-chat.json', 'openai-chat');
  assert.deepEqual(
    result.choices.map((c) => c.index),
    [0, 1],
  );
  const [first, second] = result.choices;
  // 🙂 = F0 9F 99 82 arrives as tokens [F0 9F 99] + [82]: decoded together, not as two U+FFFD.
  assert.equal(first.text, 'Café is open 🙂');
  assert.ok(!first.text.includes('\uFFFD'));
  assert.deepEqual(
    first.tokens.map((t) => t.offset),
    [0, 3, 4, 7, 12, 13, 13],
  );
  assert.deepEqual(first.tokens[5].bytes, [240, 159, 153]);
  // "é" lists "es" at -9999: below top-N, no number.
  assert.deepEqual(first.tokens[1].topLogprobs[2], {
    token: 'es',
    bytes: [101, 115],
    logprob: null,
    belowTopN: true,
  });
  // Hand computation: -0.0123 - 0.0002 - 0.35 - 1.2 - 0.05 - 0.6 - 0.0001 = -2.2126
  close(sequenceLogprob(first), -2.2126);
  // 東 = E6 9D B1 is one token; 京 = E4 BA AC is split [E4 BA] + [AC].
  assert.equal(second.text, '東京 naïve');
  assert.deepEqual(
    second.tokens.map((t) => t.offset),
    [0, 1, 1, 2],
  );
  assert.equal(second.tokens[3].topLogprobs[2].belowTopN, true);
  assert.equal(second.tokens[3].topLogprobs[2].logprob, null);
});

test('OpenAI chat: refusal logprobs go to choice.refusal', () => {
  const [choice] = parseLogprobs(fixture('openai-chat-refusal.json')).choices;
  assert.deepEqual(choice.tokens, []);
  assert.equal(choice.text, '');
  assert.equal(choice.refusal.text, "I'm sorry, I can't help with that.");
  assert.equal(choice.refusal.tokens.length, 10);
  // Hand computation: -0.0004 -0.01 -0.02 -0.3 -0.001 -0.2 -0.05 -0.0001 -0.03 -0.002 = -0.6135
  close(sequenceLogprob(choice.refusal), -0.6135);
});

test('OpenAI chat stream as raw SSE: chunks merged, [DONE] and usage chunk skipped, emoji split across chunks', () => {
  const result = parseFixtureAs('openai-chat-stream.sse', 'openai-chat');
  assert.equal(result.choices.length, 1);
  assert.equal(result.choices[0].text, 'Hi there 🙂');
  assert.deepEqual(texts(result.choices[0].tokens), [
    'Hi',
    ' there',
    ' ',
    '\\xf0\\x9f\\x99',
    '\\x82',
  ]);
});

test('OpenAI chat stream with n = 2 as an array of chunks: interleaved choices kept apart', () => {
  const result = parseLogprobs(JSON.parse(fixture('openai-chat-stream-n2.json')));
  assert.deepEqual(
    result.choices.map((c) => [c.index, c.text]),
    [
      [0, 'Yes.'],
      [1, 'No! Sorry'],
    ],
  );
  // Hand computation, choice 1: -1.6 - 0.9 - 2.2 = -4.7
  close(sequenceLogprob(result.choices[1]), -4.7);
});

test('OpenAI legacy completions: parallel arrays, null first logprob, bytes: tokens, dicts sorted', () => {
  const result = parseFixtureAs('openai-completions.json', 'openai-completions');
  const [first, second] = result.choices;
  assert.equal(first.text, 'Year: 2024 🙂');
  assert.equal(first.tokens[0].logprob, null);
  assert.equal(first.tokens[0].belowTopN, false);
  assert.deepEqual(first.tokens[4].bytes, [0xf0, 0x9f]);
  assert.deepEqual(
    first.tokens.map((t) => t.offset),
    [0, 4, 5, 10, 11, 11],
  );
  // The dict { " 2024": -0.25, " 2023": -1.7, " 1": -3.3 } comes back most likely first.
  assert.deepEqual(texts(first.tokens[2].topLogprobs), [' 2024', ' 2023', ' 1']);
  // "1999" is listed at -9999 in choice 1: sentinel, sorted last.
  assert.deepEqual(
    second.tokens[2].topLogprobs.map((a) => [a.token, a.logprob, a.belowTopN]),
    [
      [' 2024', -0.25, false],
      [' 1999', -3, false],
      ['1999', null, true],
    ],
  );
  // Hand computation, choice 0 (null skipped): -0.9 - 0.25 - 1.5 - 0.4 - 0.0005 = -3.0505
  close(sequenceLogprob(first), -3.0505);
});

test('OpenAI Responses: output_text logprobs', () => {
  const result = parseFixtureAs('openai-responses.json', 'openai-responses');
  assert.equal(result.choices.length, 1);
  assert.equal(result.choices[0].text, 'The naïve answer 🙂');
  assert.equal(result.choices[0].tokens[1].topLogprobs[1].token, ' simple');
});

test('OpenAI Responses stream: delta events used once (the final response is not added again)', () => {
  const streamed = parseLogprobs(fixture('openai-responses-stream.sse'));
  const plain = parseLogprobs(fixture('openai-responses.json'));
  assert.equal(streamed.provider, 'openai-responses');
  assert.equal(streamed.choices[0].tokens.length, 6);
  // Delta events carry no bytes; the escaped token text "\xf0\x9f\x99" supplies them.
  assert.equal(streamed.choices[0].text, plain.choices[0].text);
  assert.equal(sequenceLogprob(streamed.choices[0]), sequenceLogprob(plain.choices[0]));
});

test('Gemini: chosenCandidates + topCandidates, two candidates', () => {
  const result = parseFixtureAs('gemini.json', 'gemini');
  const [first, second] = result.choices;
  assert.equal(first.text, 'München ist schön.');
  assert.equal(second.text, 'Berlin 🐻');
  // The chosen " schön" (-0.9) is second in its top list, behind " toll" (-0.7).
  assert.deepEqual(
    first.tokens[2].topLogprobs.map((a) => a.token),
    [' toll', ' schön', ' groß'],
  );
  // Hand computation: -0.05 - 0.01 - 0.9 - 0.003 = -0.963; the API's avgLogprobs is not used.
  close(sequenceLogprob(first), -0.963);
  assert.equal(first.tokens[0].bytes, undefined);
});

test('Gemini stream (SSE with CRLF line ends)', () => {
  const result = parseFixtureAs('gemini-stream.sse', 'gemini');
  assert.equal(result.choices[0].text, 'Hallo Welt!');
  assert.deepEqual(
    result.choices[0].tokens.map((t) => t.logprob),
    [-0.2, -0.4, -0.05],
  );
});

test('Gemini snake_case (Python SDK model_dump) reads the same', () => {
  const camel = JSON.parse(fixture('gemini.json'));
  const snake = {
    candidates: camel.candidates.map((c) => ({
      index: c.index,
      logprobs_result: {
        chosen_candidates: c.logprobsResult.chosenCandidates.map((x) => ({
          token: x.token,
          token_id: x.tokenId,
          log_probability: x.logProbability,
        })),
        top_candidates: c.logprobsResult.topCandidates.map((s) => ({
          candidates: s.candidates.map((x) => ({
            token: x.token,
            token_id: x.tokenId,
            log_probability: x.logProbability,
          })),
        })),
      },
    })),
  };
  assert.deepEqual(parseLogprobs(snake), parseLogprobs(camel));
});

test('Ollama /api/generate: bytes rebuild an emoji whose token text is U+FFFD', () => {
  const result = parseFixtureAs('ollama-generate.json', 'ollama');
  assert.equal(result.choices[0].text, 'Grüße 🙂');
  assert.equal(result.choices[0].tokens[2].token, ' \uFFFD');
});

test('Ollama /api/chat, plain and streamed as NDJSON, agree', () => {
  const plain = parseLogprobs(fixture('ollama-chat.json'));
  const streamed = parseFixtureAs('ollama-chat-stream.ndjson', 'ollama');
  assert.equal(plain.choices[0].text, 'Hi! 👋');
  assert.deepEqual(streamed, plain);
});

test('llama.cpp /completion: id/token/bytes/logprob form, flag emoji from four byte tokens', () => {
  const result = parseFixtureAs('llamacpp-completion.json', 'llamacpp');
  // 🇫🇷 = two regional indicators, each F0 9F 87 xx, each split 3 + 1.
  assert.equal(result.choices[0].text, ' Paris is 🇫🇷');
  assert.deepEqual(
    result.choices[0].tokens.map((t) => t.offset),
    [0, 6, 9, 10, 10, 12, 12],
  );
});

test('llama.cpp post_sampling_probs: prob / top_probs become logprobs (ln p)', () => {
  const [choice] = parseLogprobs(fixture('llamacpp-post-sampling.json')).choices;
  close(choice.tokens[0].logprob, Math.log(0.9));
  assert.equal(choice.tokens[1].logprob, 0); // prob 1 → ln 1 = 0
  assert.equal(choice.tokens[1].topLogprobs[1].logprob, -Infinity); // prob 0
});

test('llama.cpp legacy content/probs form: chosen probability looked up in probs', () => {
  const [choice] = parseLogprobs(fixture('llamacpp-legacy.json')).choices;
  assert.equal(choice.text, ' Paris, the');
  close(choice.tokens[0].logprob, Math.log(0.8));
  close(choice.tokens[1].logprob, Math.log(0.3));
  assert.equal(choice.tokens[2].logprob, null); // " the" is not among its probs
});

test('llama.cpp stream over SSE, final stop chunk without probabilities', () => {
  const result = parseLogprobs(fixture('llamacpp-stream.sse'));
  assert.equal(result.choices[0].text, ' Paris is ');
  assert.equal(result.choices[0].tokens.length, 3);
});

test('vLLM chat with prompt_logprobs: the prompt token is the first dict entry, not the smallest id', () => {
  const result = parseFixtureAs('vllm-chat-prompt-logprobs.json', 'vllm');
  assert.equal(result.choices.length, 2);
  for (const choice of result.choices) {
    const prompt = choice.prompt;
    assert.deepEqual(texts(prompt.tokens), ['capital', ' of', ' France']);
    assert.equal(prompt.text, 'capital of France');
    // "capital" has rank 214 > k = 2, so it is not among its alternatives.
    assert.deepEqual(texts(prompt.tokens[0].topLogprobs), ['first', 'best']);
    // " of" has rank 1: it is its own top alternative.
    assert.deepEqual(texts(prompt.tokens[1].topLogprobs), [' of', ' in']);
    assert.equal(prompt.tokens[2].topLogprobs[2].belowTopN, true);
    // Hand computation: -7.25 - 0.0625 - 1 = -8.3125
    assert.equal(sequenceLogprob(prompt), -8.3125);
  }
  assert.equal(result.choices[0].tokens[0].topLogprobs[2].belowTopN, true);
  assert.equal(result.choices[1].text, 'Lyon');
});

test('vLLM prompt_logprobs from an already-parsed object: ambiguous order is an error, not a guess', () => {
  const parsed = JSON.parse(fixture('vllm-chat-prompt-logprobs.json'));
  assert.throws(
    () => parseLogprobs(parsed),
    (error) => {
      assert.ok(error instanceof LogprobsParseError);
      assert.equal(error.path, 'prompt_logprobs[1]');
      assert.match(error.message, /JSON text/);
      return true;
    },
  );
});

test('vLLM completions: one prompt per choice', () => {
  const result = parseFixtureAs('vllm-completions.json', 'vllm');
  assert.deepEqual(
    result.choices.map((c) => c.prompt.tokens.map((t) => t.logprob)),
    [
      [-6.5, -0.25],
      [-6, -0.5],
    ],
  );
  assert.deepEqual(
    result.choices.map((c) => c.text),
    [' Paris', ' Rome'],
  );
});

test('an explicit provider skips detection, and must match the shape', () => {
  const chat = fixture('openai-chat.json');
  assert.equal(parseLogprobs(chat, { provider: 'vllm' }).provider, 'vllm');
  assert.throws(
    () => parseLogprobs(chat, { provider: 'gemini' }),
    (error) => {
      assert.ok(error instanceof LogprobsParseError);
      assert.match(error.message, /looks like openai-chat/);
      return true;
    },
  );
  assert.throws(() => parseLogprobs(chat, { provider: 'openai' }), TypeError);
});
