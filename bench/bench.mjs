// `npm run bench`: logitkit (SIMD and baseline in this process, native in a subprocess) side by
// side with the floor kernel (bench/floor), @tensorflow/tfjs-backend-wasm,
// @huggingface/transformers and plain JS, in one Node process, at LLM vocabulary sizes, on random
// and peaked logits. Prints µs per call, ns and instructions per element, ratios, and the
// performance targets as MET / NOT MET.
// A benchmark, not a test: the machine may be shared and noisy, so compare ratios from one run.
//
//   node bench/bench.mjs [--sizes=32000,128256] [--json=results.json] [--no-logprobs]
//                        [--results=bench/RESULTS.md]
// --results writes that file in full and rewrites the README's benchmark table (bench/results.mjs).
import { execFileSync } from 'node:child_process';
import { existsSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { load } from '../dist/index.js';
import { makeLogits } from './inputs.mjs';
import { jsImplementation, logitkitImplementation, timeLoads } from './implementations.mjs';
import { loadFloor, loadTfjs, loadTransformers } from './load-competitors.mjs';
import { renderRun, renderSummary } from './report.mjs';
import { measureSweep } from './sweep.mjs';
import { writeResults } from './results.mjs';
import { measureConfig } from './suite.mjs';
import { evaluateInstructionTargets, evaluateTargets } from './targets.mjs';

const DEFAULT_SIZES = [32000, 128256, 151936, 262144, 1048576];

function parseArgs(argv) {
  const args = { sizes: DEFAULT_SIZES, json: null, results: null, logprobs: true };
  for (const arg of argv) {
    if (arg.startsWith('--sizes=')) args.sizes = arg.slice(8).split(',').map(Number);
    else if (arg.startsWith('--json=')) args.json = arg.slice(7);
    else if (arg.startsWith('--results=')) args.results = arg.slice(10);
    else if (arg === '--no-logprobs') args.logprobs = false;
    else throw new Error(`bench: unknown argument ${arg}`);
  }
  if (!args.sizes.every((n) => Number.isInteger(n) && n > 50))
    throw new Error('bench: --sizes takes integers > 50');
  return args;
}

// The machine as `lscpu` names it (os.cpus() where lscpu is missing).
function machine() {
  try {
    const text = execFileSync('lscpu', { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
    const field = (name) => new RegExp(`^${name}:\\s*(.+)$`, 'm').exec(text)?.[1].trim();
    return { model: field('Model name') ?? 'unknown', cpus: Number(field('CPU\\(s\\)')) };
  } catch {
    return { model: cpus()[0]?.model ?? 'unknown', cpus: cpus().length };
  }
}

// The commit measured, and whether the work tree differed from it.
function code() {
  const git = (...a) =>
    execFileSync('git', a, { encoding: 'utf8', cwd: new URL('..', import.meta.url) }).trim();
  try {
    return {
      commit: git('rev-parse', '--short', 'HEAD'),
      dirty: git('status', '--porcelain') !== '',
    };
  } catch {
    return { commit: 'unknown (not a git checkout)', dirty: false };
  }
}

const loadAverages = () => loadavg().map((l) => Number(l.toFixed(2)));

const wasmKiB = (file) => statSync(new URL(`../dist/wasm/${file}`, import.meta.url)).size / 1024;

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const started = performance.now();
  const startedAt = new Date().toISOString();
  // The machine may be shared: the 1/5/15-minute load averages say how quiet it was.
  const loadAtStart = loadAverages();
  const { simd, baseline, loadMs } = await timeLoads(load);
  const sizes = {
    simd: wasmKiB('logitkit-simd.wasm'),
    baseline: wasmKiB('logitkit-baseline.wasm'),
  };
  const [floor, tf, hf] = [await loadFloor(), await loadTfjs(), await loadTransformers()];
  const implementations = [
    floor,
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

  const configs = await measureSweep(args.sizes, (n, kind) =>
    measureConfig({ z: makeLogits(n, kind), kind, implementations }),
  );

  const targets = evaluateTargets({ configs, wasmKiB: sizes, loadMs });
  const instructionTargets = evaluateInstructionTargets({ configs });
  const text = [
    renderRun(
      configs,
      'Performance targets (Node), checked at V = 128256 and 262144 on random and peaked logits:',
      targets,
    ),
    '\nThe same ratios by instructions per element (native x86-64-v3, callgrind; deterministic):',
    renderSummary(instructionTargets),
  ].join('\n');
  console.log(text);
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
  const loadAtEnd = loadAverages();
  console.log(
    `\nbench: done in ${((performance.now() - started) / 1000).toFixed(0)} s; load average ${loadAtStart.join(' ')} at the start, ${loadAtEnd.join(' ')} at the end`,
  );
  if (args.results) {
    const run = {
      started: startedAt,
      finished: new Date().toISOString(),
      machine: machine(),
      load: { start: loadAtStart, end: loadAtEnd },
      node: process.version,
      code: code(),
      wasmKiB: sizes,
      competitors: [tf, hf].filter((impl) => !impl.unavailable).map((impl) => impl.info),
      configs,
      targets,
      instructionTargets,
      text,
    };
    writeResults(run, {
      resultsPath: args.results,
      readmePath: new URL('../README.md', import.meta.url),
      notesPath: new URL('./results-notes.md', import.meta.url),
    });
    console.log(`bench: wrote ${args.results} and the README's benchmark table`);
  }
}

await main();
