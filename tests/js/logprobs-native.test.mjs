// The native (non-OpenAI) endpoints of SGLang and Hugging Face TGI (issue 12, kind 4).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  parseLogprobs,
  sequenceLogprob,
  perplexity,
  lowConfidenceSpans,
  knownDistribution,
} from '../../dist/logprobs/index.js';
import { fixture, logprobs, parseFixtureAs, texts, throwsAt } from './logprobs-support.mjs';

test('SGLang, the issue example: [logprob, id, null] triples give logprobs [-0.38, 0], ids kept', () => {
  const response = {
    text: 'Yes',
    meta_info: {
      output_token_logprobs: [
        [-0.38, 9642, null],
        [0.0, 128009, null],
      ],
      output_top_logprobs: [
        [
          [-0.38, 9642, null],
          [-1.41, 2822, null],
        ],
        [
          [0.0, 128009, null],
          [-14.2, 13, null],
        ],
      ],
    },
  };
  const result = parseLogprobs(response);
  assert.equal(result.provider, 'sglang');
  const [choice] = result.choices;
  assert.deepEqual(logprobs(choice), [-0.38, 0]);
  assert.deepEqual(
    choice.tokens.map((t) => [t.token, t.id]),
    [
      ['', 9642],
      ['', 128009],
    ],
  );
  assert.deepEqual(
    choice.tokens[0].topLogprobs.map((a) => [a.id, a.logprob]),
    [
      [9642, -0.38],
      [2822, -1.41],
    ],
  );
  assert.equal(choice.prompt, undefined);
});

test('SGLang with return_text_in_logprobs and logprob_start_len 0: text, prompt with a null first logprob', () => {
  const [choice] = parseLogprobs(fixture('sglang-generate.json')).choices;
  assert.equal(choice.text, ' Paris. It is');
  // Hand computation: -0.0546875 - 0.41015625 - 1.3125 - 0.1171875 = -1.89453125
  assert.equal(sequenceLogprob(choice), -1.89453125);
  assert.deepEqual(texts(choice.prompt), [
    '<|begin_of_text|>',
    'The',
    ' capital',
    ' of',
    ' France',
    ' is',
  ]);
  assert.equal(choice.prompt.tokens[0].logprob, null);
  assert.equal(choice.prompt.tokens[0].belowTopN, false);
  assert.deepEqual(choice.prompt.tokens[0].topLogprobs, []);
  assert.deepEqual(
    choice.prompt.tokens[2].topLogprobs.map((a) => a.token),
    [' first', ' capital'],
  );
  // " It" (p = e^-1.3125 ≈ 0.27) is the one shaky token at 0.5.
  assert.deepEqual(
    lowConfidenceSpans(choice, 0.5).map((s) => s.text),
    ['It'],
  );
});

test('SGLang batch (a JSON array, n = 2): one choice per request id', () => {
  const result = parseLogprobs(fixture('sglang-batch.json'));
  assert.deepEqual(
    result.choices.map((c) => [c.index, c.text, logprobs(c)]),
    [
      [0, 'Yes', [-0.3828125]],
      [1, 'No', [-1.40625]],
    ],
  );
});

test('SGLang batch stream: chunks of two requests interleaved, kept apart by index', () => {
  const chunk = (index, id, list) => ({
    index,
    text: '',
    meta_info: { id, output_token_logprobs: list, completion_tokens: list.length },
  });
  const a = [-0.5, 1, 'a'];
  const b = [-0.25, 2, 'b'];
  const stream = [
    chunk(1, 'r1', [b]),
    chunk(0, 'r0', [a]),
    chunk(1, 'r1', [b, b]),
    chunk(0, 'r0', [a, a]),
  ];
  const text = stream.map((c) => `data: ${JSON.stringify(c)}\n\n`).join('') + 'data: [DONE]\n\n';
  assert.deepEqual(
    parseLogprobs(text).choices.map((c) => [c.index, c.text]),
    [
      [0, 'aa'],
      [1, 'bb'],
    ],
  );
});

test('SGLang malformed input names the path', () => {
  const meta = (extra) => ({ text: '', meta_info: { id: 'x', ...extra } });
  throwsAt(
    () => parseLogprobs(meta({ output_token_logprobs: [[-0.5]] })),
    'meta_info.output_token_logprobs[0]',
    /expected \[logprob, token_id, text\]/,
  );
  throwsAt(
    () => parseLogprobs(meta({ output_token_logprobs: [[-0.5, -3, 'a']] })),
    'meta_info.output_token_logprobs[0][1]',
    /token id/,
  );
  throwsAt(
    () => parseLogprobs(meta({ output_token_logprobs: [[-0.5, 3, 7]] })),
    'meta_info.output_token_logprobs[0][2]',
    /expected a string/,
  );
  throwsAt(
    () =>
      parseLogprobs(
        meta({ output_token_logprobs: [[-0.5, 3, 'a']], output_top_logprobs: [null, null] }),
      ),
    'meta_info.output_top_logprobs',
    /expected 1 entries/,
  );
  throwsAt(
    () => parseLogprobs(meta({ input_token_logprobs: 'x' })),
    'meta_info.input_token_logprobs',
    /array/,
  );
});

