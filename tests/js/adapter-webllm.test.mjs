// logitkit/webllm through WebLLM's LogitProcessor call protocol (processLogits, then the engine's
// own sampling of the result, then processSampledToken; resetState per chat), with real logits:
// the exported model on onnxruntime-node (examples/webllm/protocol.mjs plays the engine, since
// WebLLM itself needs WebGPU). The tokens are the ones logitkit's sampler draws on the C++ engine
// for the same seed, whatever temperature the engine samples at; a token the engine reports
// instead is recorded without counting logitkit's draw; resetState restarts the seeded stream.
// With a grammar ({ grammar: matcher }) the replies parse and validate against a JSON Schema, and
// are the C++ engine's tokens under the same mask; the grammar sees the reply only, restarts with
// resetState, and refuses a reported token it does not allow.
// The published types are checked against @mlc-ai/web-llm's and transformers.js's declarations
// (tests/types/adapters.ts, tsc --noEmit).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, test } from 'node:test';
import { LogitkitRangeError, LogitkitStateError, LogitkitTypeError } from '../../dist/index.js';
import { LogitkitLogitProcessor } from '../../dist/webllm/index.js';
import { chatTurn, engineSample } from '../../examples/webllm/protocol.mjs';
import { PERSON_SCHEMA, jsonMatcher, loadModel } from '../../examples/onnxruntime/generate.mjs';
import {
  BOS,
  EOS,
  LOGIT_TOLERANCE,
  ONNX_DIR,
  adapterFixtures,
  cppConstrained,
  cppGenerate,
  cppSampled,
  maxAbsDiff,
} from './adapter-support.mjs';
import { rng } from './helpers.mjs';
import { assertValidJson } from './structured-support.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const { lk, cpp, runtime: model } = await adapterFixtures(() => loadModel(ONNX_DIR));

const options = { temperature: 0.8, topK: 40, minP: 0.05, repetitionPenalty: 1.2, seed: 7 };

test("the protocol draws the C++ engine's seeded tokens at any engine temperature; logits agree; resetState repeats a chat", async () => {
  // WebLLM does not pass the prompt to the processor: the reference sampler is not given it.
  const reference = cppSampled(cpp, 'And God said', options, 50, { acceptPrompt: false });
  assert.ok(reference.tokens.length >= 20);
  for (const temperature of [0, 0.7, 1.5]) {
    const processor = new LogitkitLogitProcessor(lk, options);
    const seen = [];
    for (let chat = 0; chat < 2; chat++) {
      const { tokens } = await chatTurn(processor, model, 'And God said', {
        maxNewTokens: 50,
        temperature,
        onLogits: (logits) => chat === 0 && seen.push(logits),
      });
      assert.deepEqual(tokens, reference.tokens, `engine temperature ${temperature}, chat ${chat}`);
      processor.resetState();
    }
    let worst = 0;
    reference.steps.forEach(
      (expected, i) => (worst = Math.max(worst, maxAbsDiff(seen[i], expected))),
    );
    assert.ok(worst <= LOGIT_TOLERANCE, `max |difference| ${worst}`);
    processor.dispose();
  }
});

test('processLogits leaves exactly one token possible, and lastResult describes the draw', () => {
  const processor = new LogitkitLogitProcessor(lk, { temperature: 1, seed: 1 });
  const logits = cppGenerate(cpp, 'In the beginning', 1, () => EOS).steps[0];
  const processed = processor.processLogits(logits);
  assert.equal(processed, logits, 'rewritten in place');
  const finite = [...processed.keys()].filter((i) => Number.isFinite(processed[i]));
  assert.deepEqual(finite, [processor.lastResult.token]);
  assert.equal(processed[processor.lastResult.token], 0);
  assert.ok(processor.lastResult.logprob < 0 && processor.lastResult.rank >= 1);
  const next = rng(5);
  for (let i = 0; i < 100; i++)
    assert.equal(engineSample(processed, 1.3, next), processor.lastResult.token);
  processor.dispose();
});

