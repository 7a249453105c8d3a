// Float64 references for the sampler chain's stages, written from the reference implementations'
// formulas: HF transformers logits_process.py (top-p, min-p, typical, epsilon, eta, no-repeat
// n-gram, sequence bias, suppress tokens, min length), llama.cpp llama-sampling.cpp (top-n-sigma,
// XTC, temp_ext, mirostat, DRY, penalties) and vLLM (bad words, allowed ids, the prompt/output
// penalty split). Candidates are { id, z } with z the current (scaled) logit; a filter returns the
// candidates it keeps. Ties are ordered by lower id (logitkit's rule). Versions read: see
// stack-reference.mjs, which ports each stack's whole pipeline on top of these stages.
import { ORDER_PRESETS, STAGES, isProcessor } from '../../dist/sampling/stages.js';

// The stage names and the two orders are the library's own (the tables test holds them to the C++
// side); what this file re-implements is each stage's formula.
export { STAGES };
export const LLAMA_ORDER = ORDER_PRESETS['llama.cpp'];

/** vLLM's order (v1 Sampler.forward): processors, temperature, min_p, then top_k and top_p. */
export const VLLM_ORDER = STAGES.filter((s) => s !== 'minP').flatMap((s) =>
  s === 'temperature' ? [s, 'minP'] : [s],
);
/** The orders by preset name, vLLM's stated here from its source. */
export const ORDERS = { hf: STAGES, 'llama.cpp': LLAMA_ORDER, vllm: VLLM_ORDER };

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
const maxLogit = (c) => c.reduce((m, x) => Math.max(m, x.z), -Infinity);
export function probs(c) {
  const m = maxLogit(c);
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
// HF TopKLogitsWarper (`scores < topk(scores, max(k, min_keep))[-1]` removed) and vLLM
// apply_top_k_top_p (`logits_sort < k-th` masked): every token tied with the k-th is kept.
export function topKTies(c, k, minKeep) {
  if (k <= 0) return c;
  const s = sortDesc(c);
  const kth = s[Math.min(Math.max(k, minKeep), s.length) - 1].z;
  return s.filter((x) => x.z >= kth);
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
// The candidates by |-log p - H| (ties: the order), with their probabilities.
function byTypicality(c) {
  const s = sortDesc(c),
    pr = probs(s);
  const ent = -pr.reduce((h, p) => (p > 0 ? h + p * Math.log(p) : h), 0);
  const shifted = pr.map((p) => Math.abs(-Math.log(p) - ent));
  const ord = s.map((_, i) => i).sort((a, b) => shifted[a] - shifted[b] || a - b);
  return { s, pr, shifted, ord };
}
// HF TypicalLogitsWarper.
export function typical(c, mass, minKeep) {
  if (mass >= 1) return c;
  const { s, pr, shifted, ord } = byTypicality(c);
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
// llama.cpp llama_sampler_typical_apply: the same order, cut at the first position whose
// cumulative probability exceeds p (and at least min_keep), with no extension to ties.
export function typicalLlama(c, mass, minKeep) {
  if (mass >= 1) return c;
  const { s, pr, ord } = byTypicality(c);
  let cum = 0,
    last = ord.length;
  for (let i = 0; i < ord.length; i++) {
    cum += pr[ord[i]];
    if (cum > mass && (minKeep === 0 || i >= minKeep - 1)) {
      last = i + 1;
      break;
    }
  }
  return ord.slice(0, last).map((i) => s[i]);
}
// HF keeps `scores >= topk(scores, min_keep)[-1]`: with `ties`, every token tied with the
// min_keep-th; without, exactly the first min_keep of the order (logitkit's default rule).
function cutoff(c, threshold, minKeep, ties) {
  const s = sortDesc(c),
    pr = probs(s);
  const kth = s[Math.min(minKeep, s.length) - 1].z;
  return s.filter((x, i) => pr[i] >= threshold || i < minKeep || (ties && x.z >= kth));
}
export const epsilon = (c, eps, minKeep, ties = false) =>
  eps > 0 ? cutoff(c, eps, minKeep, ties) : c;
export const eta = (c, eps, minKeep, ties = false) =>
  eps > 0 ? cutoff(c, Math.min(eps, Math.sqrt(eps) * Math.exp(-entropy(c))), minKeep, ties) : c;
export function topNSigma(c, n) {
  if (!(n > 0) || c.length <= 1) return c;
  const max = maxLogit(c);
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
const lastN = (h, n) => (n < 0 ? h : h.slice(Math.max(0, h.length - n)));
/** Repetition penalty, once per distinct token of `seen`: z / r if z > 0, else z * r. */
export function repetition(z, seen, rep) {
  for (const t of new Set(seen)) z[t] = z[t] > 0 ? z[t] / rep : z[t] * rep;
}
/** OpenAI presence / frequency: z -= frequency * count + presence * [count > 0], over `counted`. */
export function presenceFrequency(z, counted, freq, pres) {
  const count = new Map();
  for (const t of counted) count.set(t, (count.get(t) ?? 0) + 1);
  for (const [t, n] of count) z[t] -= n * freq + (n > 0 ? pres : 0);
}
/** llama.cpp llama_sampler_penalties_apply: both over the last `n` of one history. */
export function penalties(z, h, n, rep, freq, pres) {
  const w = lastN(h, n);
  repetition(z, w, rep);
  presenceFrequency(z, w, freq, pres);
}
/** vLLM apply_penalties: repetition over prompt and output, presence / frequency over the output. */
export function penaltiesSplit(z, prompt, output, n, rep, freq, pres) {
  repetition(z, lastN([...prompt, ...output], n), rep);
  presenceFrequency(z, lastN(output, n), freq, pres);
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
// vLLM _apply_bad_words_single_batch (a word needs len(word) - 1 tokens of history) or, with
// `whole`, HF SequenceBiasLogitsProcessor (a sequence longer than input_ids is skipped).
function endsWith(h, prefix) {
  const tail = h.slice(h.length - prefix.length);
  return prefix.length === 0 || prefix.every((t, i) => t === tail[i]);
}
export function badWords(z, h, words, whole = false) {
  for (const w of words) {
    if (w.length > h.length + (whole && w.length > 1 ? 0 : 1)) continue;
    if (endsWith(h, w.slice(0, -1))) z[w[w.length - 1]] = -Infinity;
  }
}
/** HF SequenceBiasLogitsProcessor: pairs [tokens, bias]; the last pair of equal sequences wins. */
export function sequenceBias(z, h, pairs) {
  const bias = new Map(pairs.map(([seq, b]) => [seq.join(','), [seq, b]]));
  const add = new Map();
  for (const [seq, b] of bias.values()) {
    if (seq.length > 1 && (seq.length > h.length || !endsWith(h, seq.slice(0, -1)))) continue;
    const last = seq[seq.length - 1];
    add.set(last, (add.get(last) ?? 0) + b);
  }
  for (const [t, b] of add) z[t] += b;
}
/** HF SuppressTokensLogitsProcessor, and SuppressTokensAtBegin at the first generated position. */
export function suppress(z, ids) {
  for (const t of ids) z[t] = -Infinity;
}
/**
 * The stop-token bans: HF MinLength (prompt + output < min_length), MinNewTokensLength / vLLM
 * MinTokensLogitsProcessor (output < n), llama.cpp ignore_eos (always).
 */
export function stopTokenBans(z, o, prompt, output) {
  const ban =
    o.suppressStopTokens ||
    output.length < (o.minNewTokens ?? 0) ||
    prompt.length + output.length < (o.minLength ?? 0);
  if (ban) suppress(z, o.stopTokenIds ?? []);
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

/** A row operation applied to a candidate list (processors after a filter: llama.cpp's chains). */
function onCandidates(c, n, op) {
  const z = new Array(n).fill(-Infinity);
  for (const x of c) z[x.id] = x.z;
  op(z);
  return c.map((x) => ({ id: x.id, z: z[x.id] }));
}

/**
 * The reference chain for logitkit-style options: processors on the row, then the filters on the
 * candidate list, in `order` (an array, a preset name, or `o.order`). `mu` is mirostat's current
 * mu, `call` the sampler's call number (XTC's draw is Philox (seed, call, 1) unless `xtcU` gives
 * it). `history` is the output history; `prompt` the prompt tokens before it.
 *
 * `o.compat` selects the reference rules where the references differ:
 * - 'llama.cpp': stages missing from the order are dropped; processors may follow filters and then
 *   change only the remaining candidates; mirostat replaces the chain with [logitBias,
 *   temperature (plain), mirostat]; top-k ignores minTokensToKeep; typical-p cuts at the first
 *   position whose mass exceeds p, with no extension to ties.
 * - 'transformers': top-k, epsilon and eta keep every token tied with the k-th / min_keep-th; bad
 *   words and sequence biases longer than the history are skipped (HF SequenceBias).
 * - 'vllm': top-k keeps ties; the repetition penalty sees prompt and output, presence and frequency
 *   the output only; bad words see the output only.
 * - 'openai': presence and frequency see the output only.
 * The stop-token bans, suppressed tokens and sequence biases (HF / vLLM / llama.cpp processors) run
 * first, with logitBias: they only add biases or ban, so they commute with the other processors.
 */
export function referenceChain(
  z32,
  o,
  { history = [], prompt = [], mu = 2 * (o.mirostatTau ?? 5), call = 0, order, xtcU } = {},
) {
  const compat = o.compat;
  const output = history;
  const all = [...prompt, ...output];
  let stages = order ?? o.order ?? STAGES;
  if (typeof stages === 'string') stages = ORDERS[stages];
  const mirostatChain = compat === 'llama.cpp' && (o.mirostat ?? 0) !== 0;
  if (mirostatChain) stages = ['logitBias', 'temperature', 'mirostat'];
  const z = Array.from(z32);
  const n = z.length;
  const minKeep = o.minTokensToKeep ?? 1;
  const ties = compat === 'transformers' || compat === 'vllm';

  if (o.sequenceBias) sequenceBias(z, all, o.sequenceBias);
  if (o.suppressTokens) suppress(z, o.suppressTokens);
  if (o.beginSuppressTokens && output.length === 0) suppress(z, o.beginSuppressTokens);
  stopTokenBans(z, o, prompt, output);

  const processor = (stage, row) => {
    switch (stage) {
      case 'logitBias':
        for (const [t, b] of Object.entries(o.logitBias ?? {})) row[t] += b;
        break;
      case 'badWords':
        if (compat === 'vllm') badWords(row, output, o.badWordsIds ?? []);
        else badWords(row, all, o.badWordsIds ?? [], compat === 'transformers');
        break;
      case 'noRepeatNgram':
        noRepeatNgram(row, all, o.noRepeatNgramSize ?? 0);
        break;
      case 'penalties': {
        const lastN = o.penaltyLastN ?? 64;
        if (lastN === 0) break;
        const args = [
          lastN,
          o.repetitionPenalty ?? 1,
          o.frequencyPenalty ?? 0,
          o.presencePenalty ?? 0,
        ];
        if (compat === 'vllm' || compat === 'openai') penaltiesSplit(row, prompt, output, ...args);
        else penalties(row, all, ...args);
        break;
      }
      case 'dry':
        dry(
          row,
          all,
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
  };
  const candidates = () =>
    z
      .map((v, id) => ({ id, z: v }))
      .filter((x) => x.z !== -Infinity && (!o.allowedTokenIds || o.allowedTokenIds.includes(x.id)));

  let c = null;
  for (const stage of stages) {
    if (isProcessor(stage)) {
      if (c === null) processor(stage, z);
      else c = onCandidates(c, n, (row) => processor(stage, row));
      continue;
    }
    c ??= candidates();
    switch (stage) {
      case 'temperature':
        if (mirostatChain) c = temperature(c, o.temperature ?? 1);
        else if ((o.temperature ?? 1) !== 1 || (o.dynatempRange ?? 0) > 0)
          c = dynatemp(c, o.temperature ?? 1, o.dynatempRange ?? 0, o.dynatempExponent ?? 1);
        break;
      case 'topK':
        if (ties) c = topKTies(c, o.topK ?? 0, minKeep);
        else c = topK(c, o.topK ?? 0, compat === 'llama.cpp' ? 1 : minKeep);
        break;
      case 'topP':
        c = topP(c, o.topP ?? 1, minKeep);
        break;
      case 'minP':
        c = minP(c, o.minP ?? 0, minKeep);
        break;
      case 'typicalP':
        if (compat === 'llama.cpp') c = typicalLlama(c, o.typicalP ?? 1, minKeep);
        else c = typical(c, o.typicalP ?? 1, minKeep);
        break;
      case 'epsilon':
        c = epsilon(c, o.epsilonCutoff ?? 0, minKeep, compat === 'transformers');
        break;
      case 'eta':
        c = eta(c, o.etaCutoff ?? 0, minKeep, compat === 'transformers');
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
            xtcU ?? uniformStream(o.seed, call, 1),
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
  return sortDesc(c ?? candidates());
}
