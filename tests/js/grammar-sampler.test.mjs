// The sampler's grammar stage and lk.applyBitmask. The stage's oracle is the same sampler without a
// grammar fed the logits masked beforehand (applyBitmask, itself checked against a loop): both draw
// the same tokens with the same logprobs for the same seed. Then the stage's life cycle (sample and
// accept advance the matcher, reset resets it, clone forks it), its errors, and golden seeded
// constrained generations that the SIMD and baseline builds both reproduce (the native build runs
// the C++ goldens of tests/cpp/grammar_stage_test.cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LogitkitRangeError, LogitkitStateError, LogitkitTypeError } from '../../dist/index.js';
import { compileGbnf } from '../grammar/gbnf-reference.mjs';
import { loadBoth, normalLogits, rng } from './helpers.mjs';

const { simd, baseline, both } = await loadBoth();

// A raw vocabulary: single characters, a few multi-character pieces, a stop token, an unused id.
const PIECES = [
  ...'{}[]:,"0123456789abcdefghijklmnopqrstuvwxyz -.',
  '{"',
  '":',
  '",',
  '"}',
  'name',
  'age',
  'true',
  'false',
  'null',
  '12',
  '345',
  ' "',
  'ab',
  'xyz',
];
const EOS = PIECES.length;
const TOKENS = [...PIECES, '</s>'];
const V = TOKENS.length;
const GBNF = String.raw`root ::= "{" ws "\"name\"" ws ":" ws str ws "," ws "\"age\"" ws ":" ws [0-9]{1,3} ws "}"
str ::= "\"" [a-z ]{1,12} "\""
ws ::= " "?`;

async function setup(lk) {
  const info = await lk.createTokenizerInfo({
    tokens: TOKENS,
    vocabType: 'raw',
    stopTokenIds: [EOS],
  });
  const compiled = await (await lk.createGrammarCompiler(info)).compileGrammar(GBNF);
  return { info, compiled };
}
const setups = new Map();
for (const lk of both) setups.set(lk, await setup(lk));
/** A new matcher of GBNF on the SIMD build. */
const simdMatcher = () => simd.createGrammarMatcher(setups.get(simd).compiled);

const allowed = (mask, id) => ((mask[id >>> 5] >>> (id & 31)) & 1) === 1;

test('applyBitmask masks exactly the clear bits and the ids past the mask, in place', async () => {
  const random = rng(5);
  for (const lk of both) {
    for (const n of [1, 3, 4, 31, 32, 33, 100, 1029]) {
      for (const words of [0, Math.ceil(n / 32), Math.ceil(n / 32) + 1, n >> 6]) {
        const mask = Uint32Array.from({ length: words }, () => Math.floor(random() * 2 ** 32));
        const z = Float32Array.from(normalLogits(n, 1, n + words));
        const expected = z.map((v, i) => (allowed(mask, i) ? v : -Infinity));
        const copy = z.slice();
        lk.applyBitmask(copy, mask);
        assert.deepEqual(copy, expected, `n=${n} words=${words}`);
        const buffer = lk.allocLogits(n);
        buffer.array.set(z);
        lk.applyBitmask(buffer, mask);
        assert.deepEqual(buffer.array.slice(), expected);
        buffer.dispose();
      }
    }
    assert.throws(() => lk.applyBitmask([1, 2], new Uint32Array(1)), LogitkitTypeError);
    assert.throws(() => lk.applyBitmask(new Float32Array(2), [1]), LogitkitTypeError);
  }
});

