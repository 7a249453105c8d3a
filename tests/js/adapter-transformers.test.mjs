// logitkit/transformers in transformers.js 4.3's generate(), on the exported model loaded from
// local files, against the C++ engine running the same checkpoint:
// - greedy text is identical, and the logits transformers.js hands the processors match the C++
//   engine's within LOGIT_TOLERANCE at every step;
// - 'sample' mode draws, seed for seed, the tokens logitkit's own sampler draws on the C++ engine
//   (batch rows with seeds seed + row), repeats across generate() calls, survives a runtime that
//   forces another token, and commits through the post-sampling hook when a runtime calls it;
// - 'filter' mode writes logitkit's final distribution (log-probabilities, -Infinity elsewhere),
//   and transformers.js's own sampler then draws from it (chi-square, with Math.random seeded);
// - refusals, warnings and typed errors.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { LogitkitRangeError, LogitkitStateError, LogitkitTypeError } from '../../dist/index.js';
import { LogitkitLogitsProcessor } from '../../dist/transformers/index.js';
import { generateText, loadLocal } from '../../examples/transformers/generate.mjs';
import {
  EOS,
  LOGIT_TOLERANCE,
  adapterFixtures,
  MODEL_ID,
  MODELS_DIR,
  cppGenerate,
  cppSampled,
  maxAbsDiff,
} from './adapter-support.mjs';
import { chiSquare, rng } from './helpers.mjs';

const {
  lk,
  cpp,
  runtime: { tokenizer, model },
} = await adapterFixtures(
  () => loadLocal(MODELS_DIR, MODEL_ID),
  ({ model }) => model.dispose(),
);

const ids = (output, row = 0) => output.tolist()[row].map(Number);

describe('greedy decoding and the logits transformers.js sees', () => {
  test('generate() greedy gives the C++ engine greedy text; logits agree at every step', async () => {
    const seen = [];
    const spy = (inputIds, logits) => {
      seen.push(logits.data.slice());
      return logits;
    };
    const prompt = 'And God said';
    const output = await model.generate({
      ...tokenizer(prompt),
      max_new_tokens: 60,
      logits_processor: [spy],
    });
    const reference = cppGenerate(cpp, prompt, 60, (logits) => cpp.lk.argmax(logits));
    const generated = ids(output).slice(reference.prompt.length);
    assert.deepEqual(generated.slice(0, reference.tokens.length), reference.tokens);
    const cppText = tokenizer.decode([...reference.prompt, ...reference.tokens], {
      skip_special_tokens: true,
    });
    assert.equal(tokenizer.decode(ids(output), { skip_special_tokens: true }), cppText);
    let worst = 0;
    reference.steps.forEach(
      (expected, i) => (worst = Math.max(worst, maxAbsDiff(seen[i], expected))),
    );
    console.log(
      `transformers.js: max |logit difference| vs C++ over ${reference.steps.length} steps: ${worst.toExponential(2)}`,
    );
    assert.ok(worst <= LOGIT_TOLERANCE, `max |difference| ${worst}`);
  });
});

