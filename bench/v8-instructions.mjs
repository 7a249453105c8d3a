// Development tool: instructions per element that V8's own code (TurboFan, x64) executes for each
// kernel, counted by valgrind on Node: the count for N2 calls minus the count for N1 calls of the
// same script, divided by (N2 - N1) * V. Deterministic to ~0.1% (`--predictable`, one thread,
// TurboFan only), unlike times on a shared machine, and it counts what actually runs: the JS
// wrapper and V8's generated code, not a native build. Slow (two Node runs under valgrind per
// kernel and configuration, ~1 min each). Node only; needs dist/ and valgrind.
//
//   node bench/v8-instructions.mjs [--sizes=128256] [--kinds=random,peaked] [--ops=floor,softmax]
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { renderTable } from './report.mjs';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OPS = ['floor', 'softmax', 'logSoftmax', 'logSumExp', 'entropy', 'sample'];
const CALLS = [2, 42];

// Sets up one kernel on the benchmark's logits and calls it `calls` times.
const DRIVER = `
const [n, kind, op, calls] = process.argv.slice(-4);
const { readFileSync } = await import('node:fs');
const { load } = await import(${JSON.stringify(join(ROOT, 'dist/index.js'))});
const { makeLogits } = await import(${JSON.stringify(join(ROOT, 'bench/inputs.mjs'))});
const { default: factory } = await import(${JSON.stringify(join(ROOT, 'dist/wasm/logitkit-simd.mjs'))});
const V = Number(n), z = makeLogits(V, kind);
const lk = await load({ simd: true });
const buf = lk.allocLogits(V), out = lk.allocLogits(V);
buf.array.set(z);
const sampler = lk.createSampler({ temperature: 0.8, topP: 0.95, seed: 1 });
const m = await factory({ wasmBinary: readFileSync(${JSON.stringify(join(ROOT, 'dist/wasm/logitkit-simd.wasm'))}) });
const a = m._malloc(V * 4), b = m._malloc(V * 4);
new Float32Array(m.HEAPU8.buffer, a, V).set(z);
const ops = {
  floor: () => m._benchFloorSoftmax(a, V, b),
  softmax: () => lk.softmax(buf, { out }),
  logSoftmax: () => lk.logSoftmax(buf, { out }),
  logSumExp: () => lk.logSumExp(buf),
  entropy: () => lk.entropy(buf),
  sample: () => sampler.sample(buf),
};
for (let i = 0; i < Number(calls); i++) ops[op]();
`;

async function countRun(n, kind, op, calls) {
  const dir = mkdtempSync(join(tmpdir(), 'logitkit-v8count-'));
  try {
    const file = join(dir, 'out');
    const driver = join(dir, 'driver.mjs');
    writeFileSync(driver, DRIVER);
    await run(
      'valgrind',
      [
        '--tool=callgrind',
        `--callgrind-out-file=${file}`,
        process.execPath,
        '--predictable',
        '--no-liftoff',
        '--no-wasm-tier-up',
        driver,
        String(n),
        kind,
        op,
        String(calls),
      ],
      { maxBuffer: 1 << 26, timeout: 1_800_000 },
    );
    return Number(/^summary: (\d+)/m.exec(readFileSync(file, 'utf8'))[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseArgs(argv) {
  const args = { sizes: [128256], kinds: ['random', 'peaked'], ops: OPS };
  for (const arg of argv) {
    const [key, value] = arg.replace(/^--/, '').split('=');
    if (!(key in args) || !value) throw new Error(`v8-instructions: unknown argument ${arg}`);
    args[key] = value.split(',').map((v) => (key === 'sizes' ? Number(v) : v));
  }
  return args;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const rows = [];
  for (const kind of args.kinds) {
    for (const n of args.sizes) {
      const row = [kind, n];
      for (const op of args.ops) {
        process.stderr.write(`${kind} V=${n} ${op}\n`);
        // Two runs at a time (the machine has two cores).
        const [low, high] = await Promise.all(CALLS.map((c) => countRun(n, kind, op, c)));
        row.push(((high - low) / ((CALLS[1] - CALLS[0]) * n)).toFixed(2));
      }
      rows.push(row);
    }
  }
  console.log(
    "instructions per element in V8's code (valgrind on Node, TurboFan, x64; includes the JS wrapper)",
  );
  console.log(renderTable(['logits', 'V', ...args.ops], rows));
}

await main();
