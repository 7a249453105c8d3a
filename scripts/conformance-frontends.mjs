// Byte-level conformance of the JSON Schema front end on MaskBench-style data (a folder of
// {schema, tests: [{data, valid}]} files): each schema is converted to GBNF by the native front
// end, and the reference GBNF recognizer (tests/grammar/gbnf-reference.mjs) must accept every
// valid instance and reject every invalid one. Instances are written as JSON.stringify writes
// them (compact), and valid ones also with 2-space indentation (whitespace 'flexible'), with object
// members in the order the grammar fixes (tests/grammar/schema-order.mjs: JSON objects are
// unordered, and the test data does not always follow the schema's order).
//   node scripts/conformance-frontends.mjs DIR [--verbose] [--strict=false]
// Prints passing / unsupported (a clear compile error) / wrong / crash / timeout, and exits 1 on
// any wrong or crash.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFrontends } from '../tests/grammar/frontend-cli.mjs';
import { compileGbnf } from '../tests/grammar/gbnf-reference.mjs';
import { orderLike } from '../tests/grammar/schema-order.mjs';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
const verbose = args.includes('--verbose');
const strict = !args.includes('--strict=false');
if (!dir) {
  console.error('usage: node scripts/conformance-frontends.mjs DIR [--verbose] [--strict=false]');
  process.exit(2);
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const counts = { passing: 0, unsupported: 0, wrong: 0, crash: 0, timeout: 0 };
const instances = { accepted: 0, rejected: 0, wrongValid: 0, wrongInvalid: 0 };
const errorCodes = new Map();
const details = [];

const docs = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
const request = (doc) => ({ kind: 'schema', input: JSON.stringify(doc.schema), strict });
// One front-end process for all schemas; if it fails, one process per schema to find which.
const batch = runFrontends(docs.map(request), { timeoutMs: 600000 });

for (const [index, file] of files.entries()) {
  const doc = docs[index];
  const run =
    batch.results !== null
      ? { results: [batch.results[index]] }
      : runFrontends([request(doc)], { timeoutMs: 20000 });
  if (run.timedOut) {
    counts.timeout++;
    details.push(`${file}: timeout`);
    continue;
  }
  if (run.results === null) {
    counts.crash++;
    details.push(
      `${file}: crash (status ${run.status}, ${run.signal}) ${run.stderr.slice(0, 400)}`,
    );
    continue;
  }
  const result = run.results[0];
  if (!result.ok) {
    counts.unsupported++;
    const key = `${result.error.code} ${result.error.keyword}`;
    errorCodes.set(key, (errorCodes.get(key) ?? 0) + 1);
    if (verbose) details.push(`${file}: unsupported: ${result.error.message}`);
    continue;
  }
  let grammar;
  try {
    grammar = compileGbnf(result.gbnf, { root: result.root });
  } catch (e) {
    counts.crash++;
    details.push(`${file}: the reference rejects the grammar: ${e.message}`);
    continue;
  }
  const problems = [];
  if (verbose) process.stderr.write(`${index} ${file}\n`);
  for (const [i, t] of (doc.tests ?? []).entries()) {
    const data = orderLike(t.data, doc.schema);
    const texts = [JSON.stringify(data)];
    if (t.valid) texts.push(JSON.stringify(data, null, 2));
    for (const text of texts) {
      const accepted = grammar.accepts(text);
      if (accepted) instances.accepted++;
      else instances.rejected++;
      if (accepted !== t.valid) {
        if (t.valid) instances.wrongValid++;
        else instances.wrongInvalid++;
        problems.push(`test ${i} (${t.valid ? 'valid' : 'invalid'}) ${text.slice(0, 200)}`);
        break;
      }
    }
  }
  if (problems.length > 0) {
    counts.wrong++;
    details.push(`${file}: wrong:\n    ${problems.join('\n    ')}`);
  } else {
    counts.passing++;
  }
}

const total = files.length;
const pct = (n) => ((100 * n) / total).toFixed(1);
for (const line of details) console.log(line);
if (verbose) {
  console.log('unsupported, by error:');
  for (const [k, v] of [...errorCodes].sort((a, b) => b[1] - a[1])) console.log(`  ${v}  ${k}`);
}
console.log(
  `schemas: ${total}; passing ${counts.passing} (${pct(counts.passing)}%), unsupported ` +
    `${counts.unsupported} (${pct(counts.unsupported)}%), wrong ${counts.wrong}, crash ` +
    `${counts.crash}, timeout ${counts.timeout}`,
);
console.log(
  `instances: ${instances.accepted} accepted, ${instances.rejected} rejected; wrong: ` +
    `${instances.wrongValid} valid rejected, ${instances.wrongInvalid} invalid accepted`,
);
process.exit(counts.wrong + counts.crash > 0 ? 1 : 0);
