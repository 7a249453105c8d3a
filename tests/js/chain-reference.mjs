// Float64 references for the sampler chain's stages, written from the reference implementations'
// formulas: HF transformers logits_process.py (top-p, min-p, typical, epsilon, eta, no-repeat
// n-gram), llama.cpp llama-sampling.cpp (top-n-sigma, XTC, temp_ext, mirostat, DRY, penalties) and
// vLLM (bad words, allowed ids). Candidates are { id, z } with z the current (scaled) logit; a
// filter returns the candidates it keeps. Ties are ordered by lower id (logitkit's rule).
import { ORDER_PRESETS, STAGES, isProcessor } from '../../dist/sampling/stages.js';

// The stage names and the two orders are the library's own (the tables test holds them to the C++
// side); what this file re-implements is each stage's formula.
export { STAGES };
export const LLAMA_ORDER = ORDER_PRESETS['llama.cpp'];
const PROCESSOR_COUNT = STAGES.filter(isProcessor).length;

// ---- Philox4x32-10 and logitkit's documented streams (cpp/include/logitkit/streams.h) ----
const M0 = 0xd2511f53n,
  M1 = 0xcd9e8d57n,
  W0 = 0x9e3779b9,
  W1 = 0xbb67ae85;
export function philox(counter, k0, k1) {
  let [c0, c1, c2, c3] = counter;
  for (let r = 0; r < 10; r++) {
    const p0 = M0 * BigInt(c0),
      p1 = M1 * BigInt(c2);
    const n0 = (Number(p1 >> 32n) ^ c1 ^ k0) >>> 0,
      n1 = Number(p1 & 0xffffffffn);
    const n2 = (Number(p0 >> 32n) ^ c3 ^ k1) >>> 0,
      n3 = Number(p0 & 0xffffffffn);
    [c0, c1, c2, c3] = [n0, n1, n2, n3];
    k0 = (k0 + W0) >>> 0;
    k1 = (k1 + W1) >>> 0;
  }
  return [c0, c1, c2, c3];
}
/** uniform01_stream(seed, call, stream, index): stream 0 draw, 1 XTC, 2 Gumbel (index = token). */
export function uniformStream(seed, call, stream, index = 0) {
  const s = BigInt(seed);
  const w = philox(
    [call >>> 0, Math.floor(call / 2 ** 32) >>> 0, stream, index],
    Number(s & 0xffffffffn),
    Number(s >> 32n),
  );
  return ((w[0] >>> 5) * 2 ** 26 + (w[1] >>> 6)) / 2 ** 53;
}