describe("'sample' mode", () => {
  const options = { temperature: 0.8, topP: 0.95, repetitionPenalty: 1.1, seed: 42 };

  test('draws, seed for seed, the tokens logitkit draws on the C++ engine; a second generate() repeats them', async () => {
    const processor = new LogitkitLogitsProcessor(lk, options, { mode: 'sample' });
    const reference = cppSampled(cpp, 'And God said', options, 80);
    for (let run = 0; run < 2; run++) {
      const output = await model.generate({
        ...tokenizer('And God said'),
        max_new_tokens: 80,
        logits_processor: [processor],
      });
      const generated = ids(output).slice(reference.prompt.length);
      assert.deepEqual(generated.slice(0, reference.tokens.length), reference.tokens, `run ${run}`);
      assert.ok(reference.tokens.length >= 20);
      const last = processor.lastResults[0];
      assert.ok(last.logprob <= 0 && Number.isFinite(last.rawLogprob) && last.rank >= 1);
    }
    processor.dispose();
  });

  test('without a seed, a reused processor draws afresh for each generate()', async () => {
    const processor = new LogitkitLogitsProcessor(lk, { temperature: 2 });
    const run = async () =>
      ids(
        await model.generate({
          ...tokenizer('And God said'),
          max_new_tokens: 40,
          logits_processor: [processor],
        }),
      );
    assert.notDeepEqual(await run(), await run());
    processor.dispose();
  });

  test('the example prints the same text as the C++ engine for its seed, and do_sample / top_k change nothing', async () => {
    const sampling = { temperature: 0.8, topP: 0.95, seed: 7 };
    const reference = cppSampled(cpp, 'In the beginning', sampling, 40);
    const expected = tokenizer.decode([...reference.prompt, ...reference.tokens], {
      skip_special_tokens: true,
    });
    const { text } = await generateText(
      lk,
      { tokenizer, model },
      'In the beginning',
      'sample',
      sampling,
      40,
    );
    assert.equal(text, expected);
    const processor = new LogitkitLogitsProcessor(lk, sampling);
    const output = await model.generate({
      ...tokenizer('In the beginning'),
      max_new_tokens: 40,
      do_sample: true,
      top_k: 3,
      logits_processor: processor, // iterable: transformers.js spreads it into its list
    });
    assert.equal(tokenizer.decode(ids(output), { skip_special_tokens: true }), expected);
    processor.dispose();
  });

  test('a left-padded batch: row r draws what a sampler seeded seed + r draws on the C++ engine', async () => {
    const prompts = ['And God said', 'Jesus wept. And the'];
    const sampling = { temperature: 0.9, topK: 40, seed: 100 };
    const processor = new LogitkitLogitsProcessor(lk, sampling, { mode: 'sample' });
    const inputs = tokenizer(prompts, { padding: true });
    const output = await model.generate({
      ...inputs,
      max_new_tokens: 30,
      logits_processor: [processor],
    });
    const width = inputs.input_ids.dims[1];
    prompts.forEach((prompt, r) => {
      const padded = ids(inputs.input_ids, r);
      // The processor's history is the row as transformers.js holds it, padding included.
      const reference = cppSampled(cpp, prompt, { ...sampling, seed: 100 + r }, 30);
      const sampler = cpp.lk.createSampler({ ...sampling, seed: 100 + r });
      for (const t of padded) sampler.accept(t);
      const withPadding = cppGenerate(
        cpp,
        reference.prompt,
        30,
        (logits) => sampler.sample(logits).token,
      );
      sampler.dispose();
      const generated = ids(output, r).slice(width);
      assert.deepEqual(
        generated.slice(0, withPadding.tokens.length),
        withPadding.tokens,
        `row ${r}`,
      );
      assert.equal(padded.filter((t) => t === EOS).length, width - reference.prompt.length);
    });
    processor.dispose();
  });

  test("a token forced after logitkit is recorded, and logitkit's draw at that step does not count", async () => {
    const sampling = { temperature: 1, repetitionPenalty: 1.3, seed: 9 };
    const forcedAt = 3;
    const forced = 400;
    const processor = new LogitkitLogitsProcessor(lk, sampling);
    let step = 0;
    const force = (inputIds, logits) => {
      if (step++ === forcedAt) {
        logits.data.fill(-Infinity);
        logits.data[forced] = 0;
      }
      return logits;
    };
    const output = await model.generate({
      ...tokenizer('And God said'),
      max_new_tokens: 25,
      logits_processor: [processor, force],
    });
    const sampler = cpp.lk.createSampler(sampling);
    const prompt = Array.from(cpp.model.encode('And God said'));
    for (const t of prompt) sampler.accept(t);
    const reference = cppGenerate(cpp, prompt, 25, (logits, i) => {
      if (i !== forcedAt) return sampler.sample(logits).token;
      sampler.accept(forced);
      return forced;
    });
    sampler.dispose();
    const generated = ids(output).slice(prompt.length);
    assert.equal(generated[forcedAt], forced);
    assert.deepEqual(generated.slice(0, reference.tokens.length), reference.tokens);
    processor.dispose();
  });

  test('onTokensSampled (the post-sampling hook of transformers.js #1733) commits once, whether or not _call sees the token again', () => {
    const sampling = { temperature: 1, repetitionPenalty: 1.5, seed: 3 };
    const prompt = Array.from(cpp.model.encode('And the LORD'));
    const runs = [];
    for (const hook of [false, true]) {
      const processor = new LogitkitLogitsProcessor(lk, sampling);
      const sequence = prompt.map(BigInt);
      const tokens = [];
      cppGenerate(cpp, prompt, 20, (logits) => {
        const tensor = { dims: [1, logits.length], data: logits.array.slice() };
        processor([sequence], tensor);
        const token = tensor.data.indexOf(0);
        sequence.push(BigInt(token));
        if (hook) processor.onTokensSampled([token], [sequence]);
        tokens.push(token);
        return token;
      });
      runs.push(tokens);
      processor.dispose();
    }
    assert.deepEqual(runs[1], runs[0]);
    const reference = cppSampled(cpp, prompt, sampling, 20).tokens;
    assert.deepEqual(runs[0].slice(0, reference.length), reference);
  });
});

