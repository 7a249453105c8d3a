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
import { runFrontends } from '../tests/grammar/frontend-cli.mjs';
import { compileGbnf } from '../tests/grammar/gbnf-reference.mjs';
import { orderLike } from '../tests/grammar/schema-order.mjs';
import { conformanceArgs, readSuite, Tally } from './conformance-tally.mjs';

const { dir, verbose, strict } = conformanceArgs('node scripts/conformance-frontends.mjs');
const suite = readSuite(dir);
const tally = new Tally(verbose);
const instances = { accepted: 0, rejected: 0, wrongValid: 0, wrongInvalid: 0 };
const request = (doc) => ({ kind: 'schema', input: JSON.stringify(doc.schema), strict });
// One front-end process for all schemas; if it fails, one process per schema to find which.
const batch = runFrontends(
  suite.map(({ doc }) => request(doc)),
  { timeoutMs: 600000 },
);

for (const [index, { file, doc }] of suite.entries()) {
  const run =
    batch.results !== null
      ? { results: [batch.results[index]] }
      : runFrontends([request(doc)], { timeoutMs: 20000 });
  if (run.timedOut) {
    tally.timeout(file, 'the front end ran past 20 s');
    continue;
  }
  if (run.results === null) {
    tally.crash(file, `status ${run.status}, ${run.signal}: ${run.stderr.slice(0, 400)}`);
    continue;
  }
  const result = run.results[0];
  if (!result.ok) {
    tally.unsupported(file, `${result.error.code} ${result.error.keyword}`, result.error.message);
    continue;
  }
  let grammar;
  try {
    grammar = compileGbnf(result.gbnf, { root: result.root });
  } catch (e) {
    tally.crash(file, `the reference rejects the grammar: ${e.message}`);
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
  if (problems.length > 0) tally.wrong(file, problems);
  else tally.passing();
}

process.exit(
  tally.report(
    `Front-end conformance (bytes, reference recognizer, strict: ${strict})`,
    `instances: ${instances.accepted} accepted, ${instances.rejected} rejected; wrong: ` +
      `${instances.wrongValid} valid rejected, ${instances.wrongInvalid} invalid accepted`,
  ),
);
