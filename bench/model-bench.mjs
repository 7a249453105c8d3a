// The in-browser model's speed in Node: tokens per second of the llama2.c engine (examples/model/)
// for the demo's default model and for a stories15M-shaped model with random weights (dim 288,
// 6 layers, 6 heads, hidden 768, vocabulary 32000, context 256), SIMD and baseline builds. Each
// token is one forward pass into a LogitsBuffer plus one draw from it (temperature 0.8, top-p 0.95),
// as the demo's worker runs them. A benchmark, not a test: on a shared machine compare ratios.
//
//   node bench/model-bench.mjs [--tokens=128] [--json=results.json]     (after bash scripts/build.sh)
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Generation, loadModelRuntime } from '../examples/model/index.js';
import {
  randomCheckpoint,
  randomTokenizer,
  STORIES_15M,
} from '../examples/model/random-checkpoint.js';

function parseArgs(argv) {
  const args = { tokens: 128, json: null };
  for (const arg of argv) {
    if (arg.startsWith('--tokens=')) args.tokens = Number(arg.slice(9));
    else if (arg.startsWith('--json=')) args.json = arg.slice(7);
    else throw new Error(`model-bench: unknown argument ${arg}`);
  }
  if (!Number.isInteger(args.tokens) || args.tokens < 8 || args.tokens > 250)
    throw new Error('model-bench: --tokens takes an integer in 8..250');
  return args;
}

const MODELS = [
  {
    name: 'default (KJV)',
    files: () => [
      readFileSync(new URL('../examples/model/kjv-model.bin', import.meta.url)),
      readFileSync(new URL('../examples/model/kjv-tokenizer.bin', import.meta.url)),
    ],
  },
  {
    name: 'stories15M shape, random weights',
    files: () => [randomCheckpoint(STORIES_15M), randomTokenizer(STORIES_15M.vocabSize)],
  },
];

/** Tokens per second over `tokens` steps from BOS, after one warm-up run; the best of `repeats`. */
function measure(runtime, model, tokens, repeats = 3) {
  const logits = runtime.lk.allocLogits(model.vocabSize);
  const ban = { 1: -Infinity, 2: -Infinity }; // never stop early at BOS/EOS: every run is `tokens` long
  const run = () => {
    const sampler = runtime.lk.createSampler({
      temperature: 0.8,
      topP: 0.95,
      seed: 1,
      logitBias: ban,
    });
    const generation = new Generation(model, logits, [1]);
    const start = performance.now();
    for (let i = 0; i < tokens; i++) generation.step(sampler);
    const ms = performance.now() - start;
    sampler.dispose();
    return ms;
  };
  run();
  let best = Infinity;
  for (let r = 0; r < repeats; r++) best = Math.min(best, run());
  logits.dispose();
  return { tokensPerSecond: (tokens * 1000) / best, msPerToken: best / tokens };
}

function parameters(c) {
  const kvDim = (c.dim / c.nHeads) * c.nKvHeads;
  return (
    c.vocabSize * c.dim * (c.sharedClassifier ? 1 : 2) +
    c.dim +
    c.nLayers * (2 * c.dim + 2 * c.dim * c.dim + 2 * kvDim * c.dim + 3 * c.hiddenDim * c.dim)
  );
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const runtimes = {
    simd: await loadModelRuntime({ simd: true }),
    baseline: await loadModelRuntime({ simd: false }),
  };
  console.log(
    `model-bench: Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, load average ${loadavg()[0].toFixed(2)}; ` +
      `${args.tokens} tokens from BOS per run, best of 3`,
  );
  const results = [];
  for (const spec of MODELS) {
    const [checkpoint, tokenizer] = spec.files();
    for (const [flavor, runtime] of Object.entries(runtimes)) {
      const model = runtime.loadModel(checkpoint, tokenizer);
      const r = measure(runtime, model, args.tokens);
      results.push({ model: spec.name, build: flavor, parameters: parameters(model.config), ...r });
      model.dispose();
    }
  }
  const rows = results.map((r) => [
    r.model,
    r.build,
    `${(r.parameters / 1e6).toFixed(2)}M`,
    r.tokensPerSecond.toFixed(1),
    r.msPerToken.toFixed(3),
  ]);
  const head = ['model', 'build', 'params', 'tokens/s', 'ms/token'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  for (const row of [head, widths.map((w) => '-'.repeat(w)), ...rows])
    console.log(
      row.map((v, i) => (i < 2 ? v.padEnd(widths[i]) : v.padStart(widths[i]))).join('  '),
    );
  for (const spec of MODELS) {
    const simd = results.find((r) => r.model === spec.name && r.build === 'simd');
    const base = results.find((r) => r.model === spec.name && r.build === 'baseline');
    console.log(
      `${spec.name}: SIMD is ${(simd.tokensPerSecond / base.tokensPerSecond).toFixed(2)}x the baseline build`,
    );
  }
  if (args.json)
    writeFileSync(
      args.json,
      `${JSON.stringify({ node: process.version, tokens: args.tokens, results }, null, 1)}\n`,
    );
}

await main();
