// Kernel arguments that are wrong in shape rather than in value: an option the kernel does not
// read (a typo that would silently run at the default), a dtype that contradicts the array it
// describes, an `out` longer than the row. Each is a typed error naming the argument, or, for a
// longer `out`, a result of exactly V entries; the module keeps working afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogitkitTypeError } from '../../dist/index.js';
import { loadBoth } from './helpers.mjs';

const { both } = await loadBoth();

function typeErrorNaming(fn, argument, pattern) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof LogitkitTypeError, `${error?.name}: ${error?.message}`);
    assert.ok(error instanceof TypeError);
    assert.equal(error.argument, argument);
    assert.match(error.message, pattern);
    return true;
  });
}

for (const lk of both) {
  const build = lk.simd ? 'simd' : 'baseline';
  const z = [2, 1, 0.5];

  test(`${build}: a kernel option the kernel does not read is a TypeError listing the valid ones`, () => {
    const calls = {
      softmax: [(o) => lk.softmax(z, o), 'temperature, out, dtype'],
      logSoftmax: [(o) => lk.logSoftmax(z, o), 'temperature, out, dtype'],
      logSumExp: [(o) => lk.logSumExp(z, o), 'temperature, dtype'],
      topLogprobs: [(o) => lk.topLogprobs(z, 2, o), 'temperature, dtype'],
      entropy: [(o) => lk.entropy(z, o), 'temperature, base, dtype'],
      argmax: [(o) => lk.argmax(z, o), 'dtype'],
      topK: [(o) => lk.topK(z, 2, o), 'dtype'],
      allocLogits: [(o) => lk.allocLogits(3, o), 'dtype'],
    };
    for (const [fn, [call, valid]] of Object.entries(calls)) {
      for (const key of ['temp', 'Temperature', 'topK', 'outArray'])
        typeErrorNaming(
          () => call({ [key]: 0.5 }),
          `options.${key}`,
          new RegExp(`^${fn}: unknown option "${key}"\\. Valid options: ${valid}$`),
        );
    }
    // What the kernels do read still works, and so does the module after the errors.
    assert.equal(lk.argmax(z, { dtype: 'float32' }), 0);
    assert.ok(Math.abs(lk.entropy(z, { temperature: 0.5, base: 2 })) > 0);
    assert.deepEqual(Array.from(lk.softmax([0, 0], { temperature: 2 })), [0.5, 0.5]);
  });

  test(`${build}: a 16-bit dtype with logits that are not 16-bit words is a TypeError`, () => {
    for (const dtype of ['float16', 'bfloat16']) {
      for (const logits of [new Float32Array([1, 2]), new Float64Array([1, 2]), [1, 2]]) {
        typeErrorNaming(() => lk.softmax(logits, { dtype }), 'options.dtype', /reads 16-bit words/);
        typeErrorNaming(() => lk.argmax(logits, { dtype }), 'options.dtype', /reads 16-bit words/);
        typeErrorNaming(() => lk.sample(logits, { dtype, seed: 1 }), 'options.dtype', /16-bit/);
      }
    }
    const half = lk.allocLogits(2, { dtype: 'float16' });
    half.array.set([0x3c00, 0x4000]); // 1, 2
    typeErrorNaming(
      () => lk.softmax(half, { dtype: 'bfloat16' }),
      'options.dtype',
      /LogitsBuffer of float16 words/,
    );
    const [p0] = lk.softmax(half, { dtype: 'float16' });
    assert.ok(Math.abs(p0 - 1 / (1 + Math.E)) < 1e-6);
    half.dispose();
  });

  test(`${build}: a longer Float32Array out gets the V results and the call returns exactly V`, () => {
    for (const fn of ['softmax', 'logSoftmax']) {
      const out = new Float32Array(5).fill(7);
      const result = lk[fn]([1, 1], { out });
      assert.equal(result.length, 2);
      assert.equal(result.buffer, out.buffer);
      assert.deepEqual(Array.from(result), Array.from(lk[fn]([1, 1])));
      assert.deepEqual(Array.from(out.subarray(2)), [7, 7, 7]);
    }
  });
}
