// Exports the whole distribution of the current input and settings: per token its index, label,
// logit, bias, probability before the filters (softmax of (z + bias) / T) and after them (the
// sampler's final distribution, exact from lk.sample's topLogprobs over every token).
import { samplingOptions } from './analyse.js';

function rowsOf(lk, { labels, logits }, state, bias) {
  const biased = Float32Array.from(logits);
  for (const [index, b] of Object.entries(bias)) biased[Number(index)] += b;
  const before = lk.softmax(biased, { temperature: state.temperature });
  const final = lk.sample(logits, samplingOptions(state, bias, state.seed, logits.length));
  const after = new Float64Array(logits.length);
  final.topLogprobs.indices.forEach((index, i) => {
    after[index] = Math.exp(final.topLogprobs.logprobs[i]);
  });
  return Array.from(logits, (logit, index) => ({
    index,
    token: labels[index],
    logit,
    bias: bias[index] ?? 0,
    pBefore: before[index],
    pAfter: after[index],
  }));
}

const csvField = (value) =>
  typeof value === 'string' && /[",\n\r]/.test(value)
    ? `"${value.replace(/"/g, '""')}"`
    : String(value);

/** CSV with a header row: index,token,logit,bias,p_before,p_after (−Infinity written as -Infinity). */
export function distributionCsv(lk, parsed, state, bias) {
  const lines = ['index,token,logit,bias,p_before,p_after'];
  for (const r of rowsOf(lk, parsed, state, bias))
    lines.push([r.index, r.token, r.logit, r.bias, r.pBefore, r.pAfter].map(csvField).join(','));
  return `${lines.join('\n')}\n`;
}

/** JSON: { options (the lk.sample options), tokens: [{ index, token, logit, bias, pBefore, pAfter }] }. */
export function distributionJson(lk, parsed, state, bias) {
  const options = samplingOptions(state, bias, state.seed);
  delete options.topLogprobs;
  const tokens = rowsOf(lk, parsed, state, bias);
  // JSON has no -Infinity (a masked or banned token): it is written as the string "-Infinity".
  const text = JSON.stringify(
    { options, tokens },
    (key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value),
    2,
  );
  return `${text}\n`;
}

/** Saves `text` as a file through the browser's download. */
export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
