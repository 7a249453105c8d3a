// The wasm forward pass against the training script's PyTorch model (tests/fixtures/model/
// forward.json, written by examples/model/train.py): every position's logits within 1e-4, in the
// SIMD and baseline builds. And the zero-copy contract: the model writes into the LogitsBuffer,
// in the wasm memory the sampler reads.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { load } from '../../dist/index.js';
import { defaultModel, FORWARD_FIXTURE, runtimes2 } from './model-support.mjs';

describe('model forward pass', () => {
  test('the fixture prompt encodes to the tokens PyTorch was run on', async () => {
    const { simd } = await runtimes2();
    const { model, logits } = defaultModel(simd);
    assert.deepEqual(Array.from(model.encode(FORWARD_FIXTURE.prompt)), FORWARD_FIXTURE.tokens);
    model.dispose();
    logits.dispose();
  });

  for (const flavor of ['simd', 'baseline']) {
    test(`${flavor} build: logits at every position match PyTorch within 1e-4`, async () => {
      const runtime = (await runtimes2())[flavor];
      const { model, logits } = defaultModel(runtime);
      assert.equal(model.vocabSize, FORWARD_FIXTURE.logits[0].length);
      let worst = 0;
      FORWARD_FIXTURE.tokens.forEach((token, pos) => {
        model.forward(token, pos, logits);
        const got = logits.array;
        FORWARD_FIXTURE.logits[pos].forEach((want, i) => {
          const err = Math.abs(got[i] - want);
          if (err > worst) worst = err;
          assert.ok(err <= 1e-4, `position ${pos}, token ${i}: ${got[i]} vs PyTorch ${want}`);
        });
      });
      assert.ok(worst > 0, 'the comparison ran on real values');
      model.dispose();
      logits.dispose();
    });
  }

  test('no copy: the model writes into the LogitsBuffer, and the sampler reads that same memory', async () => {
    const { simd: runtime } = await runtimes2();
    const { model, logits } = defaultModel(runtime);
    const memory = logits.array.buffer;
    logits.array.fill(Number.NaN); // anything the model does not overwrite would make the sampler throw
    model.forward(FORWARD_FIXTURE.tokens[0], 0, logits);
    assert.equal(logits.array.buffer, memory, 'same wasm memory (no growth during forward)');
    assert.ok(logits.array.every(Number.isFinite), 'every logit was written in place');
    // The sampler reads the buffer where it is: a value poked into it after the forward pass decides
    // the greedy draw, which only happens if nothing copied the logits in between.
    const greedy = runtime.lk.createSampler({ temperature: 0 });
    const argmax = runtime.lk.argmax(logits);
    assert.equal(greedy.sample(logits).token, argmax);
    const other = (argmax + 7) % model.vocabSize;
    logits.array[other] = 1e6;
    assert.equal(greedy.sample(logits).token, other);
    greedy.dispose();
    model.dispose();
    logits.dispose();
  });

  test('a LogitsBuffer of another logitkit instance (another wasm memory) is refused, not copied into', async () => {
    const { simd: runtime } = await runtimes2();
    const { model, logits } = defaultModel(runtime);
    const lk = await load();
    const foreign = lk.allocLogits(model.vocabSize);
    assert.throws(() => model.forward(1, 0, foreign), {
      name: 'LogitkitTypeError',
      argument: 'logits',
    });
    assert.throws(() => model.forward(1, 0, new Float32Array(model.vocabSize)), {
      name: 'LogitkitTypeError',
    });
    const small = runtime.lk.allocLogits(model.vocabSize - 1);
    assert.throws(() => model.forward(1, 0, small), {
      name: 'LogitkitRangeError',
      argument: 'logits',
    });
    assert.throws(() => model.forward(model.vocabSize, 0, logits), {
      name: 'LogitkitRangeError',
      argument: 'token',
    });
    assert.throws(() => model.forward(1, model.config.seqLen, logits), {
      name: 'LogitkitRangeError',
      argument: 'pos',
    });
    model.dispose();
    assert.throws(() => model.forward(1, 0, logits), { name: 'LogitkitStateError' });
    for (const b of [foreign, small, logits]) b.dispose();
  });
});