test("a token the engine reports instead is recorded (as accept), and logitkit's draw does not count", () => {
  const sampling = { temperature: 1, repetitionPenalty: 1.5, seed: 11 };
  const forcedAt = 4;
  const forced = 300;
  const processor = new LogitkitLogitProcessor(lk, sampling);
  const sampler = cpp.lk.createSampler(sampling);
  const got = [];
  const expected = cppGenerate(cpp, 'Jesus wept.', 20, (logits, step) => {
    const row = logits.array.slice();
    const drawn = engineSample(processor.processLogits(row), 0);
    const token = step === forcedAt ? forced : drawn;
    processor.processSampledToken(token);
    got.push(token);
    if (step === forcedAt) {
      sampler.accept(forced);
      return forced;
    }
    return sampler.sample(logits).token;
  });
  assert.deepEqual(got.slice(0, expected.tokens.length), expected.tokens);
  assert.equal(processor.history[forcedAt], forced);
  sampler.dispose();
  processor.dispose();
});

test('acceptPrompt puts the prompt in the history for the penalties', async () => {
  const processor = new LogitkitLogitProcessor(lk, options);
  processor.acceptPrompt(cpp.model.encode('And God said'));
  const { tokens } = await chatTurn(processor, model, 'And God said', {
    maxNewTokens: 40,
    temperature: 0,
  });
  const reference = cppSampled(cpp, 'And God said', options, 40);
  assert.deepEqual(tokens, reference.tokens);
  assert.deepEqual(processor.history.slice(0, 4), Array.from(cpp.model.encode('And God said')));
  assert.equal(processor.history[0], BOS);
  processor.dispose();
});

test('resetState restarts at the seed when one is given, at a fresh random seed otherwise', () => {
  const seeded = new LogitkitLogitProcessor(lk, { seed: 12 });
  seeded.resetState();
  assert.equal(seeded.seed, 12n);
  const unseeded = new LogitkitLogitProcessor(lk, { temperature: 1 });
  const first = unseeded.seed;
  unseeded.processSampledToken(5);
  unseeded.resetState();
  assert.notEqual(unseeded.seed, first);
  assert.deepEqual(unseeded.history, []);
  seeded.dispose();
  unseeded.dispose();
});

test('typed errors; use after dispose', () => {
  const processor = new LogitkitLogitProcessor(lk, { seed: 1 });
  assert.equal(processor.seed, 1n);
  assert.throws(
    () => processor.processLogits([1, 2, 3]),
    (e) => e instanceof LogitkitTypeError && e.argument === 'logits',
  );
  assert.throws(() => processor.processLogits(new Float32Array(0)), LogitkitTypeError);
  assert.throws(
    () => processor.processLogits(Float32Array.of(1, NaN)),
    (e) => e instanceof LogitkitRangeError && e.index === 1,
  );
  assert.throws(
    () => processor.processSampledToken(-1),
    (e) => e instanceof LogitkitRangeError && e.argument === 'token',
  );
  assert.throws(() => processor.processSampledToken(1.5), LogitkitRangeError);
  assert.throws(() => new LogitkitLogitProcessor(lk, { topK: -1.5 }), LogitkitRangeError);
  assert.throws(() => new LogitkitLogitProcessor(lk, { nope: 1 }), LogitkitTypeError);
  processor.dispose();
  processor.dispose();
  assert.throws(() => processor.processLogits(Float32Array.of(1, 2)), LogitkitStateError);
  assert.throws(() => processor.resetState(), LogitkitStateError);
});