test('TGI /generate with details, prefill, top_tokens and best_of: text is generated_text, </s> adds none', () => {
  const body = fixture('tgi-generate.json');
  const response = JSON.parse(body);
  const result = parseLogprobs(body);
  assert.equal(result.provider, 'tgi');
  const [best, other] = result.choices;
  assert.equal(best.text, response.generated_text);
  assert.equal(other.text, response.details.best_of_sequences[0].generated_text);
  const eos = best.tokens[9];
  assert.deepEqual([eos.token, eos.special, eos.id, eos.logprob], ['</s>', true, 2, -0.3125]);
  assert.equal(eos.offset, best.text.length);
  assert.equal(eos.topLogprobs[0].special, true);
  assert.equal(best.tokens[0].special, undefined);
  // The special token's logprob counts: Σ over all ten tokens.
  assert.equal(sequenceLogprob(best), -1.955078125);
  assert.equal(best.prompt.text, '<s>What is Deep Learning?');
  assert.equal(best.prompt.tokens[0].logprob, null);
  assert.equal(sequenceLogprob(best.prompt), -24.40234375);
  assert.deepEqual(
    best.tokens[4].topLogprobs.map((a) => [a.token, a.id]),
    [
      [' subset', 11306],
      [' type', 1134],
    ],
  );
  assert.ok(perplexity(other) > perplexity(best));
});

test('TGI /generate_stream: one token per event, empty-text tokens of a split emoji, </s> last', () => {
  const result = parseFixtureAs('tgi-generate-stream.sse', 'tgi');
  const [choice] = result.choices;
  assert.equal(choice.text, ' Hello! 🙂');
  assert.deepEqual(texts(choice), [' Hello', '!', '', '', ' 🙂', '</s>']);
  assert.equal(choice.tokens[5].special, true);
  assert.deepEqual(
    choice.tokens[1].topLogprobs.map((a) => a.token),
    ['!', ','],
  );
});

test("TGI's compat route / Inference API: an array of responses, one choice each, details optional", () => {
  const response = (text, logprob) => ({
    generated_text: text,
    details: {
      finish_reason: 'length',
      generated_tokens: 1,
      seed: null,
      prefill: [],
      tokens: [{ id: 9, text, logprob, special: false }],
    },
  });
  const result = parseLogprobs(
    JSON.stringify([response(' A', -0.5), response(' B', -1.5), { generated_text: ' C' }]),
  );
  assert.deepEqual(
    result.choices.map((c) => [c.index, c.text, logprobs(c), c.prompt]),
    [
      [0, ' A', [-0.5], undefined],
      [1, ' B', [-1.5], undefined],
      [2, '', [], undefined],
    ],
  );
});

test('TGI malformed input names the path', () => {
  const details = (extra) => ({
    generated_text: 'x',
    details: { tokens: [{ id: 1, text: 'x', logprob: -1 }], ...extra },
  });
  throwsAt(
    () => parseLogprobs(details({ top_tokens: [[], []] })),
    'details.top_tokens',
    /expected 1 entries/,
  );
  throwsAt(
    () => parseLogprobs({ generated_text: 'x', details: { tokens: [{ id: 1, logprob: -1 }] } }),
    'details.tokens[0].text',
    /expected a string/,
  );
  throwsAt(
    () => parseLogprobs(details({ prefill: [{ id: 'one', text: '<s>', logprob: null }] })),
    'details.prefill[0].id',
    /token id/,
  );
  throwsAt(
    () => parseLogprobs([{ index: 1, token: { id: 1, text: 'a', logprob: 0.5 } }]),
    '[0].token.logprob',
    /p > 1/,
  );
});

test('SGLang without token text: the chosen token is matched to its alternative by id', () => {
  const response = (chosenId, p) => ({
    text: '',
    meta_info: {
      output_token_logprobs: [[Math.log(p), chosenId, null]],
      output_top_logprobs: [
        [
          [Math.log(0.6), 1, null],
          [Math.log(0.3), 2, null],
        ],
      ],
    },
  });
  // Chosen id 2 is listed: the known mass is 0.9. Chosen id 3 (p = 0.1) is not: 1.0.
  const mass = (id, p) =>
    knownDistribution(parseLogprobs(response(id, p)).choices[0].tokens[0]).probabilities.reduce(
      (a, b) => a + b,
    );
  assert.ok(Math.abs(mass(2, 0.3) - 0.9) < 1e-12);
  assert.ok(Math.abs(mass(3, 0.1) - 1) < 1e-12);
});