describe("'filter' mode", () => {
  test("the row becomes logitkit's final distribution: its log-probabilities, -Infinity for filtered tokens", () => {
    const options = { temperature: 0.7, topP: 0.9, minP: 0.02, repetitionPenalty: 1.2 };
    const prompt = Array.from(cpp.model.encode('And God said'));
    const reference = cppGenerate(cpp, prompt, 1, () => EOS).steps[0];
    const processor = new LogitkitLogitsProcessor(lk, options, { mode: 'filter' });
    const tensor = { dims: [1, reference.length], data: reference.slice() };
    assert.equal(processor([prompt.map(BigInt)], tensor), tensor);
    const sampler = lk.createSampler({ ...options, topLogprobs: reference.length, seed: 1 });
    for (const t of prompt) sampler.accept(t);
    const { topLogprobs, kept } = sampler.sample(reference);
    sampler.dispose();
    const expected = new Float32Array(reference.length).fill(-Infinity);
    for (let j = 0; j < kept; j++) expected[topLogprobs.indices[j]] = topLogprobs.logprobs[j];
    assert.deepEqual(tensor.data, expected);
    assert.ok(kept > 1 && kept < reference.length);
    const mass = tensor.data.reduce((s, lp) => s + Math.exp(lp), 0);
    assert.ok(Math.abs(mass - 1) < 1e-5, `mass ${mass}`);
    processor.dispose();
  });

  test("transformers.js draws from it: first-token frequencies match logitkit's distribution (chi-square, 2000 draws)", async () => {
    const options = { temperature: 1.5, topK: 8 };
    const prompt = 'And God said';
    const promptIds = Array.from(cpp.model.encode(prompt));
    const step = cppGenerate(cpp, promptIds, 1, () => EOS).steps[0];
    const probs = lk.softmax(
      lk.sample(step, { ...options, topLogprobs: 8, seed: 1 }).topLogprobs.logprobs,
    );
    const probe = lk.sample(step, { ...options, topLogprobs: 8, seed: 1 }).topLogprobs.indices;
    const processor = new LogitkitLogitsProcessor(lk, options, {
      mode: 'filter',
      generationConfig: { do_sample: true, top_k: 0 },
    });
    assert.deepEqual(processor.warnings, []);
    const random = Math.random;
    Math.random = rng(77); // transformers.js draws with Math.random: seeded, the test is deterministic
    const counts = new Array(8).fill(0);
    const draws = 2000;
    try {
      const inputs = tokenizer(prompt);
      for (let i = 0; i < draws; i++) {
        const output = await model.generate({
          ...inputs,
          max_new_tokens: 1,
          do_sample: true,
          top_k: 0,
          logits_processor: [processor],
        });
        const token = ids(output).at(-1);
        const at = Array.from(probe).indexOf(token);
        assert.ok(at >= 0, `token ${token} is outside logitkit's top 8`);
        counts[at]++;
      }
    } finally {
      Math.random = random;
      processor.dispose();
    }
    const chi = chiSquare(counts, Array.from(probs), draws);
    assert.ok(
      chi < 24.32,
      `chi-square ${chi} (7 degrees of freedom, p = 0.001 critical value 24.32)`,
    );
  });

  test("stages that need logitkit's own draw are refused", () => {
    for (const [options, argument] of [
      [{ xtcProbability: 0.5, xtcThreshold: 0.1 }, 'samplingOptions.xtcProbability'],
      [{ mirostat: 2 }, 'samplingOptions.mirostat'],
      [{ n: 3 }, 'samplingOptions.n'],
    ]) {
      assert.throws(
        () => new LogitkitLogitsProcessor(lk, options, { mode: 'filter' }),
        (e) =>
          e instanceof LogitkitRangeError &&
          e.argument === argument &&
          /mode 'sample'/.test(e.message),
      );
      new LogitkitLogitsProcessor(lk, options, { mode: 'sample' }).dispose();
    }
  });
});

