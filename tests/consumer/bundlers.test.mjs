// The packed package through the bundlers the README names, each as the README says to use it:
// esbuild (ESM and iife bundles for the browser, a CommonJS bundle for Node) and webpack 5, built
// in a scratch project outside the repository, served over http and opened in headless Chromium
// (Node runs the Node bundle). Each build must compute the article's softmax within the float64
// bound and draw the same seeded token as Node, or, where the README says a way cannot work
// (load() alone in an iife or CommonJS bundle, a .wasm the bundler did not copy), fail with a
// LogitkitStateError that says what to do. Vite is tested in vite.test.mjs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../../scripts/serve.mjs';
import { launchChromium, openProbe } from './support/browser.mjs';
import { node } from './support/run.mjs';
import { removeScratch, scratchApp } from './support/scratch.mjs';

const FIXTURE = fileURLToPath(new URL('fixtures/bundler-app/', import.meta.url));
// The bundler versions tested (installed into the scratch project only; the repo does not use them).
const TOOLS = { esbuild: '0.28.2', webpack: '5.112.2' };
const LOGITS = [8, 6, 5, -1];
const SAMPLING = { temperature: 0.8, topP: 0.95, seed: 42 };

let scratch;
let app;
let browser;
let server;
let expected;

before(async () => {
  ({ scratch, app } = await scratchApp('bundlers', FIXTURE, TOOLS));
  const { load } = await import('../../dist/index.js');
  const lk = await load();
  const { token, logprob } = lk.sample(LOGITS, SAMPLING);
  expected = { token, logprob };
  browser = await launchChromium();
  server = await startStaticServer({ mounts: { '/': app }, port: 0 });
});

after(async () => {
  await browser?.close();
  await server?.close();
  removeScratch(scratch);
});

