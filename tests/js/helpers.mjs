// Shared by the JS tests: both builds, float64 references, deterministic test data and the checks
// of a draw against a reference chain.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import {
  fromLlamaCpp,
  fromOpenAI,
  fromTransformers,
  fromVllm,
  load,
  LogitkitRangeError,
} from '../../dist/index.js';
import { probs } from './chain-reference.mjs';

/** Asserts that `fn` throws a LogitkitRangeError whose argument is `argument`. */
export function assertRangeError(fn, argument) {
  assert.throws(fn, (e) => e instanceof LogitkitRangeError && e.argument === argument, argument);
}

/** The profile functions by name. */
export const PROFILES = { fromLlamaCpp, fromTransformers, fromVllm, fromOpenAI };

const PROFILE_FIXTURES = new URL('../fixtures/profiles/', import.meta.url);
/** The real config files of tests/fixtures/profiles/: their names, and one parsed. */
export const profileFixtureFiles = () => readdirSync(PROFILE_FIXTURES);
export const profileFixture = (name) =>
  JSON.parse(readFileSync(new URL(name, PROFILE_FIXTURES), 'utf8'));

/**
 * A loader of both builds (`loadOne({ simd })` for each), loading them once per test file:
 * resolves to { simd, baseline, both: [simd, baseline] }.
 */
export function loadOncePerBuild(loadOne) {
  let builds;
  return async () => {
    builds ??= Promise.all([loadOne({ simd: true }), loadOne({ simd: false })]);
    const [simd, baseline] = await builds;
    return { simd, baseline, both: [simd, baseline] };
  };
}

/** The SIMD and baseline builds, loaded once per test file. */
export const loadBoth = loadOncePerBuild(load);

/** mulberry32: a small seeded PRNG for test data (not the library's generator). */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Normal(0, sigma) logits as a Float32Array. */
export function normalLogits(n, sigma, seed) {
  const next = rng(seed);
  const z = new Float32Array(n);
  for (let i = 0; i < n; i++)
    z[i] = sigma * Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return z;
}

/** softmax(z / T) in float64. */
export function refSoftmax(z, t = 1) {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  const p = Array.from(z, (v) => Math.exp((v - max) / t));
  const s = p.reduce((a, b) => a + b, 0);
  return p.map((v) => v / s);
}

export function refLogSumExp(z, t = 1) {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  let s = 0;
  for (const v of z) s += Math.exp((v - max) / t);
  return max / t + Math.log(s);
}

/** Indices ordered by (value desc, index asc). */
export function order(z) {
  return Array.from(z, (_, i) => i).sort((a, b) => z[b] - z[a] || a - b);
}

/** Float64 reference of the kept prefix length for topK / topP / minP (the README's Stages semantics). */
export function refKept(
  z,
  { temperature = 1, topK = 0, topP = 1, minP = 0, minTokensToKeep = 1 } = {},
) {
  const n = z.length;
  const ord = order(z);
  const p = refSoftmax(z, temperature);
  const keepMin = Math.min(Math.max(minTokensToKeep, 1), n);
  let kept = n;
  if (topK > 0 && topK < n) kept = Math.max(topK, keepMin);
  if (topP < 1) {
    let mass = 0;
    for (let j = 0; j < kept; j++) mass += p[ord[j]];
    let cum = 0;
    let len = kept;
    for (let j = 0; j < kept; j++) {
      cum += p[ord[j]];
      if (cum >= topP * mass) {
        len = j + 1;
        break;
      }
    }
    kept = Math.min(kept, Math.max(len, keepMin));
  }
  if (minP > 0) {
    let c = 0;
    while (c < kept && p[ord[c]] >= minP * p[ord[0]]) c++;
    if (c < kept) kept = Math.max(c, keepMin);
  }
  return { kept, ord, p };
}

/** Chi-square statistic of counts against expected probabilities (cells with p > 0). */
export function chiSquare(counts, probs, draws) {
  let chi = 0;
  probs.forEach((p, i) => {
    if (p > 0) chi += (counts[i] - draws * p) ** 2 / (draws * p);
  });
  return chi;
}

/**
 * One draw of a sampler whose top list covers the whole vocabulary (topLogprobs = V): the result
 * and the kept set, token id -> final logprob (the entries at -Infinity are filtered out).
 */
export function observe(sampler, z) {
  const r = sampler.sample(z);
  const kept = new Map();
  r.topLogprobs.indices.forEach((id, j) => {
    if (r.topLogprobs.logprobs[j] !== -Infinity) kept.set(id, r.topLogprobs.logprobs[j]);
  });
  return { r, kept };
}

/**
 * Asserts that `kept` (observe's map, id -> logprob) is a reference's candidate list `want` (most
 * probable first): the same ids, each logprob within 2e-5 of the reference's.
 */
export function assertKept(kept, want, where) {
  assert.deepEqual(
    [...kept.keys()].sort((a, b) => a - b),
    want.map((x) => x.id).sort((a, b) => a - b),
    `${where}: kept set`,
  );
  const p = probs(want);
  want.forEach((x, i) => {
    if (p[i] > 1e-30)
      assert.ok(Math.abs(kept.get(x.id) - Math.log(p[i])) <= 2e-5, `${where}: logprob of ${x.id}`);
  });
}

/**
 * Checks one observed draw ({ r, kept } from observe()) against a reference's kept candidates
 * `want` ({ id, z }, most probable first): assertKept, and the drawn token among them. With
 * `ordered`, also the top list's order, the drawn token's rank and its logprob (within 2e-5);
 * with `counted`, also the result's kept count.
 */
export function assertMatches({ r, kept }, want, where, { ordered = false, counted = false } = {}) {
  assertKept(kept, want, where);
  if (ordered) {
    const p = probs(want);
    want.forEach((x, i) => {
      assert.equal(r.topLogprobs.indices[i], x.id, `${where}: top list order at ${i}`);
      if (x.id === r.token) {
        assert.equal(r.rank, i + 1, `${where}: rank`);
        assert.ok(Math.abs(r.logprob - Math.log(p[i])) <= 2e-5, `${where}: token logprob`);
      }
    });
  }
  assert.ok(
    want.some((x) => x.id === r.token),
    `${where}: token ${r.token} not kept`,
  );
  if (counted) assert.equal(r.kept, want.length, `${where}: kept count`);
}

/**
 * Issue 13 item 1's llama.cpp request with mirostat 2 (and the samplers mirostat skips), on `z`
 * after one output token (history [0]): `want` are the logprobs of ids 0..6 llama.cpp gives.
 */
export const LLAMA_MIROSTAT_CASE = {
  config: {
    temperature: 0.8,
    top_k: 40,
    top_p: 0.95,
    min_p: 0.05,
    repeat_penalty: 1.1,
    mirostat: 2,
    mirostat_tau: 5,
    mirostat_eta: 0.1,
  },
  z: [2, 1.5, 1, 0, -1, -2, -3, -4],
  history: [0],
  want: [-0.661, -1.286, -1.911, -3.161, -4.411, -5.661, -6.911],
};
