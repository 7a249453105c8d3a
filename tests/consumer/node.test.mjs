// The packed package in Node and TypeScript apps: one scratch project outside the repository with
// the tarball, typescript and @types/node installed from the registry, and the fixtures in
// fixtures/node-app/ (an ESM script, a CommonJS script, a TypeScript file and two tsconfigs).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ACCURACY } from '../js/contracts.mjs';
import { ROOT } from './support/pack.mjs';
import { node } from './support/run.mjs';
import { copyExample, readManifest, removeScratch, scratchApp } from './support/scratch.mjs';

const FIXTURE = fileURLToPath(new URL('fixtures/node-app/', import.meta.url));
const tools = readManifest(ROOT).devDependencies; // the same typescript and @types/node the repo uses

let scratch;
let app;
before(async () => {
  ({ scratch, app } = await scratchApp('node', FIXTURE, {
    typescript: tools.typescript,
    '@types/node': tools['@types/node'],
  }));
});
after(() => removeScratch(scratch));

/** softmax in float64, the reference the kernels are held to. */
function softmax64(logits) {
  const max = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

test('Node ESM: both builds load; softmax of [8, 6, 5, -1] and a seeded sample agree; errors are typed', async () => {
  const { stdout } = await node(['esm.mjs', '2026', '3'], { cwd: app });
  const facts = JSON.parse(stdout);
  assert.equal(facts.simd, facts.simdSupported);
  assert.equal(facts.baselineSimd, false);
  const reference = softmax64([8, 6, 5, -1]);
  assert.ok(Math.abs(facts.softmax[0] - 0.843707) < 5e-7, `p(Paris) = ${facts.softmax[0]}`);
  facts.softmax.forEach((p, i) =>
    assert.ok(
      Math.abs(p - reference[i]) <= ACCURACY.softmaxRelativeError * reference[i],
      `p[${i}] = ${p}`,
    ),
  );
  assert.deepEqual(facts.baselineSoftmax, facts.softmax);
  assert.deepEqual(
    facts.baselineSample,
    facts.sample,
    'the same seed gives the same draw on both builds',
  );
  assert.deepEqual(facts.rangeError, {
    isLogitkitRangeError: true,
    isRangeError: true,
    message: 'softmax: logits[1] is NaN',
  });
});

test('Node ESM: the .wasm subpath exports resolve to WebAssembly files; logitkit/logprobs parses a response', async () => {
  const facts = JSON.parse((await node(['esm.mjs', '1', '1'], { cwd: app })).stdout);
  assert.deepEqual(facts.wasmMagic, { simd: '0061736d', baseline: '0061736d' });
  assert.equal(facts.provider, 'openai-chat');
  assert.ok(Math.abs(facts.perplexity - Math.exp(0.2)) < 1e-12);
  assert.equal(facts.providers.length, 10); // PROVIDERS: the OpenAI three, Gemini, Ollama, llama.cpp, vLLM, SGLang, TGI, Cohere
});

test('CommonJS: require("logitkit") works where Node has require(esm), and otherwise says to use import()', async (t) => {
  const runs = [
    { label: 'this Node', flags: [], supported: process.features.require_module === true },
  ];
  // On a Node with require(esm), also check what users of an older Node 20 see.
  if (runs[0].supported)
    runs.push({
      label: 'require(esm) disabled',
      flags: ['--no-experimental-require-module'],
      supported: false,
    });
  for (const { label, flags, supported } of runs) {
    const facts = JSON.parse((await node([...flags, 'require.cjs'], { cwd: app })).stdout);
    assert.ok(
      Math.abs(facts.dynamicImport.softmax0 - 0.843707) < 5e-7,
      'await import() works from CommonJS',
    );
    if (supported) {
      assert.deepEqual(facts.require, { ok: true, softmax0: facts.dynamicImport.softmax0 });
    } else {
      assert.equal(facts.require.code, 'ERR_REQUIRE_ESM');
      assert.match(facts.require.message, /dynamic import\(\)/);
    }
    t.diagnostic(
      `${label}: require('logitkit') ${facts.require.ok ? 'works' : `throws ${facts.require.code}`}`,
    );
  }
});

for (const resolution of ['bundler', 'nodenext']) {
  test(`TypeScript ${tools.typescript}: tsc --strict --noEmit with moduleResolution ${resolution} and skipLibCheck off`, async () => {
    await node(
      [
        join(app, 'node_modules/typescript/bin/tsc'),
        '-p',
        `tsconfig.${resolution}.json`,
        '--strict',
        '--noEmit',
      ],
      { cwd: app },
    );
  });
}

test('examples/logprobs-report runs against the installed logitkit/logprobs', async () => {
  const example = copyExample('logprobs-report', app);
  // In the checkout the script may import the built files by path; an app imports the package.
  const script = join(example, 'report.mjs');
  const source = readFileSync(script, 'utf8').replace(
    /(['"])(\.\.\/)+dist\/logprobs\/index\.js\1/,
    "'logitkit/logprobs'",
  );
  assert.match(source, /from 'logitkit\/logprobs'/);
  writeFileSync(script, source);
  const { stdout } = await node([script, join(example, 'sample-openai.json')], { cwd: app });
  assert.match(stdout, /provider openai-chat, 1 choice\(s\)/);
  assert.match(stdout, /perplexity\s+1\.292/);
  assert.match(stdout, /low-confidence spans \(p < 0\.5\): 4/);
});
