// Innermost loops of a function's x64 code and what is in them: shared by bench/v8-loops.mjs
// (V8's TurboFan code for the SIMD module) and bench/native-loops.mjs (g++'s for the native
// build). Both hand over Intel-syntax instructions as { offset, text }, offsets from the
// function's start, a branch written `jcc 0x<address> <+0x<offset>>`.

/**
 * Innermost loops: a backward branch and its target, containing no other such range. A backward
 * `jmp` right after a call is out-of-line code (a stack check or trap stub) jumping back, not a
 * loop.
 */
export function innermostLoops(instructions) {
  const loops = [];
  instructions.forEach((x, i) => {
    const branch = /^(j\w*)\s+0x[0-9a-f]+\s+<\+0x([0-9a-f]+)>/.exec(x.text);
    if (!branch) return;
    const target = parseInt(branch[2], 16);
    if (target > x.offset) return;
    const stub =
      branch[1] === 'jmp' &&
      instructions.slice(Math.max(0, i - 3), i).some((y) => /^call/.test(y.text));
    if (!stub) loops.push({ from: target, to: x.offset });
  });
  return loops.filter((l) => !loops.some((o) => o !== l && o.from >= l.from && o.to <= l.to));
}

/**
 * Prints each innermost loop of one function: instructions, vector loads and stores (vector
 * instructions reading or writing memory other than the stack frame, a load folded into an
 * arithmetic instruction included), and stack accesses (spills, reloads and operands read from
 * the frame), `stack` naming the frame's registers. DUMP=1 prints the
 * loops' instructions.
 */
export function printLoops(name, instructions, stack = /\[rbp[-+]/) {
  console.log(`${name}: ${instructions.length} instructions`);
  for (const loop of innermostLoops(instructions)) {
    const body = instructions.filter((x) => x.offset >= loop.from && x.offset <= loop.to);
    const count = (re) => body.filter((x) => re.test(x.text)).length;
    const memory = (x) => /\[/.test(x) && !stack.test(x);
    const vector = body.filter((x) => /[xyz]mm\d/.test(x.text));
    const [dest, source] = [
      (x) => x.text.split(',')[0],
      (x) => x.text.split(',').slice(1).join(','),
    ];
    const loads = vector.filter((x) => memory(source(x))).length;
    const stores = vector.filter((x) => memory(dest(x))).length;
    console.log(
      `  loop +0x${loop.from.toString(16)}..+0x${loop.to.toString(16)}: ${body.length} instructions, ` +
        `${loads} vector loads, ${stores} vector stores, ${count(stack)} stack accesses`,
    );
    if (process.env.DUMP) for (const x of body) console.log(`    ${x.text}`);
  }
}
