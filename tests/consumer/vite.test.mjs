// The packed package in the browser, through Vite 8: examples/vite-app (softmax and a seeded
// sample on the page) and examples/worker (a seeded generation loop in a module Web Worker), each
// copied outside the repository, installed with the tarball, and opened in headless Chromium from
// `vite build` + `vite preview` and from the dev server. The browser's numbers must equal the ones
// Node computes with the same installed package.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, openProbe, WASM_MAGIC } from './support/browser.mjs';
import { pack, ROOT } from './support/pack.mjs';
import { node, npm } from './support/run.mjs';
import {
  copyExample,
  installWithTarball,
  makeScratch,
  readManifest,
  removeScratch,
} from './support/scratch.mjs';
import { startVite } from './support/vite.mjs';

const REFERENCE = fileURLToPath(new URL('fixtures/reference/', import.meta.url));
const EXAMPLES = ['vite-app', 'worker'];
const MODES = [
  { name: 'vite build + vite preview', command: 'preview' },
  { name: 'vite dev server', command: 'dev' },
];

let scratch;
let browser;
const dirs = {};
const servers = new Set();

before(async () => {
  scratch = makeScratch('vite');
  const { tarball } = await pack(scratch);
  for (const name of EXAMPLES) {
    const dir = copyExample(name, scratch);
    const { scripts, devDependencies } = readManifest(dir);
    // The commands each README documents are the ones run here.
    assert.deepEqual(
      scripts,
      { dev: 'vite', build: 'vite build', preview: 'vite preview' },
      `${name} scripts`,
    );
    assert.equal(
      devDependencies.vite,
      readManifest(ROOT).devDependencies.vite,
      `${name} uses the repo's Vite`,
    );
    await installWithTarball(dir, tarball);
    await npm(['run', 'build'], { cwd: dir });
    dirs[name] = dir;
  }
  browser = await launchChromium();
});

after(async () => {
  await Promise.all([...servers].map((server) => server.stop()));
  await browser?.close();
  removeScratch(scratch);
});

/** Runs a fixtures/reference script in an example's directory, so it imports that install of logitkit. */
async function reference(example, script, input) {
  copyFileSync(join(REFERENCE, script), join(dirs[example], script));
  return JSON.parse((await node([script, JSON.stringify(input)], { cwd: dirs[example] })).stdout);
}

/** Serves an example, opens it, runs `check(probe)`, then asserts a clean load of valid .wasm. */
async function onPage(t, example, command, check) {
  const server = await startVite(dirs[example], command);
  servers.add(server);
  const probe = await openProbe(browser, server.url);
  try {
    await check(probe);
    const wasm = await probe.wasmResponses();
    assert.ok(wasm.length > 0, 'the page fetched a .wasm');
    t.diagnostic(`fetched ${wasm.map((response) => new URL(response.url).pathname).join(', ')}`);
    for (const response of wasm) {
      assert.deepEqual(
        { status: response.status, type: response.type, magic: response.magic },
        { status: 200, type: 'application/wasm', magic: WASM_MAGIC },
        response.url,
      );
    }
    assert.deepEqual(probe.problems, []);
  } finally {
    await probe.close();
    await server.stop();
    servers.delete(server);
  }
}

for (const example of EXAMPLES) {
  // Both builds of the kernels and of the grammar engine: Vite copies every `new URL(literal,
  // import.meta.url)`; the grammar's module is fetched only on the first grammar call.
  test(`${example}: vite build emits both .wasm builds as WebAssembly`, () => {
    const assets = join(dirs[example], 'dist/assets');
    const wasm = readdirSync(assets).filter((file) => file.endsWith('.wasm'));
    assert.deepEqual(wasm.map((file) => file.replace(/-[\w-]{8}\.wasm$/, '.wasm')).sort(), [
      'logitkit-baseline.wasm',
      'logitkit-grammar-baseline.wasm',
      'logitkit-grammar-simd.wasm',
      'logitkit-simd.wasm',
    ]);
    for (const file of wasm)
      assert.equal(
        readFileSync(join(assets, file)).subarray(0, 4).toString('hex'),
        WASM_MAGIC,
        file,
      );
  });
}

for (const { name, command } of MODES) {
  test(`vite-app, ${name}: softmax of [8, 6, 5, -1] and seeded samples equal Node's`, (t) =>
    onPage(t, 'vite-app', command, async (probe) => {
      const first = await probe.result();
      assert.equal(first.error, undefined);
      assert.ok(Math.abs(first.probs[0] - 0.843707) < 5e-7, `p(Paris) = ${first.probs[0]}`);
      assert.equal(first.simd, true, 'Chromium runs the SIMD build');
      const settings = [
        { temperature: 1, seed: 42 },
        { temperature: 3, seed: 2026 },
        { temperature: 3, seed: 7 },
      ];
      for (const { temperature, seed } of settings) {
        await probe.page.fill('input[name=temperature]', String(temperature));
        await probe.page.fill('input[name=seed]', String(seed));
        const shown = await probe.result({ temperature, seed });
        const expected = await reference('vite-app', 'paris.mjs', {
          logits: shown.logits,
          temperature,
          seed,
        });
        assert.deepEqual(
          { probs: shown.probs, token: shown.token, logprob: shown.logprob },
          expected,
          `T = ${temperature}, seed ${seed}`,
        );
      }
    }));

  test(`worker, ${name}: a module worker samples the same tokens as Node for the same seed`, (t) =>
    onPage(t, 'worker', command, async (probe) => {
      let answered = await probe.result(); // the page samples once on load, with the seed in the form
      assert.equal(answered.error, undefined);
      for (const seed of [answered.request.sampling.seed, 99]) {
        if (seed !== answered.request.sampling.seed) {
          await probe.page.fill('input[name=seed]', String(seed));
          await probe.page.click('button');
          answered = await probe.result({
            request: { ...answered.request, sampling: { ...answered.request.sampling, seed } },
          });
        }
        assert.equal(answered.error, undefined);
        assert.equal(answered.simd, true);
        assert.equal(answered.tokens.length, answered.request.steps);
        assert.deepEqual(
          answered.tokens,
          await reference('worker', 'generate.mjs', answered.request),
          `seed ${seed}`,
        );
      }
    }));
}