test('the grammar stage draws what a plain sampler draws on the row masked beforehand', async () => {
  for (const lk of both) {
    const { compiled } = setups.get(lk);
    const configs = [
      { seed: 1 },
      { seed: 2, temperature: 0.7, topK: 5, topP: 0.9 },
      { seed: 3, repetitionPenalty: 1.3, minP: 0.05, logitBias: { 5: 4, 60: 20 } },
      { seed: 4, order: 'llama.cpp', typicalP: 0.9, topLogprobs: 4 },
      { seed: 5, allowedTokenIds: [0, 2, 4, 5, 6, 18, 24, 30, 40, 46, 48, 49, 50, 51, EOS] },
    ];
    for (const options of configs) {
      const matcher = await lk.createGrammarMatcher(compiled);
      const constrained = lk.createSampler({ ...options, grammar: matcher });
      const plain = lk.createSampler(options);
      assert.equal(constrained.order[0], 'grammar');
      for (let step = 0; step < 40 && !matcher.isTerminated(); ++step) {
        const logits = Float32Array.from(normalLogits(V, 2, 100 * options.seed + step));
        const mask = matcher.fillNextTokenBitmask();
        const masked = logits.slice();
        lk.applyBitmask(masked, mask);
        let want;
        try {
          want = plain.sample(masked);
        } catch (error) {
          // allowedTokenIds can leave nothing the grammar allows: both refuse the draw.
          assert.ok(error instanceof LogitkitRangeError);
          assert.throws(() => constrained.sample(logits), LogitkitRangeError);
          break;
        }
        const got = constrained.sample(logits);
        assert.ok(allowed(mask, got.token), `token ${got.token} must be allowed`);
        const { topLogprobs: gotTop, ...gotRest } = got;
        const { topLogprobs: wantTop, ...wantRest } = want;
        // The list form sums the kept mass in another order than the prefix form: rounding apart.
        assert.ok(Math.abs(gotRest.logprob - wantRest.logprob) <= 1e-6);
        assert.deepEqual(
          { ...gotRest, rawLogprob: 0, logprob: 0 },
          { ...wantRest, rawLogprob: 0, logprob: 0 },
        );
        // The top list's kept entries (filtered ones, at -Infinity, come in no promised order).
        if (wantTop !== undefined) {
          assert.deepEqual(gotTop.logprobs, wantTop.logprobs);
          wantTop.logprobs.forEach((lp, j) => {
            if (lp !== -Infinity) assert.equal(gotTop.indices[j], wantTop.indices[j]);
          });
        }
      }
      constrained.dispose();
      plain.dispose();
      matcher.dispose();
    }
  }
});

test('a sampler with a grammar generates text of the language, and sample / accept / reset / clone drive the matcher', async () => {
  const lk = simd;
  const reference = compileGbnf(GBNF);
  const matcher = await simdMatcher();
  const sampler = lk.createSampler({ seed: 42, temperature: 1.2, grammar: matcher });
  assert.equal(sampler.grammar, matcher);
  // Forced tokens go through accept(); one the grammar refuses changes nothing.
  assert.throws(() => sampler.accept(TOKENS.indexOf('}')), LogitkitRangeError);
  assert.equal(sampler.historyLength, 0);
  sampler.accept(TOKENS.indexOf('{"'));
  const text = ['{"'];
  let branch;
  for (let step = 0; step < 80; ++step) {
    const { token } = sampler.sample(Float32Array.from(normalLogits(V, 1, step)));
    if (step === 3) branch = sampler.clone();
    if (token === EOS) break;
    text.push(TOKENS[token]);
  }
  assert.equal(matcher.isTerminated(), true);
  assert.ok(reference.accepts(new TextEncoder().encode(text.join(''))), text.join(''));
  assert.throws(() => sampler.sample(new Float32Array(V)), LogitkitStateError);
  // The clone's matcher is a fork: it continues from step 3 on its own.
  assert.equal(branch.grammar.isTerminated(), false);
  const next = branch.sample(Float32Array.from(normalLogits(V, 1, 1000)));
  assert.ok(Number.isInteger(next.token));
  branch.dispose();
  assert.equal(branch.grammar.disposed, true);
  assert.equal(matcher.disposed, false);
  sampler.reset();
  assert.equal(matcher.isTerminated(), false);
  assert.equal(sampler.historyLength, 0);
  sampler.dispose();
  matcher.dispose();
});

