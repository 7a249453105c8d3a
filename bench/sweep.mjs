// The benchmark's sweep, the same in Node (bench.mjs) and in Chromium (browser-bench.mjs): every
// input kind at every size, completed with the native times and instruction counts.
import { addInstructionCounts } from './instructions.mjs';
import { KINDS } from './inputs.mjs';
import { addNativeTimes } from './native.mjs';

/**
 * Every kind of bench/inputs.mjs at every size of `sizes`: `measure(n, kind)` resolves to that
 * configuration's results, to which the native times and instruction counts are added. Progress
 * goes to stderr. Resolves to the configurations in order (kinds outer, sizes inner).
 */
export async function measureSweep(sizes, measure) {
  const configs = [];
  const total = KINDS.length * sizes.length;
  for (const kind of KINDS) {
    for (const n of sizes) {
      process.stderr.write(`[${configs.length + 1}/${total}] ${kind} V=${n}\n`);
      const config = await measure(n, kind);
      addNativeTimes(config, n, kind);
      addInstructionCounts(config, n, kind);
      configs.push(config);
    }
  }
  return configs;
}
