// The runtime adapters given wrong objects, as a user wiring a runtime gets them wrong: the
// logitkit instance missing, a Promise from a forgotten `await load()`, the runtime's own object
// in its place, or a misspelt adapter option. Each is a LogitkitTypeError naming the argument,
// never a TypeError from inside the adapter.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogitkitTypeError, load } from '../../dist/index.js';
import { lastPositionLogits } from '../../dist/onnxruntime/index.js';
import {
  LogitkitLogitsProcessor,
  StructuredOutputProcessor,
} from '../../dist/transformers/index.js';
import { LogitkitLogitProcessor } from '../../dist/webllm/index.js';

const lk = await load();
const tensor = { type: 'float32', dims: [1, 2, 4], data: new Float32Array(8) };

function throwsNaming(fn, argument, pattern) {
  assert.throws(fn, (error) => {
    assert.ok(error instanceof LogitkitTypeError, `${error?.name}: ${error?.message}`);
    assert.equal(error.argument, argument);
    assert.match(error.message, pattern);
    return true;
  });
}

const WRONG_INSTANCES = [
  [undefined, /got undefined/],
  [null, /got null/],
  [load(), /a Promise: await it first/],
  [{ createSampler: 1 }, /got Object/],
  [tensor, /got Object/],
];

test('each adapter refuses something other than a loaded instance as lk, naming it', () => {
  for (const [wrong, pattern] of WRONG_INSTANCES) {
    throwsNaming(() => new LogitkitLogitsProcessor(wrong, { seed: 1 }), 'lk', pattern);
    throwsNaming(() => new LogitkitLogitProcessor(wrong, { seed: 1 }), 'lk', pattern);
    throwsNaming(() => lastPositionLogits(wrong, tensor), 'lk', pattern);
    if (wrong !== undefined)
      throwsNaming(
        () => new StructuredOutputProcessor({}, { type: 'json_object' }, { lk: wrong }),
        'options.lk',
        pattern,
      );
  }
  const buffer = lastPositionLogits(lk, tensor);
  assert.equal(buffer.length, 4);
  buffer.dispose();
});

test('a misspelt adapter option is a TypeError listing the valid ones', () => {
  throwsNaming(
    () => new LogitkitLogitsProcessor(lk, { seed: 1 }, { mod: 'filter' }),
    'options.mod',
    /unknown option "mod"\. Valid options: mode, generationConfig$/,
  );
  throwsNaming(
    () => new LogitkitLogitProcessor(lk, { seed: 1 }, { grammer: null }),
    'options.grammer',
    /unknown option "grammer"\. Valid options: grammar$/,
  );
  throwsNaming(
    () => lastPositionLogits(lk, tensor, { rows: 0 }),
    'options.rows',
    /Valid options: row, out$/,
  );
  throwsNaming(
    () => new StructuredOutputProcessor({}, { type: 'json_object' }, { sampling: {} }),
    'options.sampling',
    /Valid options: lk, samplingOptions, stopTokenIds, tokenizerInfo, whitespace, strict$/,
  );
  for (const options of [null, 'filter'])
    throwsNaming(
      () => new LogitkitLogitsProcessor(lk, {}, options),
      'options',
      /options must be an object/,
    );
  const processor = new LogitkitLogitsProcessor(lk, { seed: 1 }, { mode: 'filter' });
  processor.dispose();
});