describe('warnings and errors', () => {
  test('generationConfig: settings both sides would apply are listed, and nothing when they are not', () => {
    const warn = console.warn;
    const printed = [];
    console.warn = (message) => printed.push(message);
    try {
      const both = new LogitkitLogitsProcessor(
        lk,
        { temperature: 0.7, topK: 40, topP: 0.9, repetitionPenalty: 1.1, noRepeatNgramSize: 3 },
        {
          mode: 'filter',
          generationConfig: {
            do_sample: true,
            temperature: 0.5,
            top_k: 20,
            top_p: 0.8,
            repetition_penalty: 1.2,
            no_repeat_ngram_size: 2,
          },
        },
      );
      assert.equal(both.warnings.length, 5);
      assert.match(both.warnings.join('\n'), /temperature is applied twice/);
      assert.match(both.warnings.join('\n'), /repetition_penalty is applied twice/);
      assert.match(both.warnings.join('\n'), /no_repeat_ngram_size is applied twice/);
      assert.match(
        both.warnings.join('\n'),
        /top-k is applied twice: logitkit keeps 40, then transformers\.js's sampler its top_k 20/,
      );
      assert.match(both.warnings.join('\n'), /top_p is set on both sides/);
      assert.equal(printed.length, 5);
      both.dispose();
      const defaults = new LogitkitLogitsProcessor(
        lk,
        { topP: 0.9 },
        { mode: 'filter', generationConfig: { do_sample: true } },
      );
      assert.deepEqual(defaults.warnings, [
        "transformers.js's sampler keeps only its top_k (50, its default) of logitkit's distribution; set top_k: 0",
      ]);
      defaults.dispose();
      const greedy = new LogitkitLogitsProcessor(
        lk,
        { topP: 0.9 },
        { mode: 'filter', generationConfig: {} },
      );
      assert.match(greedy.warnings[0], /do_sample false/);
      greedy.dispose();
      for (const [mode, g] of [
        ['sample', { do_sample: true, top_k: 20, top_p: 0.5 }],
        ['filter', { do_sample: true, top_k: 0 }],
      ]) {
        const clean = new LogitkitLogitsProcessor(
          lk,
          { temperature: 0.7, topK: 40 },
          { mode, generationConfig: g },
        );
        assert.deepEqual(clean.warnings, [], mode);
        clean.dispose();
      }
    } finally {
      console.warn = warn;
    }
  });

  test('malformed calls are typed errors naming the argument; a NaN logit names its index; use after dispose', () => {
    const processor = new LogitkitLogitsProcessor(lk, { seed: 1 });
    const row = () => new Float32Array(16).fill(1);
    const cases = [
      [
        () => processor([[1n]], { dims: [1, 16], data: new Float64Array(16) }),
        LogitkitTypeError,
        'logits.data',
      ],
      [() => processor([[1n]], { dims: [16], data: row() }), LogitkitRangeError, 'logits.dims'],
      [
        () => processor([[1n]], { dims: [1, 16], data: new Float32Array(15) }),
        LogitkitRangeError,
        'logits.data',
      ],
      [
        () => processor([[1n], [1n]], { dims: [1, 16], data: row() }),
        LogitkitRangeError,
        'input_ids',
      ],
      [
        () => processor([[1n, -1n]], { dims: [1, 16], data: row() }),
        LogitkitRangeError,
        'input_ids',
      ],
      [() => processor([[1n]], null), LogitkitTypeError, 'logits'],
    ];
    for (const [call, type, argument] of cases)
      assert.throws(call, (e) => e instanceof type && e.argument === argument, argument);
    const nan = row();
    nan[5] = NaN;
    assert.throws(
      () => processor([[1n]], { dims: [1, 16], data: nan }),
      (e) => e instanceof LogitkitRangeError && e.index === 5,
    );
    assert.throws(
      () => new LogitkitLogitsProcessor(lk, {}, { mode: 'greedy' }),
      (e) => e instanceof LogitkitTypeError && e.argument === 'options.mode',
    );
    assert.throws(
      () => new LogitkitLogitsProcessor(lk, { topP: 2 }),
      (e) => e instanceof LogitkitRangeError,
    );
    processor.dispose();
    assert.throws(() => processor([[1n]], { dims: [1, 16], data: row() }), LogitkitStateError);
    processor.dispose();
  });
});
