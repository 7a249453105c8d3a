// What the two JSON Schema conformance scripts share: the folder of MaskBench-style files, the
// per-schema verdicts (passing / unsupported / wrong / crash / timeout) and the summary they print.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Parses `DIR [--verbose] [--strict=false]`; exits with the usage line when DIR is missing. */
export function conformanceArgs(usage) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => !a.startsWith('--'));
  if (!dir) {
    console.error(`usage: ${usage} DIR [--verbose] [--strict=false]`);
    process.exit(2);
  }
  return { dir, verbose: args.includes('--verbose'), strict: !args.includes('--strict=false') };
}

/** The suite's files, sorted by name, each as { file, doc }. */
export function readSuite(dir) {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((file) => ({ file, doc: JSON.parse(readFileSync(join(dir, file), 'utf8')) }));
}

export class Tally {
  constructor(verbose) {
    this.verbose = verbose;
    this.counts = { passing: 0, unsupported: 0, wrong: 0, crash: 0, timeout: 0 };
    this.reasons = new Map();
    this.details = [];
    this.started = performance.now();
  }
  passing() {
    this.counts.passing++;
  }
  unsupported(file, reason, message) {
    this.counts.unsupported++;
    this.reasons.set(reason, (this.reasons.get(reason) ?? 0) + 1);
    if (this.verbose) this.details.push(`${file}: unsupported: ${message}`);
  }
  wrong(file, problems) {
    this.counts.wrong++;
    this.details.push(`${file}: wrong:\n    ${problems.join('\n    ')}`);
  }
  crash(file, message) {
    this.counts.crash++;
    this.details.push(`${file}: crash: ${message}`);
  }
  timeout(file, message) {
    this.counts.timeout++;
    this.details.push(`${file}: timeout: ${message}`);
  }
  /** Prints the details and the summary; returns the exit status (1 on any wrong or crash). */
  report(title, instanceLine) {
    const c = this.counts;
    const total = c.passing + c.unsupported + c.wrong + c.crash + c.timeout;
    const pct = (n) => ((100 * n) / Math.max(total, 1)).toFixed(1);
    for (const line of this.details) console.log(line);
    if (this.verbose && this.reasons.size > 0) {
      console.log('unsupported, by error code and keyword:');
      for (const [k, v] of [...this.reasons].sort((a, b) => b[1] - a[1]))
        console.log(`  ${v}  ${k}`);
    }
    const seconds = ((performance.now() - this.started) / 1000).toFixed(0);
    console.log(
      `${title} over ${total} schemas in ${seconds} s: passing ${c.passing} (${pct(c.passing)}%), ` +
        `unsupported ${c.unsupported} (${pct(c.unsupported)}%), wrong ${c.wrong}, crash ` +
        `${c.crash}, timeout ${c.timeout}`,
    );
    console.log(instanceLine);
    return c.wrong + c.crash > 0 ? 1 : 0;
  }
}