describe('with a grammar', () => {
  const sampling = { temperature: 0.9, topK: 40, repetitionPenalty: 1.1, seed: 3 };
  const compact = { whitespace: 'compact' };

  test("replies parse and validate, at any engine temperature and after resetState; they are the C++ engine's constrained tokens", async () => {
    const grammar = await jsonMatcher(lk, model, PERSON_SCHEMA, compact);
    const processor = new LogitkitLogitProcessor(lk, sampling, { grammar });
    const sampler = cpp.lk.createSampler(sampling); // WebLLM passes no prompt: none accepted
    const prompt = Array.from(cpp.model.encode('And Adam lived'));
    const reference = cppConstrained(cpp, prompt, grammar, sampler, 200);
    sampler.dispose();
    assert.ok(grammar.isTerminated(), "the C++ run used the caller's matcher itself");
    for (const temperature of [0, 0.7, 1.5]) {
      const { tokens, reply } = await chatTurn(processor, model, 'And Adam lived', {
        maxNewTokens: 200,
        temperature,
      });
      assert.ok(processor.terminated, `engine temperature ${temperature}: the reply ended`);
      assertValidJson(reply, PERSON_SCHEMA, `engine temperature ${temperature}`);
      assert.deepEqual(tokens, reference.tokens);
      processor.resetState();
      assert.equal(processor.terminated, false);
    }
    processor.dispose();
    grammar.dispose();
  });

  test("a chain that reads no history carries the grammar in the sampler's grammar stage: the same replies, the C++ engine's tokens masked first", async () => {
    const plain = { temperature: 0.9, topK: 40, seed: 3 }; // no penalty: one step
    const grammar = await jsonMatcher(lk, model, PERSON_SCHEMA, compact);
    const processor = new LogitkitLogitProcessor(lk, plain, { grammar });
    processor.acceptPrompt([5, 6, 7]); // read by no stage; the grammar must not see them either
    const sampler = cpp.lk.createSampler(plain);
    const prompt = Array.from(cpp.model.encode('And Adam lived'));
    const reference = cppConstrained(cpp, prompt, grammar, sampler, 200);
    sampler.dispose();
    for (const temperature of [0, 1.5]) {
      const { tokens, reply } = await chatTurn(processor, model, 'And Adam lived', {
        maxNewTokens: 200,
        temperature,
      });
      assert.ok(processor.terminated);
      assertValidJson(reply, PERSON_SCHEMA, `engine temperature ${temperature}`);
      assert.deepEqual(tokens, reference.tokens);
      processor.resetState();
    }
    processor.dispose();
    grammar.dispose();
  });

  test("the caller's matcher is forked, not used; prompt tokens (acceptPrompt) reach the penalties, not the grammar", async () => {
    const grammar = await jsonMatcher(lk, model, PERSON_SCHEMA, compact);
    const before = grammar.fillNextTokenBitmask();
    const processor = new LogitkitLogitProcessor(lk, sampling, { grammar });
    const prompt = Array.from(cpp.model.encode('And Adam lived'));
    processor.acceptPrompt(prompt);
    const { reply } = await chatTurn(processor, model, 'And Adam lived', { maxNewTokens: 200 });
    assertValidJson(reply, PERSON_SCHEMA, 'with the prompt accepted');
    assert.deepEqual(grammar.fillNextTokenBitmask(), before, 'the given matcher did not move');
    assert.deepEqual(processor.history.slice(0, prompt.length), prompt);
    const sampler = cpp.lk.createSampler(sampling);
    for (const t of prompt) sampler.accept(t);
    const reference = cppConstrained(cpp, prompt, grammar, sampler, 200);
    sampler.dispose();
    assert.deepEqual(processor.history.slice(prompt.length, -1), reference.tokens);
    processor.dispose();
    grammar.dispose();
  });

  test('a reported token the grammar does not allow is a LogitkitStateError; after the stop token only it is allowed; bad grammars are typed errors', async () => {
    const grammar = await jsonMatcher(lk, model, PERSON_SCHEMA, compact);
    const processor = new LogitkitLogitProcessor(lk, sampling, { grammar });
    const logits = cppGenerate(cpp, 'And Adam lived', 1, () => EOS).steps[0];
    const processed = processor.processLogits(logits.slice());
    assert.equal(
      processed.indexOf(0),
      3 + '{'.charCodeAt(0),
      "'{' is the only token allowed first",
    );
    assert.throws(
      () => processor.processSampledToken(300),
      (e) => e instanceof LogitkitStateError && /appended token 300/.test(e.message),
    );
    processor.resetState();
    for (const ch of '{"name":"x","age":1,"tribe":"Dan"}')
      processor.processSampledToken(3 + ch.charCodeAt(0));
    assert.equal(processor.terminated, false);
    processor.processSampledToken(EOS);
    assert.equal(processor.terminated, true);
    const after = processor.processLogits(logits.slice());
    assert.deepEqual(
      [...after.keys()].filter((i) => after[i] === 0),
      [EOS],
    );
    assert.throws(() => processor.processSampledToken(300), LogitkitStateError);
    processor.processSampledToken(EOS);
    processor.dispose();
    assert.throws(
      () => new LogitkitLogitProcessor(lk, sampling, { grammar: {} }),
      (e) => e instanceof LogitkitTypeError && e.argument === 'options.grammar',
    );
    grammar.dispose();
    assert.throws(
      () => new LogitkitLogitProcessor(lk, sampling, { grammar }),
      (e) => e instanceof LogitkitTypeError && e.argument === 'options.grammar',
    );
  });
});

test("the published types satisfy WebLLM's LogitProcessor and transformers.js's LogitsProcessorList (tsc --noEmit)", async () => {
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tests/types/tsconfig.json'], {
    cwd: ROOT,
  });
});
