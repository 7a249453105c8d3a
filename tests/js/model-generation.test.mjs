// Generation with the default model and with user checkpoints: seeded reproducibility (and the
// same tokens from the SIMD and baseline builds), stopping rules, a random-weight checkpoint of a
// different shape through the same loader, and refused files.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Generation, ModelFormatError } from '../../examples/model/index.js';
import {
  randomCheckpoint,
  randomTokenizer,
  STORIES_15M,
} from '../../examples/model/random-checkpoint.js';
import {
  DEFAULT_CHECKPOINT,
  DEFAULT_TOKENIZER,
  defaultModel,
  runtimes2,
} from './model-support.mjs';

const SETTINGS = { temperature: 0.8, topP: 0.95, seed: 42 };

function generate(runtime, model, logits, prompt, n, options = SETTINGS) {
  const sampler = runtime.lk.createSampler({ ...options, topLogprobs: 3 });
  const generation = new Generation(model, logits, prompt);
  const steps = [];
  while (generation.stop === null && steps.length < n) steps.push(generation.step(sampler));
  sampler.dispose();
  return { generation, steps };
}

describe('model generation', () => {
  test('a fixed seed gives the same 20 tokens every run, in the SIMD and the baseline build', async () => {
    const runs = [];
    for (const runtime of (await runtimes2()).both) {
      for (let i = 0; i < 2; i++) {
        const { model, logits } = defaultModel(runtime);
        runs.push(generate(runtime, model, logits, 'And God said', 20).steps.map((s) => s.token));
        model.dispose();
        logits.dispose();
      }
    }
    assert.equal(runs[0].length, 20);
    for (const run of runs.slice(1)) assert.deepEqual(run, runs[0]);
  });

  test('the default model writes recognisable English words', async () => {
    const { simd: runtime } = await runtimes2();
    const { model, logits } = defaultModel(runtime);
    const { steps } = generate(runtime, model, logits, 'And the LORD said unto Moses', 60, {
      temperature: 0.7,
      seed: 7,
    });
    const text = steps.map((s) => s.text).join('');
    const words = text.toLowerCase().match(/[a-z]+/g) ?? [];
    const common = new Set([
      'the',
      'and',
      'of',
      'unto',
      'he',
      'that',
      'his',
      'is',
      'in',
      'for',
      'i',
      'lord',
      'shall',
      'be',
      'a',
      'to',
      'them',
      'him',
      'they',
      'not',
      'with',
      'all',
      'thou',
      'thy',
      'was',
      'which',
      'my',
      'me',
      'said',
      'god',
      'will',
      'ye',
      'from',
      'it',
      'as',
      'were',
      'their',
      'are',
      'by',
      'this',
      'upon',
      'man',
      'israel',
      'king',
      'thee',
      'have',
      'you',
      'when',
      'there',
      'out',
      'children',
      'people',
      'house',
      'son',
      'day',
    ]);
    const known = words.filter((w) => common.has(w)).length;
    assert.ok(
      words.length >= 10 && known / words.length >= 0.4,
      `${known} of ${words.length} words are common KJV words: ${JSON.stringify(text)}`,
    );
    model.dispose();
    logits.dispose();
  });

  test('steps carry the sampler result, positions after the prompt, and streamed text', async () => {
    const { simd: runtime } = await runtimes2();
    const { model, logits } = defaultModel(runtime);
    const { generation, steps } = generate(runtime, model, logits, 'And God said', 5);
    assert.equal(generation.promptLength, model.encode('And God said').length);
    steps.forEach((s, i) => {
      assert.equal(s.pos, generation.promptLength - 1 + i);
      assert.ok(
        s.result.logprob <= 0 && s.result.kept >= 1 && s.result.topLogprobs.indices.length === 3,
      );
      assert.equal(generation.tokens[generation.promptLength + i], s.token);
    });
    model.dispose();
    logits.dispose();
  });

  test('a user checkpoint of another shape (unshared classifier, grouped-query attention) runs to its context length', async () => {
    const { simd: runtime } = await runtimes2();
    const config = {
      dim: 32,
      hiddenDim: 64,
      nLayers: 2,
      nHeads: 4,
      nKvHeads: 2,
      vocabSize: 512,
      seqLen: 24,
    };
    const model = runtime.loadModel(
      randomCheckpoint(config, { shared: false, seed: 3 }),
      randomTokenizer(512),
    );
    assert.deepEqual({ ...model.config }, { ...config, sharedClassifier: false });
    const logits = runtime.lk.allocLogits(model.vocabSize);
    const { generation, steps } = generate(runtime, model, logits, [1], 100, {
      temperature: 1,
      seed: 1,
      logitBias: { 1: -Infinity, 2: -Infinity },
    });
    assert.equal(generation.stop, 'length');
    // Positions 0..seqLen-1 each run once; the last one's token ends the context.
    assert.equal(steps.length, config.seqLen - generation.promptLength + 1);
    assert.equal(steps.at(-1).stop, 'length');
    assert.throws(() => generation.step(runtime.lk.createSampler()), {
      name: 'LogitkitStateError',
    });
    model.dispose();
    logits.dispose();
  });

  test("a checkpoint of stories15M's shape (15M parameters, vocabulary 32000) loads and generates", async () => {
    const { simd: runtime } = await runtimes2();
    const model = runtime.loadModel(
      randomCheckpoint(STORIES_15M),
      randomTokenizer(STORIES_15M.vocabSize),
    );
    assert.deepEqual({ ...model.config }, { ...STORIES_15M, sharedClassifier: true });
    const logits = runtime.lk.allocLogits(model.vocabSize);
    const { steps } = generate(runtime, model, logits, 'Once upon a time', 8, {
      temperature: 1,
      seed: 2,
      logitBias: { 1: -Infinity, 2: -Infinity },
    });
    assert.equal(steps.length, 8);
    assert.ok(
      steps.every((s) => s.token > 2 && s.token < 32000 && Number.isFinite(s.result.logprob)),
    );
    model.dispose();
    logits.dispose();
  });

  test('refused files name the file at fault, and leave the runtime usable', async () => {
    const { simd: runtime } = await runtimes2();
    const cases = [
      [DEFAULT_CHECKPOINT.subarray(0, 20), DEFAULT_TOKENIZER, 'checkpoint', /28-byte/],
      [
        DEFAULT_CHECKPOINT.subarray(0, DEFAULT_CHECKPOINT.length - 4),
        DEFAULT_TOKENIZER,
        'checkpoint',
        /not as long as its header says/,
      ],
      [DEFAULT_TOKENIZER, DEFAULT_TOKENIZER, 'checkpoint', /invalid header|not as long/],
      [DEFAULT_CHECKPOINT, DEFAULT_TOKENIZER.subarray(0, 1000), 'tokenizer', /tokenizer\.bin/],
      [
        Uint8Array.from([0x32, 0x34, 0x6b, 0x61, ...new Array(60).fill(0)]),
        DEFAULT_TOKENIZER,
        'checkpoint',
        /version 1\/2/,
      ],
    ];
    for (const [ck, tok, file, message] of cases) {
      assert.throws(
        () => runtime.loadModel(ck, tok),
        (e) => e instanceof ModelFormatError && e.file === file && message.test(e.message),
      );
    }
    assert.throws(() => runtime.loadModel('model.bin', DEFAULT_TOKENIZER), {
      name: 'LogitkitTypeError',
    });
    const { model, logits } = defaultModel(runtime);
    assert.equal(model.vocabSize, 1024);
    model.dispose();
    logits.dispose();
  });

  test('a prompt as long as the context is refused', async () => {
    const { simd: runtime } = await runtimes2();
    const { model, logits } = defaultModel(runtime);
    assert.throws(() => new Generation(model, logits, new Array(model.config.seqLen).fill(5)), {
      name: 'LogitkitRangeError',
      argument: 'prompt',
    });
    assert.throws(() => new Generation(model, logits, []), { name: 'LogitkitRangeError' });
    model.dispose();
    logits.dispose();
  });
});
