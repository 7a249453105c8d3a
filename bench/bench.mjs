// `npm run bench`: logitkit's SIMD, baseline and native builds side by side with plain JS, in one
// run, at LLM vocabulary sizes. Prints microseconds per call, ns per element and ratios.
// A benchmark, not a test: the machine is shared and noisy, so compare ratios from one run.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { load } from '../dist/index.js';

const SIZES = [32000, 128256, 151936, 262144];
const NATIVE = new URL('../build/native/logitkit_native_bench', import.meta.url).pathname;

/** Inputs: normal(0, 1) logits, or "peaked": normal(-4, 2) with one dominant token at 12. */
function makeLogits(n, peaked) {
  let a = 12345;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const z = new Float32Array(n);
  for (let i = 0; i < n; i++) z[i] = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  if (peaked) {
    for (let i = 0; i < n; i++) z[i] = z[i] * 2 - 4;
    z[Math.floor(n / 3)] = 12;
  }
  return z;
}

/** Median microseconds per call over batches filling ~250 ms (at least 5 calls). */
function time(fn) {
  for (let i = 0; i < 3; i++) fn();
  const runs = [];
  const deadline = performance.now() + 250;
  while (runs.length < 5 || (performance.now() < deadline && runs.length < 2000)) {
    const t0 = performance.now();
    fn();
    runs.push((performance.now() - t0) * 1000);
  }
  runs.sort((x, y) => x - y);
  return runs[runs.length >> 1];
}

// Plain JS competitors: what an app writes without logitkit.
const js = {
  softmax(z, out) {
    let max = -Infinity;
    for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
    let sum = 0;
    for (let i = 0; i < z.length; i++) sum += out[i] = Math.exp(z[i] - max);
    const inv = 1 / sum;
    for (let i = 0; i < z.length; i++) out[i] *= inv;
    return out;
  },
  logSoftmax(z, out) {
    let max = -Infinity;
    for (let i = 0; i < z.length; i++) if (z[i] > max) max = z[i];
    let sum = 0;
    for (let i = 0; i < z.length; i++) sum += Math.exp(z[i] - max);
    const lse = max + Math.log(sum);
    for (let i = 0; i < z.length; i++) out[i] = z[i] - lse;
    return out;
  },
  topK(z, k) {
    const idx = Array.from(z, (_, i) => i).sort((a, b) => z[b] - z[a] || a - b);
    return idx.slice(0, k);
  },
  // softmax + full sort + cumulative top-p cut + draw: the usual JS top-p sampler.
  sampleTopP(z, temperature, topP, u) {
    const p = new Float32Array(z.length);
    js.softmax(z.map((v) => v / temperature), p);
    const idx = Array.from(p, (_, i) => i).sort((a, b) => p[b] - p[a]);
    let cum = 0;
    let cut = idx.length;
    for (let j = 0; j < idx.length; j++) {
      cum += p[idx[j]];
      if (cum >= topP) { cut = j + 1; break; }
    }
    let target = u * cum;
    for (let j = 0; j < cut; j++) if ((target -= p[idx[j]]) < 0) return idx[j];
    return idx[cut - 1];
  },
};

function nativeTimes(n, kind) {
  if (!existsSync(NATIVE)) return null;
  return JSON.parse(execFileSync(NATIVE, [String(n), kind], { encoding: 'utf8' }));
}

const fmt = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
const ratio = (a, b) => (a && b ? `${(a / b).toFixed(1)}x` : '-');

async function main() {
  const t0 = performance.now();
  const simd = await load({ simd: true });
  const loadSimdMs = performance.now() - t0;
  const t1 = performance.now();
  const baseline = await load({ simd: false });
  const loadBaselineMs = performance.now() - t1;
  const size = (f) => (statSync(new URL(`../dist/wasm/${f}`, import.meta.url)).size / 1024).toFixed(1);
  console.log(`logitkit benchmark — Node ${process.version}, ${new Date().toISOString().slice(0, 10)}`);
  console.log(`wasm sizes: simd ${size('logitkit-simd.wasm')} KiB, baseline ${size('logitkit-baseline.wasm')} KiB`);
  console.log(`load(): simd ${loadSimdMs.toFixed(1)} ms, baseline ${loadBaselineMs.toFixed(1)} ms (first load includes module compile)`);
  console.log('logitkit calls use LogitsBuffers (the zero-copy path). Ratios: competitor time / logitkit SIMD time.\n');

  const rows = [];
  for (const kind of ['random', 'peaked']) {
    for (const n of SIZES) {
      const z = makeLogits(n, kind === 'peaked');
      const native = nativeTimes(n, kind);
      const per = {};
      for (const lk of [simd, baseline]) {
        const buf = lk.allocLogits(n);
        const out = lk.allocLogits(n);
        buf.array.set(z);
        const sampler = lk.createSampler({ temperature: 0.8, topP: 0.95, seed: 1 });
        per[lk.simd ? 'simd' : 'baseline'] = {
          softmax: time(() => lk.softmax(buf, { out })),
          logSoftmax: time(() => lk.logSoftmax(buf, { out })),
          topK50: time(() => lk.topK(buf, 50)),
          sample: time(() => sampler.sample(buf)),
        };
        sampler.dispose();
        buf.dispose();
        out.dispose();
      }
      const scratch = new Float32Array(n);
      const plain = {
        softmax: time(() => js.softmax(z, scratch)),
        logSoftmax: time(() => js.logSoftmax(z, scratch)),
        topK50: time(() => js.topK(z, 50)),
        sample: time(() => js.sampleTopP(z, 0.8, 0.95, 0.5)),
      };
      for (const op of ['softmax', 'logSoftmax', 'topK50', 'sample']) {
        const s = per.simd[op];
        rows.push({
          logits: kind, V: n, op: op === 'sample' ? 'sample T=0.8 topP=0.95' : op,
          'simd': fmt(s), 'ns/elem': ((s * 1000) / n).toFixed(2),
          'baseline': fmt(per.baseline[op]), 'native': native ? fmt(native[op]) : 'n/a', 'plain JS': fmt(plain[op]),
          'JS/simd': ratio(plain[op], s), 'baseline/simd': ratio(per.baseline[op], s), 'simd/native': ratio(s, native?.[op]),
          'sample/softmax': op === 'sample' ? ratio(s, per.simd.softmax) : '',
        });
      }
    }
  }
  console.table(rows);
  if (!existsSync(NATIVE)) console.log('(native column: build/native/logitkit_native_bench is built by `npm test`)');

  const logprobsBench = new URL('./logprobs-bench.mjs', import.meta.url);
  if (existsSync(logprobsBench)) {
    const { benchLogprobs } = await import(logprobsBench.href);
    console.log('\nlogitkit/logprobs: a 10,000-token response with 20 alternatives per token');
    console.table(await benchLogprobs());
  }
}

await main();