test('accept: prompt tokens never reach the grammar; output tokens do, all or none', async () => {
  const lk = simd;
  const matcher = await simdMatcher();
  const sampler = lk.createSampler({ seed: 3, repetitionPenalty: 1.3, grammar: matcher });
  const id = (piece) => TOKENS.indexOf(piece);
  // A prompt outside the language is history for the penalties, not input for the matcher.
  sampler.accept([id('}'), id('x'), id('}')], { prompt: true });
  assert.equal(sampler.historyLength, 3);
  assert.equal(sampler.outputLength, 0);
  assert.ok(matcher.acceptToken(id('{')), 'the matcher is still at the start');
  matcher.rollback(1);
  // Forced output: '{"' 'name' '":' are accepted together; with a refused token at index 2,
  // nothing is recorded and the matcher is where it was.
  assert.throws(
    () => sampler.accept([id('{"'), id('name'), id('}')]),
    (error) => error instanceof LogitkitRangeError && error.argument === 'tokens[2]',
  );
  assert.equal(sampler.historyLength, 3);
  assert.equal(sampler.outputLength, 0);
  sampler.accept([id('{"'), id('name'), id('":')]);
  assert.equal(sampler.outputLength, 3);
  assert.equal(matcher.acceptToken(id('{')), false, 'the matcher advanced past the start');
  // The draw continues the forced prefix: the text so far is in the language's prefixes.
  const { token } = sampler.sample(Float32Array.from(normalLogits(V, 1, 77)));
  assert.ok([' ', ' "', '"'].includes(TOKENS[token]), TOKENS[token]);
  sampler.dispose();
  matcher.dispose();
});

test('one-shot sample() takes the current mask without advancing; batches and bad values are refused', async () => {
  const lk = simd;
  const matcher = await simdMatcher();
  const logits = Float32Array.from(normalLogits(V, 3, 9));
  const starts = [TOKENS.indexOf('{'), TOKENS.indexOf('{"')];
  for (const id of starts) logits[id] = -20;
  const { token } = lk.sample(logits, { seed: 1, grammar: matcher });
  assert.ok(starts.includes(token), 'only "{" and "{\"" start the language');
  assert.ok(matcher.acceptToken(token));
  // The stateless sampler forgets the mask when the next call has no grammar.
  assert.equal(lk.sample(logits, { temperature: 0 }).token, lk.argmax(logits));
  assert.throws(
    () => lk.createBatchSampler({ rows: 2, grammar: matcher }),
    (e) => e instanceof LogitkitTypeError && e.argument === 'options.grammar',
  );
  assert.throws(() => lk.createSampler({ grammar: {} }), LogitkitTypeError);
  // A custom order without 'grammar' gets it first.
  const s = lk.createSampler({ grammar: matcher, order: ['topK', 'temperature'], topK: 3 });
  assert.deepEqual(s.order, ['grammar', 'topK']);
  s.dispose();
  matcher.dispose();
  assert.throws(() => lk.createSampler({ grammar: matcher }), LogitkitTypeError);
});

test('golden seeded constrained generations: the SIMD and baseline builds draw the same tokens', async () => {
  const runs = [];
  for (const lk of [simd, baseline]) {
    const { compiled } = setups.get(lk);
    const sequences = [];
    for (const options of [
      { seed: 7 },
      { seed: 8, temperature: 0.6, topP: 0.8 },
      { seed: 9, order: 'llama.cpp', topK: 10, repetitionPenalty: 1.2 },
    ]) {
      const matcher = await lk.createGrammarMatcher(compiled);
      const sampler = lk.createSampler({ ...options, grammar: matcher });
      const tokens = [];
      for (let step = 0; step < 60 && !matcher.isTerminated(); ++step)
        tokens.push(sampler.sample(Float32Array.from(normalLogits(V, 1.5, 31 * step + 1))).token);
      sequences.push(tokens);
      sampler.dispose();
      matcher.dispose();
    }
    runs.push(sequences);
  }
  assert.deepEqual(runs[1], runs[0]);
  // Recorded from the SIMD build.
  const golden = [
    [0, 57, 30, 17, 29, 21, 47, 6, 17, 38, 38, 42, 24, 6, 5, 6, 17, 23, 21, 47, 9, 9, 12, 1, 60],
    [
      0, 57, 30, 17, 29, 21, 6, 4, 43, 6, 38, 28, 51, 57, 5, 43, 6, 17, 23, 21, 47, 9, 10, 15, 1,
      60,
    ],
    [0, 57, 30, 17, 29, 21, 47, 57, 24, 6, 5, 43, 6, 17, 23, 21, 47, 14, 16, 10, 1, 60],
  ];
  assert.deepEqual(runs[0], golden, JSON.stringify(runs[0]));
});
