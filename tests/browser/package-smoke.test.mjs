// The package's own ESM (dist/index.js, no bundler) runs in Chromium from localhost, and a seeded
// sample draws the same token there as in Node.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../../scripts/serve.mjs';
import { launchBrowser, openPage } from './browser.mjs';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const fixtures = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** Deterministic pseudo-random logits (a small LCG), the same in Node and in the page. */
function logitsOf(n, seed) {
  const out = [];
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    out.push((x / 2 ** 32) * 12 - 6);
  }
  return out;
}

let server;
let browser;

before(async () => {
  assert.ok(
    existsSync(`${dist}index.js`),
    'dist/index.js is missing: run `bash scripts/build.sh` first',
  );
  server = await startStaticServer({ mounts: { '/': fixtures, '/pkg/': dist }, port: 0 });
  browser = await launchBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

test('dist/index.js runs softmax and a seeded sample in the browser, matching Node', async () => {
  const { load } = await import('../../dist/index.js');
  const lk = await load();
  const logits = logitsOf(50000, 7);
  const options = { temperature: 0.8, topP: 0.95, topK: 40, seed: 1234567 };
  const inNode = lk.sample(logits, options);

  const { page, problems, close } = await openPage(browser, server.url);
  try {
    await page.goto(server.url);
    const inBrowser = await page.evaluate(
      async ({ logits, options }) => {
        const { load } = await import('/pkg/index.js');
        const lk = await load();
        const p = lk.softmax([8, 6, 5, -1]);
        const r = lk.sample(logits, options);
        const baseline = await load({ simd: false });
        return {
          simd: lk.simd,
          softmax: Array.from(p),
          token: r.token,
          logprob: r.logprob,
          kept: r.kept,
          baselineSimd: baseline.simd,
          baselineToken: baseline.sample(logits, options).token,
        };
      },
      { logits, options },
    );

    assert.equal(inBrowser.simd, true, 'Chromium should run the SIMD build');
    assert.deepEqual(
      inBrowser.softmax.map((p) => p.toFixed(4)),
      ['0.8437', '0.1142', '0.0420', '0.0001'],
    );
    assert.equal(inBrowser.token, inNode.token, 'same seed, same token in the browser and in Node');
    assert.equal(inBrowser.kept, inNode.kept);
    assert.equal(inBrowser.baselineSimd, false);
    assert.equal(
      inBrowser.baselineToken,
      inNode.token,
      'the baseline build draws the same token too',
    );
    assert.ok(Math.abs(inBrowser.logprob - inNode.logprob) < 1e-6);
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});

test('separate instances in four module Web Workers at once draw what Node draws', async () => {
  const { load } = await import('../../dist/index.js');
  const lk = await load();
  const logits = logitsOf(32000, 11);
  const seeds = [1, 2, 3, 4];
  const inNode = seeds.map(
    (seed) => lk.sample(logits, { temperature: 0.8, topP: 0.95, seed }).token,
  );

  const { page, problems, close } = await openPage(browser, server.url);
  try {
    await page.goto(server.url);
    const inWorkers = await page.evaluate(
      async ({ logits, seeds }) => {
        // Each worker loads its own instance (its own wasm memory) and samples 50 times.
        const source = `self.onmessage = async ({ data }) => {
        const { load } = await import(data.entry);
        const lk = await load();
        const tokens = [];
        for (let i = 0; i < 50; i++) tokens.push(lk.sample(data.logits, { temperature: 0.8, topP: 0.95, seed: data.seed }).token);
        self.postMessage(tokens);
      };`;
        const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
        const entry = new URL('/pkg/index.js', location.href).href;
        return Promise.all(
          seeds.map(
            (seed) =>
              new Promise((resolve, reject) => {
                const worker = new Worker(url, { type: 'module' });
                worker.onmessage = ({ data }) => {
                  worker.terminate();
                  resolve(data);
                };
                worker.onerror = (e) => reject(new Error(e.message));
                worker.postMessage({ entry, logits, seed });
              }),
          ),
        );
      },
      { logits, seeds },
    );
    inWorkers.forEach((tokens, w) =>
      assert.ok(
        tokens.every((t) => t === inNode[w]),
        `worker ${w}: ${tokens.slice(0, 5)} vs ${inNode[w]}`,
      ),
    );
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
