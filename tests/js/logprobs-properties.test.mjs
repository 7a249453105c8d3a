// Property tests (fast-check): untrusted input only ever raises the typed error, and the analysis
// invariants hold, including the entropy bounds against brute-force distributions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import './property-seed.mjs';
import {
  parseLogprobs,
  LogprobsParseError,
  PROVIDERS,
  perplexity,
  sequenceLogprob,
  tokenProbabilities,
  entropyEstimate,
  classifyLabels,
  lowConfidenceSpans,
  decodeTokens,
  margin,
} from '../../dist/logprobs/index.js';

const fixtureDir = new URL('../fixtures/logprobs/', import.meta.url);
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, fixtureDir), 'utf8')));

/** Runs parseLogprobs; any exception other than LogprobsParseError fails the property. */
function parsesOrThrowsTyped(input, options) {
  try {
    parseLogprobs(input, options);
  } catch (error) {
    if (!(error instanceof LogprobsParseError))
      throw new Error(`untyped exception: ${error?.stack ?? error}`);
    assert.equal(typeof error.path, 'string');
  }
}

test('arbitrary JSON values never raise an untyped exception (detected and with every provider)', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.constantFrom(undefined, ...PROVIDERS), (value, provider) => {
      const options = provider === undefined ? undefined : { provider };
      parsesOrThrowsTyped(value, options);
      parsesOrThrowsTyped(JSON.stringify(value) ?? 'null', options);
      parsesOrThrowsTyped([value, value], options);
    }),
    { numRuns: 1500 },
  );
});

test('arbitrary strings (plain, SSE-looking, NDJSON-looking) never raise an untyped exception', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('', 'data: ', '{', '[', 'data: {"choices":', '{"a":1}\n'),
      (s, prefix) => {
        parsesOrThrowsTyped(prefix + s);
      },
    ),
    { numRuns: 1500 },
  );
});

/** Every path to a value inside `value`, as arrays of keys. */
function allPaths(value, prefix = [], out = []) {
  out.push(prefix);
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) allPaths(value[key], [...prefix, key], out);
  }
  return out;
}
function replaced(value, path, replacement) {
  if (path.length === 0) return replacement;
  const copy = Array.isArray(value) ? [...value] : { ...value };
  copy[path[0]] = replaced(value[path[0]], path.slice(1), replacement);
  return copy;
}

test('realistic fixtures with one value replaced by arbitrary JSON raise only the typed error', () => {
  const targets = fixtures.flatMap((fixture) => allPaths(fixture).map((path) => [fixture, path]));
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: targets.length - 1 }),
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(undefined, ...PROVIDERS),
      (i, replacement, provider) => {
        const [fixture, path] = targets[i];
        parsesOrThrowsTyped(
          replaced(fixture, path, replacement),
          provider === undefined ? undefined : { provider },
        );
      },
    ),
    { numRuns: 3000 },
  );
});

const logprob = fc.oneof(
  fc.double({ max: 0, noNaN: true }),
  fc.constant(null),
  fc.constant(-9999),
  fc.constant(-Infinity),
);

test('perplexity >= 1 and probabilities in [0, 1] for valid logprobs', () => {
  fc.assert(
    fc.property(fc.array(logprob, { maxLength: 50 }), (lps) => {
      const ppl = perplexity(lps);
      if (ppl !== null) assert.ok(ppl >= 1, `perplexity ${ppl}`);
      const sum = sequenceLogprob(lps);
      if (sum !== null) assert.ok(sum <= 0);
      for (const p of tokenProbabilities(lps))
        if (p !== null) assert.ok(p >= 0 && p <= 1, `p ${p}`);
    }),
  );
});

/** A random distribution over V tokens, its top-N list and a chosen token, as a normalised token. */
const scenario = fc
  .record({
    weights: fc.array(fc.double({ min: 1e-6, max: 1, noNaN: true }), {
      minLength: 1,
      maxLength: 12,
    }),
    n: fc.integer({ min: 0, max: 12 }),
    chosen: fc.nat(),
  })
  .map(({ weights, n, chosen }) => {
    const total = weights.reduce((a, b) => a + b, 0);
    const p = weights.map((w) => w / total).sort((a, b) => b - a);
    const top = p.slice(0, Math.min(n, p.length));
    const c = chosen % p.length;
    const trueEntropy = -p.reduce((h, q) => h + q * Math.log(q), 0);
    const token = {
      token: `t${c}`,
      logprob: Math.log(p[c]),
      belowTopN: false,
      offset: 0,
      topLogprobs: top.map((q, i) => ({ token: `t${i}`, logprob: Math.log(q), belowTopN: false })),
    };
    return { p, token, trueEntropy };
  });

