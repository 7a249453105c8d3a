// The accuracy contracts are written once (cpp/include/logitkit/accuracy.h): this checks that the
// header parses into the numbers the tests use and that the README's Accuracy section states each.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { ACCURACY } from './contracts.mjs';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8')
  .replaceAll('\u2212', '-') // the README's minus signs
  .replace(/\s+/g, ' ');
const accuracySection = readme.slice(readme.indexOf('### Accuracy'), readme.indexOf('### Errors'));

// 2e-6, 1e-30, -80: as the README writes numbers.
const written = (value) => (Math.abs(value) < 1e-3 ? value.toExponential() : String(value));

test('accuracy.h parses into finite numbers', () => {
  for (const name of [
    'softmaxRelativeError',
    'softmaxRelativeErrorFrom',
    'softmaxSumError',
    'logSoftmaxAbsoluteError',
    'logSoftmaxErrorFrom',
    'logSumExpError',
    'entropyRelativeError',
    'sampleLogprobAbsoluteError',
  ]) {
    assert.ok(Number.isFinite(ACCURACY[name]), name);
  }
});

test("the README's Accuracy section states every kernel contract of accuracy.h", () => {
  const claims = [
    `softmax relative error ≤ ${written(ACCURACY.softmaxRelativeError)} wherever p ≥ ${written(ACCURACY.softmaxRelativeErrorFrom)}`,
    `sum to 1 within ${written(ACCURACY.softmaxSumError)}`,
    `logSoftmax absolute error ≤ ${written(ACCURACY.logSoftmaxAbsoluteError)} for entries ≥ ${written(ACCURACY.logSoftmaxErrorFrom)}`,
    `logSumExp error ≤ ${written(ACCURACY.logSumExpError)} · max(1, |logSumExp|)`,
    `entropy relative error ≤ ${written(ACCURACY.entropyRelativeError)}`,
    `\`rawLogprob\` absolute error ≤ ${written(ACCURACY.sampleLogprobAbsoluteError)}`,
  ];
  for (const claim of claims) assert.ok(accuracySection.includes(claim), `README lacks "${claim}"`);
  // The opening's summary too.
  assert.ok(
    readme.includes(
      `relative error ≤ ${written(ACCURACY.softmaxRelativeError)} wherever p ≥ ${written(ACCURACY.softmaxRelativeErrorFrom)}, at any temperature`,
    ),
  );
});
