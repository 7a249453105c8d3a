// Development tool: g++'s x64 code for the native benchmark build (build/native/logitkit_native_bench,
// -O3 -march=native, the build the "within 1.15x native" target times), summarised per innermost
// loop of the functions whose names match a pattern, as bench/v8-loops.mjs does for V8's code of
// the SIMD module: put side by side, they show where V8's loop does more than g++'s (spills,
// address arithmetic, loop overhead). Needs objdump (binutils) and the native build.
//
//   node bench/native-loops.mjs ['regexp on C++ names']     [DUMP=1 prints every loop's instructions]
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { printLoops } from './loops.mjs';

const BINARY = fileURLToPath(new URL('../build/native/logitkit_native_bench', import.meta.url));
const DEFAULT_PATTERN =
  'floor_softmax|exp_store_sum|weights_store_sum|sum_exp|scan_logits|scan_max|logitkit::softmax|log_softmax|log_sum_exp|logitkit::entropy';

function main() {
  if (!existsSync(BINARY))
    throw new Error('build/native/logitkit_native_bench is missing (bash scripts/build-native.sh)');
  const pattern = new RegExp(process.argv[2] ?? DEFAULT_PATTERN);
  const text = execFileSync('objdump', ['-d', '-C', '-M', 'intel', '--no-show-raw-insn', BINARY], {
    encoding: 'utf8',
    maxBuffer: 1 << 30,
  });
  for (const block of text.split(/\n(?=[0-9a-f]+ <)/)) {
    const head = /^([0-9a-f]+) <(.*)>:$/m.exec(block);
    if (!head || !pattern.test(head[2])) continue;
    const start = parseInt(head[1], 16);
    const instructions = [];
    for (const line of block.split('\n').slice(1)) {
      const m = /^\s*([0-9a-f]+):\s+(.*)$/.exec(line);
      if (!m) continue;
      // In V8's notation: no operand-size words, a branch as `jcc 0x<address> <+0x<offset>>`.
      const insn = m[2]
        .trim()
        .replace(/\s+/, ' ')
        .replace(/\b[A-Z]+WORD PTR |\bDWORD PTR |\bBYTE PTR /g, '')
        .replace(/^(j\w*) ([0-9a-f]+) <.*>$/, (_, op, to) => {
          const target = parseInt(to, 16);
          return `${op} 0x${to} <+0x${(target - start).toString(16)}>`;
        });
      instructions.push({ offset: parseInt(m[1], 16) - start, text: insn });
    }
    printLoops(head[2], instructions, /\[r[bs]p[-+\]]/);
  }
}

main();
