// Development tool: the x64 code V8 (TurboFan) generates for logitkit's SIMD module, summarised
// per innermost loop of the functions whose names match a pattern: instructions, vector loads and
// stores, and stack accesses (spills). Deterministic, unlike times on a shared machine: use it to
// see what a kernel change does to the code that actually runs. Node only; needs build/wasm.
//
//   node bench/v8-loops.mjs ['regexp on C++ names']     [DUMP=1 prints every loop's instructions]
//
// The module is relinked from build/wasm's objects with --emit-symbol-map (names for the function
// indices); its functions compile to the same machine code as the shipped .wasm (same objects and
// flags; only the function order differs).
import { execFileSync, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { printLoops } from './loops.mjs';

const BUILD = fileURLToPath(new URL('../build/wasm/', import.meta.url));
const DEFAULT_PATTERN =
  'floor_softmax|exp_store_sum|weights_store_sum|sum_exp|scan_logits|::softmax|log_softmax|log_sum_exp|entropy';

/** Links the SIMD module with a symbol map into `dir`; returns index -> C++ name. */
function linkWithSymbols(dir) {
  const link = readFileSync(join(BUILD, 'CMakeFiles/logitkit-simd.dir/link.txt'), 'utf8').trim();
  const out = join(dir, 'logitkit-simd.mjs');
  execSync(link.replace('-o logitkit-simd.mjs', `--emit-symbol-map -o ${out}`), {
    cwd: BUILD,
    env: { ...process.env, NODE_PATH: process.env.NODE_PATH ?? '/usr/share/nodejs' },
    stdio: 'inherit',
  });
  const names = new Map();
  for (const line of readFileSync(`${out}.symbols`, 'utf8').split('\n')) {
    const m = /^(\d+):(.*)$/.exec(line);
    if (m) names.set(Number(m[1]), decodeURIComponent(m[2].replace(/\\([0-9a-f]{2})/g, '%$1')));
  }
  return names;
}

/** TurboFan's code for every function of the module at `dir`, as printed by V8. */
function disassemble(dir) {
  const script = `import { readFileSync } from 'node:fs';
const { default: factory } = await import(${JSON.stringify(join(dir, 'logitkit-simd.mjs'))});
await factory({ wasmBinary: readFileSync(${JSON.stringify(join(dir, 'logitkit-simd.wasm'))}), print() {}, printErr() {} });`;
  return execFileSync(
    process.execPath,
    [
      '--no-liftoff',
      '--no-wasm-lazy-compilation',
      '--print-wasm-code',
      '--input-type=module',
      '-e',
      script,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 30 },
  );
}

function main() {
  const pattern = new RegExp(process.argv[2] ?? DEFAULT_PATTERN);
  const dir = mkdtempSync(join(tmpdir(), 'logitkit-v8-'));
  try {
    const names = linkWithSymbols(dir);
    for (const block of disassemble(dir).split('--- WebAssembly code ---').slice(1)) {
      const index = Number(/^name: wasm-function\[(\d+)\]/m.exec(block)?.[1]);
      const name = names.get(index) ?? `wasm-function[${index}]`;
      if (!pattern.test(name)) continue;
      const instructions = [];
      for (const line of block.split('\n')) {
        const m = /^0x[0-9a-f]+\s+([0-9a-f]+)\s+[0-9a-f]+\s+(.*)$/.exec(line);
        if (m) instructions.push({ offset: parseInt(m[1], 16), text: m[2].trim() });
      }
      printLoops(name, instructions);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
