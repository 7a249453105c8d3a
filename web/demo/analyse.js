// Everything the page shows about one input, computed with the public logitkit API only.
//
// "Before filters" is softmax((logits + bias) / T): the distribution topK/topP/minP then cut.
// "After filters" is the sampler's final distribution, read exactly from lk.sample(..., { topLogprobs })
// (filtered tokens come back as -Infinity). Both lists are the top SHOWN tokens; the rest of the
// mass is reported as `others`, so each list plus others sums to 1.
import { readLogit } from './parse-logits.js';

export const SHOWN = 10;

/**
 * Resolves bias-editor rows to { [tokenIndex]: bias }. A row's token is a label (exact, then
 * ignoring surrounding spaces) or an index written 12 or #12. Incomplete rows are skipped;
 * rows that cannot be resolved are returned as problems: [{ row, message }].
 */
export function resolveBias(rows, labels) {
  const bias = {};
  const problems = [];
  const seen = new Map();
  rows.forEach((row, i) => {
    const token = row.token;
    if (token.trim() === '' || row.bias.trim() === '') return;
    let index = labels.indexOf(token);
    if (index < 0) index = labels.findIndex((l) => l.trim() === token.trim());
    const numeric = /^#?(\d+)$/.exec(token.trim());
    if (index < 0 && numeric) index = Number(numeric[1]);
    if (index < 0 || index >= labels.length) {
      problems.push({
        row: i,
        message: numeric
          ? `No token with index ${numeric[1]} (there are ${labels.length}).`
          : `No token ${JSON.stringify(token)}.`,
      });
      return;
    }
    const read = readLogit(row.bias);
    if ('problem' in read) {
      problems.push({ row: i, message: `Bias ${JSON.stringify(row.bias)} ${read.problem}.` });
      return;
    }
    if (seen.has(index)) {
      problems.push({
        row: i,
        message: `Token ${index} already has a bias in row ${seen.get(index) + 1}.`,
      });
      return;
    }
    seen.set(index, i);
    bias[index] = read.value;
  });
  return { bias, problems };
}

/** The lk.sample options for a state. */
export function samplingOptions(state, bias, seed, topLogprobs = 0) {
  return {
    temperature: state.temperature,
    topK: state.topK,
    topP: state.topP,
    minP: state.minP,
    logitBias: bias,
    seed,
    topLogprobs,
  };
}

/**
 * @returns {{ before, after, entropy }} where before/after = { rows: [{ index, label, p, logprob }], others, count }
 * Throws the library's typed errors (LogitkitRangeError etc.) for invalid options or logits.
 */
export function analyse(lk, { labels, logits }, state, bias) {
  const biased = Float32Array.from(logits);
  for (const [index, b] of Object.entries(bias)) biased[Number(index)] += b;
  const V = logits.length;
  const n = Math.min(SHOWN, V);
  const finite = biased.reduce((c, z) => c + (z > -Infinity ? 1 : 0), 0);

  // The sampler first: its errors name the option at fault (a bias that bans every token, say).
  const draw = lk.sample(logits, samplingOptions(state, bias, state.seed, n));
  const after = listOf(draw.topLogprobs.indices, draw.topLogprobs.logprobs, labels, draw.kept);

  const top = lk.topLogprobs(biased, n, { temperature: state.temperature });
  const before = listOf(top.indices, top.logprobs, labels, finite);
  const nats = lk.entropy(biased, { temperature: state.temperature });

  let afterNats = nats;
  if (draw.kept !== finite) {
    // The filtered distribution's entropy needs every kept token; they are its top `kept`.
    const all =
      draw.kept <= n
        ? draw.topLogprobs
        : lk.sample(logits, samplingOptions(state, bias, state.seed, draw.kept)).topLogprobs;
    afterNats = 0;
    for (const lp of all.logprobs) if (lp > -Infinity) afterNats -= Math.exp(lp) * lp;
  }
  return {
    before,
    after,
    entropy: {
      nats,
      bits: nats / Math.LN2,
      perplexity: Math.exp(nats),
      afterNats,
      afterBits: afterNats / Math.LN2,
      afterPerplexity: Math.exp(afterNats),
    },
  };
}

/** Rows for the tokens with nonzero probability; `others` is the mass of the `count - rows` not listed. */
function listOf(indices, logprobs, labels, count) {
  const rows = [];
  let sum = 0;
  for (let i = 0; i < indices.length; i++) {
    if (!(logprobs[i] > -Infinity)) continue;
    const p = Math.exp(logprobs[i]);
    sum += p;
    rows.push({ index: indices[i], label: labels[indices[i]], p, logprob: logprobs[i] });
  }
  const rest = count - rows.length;
  return { rows, others: rest > 0 ? { count: rest, p: Math.max(0, 1 - sum) } : null, count };
}

/** One seeded draw with the current settings; what Sample and Step show. */
export function draw(lk, logits, state, bias, seed) {
  return lk.sample(logits, samplingOptions(state, bias, seed));
}
