// Worst cases must not fall off a cliff (issues 3 and 9): the pathological inputs a model or an
// API can produce, timed against the ordinary random input at the same V. A benchmark, not a test: it prints times and ratios. `node bench/pathological.mjs`.
import { load } from '../dist/index.js';
import { makeLogits } from './inputs.mjs';
import { measure } from './timing.mjs';

const V = 128256;

/** Each case: a name, logits, and sampling options (the draw that is timed with them). */
function cases() {
  const random = makeLogits(V, 'random');
  const allEqual = new Float32Array(V).fill(0.5);
  const singleFinite = new Float32Array(V).fill(-Infinity);
  singleFinite[V >> 1] = 3;
  const heavyTies = random.map((v) => (v > 0 ? 1 : 0)); // two values, ~64k tokens each
  const base = { temperature: 0.8, topP: 0.95 };
  return [
    ['random (reference)', random, base],
    ['all-equal logits', allEqual, base],
    ['one finite logit, the rest -Infinity', singleFinite, base],
    ['heavy ties (two values)', heavyTies, base],
    ['temperature 1e-6', random, { ...base, temperature: 1e-6 }],
    ['temperature 1e6', random, { ...base, temperature: 1e6 }],
    ['topP 1e-6', random, { ...base, topP: 1e-6 }],
    ['topP 1 (off)', random, { ...base, topP: 1 }],
    ['topK 50 + topP 0.95', random, { ...base, topK: 50 }],
  ];
}

const lk = await load();
const buf = lk.allocLogits(V);
const out = lk.allocLogits(V);
const rows = [];
let reference;
for (const [name, logits, options] of cases()) {
  buf.array.set(logits);
  const sampler = lk.createSampler({ ...options, seed: 1 });
  const softmax = measure(() => lk.softmax(buf, { out, temperature: options.temperature })).us;
  const topK = measure(() => lk.topK(buf, 50)).us;
  const sample = measure(() => sampler.sample(buf)).us;
  sampler.dispose();
  reference ??= { softmax, topK, sample };
  rows.push({
    case: name,
    'softmax µs': softmax.toFixed(1),
    'x ref': (softmax / reference.softmax).toFixed(2),
    'topK(50) µs': topK.toFixed(1),
    'x ref ': (topK / reference.topK).toFixed(2),
    'sample µs': sample.toFixed(1),
    'x ref  ': (sample / reference.sample).toFixed(2),
  });
}
buf.dispose();
out.dispose();
console.log(
  `Pathological inputs at V = ${V}, logitkit ${lk.simd ? 'SIMD' : 'baseline'} (sample: temperature 0.8, topP 0.95 unless stated)`,
);
console.table(rows);
