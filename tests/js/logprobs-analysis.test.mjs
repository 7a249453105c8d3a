// Analysis functions against hand-computed values (the computation is in each comment).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  classifyLabels,
  confidenceSummary,
  decodeTokens,
  entropyEstimate,
  logprobToProb,
  lowConfidenceSpans,
  margin,
  meanLogprob,
  parseLogprobs,
  perplexity,
  probToLogprob,
  sequenceLogprob,
  tokenProbabilities,
  tokenProbability,
} from '../../dist/logprobs/index.js';

const close = (actual, expected, tolerance = 1e-9) =>
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${actual} is not within ${tolerance} of ${expected}`,
  );
const alt = (token, p) => ({ token, logprob: p === null ? null : Math.log(p), belowTopN: false });
/** A normalised token with probability p and alternatives [[token, p], ...]. */
const tok = (token, p, alternatives = []) => ({
  token,
  logprob: Math.log(p),
  belowTopN: false,
  offset: 0,
  topLogprobs: alternatives.map(([t, q]) => alt(t, q)),
});

test('sequenceLogprob, meanLogprob, perplexity', () => {
  // Σ = -0.1 - 0.5 - 2.0 = -2.6; mean = -2.6 / 3 = -0.866666...; perplexity = e^0.866666... = 2.378968...
  const lps = [-0.1, -0.5, -2.0];
  close(sequenceLogprob(lps), -2.6, 1e-15);
  close(meanLogprob(lps), -0.8666666666666667, 1e-15);
  close(perplexity(lps), 2.378968, 1e-6);
  // Same through tokens and through a choice.
  const tokens = lps.map((lp, i) => ({
    token: String(i),
    logprob: lp,
    belowTopN: false,
    topLogprobs: [],
    offset: i,
  }));
  assert.equal(perplexity(tokens), perplexity(lps));
  assert.equal(perplexity({ tokens }), perplexity(lps));
});

test('null, -9999 and belowTopN tokens are left out of every sum and mean', () => {
  // Counted: -1 and -3 → Σ = -4, mean = -2, perplexity = e^2 = 7.389056...
  const lps = [-1, null, -9999, -3];
  assert.equal(sequenceLogprob(lps), -4);
  assert.equal(meanLogprob(lps), -2);
  close(perplexity(lps), 7.38905609893065);
  const tokens = [
    { token: 'a', logprob: -1, belowTopN: false },
    { token: 'b', logprob: null, belowTopN: true },
    { token: 'c', logprob: -3, belowTopN: false },
  ];
  assert.equal(meanLogprob(tokens), -2);
});

test('nothing to measure gives null, never NaN', () => {
  for (const input of [[], [null, null], [-9999], { tokens: [] }]) {
    assert.equal(sequenceLogprob(input), null);
    assert.equal(meanLogprob(input), null);
    assert.equal(perplexity(input), null);
  }
});

test('perplexity: certainty gives 1, probability 0 gives Infinity', () => {
  assert.equal(perplexity([0, 0, 0]), 1);
  assert.equal(perplexity([-1, -Infinity]), Infinity);
  assert.equal(sequenceLogprob([-1, -Infinity]), -Infinity);
  // A sum below -Number.MAX_VALUE overflows to -Infinity, not NaN (found by fast-check).
  assert.equal(sequenceLogprob([-5e292, -Number.MAX_VALUE]), -Infinity);
  assert.equal(perplexity([-5e292, -Number.MAX_VALUE]), Infinity);
});

test('bad arguments raise TypeError / RangeError naming the argument', () => {
  assert.throws(() => perplexity([-1, NaN]), {
    name: 'RangeError',
    message: /tokensOrLogprobs\[1\]/,
  });
  assert.throws(() => perplexity([-1, 0.5]), {
    name: 'RangeError',
    message: /tokensOrLogprobs\[1\] must be a logprob <= 0/,
  });
  assert.throws(() => perplexity([Infinity]), RangeError);
  assert.throws(() => sequenceLogprob(['x']), {
    name: 'TypeError',
    message: /tokensOrLogprobs\[0\]/,
  });
  assert.throws(() => meanLogprob([{ logprob: '1' }]), {
    name: 'TypeError',
    message: /tokensOrLogprobs\[0\]\.logprob/,
  });
  assert.throws(() => perplexity('abc'), { name: 'TypeError', message: /tokensOrLogprobs/ });
  // 2e-6 is float rounding (<= LOGPROB_EPSILON): read as 0.
  assert.equal(sequenceLogprob([2e-6, -1]), -1);
});

test('probToLogprob / logprobToProb / tokenProbability / tokenProbabilities', () => {
  // ln 0.5 = -0.693147...; exp(ln 0.25) = 0.25
  close(probToLogprob(0.5), -0.6931471805599453, 1e-16);
  assert.equal(probToLogprob(1), 0);
  assert.equal(probToLogprob(0), -Infinity);
  close(logprobToProb(Math.log(0.25)), 0.25, 1e-16);
  assert.equal(logprobToProb(-Infinity), 0);
  assert.equal(logprobToProb(-9999), 0);
  assert.throws(() => probToLogprob(1.5), { name: 'RangeError', message: /^p must/ });
  assert.throws(() => probToLogprob(NaN), RangeError);
  assert.throws(() => probToLogprob('0.5'), TypeError);
  assert.throws(() => logprobToProb(0.1), { name: 'RangeError', message: /^lp must/ });
  assert.throws(() => logprobToProb(NaN), RangeError);
  close(tokenProbability(tok('a', 0.3)), 0.3);
  assert.equal(tokenProbability({ token: 'a', logprob: null, belowTopN: true }), null);
  const probs = tokenProbabilities([Math.log(0.5), null, -9999, 0]);
  close(probs[0], 0.5, 1e-16);
  assert.deepEqual(probs.slice(1), [null, null, 1]);
});

test('margin = p1 - p2 over the top list plus the chosen token', () => {
  // 0.6 - 0.3 = 0.3
  close(
    margin(
      tok('a', 0.6, [
        ['a', 0.6],
        ['b', 0.3],
        ['c', 0.05],
      ]),
    ),
    0.3,
  );
  // Chosen "z" (0.02) is outside the list: the margin is still between the two most likely.
  close(
    margin(
      tok('z', 0.02, [
        ['a', 0.6],
        ['b', 0.3],
      ]),
    ),
    0.3,
  );
  // Chosen outside a one-entry list: 0.7 - 0.2 = 0.5
  close(margin(tok('z', 0.2, [['a', 0.7]])), 0.5);
  assert.equal(margin(tok('a', 0.9, [['a', 0.9]])), null);
  assert.equal(margin(tok('a', 0.9)), null);
  // Sentinel alternatives are unknown, not zero.
  const withSentinel = tok('a', 0.9, [['a', 0.9]]);
  withSentinel.topLogprobs.push({ token: 'b', logprob: null, belowTopN: true });
  assert.equal(margin(withSentinel), null);
});

test('entropyEstimate: hand-computed bounds', () => {
  // A chosen token of p = 0.5 with the top list [0.5, 0.25] or [0.5, 0.1].
  const knownHalfQuarter = tok('a', 0.5, [
    ['a', 0.5],
    ['b', 0.25],
  ]);
  const knownHalfTenth = tok('a', 0.5, [
    ['a', 0.5],
    ['b', 0.1],
  ]);
  // Known p = [0.5, 0.25]: m = 0.25, cap c = 0.25.
  // H_known = 0.5 ln 2 + 0.25 ln 4 = ln 2 = 0.693147...
  // lower: one unseen token of 0.25 (m <= c) → + 0.25 ln 4 → 1.5 ln 2 = 1.039720...
  // upper, V = 10 (K = 8): + 0.25 ln(8 / 0.25) = 0.25 ln 32 → ln 2 + 1.25 ln 2 = 2.25 ln 2 = 1.559581...
  const e = entropyEstimate(knownHalfQuarter, { vocabSize: 10 });
  close(e.known, Math.LN2);
  close(e.lower, 1.5 * Math.LN2);
  close(e.upper, 2.25 * Math.LN2);
  assert.equal(e.estimate, e.lower);
  assert.equal(e.tailMass, 0.25);
  assert.equal(e.knownCount, 2);
  // In bits: lower = 1.5, upper = 2.25.
  const bits = entropyEstimate(knownHalfQuarter, { vocabSize: 10, base: 2 });
  close(bits.lower, 1.5);
  close(bits.upper, 2.25);

  // Known p = [0.5, 0.1]: m = 0.4 > c = 0.1, so the tail needs at least 4 tokens of 0.1.
  // H_known (bits) = 0.5·1 + 0.1·log2 10 = 0.832193; lower = + 4·0.1·log2 10 = 2.160964
  // (the looser one-token bound would only add 0.4·log2(1/0.4) = 0.528771).
  const f = entropyEstimate(knownHalfTenth, { vocabSize: 1000, base: 2 });
  close(f.lower, 0.5 + 0.5 * Math.log2(10));
  // upper = H_known + 0.4·log2(998 / 0.4)
  close(f.upper, 0.5 + 0.1 * Math.log2(10) + 0.4 * Math.log2(998 / 0.4));

  // V = 3: one unseen slot must hold 0.4 > c, so the cap rises to m/K = 0.4 and lower = upper.
  const g = entropyEstimate(knownHalfTenth, { vocabSize: 3 });
  close(g.lower, g.upper);
  close(g.upper, -(0.5 * Math.log(0.5) + 0.1 * Math.log(0.1) + 0.4 * Math.log(0.4)));

  // No top list, chosen p = 0.7: no cap, lower = -(0.7 ln 0.7 + 0.3 ln 0.3) = 0.610864...
  close(entropyEstimate(tok('a', 0.7)).lower, 0.6108643020548935);
  // Full mass listed: lower = upper = H_known = ln 2.
  const full = entropyEstimate(
    tok('a', 0.5, [
      ['a', 0.5],
      ['b', 0.5],
    ]),
  );
  close(full.lower, Math.LN2);
  close(full.upper, Math.LN2);
  assert.equal(
    entropyEstimate({ token: 'a', logprob: null, belowTopN: false, topLogprobs: [] }),
    null,
  );
  assert.throws(
    () =>
      entropyEstimate(
        tok('a', 0.5, [
          ['a', 0.5],
          ['b', 0.1],
        ]),
        { vocabSize: 1 },
      ),
    { name: 'RangeError', message: /options\.vocabSize/ },
  );
  assert.throws(() => entropyEstimate(tok('a', 0.5), { base: 1 }), {
    name: 'RangeError',
    message: /options\.base/,
  });
});

test('lowConfidenceSpans merges sub-word tokens into words', () => {
  // Text "The confidence is low." — shaky (p < 0.5): " conf" (0.3) and " low" (0.4).
  // " conf"+"idence" → word "confidence" [4, 14), min 0.3, joint 0.3·0.8 = 0.24.
  // " low"+"." → word "low." [18, 22), min 0.4, joint 0.4·0.99 = 0.396.
  const tokens = [
    tok('The', 0.9),
    tok(' conf', 0.3),
    tok('idence', 0.8),
    tok(' is', 0.95),
    tok(' low', 0.4),
    tok('.', 0.99),
  ];
  const spans = lowConfidenceSpans(tokens, 0.5);
  assert.deepEqual(
    spans.map((s) => [s.text, s.start, s.end, s.tokenStart, s.tokenEnd]),
    [
      ['confidence', 4, 14, 1, 3],
      ['low.', 18, 22, 4, 6],
    ],
  );
  close(spans[0].minProbability, 0.3);
  close(spans[0].probability, 0.24);
  close(spans[1].probability, 0.396);
  assert.deepEqual(lowConfidenceSpans(tokens, 0.25), []);
  assert.throws(() => lowConfidenceSpans(tokens, 0), { name: 'RangeError', message: /threshold/ });
  assert.throws(() => lowConfidenceSpans(tokens, 1.5), RangeError);
});

test('lowConfidenceSpans: whitespace tokens, sentinels, absent logprobs, split emoji', () => {
  const sentinel = { token: ' maybe', logprob: null, belowTopN: true, topLogprobs: [], offset: 0 };
  const absent = { token: ' x', logprob: null, belowTopN: false, topLogprobs: [], offset: 0 };
  const spans = lowConfidenceSpans(
    [tok('Hi', 0.9), tok('\n\n', 0.2), tok('ok', 0.9), sentinel, absent],
    0.5,
  );
  assert.deepEqual(
    spans.map((s) => [s.text, s.tokenStart]),
    [
      ['\n\n', 1],
      ['maybe', 3],
    ],
  );
  assert.equal(spans[1].minProbability, null);
  close(spans[0].minProbability, 0.2);
  // A shaky half of a split emoji gives a span over the whole character and both tokens.
  const { choices } = parseLogprobs({
    object: 'chat.completion',
    choices: [
      {
        index: 0,
        logprobs: {
          content: [
            { token: 'Hi', logprob: -0.01, bytes: [72, 105], top_logprobs: [] },
            {
              token: ' \\xf0\\x9f\\x99',
              logprob: -2,
              bytes: [32, 240, 159, 153],
              top_logprobs: [],
            },
            { token: '\\x82', logprob: -0.01, bytes: [130], top_logprobs: [] },
            { token: '!', logprob: -0.01, bytes: [33], top_logprobs: [] },
          ],
        },
      },
    ],
  });
  assert.deepEqual(
    lowConfidenceSpans(choices[0]).map((s) => [s.text, s.tokenStart, s.tokenEnd]),
    [['🙂!', 1, 4]],
  );
});

test('classifyLabels: renormalised label probabilities from the first token', () => {
  // Alternatives: "Positive" .6, "Neg" .2 (prefix of Negative only), " positive" .1 (case-folded),
  // "Neutral" .05, "The" .03 (no label), "N" .01 (prefix of Negative and Neutral: ambiguous).
  // raw: Positive .7, Negative .2, Neutral .05 → coverage .95
  // probability: .7/.95 = .736842, .2/.95 = .210526, .05/.95 = .052632
  const first = tok('Positive', 0.6, [
    ['Positive', 0.6],
    ['Neg', 0.2],
    [' positive', 0.1],
    ['Neutral', 0.05],
    ['The', 0.03],
    ['N', 0.01],
  ]);
  const labels = ['Positive', 'Negative', 'Neutral'];
  const result = classifyLabels(first, labels);
  assert.equal(result.label, 'Positive');
  assert.equal(result.abstained, false);
  assert.equal(result.reason, 'confident');
  close(result.coverage, 0.95);
  close(result.probabilities[0].probability, 0.7 / 0.95);
  close(result.probabilities[1].probability, 0.2 / 0.95);
  close(result.probabilities[2].rawProbability, 0.05);
  // Same via a choice (first token used).
  assert.deepEqual(classifyLabels({ tokens: [first, tok('!', 0.9)] }, labels), result);
  assert.equal(classifyLabels(first, labels, { threshold: 0.8 }).reason, 'below-threshold');
  assert.equal(classifyLabels(first, labels, { threshold: 0.8 }).label, null);
  assert.equal(classifyLabels(first, labels, { minCoverage: 0.99 }).reason, 'low-coverage');
  // Case-sensitive: " positive" no longer counts → Positive .6 / .85 = .705882
  close(
    classifyLabels(first, labels, { caseSensitive: true }).probabilities[0].probability,
    0.6 / 0.85,
  );
  assert.equal(
    classifyLabels(
      tok('Yes', 0.5, [
        ['Yes', 0.5],
        ['No', 0.5],
      ]),
      ['yes', 'no'],
    ).reason,
    'tie',
  );
  assert.equal(classifyLabels(tok('Maybe', 0.9), ['yes', 'no']).reason, 'no-match');
  assert.equal(classifyLabels({ tokens: [] }, ['yes', 'no']).reason, 'no-tokens');
  assert.throws(() => classifyLabels(first, []), { name: 'TypeError', message: /labels/ });
  assert.throws(() => classifyLabels(first, ['a', ' A ']), {
    name: 'RangeError',
    message: /labels\[1\]/,
  });
  assert.throws(() => classifyLabels(first, labels, { threshold: 2 }), {
    name: 'RangeError',
    message: /options\.threshold/,
  });
});

test('confidenceSummary', () => {
  // p = .9, .3, .8 plus one sentinel token: scored 3, Σ ln p = ln .216 = -1.532477
  // mean p = 2/3; lowest = " conf" (0.3); low-confidence: " conf" and the sentinel = 2.
  const tokens = [
    tok('The', 0.9, [
      ['The', 0.9],
      ['A', 0.1],
    ]),
    tok(' conf', 0.3, [
      [' conf', 0.3],
      [' sure', 0.5],
    ]),
    tok('idence', 0.8),
    { token: ' ok', logprob: null, belowTopN: true, topLogprobs: [], offset: 0 },
  ];
  const s = confidenceSummary(tokens);
  assert.equal(s.tokenCount, 4);
  assert.equal(s.scoredCount, 3);
  assert.equal(s.belowTopNCount, 1);
  assert.equal(s.absentCount, 0);
  close(s.sequenceLogprob, Math.log(0.216));
  close(s.perplexity, Math.exp(-Math.log(0.216) / 3));
  close(s.meanProbability, 2 / 3);
  assert.deepEqual([s.lowest.index, s.lowest.token], [1, ' conf']);
  close(s.lowest.probability, 0.3);
  assert.equal(s.lowConfidenceCount, 2);
  assert.deepEqual(
    s.lowConfidenceSpans.map((x) => x.text),
    ['confidence', 'ok'],
  );
  // Margins: 0.9 - 0.1 = 0.8 and 0.5 - 0.3 = 0.2 → mean 0.5
  close(s.meanMargin, 0.5);
  assert.equal(s.meanEntropy.positions, 3);
  assert.ok(s.meanEntropy.lower <= s.meanEntropy.upper);
  assert.throws(() => confidenceSummary(tokens, { threshold: -1 }), {
    name: 'RangeError',
    message: /options\.threshold/,
  });
});

test('decodeTokens names a malformed entry instead of decoding it as "undefined"', () => {
  const cases = [
    [[{}], /tokens\[0\]\.token must be a string/],
    [[{ token: 'a' }, null], /tokens\[1\] must be a token object/],
    [[{ token: 'a', bytes: [97, 256] }], /tokens\[0\]\.bytes\[1\] must be an integer in 0\.\.255/],
    [[{ token: 'a', bytes: 'a' }], /tokens\[0\]\.bytes must be an array of bytes/],
    ['ab', /tokens must be an array/],
  ];
  for (const [input, pattern] of cases)
    assert.throws(
      () => decodeTokens(input),
      (e) => e instanceof TypeError && pattern.test(e.message),
    );
  assert.deepEqual(
    decodeTokens({ tokens: [{ token: 'a' }, { token: '\u00e9', bytes: [0xc3, 0xa9] }] }),
    {
      text: 'aé',
      offsets: [0, 1],
      ends: [1, 2],
    },
  );
});