/** softmax in float64, the reference the kernels are held to. */
function softmax64(logits) {
  const max = Math.max(...logits);
  const exps = logits.map((z) => Math.exp(z - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function assertComputed(result, label) {
  assert.equal(result.error, undefined, `${label}: ${result.name}: ${result.error}`);
  softmax64(LOGITS).forEach((p, i) =>
    assert.ok(Math.abs(result.probs[i] - p) <= 2e-6 * p, `${label}: p[${i}] = ${result.probs[i]}`),
  );
  assert.deepEqual(
    { token: result.token, logprob: result.logprob },
    expected,
    `${label}: Node's seeded draw`,
  );
}

/** Runs esbuild's CLI from the scratch install. */
function esbuild(args) {
  return node([join(app, 'node_modules/esbuild/bin/esbuild'), ...args], { cwd: app });
}

/** Bundles `entry` for the browser into the served directory `name` (see pageDir). */
async function bundlePage(name, entry, format, extra = []) {
  const dir = pageDir(name, format);
  await esbuild([entry, '--bundle', `--format=${format}`, ...extra, `--outfile=${dir}/main.js`]);
  return dir;
}

/** A served directory `name` holding index.html for a bundle of `format` ('esm' or 'iife'). */
function pageDir(name, format) {
  const dir = join(app, name);
  mkdirSync(dir, { recursive: true });
  const html = readFileSync(join(app, 'index.html'), 'utf8');
  writeFileSync(
    join(dir, 'index.html'),
    html.replace('%TYPE%', format === 'esm' ? 'module' : 'text/javascript'),
  );
  return dir;
}

function copyWasmInto(dir) {
  cpSync(join(app, 'node_modules/logitkit/dist/wasm'), join(dir, 'wasm'), {
    recursive: true,
    filter: (path) => !path.endsWith('.mjs'),
  });
}

/** Opens a served directory and returns its result, and the paths of the .wasm it fetched. */
async function openPage(name) {
  const probe = await openProbe(browser, `${server.url}${name}/`);
  try {
    const result = await probe.result();
    const wasm = (await probe.wasmResponses()).filter((response) => response.status === 200);
    for (const response of wasm) {
      assert.equal(response.type, 'application/wasm');
      assert.equal(response.magic, '0061736d');
    }
    return { result, problems: probe.problems, wasm: wasm.map((r) => new URL(r.url).pathname) };
  } finally {
    await probe.close();
  }
}

describe('esbuild', { timeout: 240_000 }, () => {
  test('ESM bundle of the quick start, with dist/wasm/ copied beside it: load() finds the .wasm', async () => {
    const dir = await bundlePage('esm-copied', 'src/default-url.js', 'esm');
    copyWasmInto(dir);
    const { result, problems, wasm } = await openPage('esm-copied');
    assertComputed(result, 'esm, dist/wasm copied');
    assert.deepEqual(problems, []);
    assert.deepEqual(wasm, ['/esm-copied/wasm/logitkit-simd.wasm']);
  });

  test('ESM bundle without the .wasm copied: a LogitkitStateError names the URL and the recipe', async () => {
    await bundlePage('esm-bare', 'src/default-url.js', 'esm');
    const { result } = await openPage('esm-bare');
    assert.equal(result.name, 'LogitkitStateError');
    assert.match(
      result.error,
      /\/esm-bare\/wasm\/logitkit-simd\.wasm: the server answered HTTP 404/,
    );
    assert.match(result.error, /README, "Install"/);
  });

  for (const format of ['esm', 'iife']) {
    test(`${format} bundle with the .wasm files imported through --loader:.wasm=file: a relative wasmUrl resolves against the page`, async () => {
      const dir = await bundlePage(`${format}-file-loader`, 'src/file-loader.js', format, [
        '--loader:.wasm=file',
      ]);
      // esbuild gives "./logitkit-simd-HASH.wasm": relative to the page, not to logitkit's own folder.
      assert.match(readFileSync(join(dir, 'main.js'), 'utf8'), /"\.\/logitkit-simd-\w+\.wasm"/);
      const { result, problems, wasm } = await openPage(`${format}-file-loader`);
      assertComputed(result, `${format}, file loader`);
      assert.deepEqual(problems, []);
      assert.match(wasm.join(), new RegExp(`^/${format}-file-loader/logitkit-simd-\\w+\\.wasm$`));
    });
  }

  test('iife bundle: load({ wasmBinary }) works, and load() alone is a LogitkitStateError that says what to do', async () => {
    const binaryDir = await bundlePage('iife-binary', 'src/wasm-binary.js', 'iife');
    copyWasmInto(binaryDir);
    const fromBytes = await openPage('iife-binary');
    assertComputed(fromBytes.result, 'iife, wasmBinary');
    assert.deepEqual(fromBytes.problems, []);

    await bundlePage('iife-default', 'src/default-url.js', 'iife');
    const bare = await openPage('iife-default');
    assert.equal(bare.result.name, 'LogitkitStateError');
    assert.match(bare.result.error, /no module URL \(import\.meta\.url is empty/);
    assert.match(bare.result.error, /load\(\{ simd, wasmUrl \}\)/);
    assert.deepEqual(bare.problems, [], 'it fetched nothing and logged nothing');
  });

  test('Node bundle (--platform=node, CommonJS): wasmBinary and a relative wasmUrl work; load() alone says what to do', async () => {
    await esbuild(['src/node.js', '--bundle', '--platform=node', '--outfile=out/node.cjs']);
    const run = async (how) => JSON.parse((await node(['out/node.cjs', how], { cwd: app })).stdout);
    assertComputed(await run('binary'), 'node, wasmBinary');
    assertComputed(
      await run('node_modules/logitkit/dist/wasm/logitkit-simd.wasm'),
      'node, wasmUrl relative to the current directory',
    );
    const bare = await run('default');
    assert.equal(bare.name, 'LogitkitStateError');
    assert.match(bare.error, /no module URL/);
  });
});

describe('webpack 5', { timeout: 240_000 }, () => {
  test('production build of the quick start: the .wasm is emitted as an asset and load() fetches it', async () => {
    const dir = pageDir('webpack', 'iife');
    const config = join(app, 'webpack.config.cjs');
    writeFileSync(
      config,
      `module.exports = ${JSON.stringify({
        mode: 'production',
        entry: './src/default-url.js',
        output: { path: dir, filename: 'main.js' },
      })};\n`,
    );
    const build = join(app, 'webpack-build.cjs');
    writeFileSync(
      build,
      `const webpack = require('webpack');
webpack(require('./webpack.config.cjs'), (error, stats) => {
  if (error || stats.hasErrors()) {
    console.error(error ?? stats.toString('errors-only'));
    process.exit(1);
  }
  console.log(JSON.stringify(stats.toJson({ all: false, assets: true }).assets.map((a) => a.name)));
});
`,
    );
    const assets = JSON.parse((await node([build], { cwd: app })).stdout);
    assert.ok(
      assets.some((name) => name.endsWith('.wasm')),
      `webpack emitted a .wasm: ${assets.join(', ')}`,
    );
    const { result, problems, wasm } = await openPage('webpack');
    assertComputed(result, 'webpack 5');
    assert.deepEqual(problems, []);
    assert.equal(wasm.length, 1);
  });
});