test('entropy bounds contain the entropy of brute-force distributions, and lower <= upper', () => {
  fc.assert(
    fc.property(scenario, ({ p, token, trueEntropy }) => {
      const e = entropyEstimate(token, { vocabSize: p.length });
      assert.ok(e.lower <= e.upper + 1e-12, `lower ${e.lower} > upper ${e.upper}`);
      assert.ok(e.lower <= trueEntropy + 1e-9, `lower ${e.lower} > H ${trueEntropy}`);
      assert.ok(trueEntropy <= e.upper + 1e-9, `H ${trueEntropy} > upper ${e.upper}`);
      // A larger vocabulary only widens the bounds.
      const wider = entropyEstimate(token, { vocabSize: p.length + 1000 });
      assert.ok(wider.upper >= e.upper - 1e-12 && wider.lower <= e.lower + 1e-12);
      const m = margin(token);
      if (m !== null) assert.ok(m >= 0 && m <= 1);
    }),
    { numRuns: 500 },
  );
});

test('entropy bounds are tight: the extremal tails reach them', () => {
  // Listed top-2 = [0.4, 0.2]; tail m = 0.4 with cap 0.2, V = 12 (K = 10 unseen).
  const token = {
    token: 'a',
    logprob: Math.log(0.4),
    belowTopN: false,
    topLogprobs: [
      { token: 'a', logprob: Math.log(0.4), belowTopN: false },
      { token: 'b', logprob: Math.log(0.2), belowTopN: false },
    ],
  };
  const H = (ps) => -ps.reduce((h, q) => h + (q > 0 ? q * Math.log(q) : 0), 0);
  const e = entropyEstimate(token, { vocabSize: 12 });
  assert.ok(Math.abs(e.lower - H([0.4, 0.2, 0.2, 0.2])) < 1e-12); // tail packed: two tokens at the cap
  assert.ok(Math.abs(e.upper - H([0.4, 0.2, ...Array(10).fill(0.04)])) < 1e-12); // tail spread evenly
});

test('classification probabilities are in [0, 1] and sum to 1 when anything matched', () => {
  fc.assert(
    fc.property(
      scenario,
      fc.uniqueArray(fc.constantFrom('t0', 't1', 't2', 't3', 'x'), { minLength: 1 }),
      ({ token }, labels) => {
        const result = classifyLabels(token, labels);
        const total = result.probabilities.reduce((a, b) => a + b.probability, 0);
        for (const { probability } of result.probabilities)
          assert.ok(probability >= 0 && probability <= 1);
        if (result.coverage > 0) assert.ok(Math.abs(total - 1) < 1e-9);
        assert.equal(result.abstained, result.label === null);
      },
    ),
  );
});

const wellFormed = fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => s.isWellFormed());

test('text rebuilt from arbitrary byte splits equals the original string; offsets and ends are ordered', () => {
  fc.assert(
    fc.property(wellFormed, fc.array(fc.nat(), { maxLength: 10 }), (s, cuts) => {
      const bytes = [...Buffer.from(s, 'utf8')];
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const bounds = [0, ...points, bytes.length];
      const tokens = [];
      for (let i = 0; i + 1 < bounds.length; i++) {
        tokens.push({
          token: '?',
          bytes: bytes.slice(bounds[i], bounds[i + 1]),
          logprob: -1,
          belowTopN: false,
          topLogprobs: [],
          offset: 0,
        });
      }
      const { text, offsets, ends } = decodeTokens(tokens);
      assert.equal(text, s);
      for (let i = 0; i < tokens.length; i++) {
        assert.ok(offsets[i] <= ends[i] && ends[i] <= text.length);
        if (i > 0) assert.ok(offsets[i - 1] <= offsets[i]);
      }
      // Spans lie in the text, in order, without overlap.
      const spans = lowConfidenceSpans(tokens, 0.5);
      for (let i = 0; i < spans.length; i++) {
        assert.ok(spans[i].start <= spans[i].end && spans[i].end <= text.length);
        if (i > 0) assert.ok(spans[i - 1].tokenEnd <= spans[i].tokenStart);
      }
    }),
    { numRuns: 500 },
  );
});
