// Writes the inputs of bench/grammar_profile.cpp (the native profiling driver): the MaskBench
// schemas `npm run bench:grammar` uses (the same every-Nth selection) and their valid instances,
// tokenized by the model's own tokenizer exactly as the bench walks them. One schema per block:
//   S <schema JSON on one line>
//   I <token id> <token id> ...      (one line per valid instance)
//
//   node bench/grammar-profile-cases.mjs --vocab=llama3 [--limit=60] [--maskbench=DIR] > cases.txt
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { orderLike } from '../tests/grammar/schema-order.mjs';
import {
  decodeVocabulary,
  encodeExactly,
  tokenizerJsonText,
  withoutDummyPrefix,
} from '../tests/js/grammar-support.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const name = args.vocab ?? 'llama3';
const limit = Number(args.limit ?? 60);
const dir = [
  args.maskbench,
  join(root, '..', 'shared', 'maskbench'),
  join(root, '..', '..', 'shared', 'maskbench'),
].find((d) => d !== undefined && existsSync(d));
if (dir === undefined) throw new Error('no MaskBench folder (pass --maskbench=DIR)');
const vocab = decodeVocabulary(JSON.parse(tokenizerJsonText(name)));
const { fromPreTrained } = await import(`@lenml/tokenizer-${name}`);
const tokenizer = withoutDummyPrefix(fromPreTrained());
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const step = args.all ? 1 : Math.max(1, Math.floor(files.length / limit));
const lines = [];
for (let i = 0, n = 0; i < files.length && (args.all || n < limit); i += step, ++n) {
  const file = JSON.parse(readFileSync(join(dir, files[i]), 'utf8'));
  lines.push(`S ${files[i]} ${JSON.stringify(file.schema)}`);
  for (const t of file.tests ?? []) {
    if (!t.valid) continue;
    try {
      const ids = encodeExactly(tokenizer, vocab, JSON.stringify(orderLike(t.data, file.schema)));
      lines.push(`I ${ids.join(' ')}`);
    } catch {
      // not spelled exactly by the tokenizer: the bench skips these too
    }
  }
}
process.stdout.write(lines.join('\n') + '\n');
