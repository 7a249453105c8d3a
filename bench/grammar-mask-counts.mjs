// Ranks the masks of the native profiling driver (bench/grammar_profile.cpp) by instructions, not
// time: runs it under callgrind, counting only inside Matcher::fill_mask, with one profile dump per
// mask (the driver writes them), and prints the total, the mask checksum and the N costliest masks
// with the driver's per-mask work columns. Deterministic, so before / after a change compare
// exactly on a loaded machine.
//
//   node bench/grammar-profile-cases.mjs --vocab=llama3 --limit=40 > cases.txt
//   node bench/grammar-mask-counts.mjs TOKENIZER_JSON cases.txt [--top=30] [--only=SCHEMA_FILE]
//       [--driver=build/native/logitkit_grammar_profile]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const positional = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const args = Object.fromEntries(
  process.argv
    .slice(2)
    .filter((a) => a.startsWith('--'))
    .map((a) => {
      const [k, v] = a.replace(/^--/, '').split('=');
      return [k, v ?? 'true'];
    }),
);
if (positional.length !== 2) {
  console.error('usage: node bench/grammar-mask-counts.mjs TOKENIZER_JSON CASES [--top=30]');
  process.exit(2);
}
const top = Number(args.top ?? 30);
const driver = args.driver ?? join(root, 'build/native/logitkit_grammar_profile');
const dir = mkdtempSync(join(tmpdir(), 'mask-counts-'));
try {
  const out = execFileSync(
    'valgrind',
    [
      '--tool=callgrind',
      `--callgrind-out-file=${join(dir, 'callgrind.out')}`,
      '--toggle-collect=logitkit::grammar::Matcher::fill_mask*',
      driver,
      ...positional,
      '--dump-per-mask',
      ...(args.only ? [`--only=${args.only}`] : []),
    ],
    { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 1 << 28 },
  );
  const checksum = /mask checksum (\S+)/.exec(out)?.[1];
  const masks = [];
  for (const file of readdirSync(dir)) {
    const text = readFileSync(join(dir, file), 'utf8');
    const where = /^desc: Trigger: Client Request: (.*)$/m.exec(text)?.[1];
    const total = /^(?:summary|totals): (\d+)/m.exec(text)?.[1];
    if (where !== undefined && total !== undefined) masks.push({ where, ir: Number(total) });
  }
  masks.sort((a, b) => b.ir - a.ir);
  const sum = masks.reduce((s, m) => s + m.ir, 0);
  const at = (p) => masks[Math.min(masks.length - 1, Math.floor((1 - p) * masks.length))].ir;
  console.log(`mask checksum ${checksum}`);
  console.log(
    `fill_mask instructions: ${masks.length} masks, total ${sum}, p50 ${at(0.5)}, ` +
      `p99 ${at(0.99)}, max ${masks[0]?.ir ?? 0}`,
  );
  for (const m of masks.slice(0, top)) console.log(`${String(m.ir).padStart(12)}  ${m.where}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
