// `npm run bench`: logitkit (SIMD and baseline in this process, native in a subprocess) side by
// side with @tensorflow/tfjs-backend-wasm, @huggingface/transformers and plain JS, in one Node
// process, at LLM vocabulary sizes, on random and peaked logits. Prints µs per call, ns per
// element, ratios, and the performance targets (targets.mjs) as MET / NOT MET.
// A benchmark, not a test: the machine may be shared and noisy, so compare ratios from one run.
//
//   node bench/bench.mjs [--sizes=32000,128256] [--json=results.json] [--no-logprobs]
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { load } from '../dist/index.js';
import { KINDS, makeLogits } from './inputs.mjs';
import { jsImplementation, logitkitImplementation, timeLoads } from './implementations.mjs';
import { loadTfjs, loadTransformers } from './load-competitors.mjs';
import { addNativeTimes } from './native.mjs';
import { renderRun } from './report.mjs';
import { measureConfig } from './suite.mjs';
import { evaluateTargets } from './targets.mjs';

const DEFAULT_SIZES = [32000, 128256, 151936, 262144, 1048576];

function parseArgs(argv) {
  const args = { sizes: DEFAULT_SIZES, json: null, logprobs: true };
  for (const arg of argv) {
    if (arg.startsWith('--sizes=')) args.sizes = arg.slice(8).split(',').map(Number);
    else if (arg.startsWith('--json=')) args.json = arg.slice(7);
    else if (arg === '--no-logprobs') args.logprobs = false;
    else throw new Error(`bench: unknown argument ${arg}`);
  }
  if (!args.sizes.every((n) => Number.isInteger(n) && n > 50))
    throw new Error('bench: --sizes takes integers > 50');
  return args;
}

const wasmKiB = (file) => statSync(new URL(`../dist/wasm/${file}`, import.meta.url)).size / 1024;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  // The machine may be shared: the 1/5/15-minute load averages say how quiet it was.
  const loadAtStart = loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
  const { simd, baseline, loadMs } = await timeLoads(load);
  const sizes = {
    simd: wasmKiB('logitkit-simd.wasm'),
    baseline: wasmKiB('logitkit-baseline.wasm'),
  };
  const [tf, hf] = [await loadTfjs(), await loadTransformers()];
  const implementations = [
    logitkitImplementation(simd, 'simd', 'logitkit SIMD'),
    logitkitImplementation(baseline, 'baseline', 'logitkit baseline'),
    jsImplementation(),
    tf,
    hf,
  ];

  console.log(
    `logitkit benchmark — Node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} logical CPUs), ${new Date().toISOString()}`,
  );
  for (const impl of [tf, hf])
    console.log(impl.unavailable ? `n/a: ${impl.unavailable}` : `competitor: ${impl.info}`);
  console.log(
    `wasm sizes: simd ${sizes.simd.toFixed(1)} KiB, baseline ${sizes.baseline.toFixed(1)} KiB`,
  );
  console.log(
    `load(): simd ${loadMs.simdCold.toFixed(1)} ms cold / ${loadMs.simdWarm.toFixed(1)} ms warm; baseline ${loadMs.baselineCold.toFixed(1)} ms cold / ${loadMs.baselineWarm.toFixed(1)} ms warm`,
  );
  console.log(
    'logitkit runs on LogitsBuffers (the zero-copy path); each time is the median of several runs.\n',
  );

  const configs = [];
  const total = KINDS.length * args.sizes.length;
  for (const kind of KINDS) {
    for (const n of args.sizes) {
      process.stderr.write(`[${configs.length + 1}/${total}] ${kind} V=${n}\n`);
      const z = makeLogits(n, kind);
      const config = await measureConfig({ z, kind, implementations });
      addNativeTimes(config, n, kind);
      configs.push(config);
    }
  }

  console.log(
    renderRun(
      configs,
      'Performance targets (Node), checked at V = 128256 and 262144 on random and peaked logits:',
      evaluateTargets({ configs, wasmKiB: sizes, loadMs }),
    ),
  );
  if (args.json)
    writeFileSync(
      args.json,
      JSON.stringify(
        { node: process.version, date: new Date().toISOString(), sizes, loadMs, configs },
        null,
        2,
      ),
    );

  const logprobsBench = new URL('./logprobs-bench.mjs', import.meta.url);
  if (args.logprobs && existsSync(logprobsBench)) {
    const { benchLogprobs } = await import(logprobsBench.href);
    console.log(
      '\nlogitkit/logprobs: a 10,000-token response with 20 alternatives per token (µs, median)',
    );
    console.table(await benchLogprobs());
  }
  console.log(
    `\nbench: done in ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadAtStart} at the start, ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} at the end`,
  );
}

await main();
