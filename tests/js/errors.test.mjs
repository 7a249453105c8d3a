// Bad input gets a typed error that names the argument and the index, never a trap or a silent
// NaN, and the module keeps working afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogitkitRangeError, LogitkitStateError, LogitkitTypeError } from '../../dist/index.js';
import { loadBoth } from './helpers.mjs';

const { both } = await loadBoth();

function throwsWith(fn, Type, pattern, fields = {}) {
  assert.throws(fn, (error) => {
    assert.ok(
      error instanceof Type,
      `expected ${Type.name}, got ${error?.name}: ${error?.message}`,
    );
    assert.match(error.message, pattern);
    for (const [key, value] of Object.entries(fields)) assert.equal(error[key], value, key);
    return true;
  });
}

for (const lk of both) {
  const build = lk.simd ? 'simd' : 'baseline';

  test(`${build}: invalid logits name the index`, () => {
    for (const fn of ['softmax', 'logSoftmax', 'logSumExp', 'entropy', 'argmax', 'sample']) {
      const call = (z) => (fn === 'sample' ? lk.sample(z, { seed: 1 }) : lk[fn](z));
      throwsWith(() => call([0, 1, NaN]), RangeError, /logits\[2\] is NaN/, {
        index: 2,
        argument: 'logits',
      });
      throwsWith(
        () => call(new Float32Array([0, Infinity])),
        RangeError,
        /logits\[1\] is \+Infinity/,
        { index: 1 },
      );
      throwsWith(() => call([]), RangeError, /logits is empty/);
      throwsWith(
        () => call([-Infinity, -Infinity]),
        RangeError,
        /every entry of logits is -Infinity/,
      );
      throwsWith(() => call([1, '2']), TypeError, /logits\[1\] is the string "2"/);
      throwsWith(
        () => call([0, 1e39]),
        RangeError,
        /logits\[1\] = 1e\+39 is beyond the float32 range/,
      );
      throwsWith(() => call('1 2 3'), TypeError, /logits must be a Float32Array/);
      const big = new Float32Array(5000);
      big[4321] = NaN;
      throwsWith(() => call(big), RangeError, /logits\[4321\] is NaN/, { index: 4321 });
    }
    throwsWith(() => lk.topK([1, NaN], 1), RangeError, /logits\[1\] is NaN/);
    throwsWith(() => lk.topLogprobs([1, NaN], 1), RangeError, /logits\[1\] is NaN/);
  });

  test(`${build}: bad temperatures and options are named`, () => {
    for (const t of [-1, NaN, Infinity]) {
      throwsWith(
        () => lk.softmax([1, 2], { temperature: t }),
        RangeError,
        /softmax: options.temperature must be a finite number >= 0/,
      );
      throwsWith(() => lk.sample([1, 2], { temperature: t }), RangeError, /options.temperature/);
    }
    throwsWith(
      () => lk.softmax([1, 2], { temperature: '1' }),
      TypeError,
      /options.temperature must be a number/,
    );
    throwsWith(
      () => lk.logSumExp([1, 2], { temperature: 0 }),
      RangeError,
      /logSumExp: options.temperature must be a finite number > 0/,
    );
    throwsWith(() => lk.topK([1, 2], 0), RangeError, /topK: k must be an integer/);
    throwsWith(() => lk.topK([1, 2], 1.5), RangeError, /topK: k must be an integer/);
    throwsWith(() => lk.entropy([1, 2], { base: 1 }), RangeError, /options.base/);
    throwsWith(
      () => lk.sample([1, 2], { topP: 0 }),
      RangeError,
      /options.topP must be in \(0, 1\]/,
    );
    throwsWith(() => lk.sample([1, 2], { top_p: 1.5 }), RangeError, /options.topP/);
    throwsWith(() => lk.sample([1, 2], { minP: -0.1 }), RangeError, /options.minP/);
    throwsWith(() => lk.sample([1, 2], { topK: 2.5 }), RangeError, /options.topK/);
    throwsWith(() => lk.sample([1, 2], { seed: -1 }), RangeError, /options.seed/);
    throwsWith(() => lk.sample([1, 2], { seed: 2n ** 64n }), RangeError, /options.seed/);
    throwsWith(
      () => lk.sample([1, 2], { temprature: 1 }),
      TypeError,
      /unknown option "temprature". Valid options: temperature, topK/,
    );
    throwsWith(() => lk.sample([1, 2], { topP: 0.5, top_p: 0.5 }), TypeError, /same option/);
    throwsWith(
      () => lk.sample([1, 2], { logitBias: { 0: NaN } }),
      RangeError,
      /options.logitBias\[0\] must be a finite number or -Infinity/,
    );
    throwsWith(
      () => lk.sample([1, 2], { logitBias: { x: 1 } }),
      RangeError,
      /logitBias key the string "x" is not a token id/,
    );
    throwsWith(
      () => lk.sample([1, 2], { logitBias: { 5: 1 } }),
      RangeError,
      /token id 5 .* outside the vocabulary/,
    );
    throwsWith(
      () => lk.sample([1, 2], { logitBias: { 0: -Infinity, 1: -Infinity } }),
      RangeError,
      /leave no token/,
    );
  });

  test(`${build}: disposed buffers and samplers are clear errors`, () => {
    const buf = lk.allocLogits(4);
    buf.dispose();
    buf.dispose(); // idempotent
    throwsWith(() => buf.array, LogitkitStateError, /LogitsBuffer: used after dispose/);
    throwsWith(() => lk.softmax(buf), LogitkitStateError, /used after dispose/);
    const s = lk.createSampler({ seed: 1 });
    s.dispose();
    throwsWith(() => s.sample([1, 2]), LogitkitStateError, /sampler.sample: used after dispose/);
    throwsWith(() => s.accept(1), LogitkitStateError, /used after dispose/);
  });

  test(`${build}: a history id outside the vocabulary is named where it is given`, () => {
    const s = lk.createSampler({ seed: 1, repetitionPenalty: 1.5 });
    // Before the first draw any id is recorded; a draw over fewer logits names the history.
    s.accept(7);
    for (let attempt = 0; attempt < 2; attempt++) {
      throwsWith(() => s.sample([1, 2, 3]), RangeError, /token id 7 in the sampler's history/, {
        argument: 'history',
        index: 7,
      });
    }
    s.reset();
    s.sample([1, 2, 3]);
    // Then accept() refuses ids beyond the last draw's logits and records none of the list.
    throwsWith(() => s.accept(3), RangeError, /tokens = 3 is outside the vocabulary/, {
      argument: 'tokens',
    });
    throwsWith(() => s.accept([0, 1, 5], { prompt: true }), RangeError, /tokens\[2\] = 5/, {
      argument: 'tokens[2]',
    });
    assert.equal(s.historyLength, 1);
    s.accept([0, 2]);
    assert.equal(s.historyLength, 3);
    assert.ok(Number.isInteger(s.sample([1, 2, 3]).token));
    s.dispose();
  });

  test(`${build}: after every error the module still computes correctly`, () => {
    const good = [8, 6, 5, -1];
    const want = lk.softmax(good);
    const bad = [
      () => lk.softmax([NaN]),
      () => lk.sample([1], { topP: 2 }),
      () => lk.topK([], 1),
      () => lk.sample([1, 2], { logitBias: { 9: 1 } }),
      () => lk.softmax([Infinity, 1]),
    ];
    for (const call of bad) {
      assert.throws(call, (e) => e instanceof LogitkitRangeError || e instanceof LogitkitTypeError);
      assert.deepEqual(lk.softmax(good), want);
      assert.equal(lk.sample(good, { seed: 3 }).token, lk.sample(good, { seed: 3 }).token);
    }
  });
}
