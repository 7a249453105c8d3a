// The sampler chain's cost: a full chain (penalties over 64 tokens, temperature, topK, topP, minP)
// against a plain draw (temperature only) and the benchmark's `sample` (temperature + topP), at
// V = 128256 (and the other benchmark sizes), random and peaked logits, SIMD and baseline builds,
// on a LogitsBuffer (the zero-copy path), in one Node process. Target: chain <= 2x the plain draw.
//   node bench/chain-bench.mjs [--json] [V ...]
import { load } from '../dist/index.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const sizes = args.filter((a) => /^\d+$/.test(a)).map(Number);
const VS = sizes.length > 0 ? sizes : [32000, 128256, 151936, 262144];

// The same input distributions as bench/bench.mjs: normal(0, 1), or peaked: normal(-4, 2) with one
// dominant token at 12 (a mulberry32 stream; the numbers need not match the native bench's).
function logits(n, peaked, seed = 1) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const z = new Float32Array(n);
  for (let i = 0; i < n; i++)
    z[i] = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  if (peaked) {
    for (let i = 0; i < n; i++) z[i] = z[i] * 2 - 4;
    z[Math.floor(n / 3)] = 12;
  }
  return z;
}

// Median microseconds of f(), with setup() run untimed before each call.
function median(f, setup) {
  for (let i = 0; i < 5; i++) {
    setup();
    f();
  }
  const runs = [];
  const deadline = performance.now() + 300;
  while (runs.length < 15 || (performance.now() < deadline && runs.length < 2000)) {
    setup();
    const t0 = performance.now();
    f();
    runs.push((performance.now() - t0) * 1000);
  }
  runs.sort((x, y) => x - y);
  return runs[runs.length >> 1];
}

const CONFIGS = {
  plain: { temperature: 0.8 },
  topP: { temperature: 0.8, topP: 0.95 },
  chain: {
    repetitionPenalty: 1.1,
    presencePenalty: 0.5,
    frequencyPenalty: 0.2,
    penaltyLastN: 64,
    temperature: 0.8,
    topK: 40,
    topP: 0.95,
    minP: 0.05,
  },
  chainNoTopK: {
    repetitionPenalty: 1.1,
    presencePenalty: 0.5,
    frequencyPenalty: 0.2,
    penaltyLastN: 64,
    temperature: 0.8,
    topP: 0.95,
    minP: 0.05,
  },
  chainLlamaCpp: {
    order: 'llama.cpp',
    repetitionPenalty: 1.1,
    penaltyLastN: 64,
    temperature: 0.8,
    topK: 40,
    topP: 0.95,
    minP: 0.05,
  },
};

const rows = [];
for (const simd of [true, false]) {
  const lk = await load({ simd });
  for (const V of VS) {
    for (const peaked of [false, true]) {
      const buf = lk.allocLogits(V);
      buf.array.set(logits(V, peaked));
      const us = {};
      for (const [name, options] of Object.entries(CONFIGS)) {
        const sampler = lk.createSampler({ ...options, seed: 1 });
        // Steady state: the same 64-token history before every timed draw (a drawn token would
        // otherwise pile up penalties on a fixed row, which no real generation does).
        const history = () => {
          sampler.reset();
          for (let i = 0; i < 64; i++) sampler.accept((i * 2654435761) % V);
        };
        us[name] = median(() => sampler.sample(buf), history);
        sampler.dispose();
      }
      buf.dispose();
      rows.push({
        build: simd ? 'simd' : 'baseline',
        V,
        logits: peaked ? 'peaked' : 'random',
        ...Object.fromEntries(Object.entries(us).map(([k, v]) => [`${k}_us`, +v.toFixed(1)])),
        'chain/plain': +(us.chain / us.plain).toFixed(2),
        'chain/topP': +(us.chain / us.topP).toFixed(2),
        'chainNoTopK/plain': +(us.chainNoTopK / us.plain).toFixed(2),
      });
    }
  }
}

if (json) {
  console.log(JSON.stringify(rows));
} else {
  console.table(rows);
  const at128k = rows.filter((r) => r.V === 128256 && r.build === 'simd');
  const worst = Math.max(...at128k.map((r) => r['chain/plain']));
  if (at128k.length > 0) {
    console.log(
      `full chain (penalties, temperature, topK, topP, minP) at V = 128256, SIMD: at most ${worst}x a plain draw (target <= 2x): ${worst <= 2 ? 'met' : 'MISSED'}`,
    );
  }
}