// ---- candidates ----
export const sortDesc = (c) => [...c].sort((a, b) => b.z - a.z || a.id - b.id);
export function probs(c) {
  const m = Math.max(...c.map((x) => x.z));
  const e = c.map((x) => Math.exp(x.z - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
export function entropy(c) {
  return -probs(c).reduce((h, p) => (p > 0 ? h + p * Math.log(p) : h), 0);
}

export function temperature(c, t) {
  if (t <= 0) return sortDesc(c).slice(0, 1);
  return c.map((x) => ({ id: x.id, z: x.z / t }));
}
export function dynatemp(c, t, delta, exponent) {
  if (!(delta > 0)) return temperature(c, t);
  if (c.length <= 1) return c;
  const minT = Math.max(0, t - delta),
    maxT = t + delta;
  return temperature(c, minT + (maxT - minT) * Math.pow(entropy(c) / Math.log(c.length), exponent));
}
export function topK(c, k, minKeep) {
  if (k <= 0) return c;
  return sortDesc(c).slice(0, Math.max(k, minKeep));
}
export function topP(c, p, minKeep) {
  if (p >= 1) return c;
  const s = sortDesc(c),
    pr = probs(s);
  let cum = 0,
    len = s.length;
  for (let i = 0; i < s.length; i++) {
    cum += pr[i];
    if (cum >= p) {
      len = i + 1;
      break;
    }
  }
  return s.slice(0, Math.max(len, minKeep));
}
export function minP(c, mp, minKeep) {
  if (mp <= 0) return c;
  const s = sortDesc(c),
    pr = probs(s);
  let len = 0;
  while (len < s.length && pr[len] >= mp * pr[0]) len++;
  return s.slice(0, Math.max(len, minKeep));
}
// HF TypicalLogitsWarper.
export function typical(c, mass, minKeep) {
  if (mass >= 1) return c;
  const s = sortDesc(c),
    pr = probs(s);
  const ent = -pr.reduce((h, p) => (p > 0 ? h + p * Math.log(p) : h), 0);
  const shifted = pr.map((p) => Math.abs(-Math.log(p) - ent));
  const ord = s.map((_, i) => i).sort((a, b) => shifted[a] - shifted[b] || a - b);
  let cum = 0,
    lastInd = 0;
  for (const i of ord) {
    cum += pr[i];
    if (cum < mass) lastInd++;
  }
  lastInd = Math.min(lastInd, s.length - 1);
  const cut = shifted[ord[lastInd]];
  return ord.filter((i, q) => shifted[i] <= cut || q < minKeep).map((i) => s[i]);
}
function cutoff(c, threshold, minKeep) {
  const s = sortDesc(c),
    pr = probs(s);
  return s.filter((_, i) => pr[i] >= threshold || i < minKeep);
}
export const epsilon = (c, eps, minKeep) => (eps > 0 ? cutoff(c, eps, minKeep) : c);
export const eta = (c, eps, minKeep) =>
  eps > 0 ? cutoff(c, Math.min(eps, Math.sqrt(eps) * Math.exp(-entropy(c))), minKeep) : c;
export function topNSigma(c, n) {
  if (!(n > 0) || c.length <= 1) return c;
  const max = Math.max(...c.map((x) => x.z));
  const mean = c.reduce((a, x) => a + x.z, 0) / c.length;
  const sd = Math.sqrt(c.reduce((a, x) => a + (x.z - mean) ** 2, 0) / c.length);
  return c.filter((x) => !(x.z < max - n * sd));
}
export function xtc(c, probability, threshold, minKeep, u) {
  if (probability <= 0 || threshold > 0.5 || c.length < 2 || u > probability) return c;
  const s = sortDesc(c),
    pr = probs(s);
  let posLast = 0;
  for (let i = 0; i < s.length; i++) {
    if (pr[i] >= threshold) posLast = i;
    else break;
  }
  return s.length - posLast >= minKeep && posLast > 0 ? s.slice(posLast) : s;
}
export function mirostatV1(c, mu, m, nVocab) {
  const s = sortDesc(c),
    pr = probs(s);
  let a = 0,
    b = 0;
  for (let i = 0; i < m - 1 && i + 1 < s.length; i++) {
    const t = Math.log((i + 2) / (i + 1));
    a += t * Math.log(pr[i] / pr[i + 1]);
    b += t * t;
  }
  if (b === 0) return s;
  const sHat = a / b,
    e = sHat - 1;
  const k = Math.pow((e * 2 ** mu) / (1 - Math.pow(nVocab, -e)), 1 / sHat);
  return s.slice(0, Math.max(1, k >= nVocab ? nVocab : Math.floor(Math.max(k, 1))));
}
export function mirostatV2(c, mu) {
  const s = sortDesc(c),
    pr = probs(s);
  let len = 0;
  while (len < s.length && !(-Math.log2(pr[len]) > mu)) len++;
  return s.slice(0, Math.max(len, 1));
}

// ---- processors on the full row (z: number[]) ----
export function penalties(z, h, lastN, rep, freq, pres) {
  const w = lastN < 0 ? h : h.slice(Math.max(0, h.length - lastN));
  const count = new Map();
  for (const t of w) count.set(t, (count.get(t) ?? 0) + 1);
  for (const [t, n] of count) {
    z[t] = z[t] > 0 ? z[t] / rep : z[t] * rep;
    z[t] -= n * freq + (n > 0 ? pres : 0);
  }
}
export function noRepeatNgram(z, h, n) {
  if (n <= 0 || h.length + 1 < n) return;
  const key = (a) => a.join(',');
  const ngrams = new Map();
  for (let i = 0; i + n <= h.length; i++) {
    const k = key(h.slice(i, i + n - 1));
    ngrams.set(k, [...(ngrams.get(k) ?? []), h[i + n - 1]]);
  }
  for (const t of ngrams.get(key(h.slice(h.length - (n - 1)))) ?? []) z[t] = -Infinity;
}
export function badWords(z, h, words) {
  for (const w of words) {
    if (w.length > h.length + 1) continue;
    const prefix = w.slice(0, -1),
      tail = h.slice(h.length - prefix.length);
    if (prefix.every((t, i) => t === tail[i])) z[w[w.length - 1]] = -Infinity;
  }
}
// DRY by its definition (see tests/cpp/chain_reference.h).
export function dry(z, h, mult, base, allowed, lastN, breakers) {
  if (mult === 0 || base < 1 || lastN === 0) return;
  const L = lastN < 0 ? h.length : Math.min(h.length, lastN);
  if (L <= allowed) return;
  const w = h.slice(h.length - L);
  const rat = (i) => w[L - 1 - i];
  let repLimit = L;
  for (let i = 0; i < L; i++) {
    let longest = -1;
    for (const b of breakers) {
      const tail = b.length - 1;
      if (b[0] !== rat(i) || tail > i || tail <= longest) continue;
      let match = true;
      for (let k = 0; k < tail; k++) match = match && b[1 + k] === rat(i - k - 1);
      if (match) longest = tail;
    }
    if (longest >= 0) {
      repLimit = i - longest;
      break;
    }
  }
  if (repLimit < allowed) return;
  const best = new Map();
  for (let q = 0; q + 1 < L; q++) {
    let m = 0;
    while (m <= q && w[q - m] === w[L - 1 - m]) m++;
    m = Math.min(m, repLimit);
    if (m >= allowed) best.set(w[q + 1], Math.max(best.get(w[q + 1]) ?? 0, m));
  }
  const maxExp = base > 1.000001 ? Math.trunc(88.7228391 / Math.log(base)) : 0;
  for (const [t, m] of best) {
    if (breakers.some((b) => b.length === 1 && b[0] === t)) continue;
    let e = m - allowed;
    if (maxExp > 0 && e > maxExp) e = maxExp;
    z[t] -= mult * Math.pow(base, e);
  }
}

/**
 * The reference chain for logitkit-style options: processors on the row, then the filters on the
 * candidate list, in `order`. `mu` is mirostat's current mu, `call` the sampler's call number.
 */
export function referenceChain(
  z32,
  o,
  { history = [], mu = 2 * (o.mirostatTau ?? 5), call = 0, order = STAGES } = {},
) {
  const z = Array.from(z32);
  const n = z.length;
  const minKeep = o.minTokensToKeep ?? 1;
  let c = null;
  for (const stage of order) {
    switch (stage) {
      case 'logitBias':
        for (const [t, b] of Object.entries(o.logitBias ?? {})) z[t] += b;
        break;
      case 'badWords':
        badWords(z, history, o.badWordsIds ?? []);
        break;
      case 'noRepeatNgram':
        noRepeatNgram(z, history, o.noRepeatNgramSize ?? 0);
        break;
      case 'penalties':
        if ((o.penaltyLastN ?? 64) !== 0)
          penalties(
            z,
            history,
            o.penaltyLastN ?? 64,
            o.repetitionPenalty ?? 1,
            o.frequencyPenalty ?? 0,
            o.presencePenalty ?? 0,
          );
        break;
      case 'dry':
        dry(
          z,
          history,
          o.dryMultiplier ?? 0,
          o.dryBase ?? 1.75,
          o.dryAllowedLength ?? 2,
          o.dryPenaltyLastN ?? -1,
          o.drySequenceBreakers ?? [],
        );
        break;
      default:
        break;
    }
    if (STAGES.indexOf(stage) < PROCESSOR_COUNT) continue;
    c ??= z
      .map((v, id) => ({ id, z: v }))
      .filter((x) => x.z !== -Infinity && (!o.allowedTokenIds || o.allowedTokenIds.includes(x.id)));
    switch (stage) {
      case 'temperature':
        if ((o.temperature ?? 1) !== 1 || (o.dynatempRange ?? 0) > 0)
          c = dynatemp(c, o.temperature ?? 1, o.dynatempRange ?? 0, o.dynatempExponent ?? 1);
        break;
      case 'topK':
        c = topK(c, o.topK ?? 0, minKeep);
        break;
      case 'topP':
        c = topP(c, o.topP ?? 1, minKeep);
        break;
      case 'minP':
        c = minP(c, o.minP ?? 0, minKeep);
        break;
      case 'typicalP':
        c = typical(c, o.typicalP ?? 1, minKeep);
        break;
      case 'epsilon':
        c = epsilon(c, o.epsilonCutoff ?? 0, minKeep);
        break;
      case 'eta':
        c = eta(c, o.etaCutoff ?? 0, minKeep);
        break;
      case 'topNSigma':
        c = topNSigma(c, o.topNSigma ?? -1);
        break;
      case 'xtc':
        if ((o.xtcProbability ?? 0) > 0)
          c = xtc(
            c,
            o.xtcProbability,
            o.xtcThreshold ?? 0.1,
            minKeep,
            uniformStream(o.seed, call, 1),
          );
        break;
      case 'mirostat':
        if (o.mirostat === 1) c = mirostatV1(c, mu, o.mirostatM ?? 100, n);
        if (o.mirostat === 2) c = mirostatV2(c, mu);
        break;
      default:
        break;
    }
  }
  return sortDesc(c);
}
