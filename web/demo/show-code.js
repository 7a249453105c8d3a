// "Show code": the lk.sample call the page makes for the current settings, as a developer would
// write it. Options at their defaults are left out, as they change nothing.
import { samplingOptions, SHOWN } from './analyse.js';

const INLINE_LOGITS = 64; // longer inputs are described, not printed

/** Source text: load, the logits (inline when short) and the exact lk.sample(...) call. */
export function sampleCode({ labels, logits }, state, bias) {
  const options = samplingOptions(state, bias, state.seed, Math.min(SHOWN, logits.length));
  const defaults = { temperature: 1, topK: 0, topP: 1, minP: 0 };
  const parts = [];
  for (const [key, value] of Object.entries(options)) {
    if (key in defaults && defaults[key] === value) continue;
    if (key === 'logitBias') {
      const entries = Object.entries(value);
      if (entries.length > 0)
        parts.push(`logitBias: { ${entries.map(([id, b]) => `${id}: ${number(b)}`).join(', ')} }`);
      continue;
    }
    parts.push(`${key}: ${number(value)}`);
  }
  const values =
    logits.length <= INLINE_LOGITS
      ? `new Float32Array([${Array.from(logits, number).join(', ')}])`
      : `new Float32Array(${logits.length}) /* your ${logits.length.toLocaleString('en')} logits */`;
  const named = labels.slice(0, 8).map((l) => JSON.stringify(l));
  return [
    "import { load } from 'logitkit';",
    '',
    'const lk = await load();',
    `const logits = ${values};${logits.length <= INLINE_LOGITS ? ` // ${named.join(', ')}${labels.length > 8 ? ', …' : ''}` : ''}`,
    `const result = lk.sample(logits, { ${parts.join(', ')} });`,
    '// result: { token, logprob, rawLogprob, kept, rank, topLogprobs }',
  ].join('\n');
}

function number(x) {
  if (x === -Infinity) return '-Infinity';
  return String(x);
}
