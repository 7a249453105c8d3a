// The demo page in headless Chromium: built with Vite and served by scripts/serve.mjs on a free
// port. Checks the seed article's numbers, the filters, errors, the URL hash, keyboard use, and
// saves screenshots (test-output/screenshots/). build/demo/ is built once for all test files by
// ensureDemoBuilt() (demo-build.mjs); this file only serves it.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { demoOutDir, startStaticServer } from '../../scripts/serve.mjs';
import { openPage } from './browser.mjs';
import { demoSession, screenshotDir, unlabelledControls } from './demo-session.mjs';

const SEED = [8, 6, 5, -1];
// The seed example's probabilities at T = 1, as the charts show them.
const SEED_CHART = [
  [' Paris', '0.8437'],
  [' London', '0.1142'],
  [' Rome', '0.0420'],
  [' banana', '0.0001'],
];
// Paris and London alone, renormalised (top-k 2, top-p 0.9).
const PARIS_LONDON = [
  [' Paris', '0.8808'],
  [' London', '0.1192'],
];

let lk;
const session = demoSession({ ready });
const withPage = session.withPage;

before(async () => {
  assert.ok(
    existsSync(fileURLToPath(new URL('../../dist/index.js', import.meta.url))),
    'dist/ is missing: run `bash scripts/build.sh` first',
  );
  lk = await (await import('../../dist/index.js')).load();
});

async function ready(page) {
  await page.waitForSelector('#status[data-ready="true"]');
  await page.waitForSelector('[data-chart="after"] .bar-row');
}

/** The rows of a chart as [label, shown value]; the "all others" row as ['(others)', value]. */
function chartRows(page, id) {
  return page.$$eval(`[data-chart="${id}"] .bar-row`, (rows) =>
    rows.map((r) => [
      r.dataset.others !== undefined ? '(others)' : r.dataset.label,
      r.querySelector('.val').textContent,
    ]),
  );
}

/** Waits until a chart shows exactly `expected`, then asserts it (so a failure prints the difference). */
async function expectChart(page, id, expected) {
  await page
    .waitForFunction(
      ({ id, expected }) => {
        const rows = [...document.querySelectorAll(`[data-chart="${id}"] .bar-row`)].map((r) => [
          r.dataset.others !== undefined ? '(others)' : r.dataset.label,
          r.querySelector('.val').textContent,
        ]);
        return JSON.stringify(rows) === JSON.stringify(expected);
      },
      { id, expected },
      { timeout: 5000 },
    )
    .catch(() => {});
  assert.deepEqual(await chartRows(page, id), expected);
}

const field = (page, label) => page.getByLabel(label, { exact: true });
/** Types a value and commits it (Enter), as a user finishes editing a field. */
async function commit(locator, value) {
  await locator.fill(value);
  await locator.press('Enter');
}
const EXAMPLE = `{
  " Paris": 8.0,
  " London": 6.0,
  " Rome": 5.0,
  " banana": -1.0
}`;
const logitsBox = (page) => page.getByRole('textbox', { name: 'Paste logits' });

describe('demo page', { timeout: 180_000 }, () => {
  test('loads with the SIMD kernels, no console errors and no off-origin requests', async () => {
    await withPage(async (page) => {
      assert.equal(await page.textContent('#status'), 'Kernels: WebAssembly SIMD');
      assert.equal(
        await page.getAttribute('[role="tab"][aria-selected="true"]', 'id'),
        'tab-paste',
      );
      await page.waitForSelector('[data-microseconds]');
      const us = Number(await page.getAttribute('[data-microseconds]', 'data-microseconds'));
      assert.ok(us > 0 && us < 1000, `kernel time ${us} µs`);
    });
  });

  test('the built page works under a sub-path of another host (relative asset URLs)', async () => {
    const other = await startStaticServer({ mounts: { '/some/sub/path/': demoOutDir }, port: 0 });
    const opened = await openPage(session.browser, other.url);
    try {
      const wasm = [];
      opened.page.on('response', (res) => {
        if (res.url().endsWith('.wasm')) wasm.push([res.url(), res.headers()['content-type']]);
      });
      await opened.page.goto(`${other.url}some/sub/path/`);
      await ready(opened.page);
      assert.equal(wasm.length, 1);
      assert.match(wasm[0][0], /\/some\/sub\/path\/assets\/logitkit-simd-[\w-]+\.wasm$/);
      assert.equal(wasm[0][1], 'application/wasm');
      assert.deepEqual(opened.problems, []);
    } finally {
      await opened.close();
      await other.close();
    }
  });

  test("the seed example shows the article's probabilities at T = 1", async () => {
    await withPage(async (page) => {
      await expectChart(page, 'before', SEED_CHART);
      await expectChart(page, 'after', SEED_CHART);
      const table = await page.$$eval('.temp-table tbody tr', (rows) =>
        rows.map((r) => [...r.children].map((c) => c.textContent)),
      );
      assert.deepEqual(table, [
        ['␣Paris', '8', '2980.96', '0.9796', '0.8437', '0.6242'],
        ['␣London', '6', '403.43', '0.0179', '0.1142', '0.2296'],
        ['␣Rome', '5', '148.41', '0.0024', '0.0420', '0.1393'],
        ['␣banana', '−1', '0.37', '1.5e−8', '0.0001', '0.0069'],
      ]);
      const entropy = await page.$$eval('[data-stat="before"] td', (cells) =>
        cells.map((c) => c.textContent),
      );
      const nats = lk.entropy(SEED);
      assert.deepEqual(entropy, [
        nats.toFixed(4),
        (nats / Math.LN2).toFixed(4),
        Math.exp(nats).toFixed(4),
      ]);
    });
  });

  test('temperature 0.5 sharpens Paris to 0.9796; 0 is greedy', async () => {
    await withPage(async (page) => {
      await field(page, 'Temperature').fill('0.5');
      await expectChart(page, 'before', [
        [' Paris', '0.9796'],
        [' London', '0.0179'],
        [' Rome', '0.0024'],
        [' banana', '1.5e−8'],
      ]);
      await field(page, 'Temperature').fill('0');
      await expectChart(page, 'after', [[' Paris', '1.0000']]);
    });
  });

  test('topK = 2 keeps Paris and London, renormalised', async () => {
    await withPage(async (page) => {
      await field(page, 'Top-k').fill('2');
      await expectChart(page, 'after', PARIS_LONDON);
      await expectChart(page, 'before', SEED_CHART);
      assert.match(
        await page.textContent('[data-chart="after"] .chart-note'),
        /2 of 4 tokens kept/,
      );
    });
  });

  test('topP = 0.9 keeps Paris and London', async () => {
    await withPage(async (page) => {
      await field(page, 'Top-p').fill('0.9');
      await expectChart(page, 'after', PARIS_LONDON);
    });
  });

  test('a bad paste shows an inline error naming the bad entry', async () => {
    await withPage(async (page) => {
      await logitsBox(page).fill('1, 2, abc');
      const msg = page.locator('.parse-msg.is-error');
      await msg.waitFor();
      assert.match(await msg.textContent(), /Entry 3 "abc" at line 1, column 7 is not a number/);
      assert.equal(await page.getAttribute('textarea', 'aria-invalid'), 'true');
      await page.getByRole('button', { name: 'Select it' }).click();
      assert.equal(
        await page.$eval('textarea', (t) => t.value.slice(t.selectionStart, t.selectionEnd)),
        'abc',
      );
      // Fixing it clears the error and plots the numbers.
      await logitsBox(page).fill('1, 2, 3');
      await page.locator('.parse-msg.is-ok').waitFor();
      await expectChart(page, 'before', [
        ['#2', '0.6652'],
        ['#1', '0.2447'],
        ['#0', '0.0900'],
      ]);
    });
  });

  test('an invalid option is reported next to its control when committed', async () => {
    await withPage(async (page) => {
      await commit(field(page, 'Top-p'), '0');
      const error = page.locator('.control:has(input[name="topP"]) .field-error');
      await error.waitFor();
      assert.match(await error.textContent(), /topP must be in \(0, 1\]/);
      await commit(field(page, 'Top-p'), '1');
      await error.waitFor({ state: 'hidden' });
    });
  });

  test('logit bias: a token chosen by label can be banned', async () => {
    await withPage(async (page) => {
      await page.getByRole('button', { name: '+ Add bias' }).click();
      await field(page, 'Token 1').fill('Rome');
      await field(page, 'bias').fill('-inf');
      const p = Array.from(lk.softmax([8, 6, -1]), (x) => x.toFixed(4));
      await expectChart(page, 'after', [
        [' Paris', p[0]],
        [' London', p[1]],
        [' banana', p[2]],
      ]);
      await field(page, 'Token 1').fill('nope');
      await page.getByText('No token "nope".').waitFor();
    });
  });

  test('Sample and Step draw the same tokens as Node with the same seeds', async () => {
    await withPage(async (page) => {
      await field(page, 'Temperature').fill('2');
      await page.getByRole('button', { name: 'Sample' }).click();
      const expected = lk.sample(SEED, { temperature: 2, seed: 42 });
      await page.waitForSelector('.draw-token');
      assert.equal(Number(await page.getAttribute('.draw-token', 'data-token')), expected.token);
      assert.ok(
        Math.abs(
          Number(await page.getAttribute('[data-logprob]', 'data-logprob')) - expected.logprob,
        ) < 1e-6,
      );
      assert.ok(
        Math.abs(
          Number(await page.getAttribute('[data-raw-logprob]', 'data-raw-logprob')) -
            expected.rawLogprob,
        ) < 1e-6,
      );
      for (let i = 0; i < 5; i++) await page.getByRole('button', { name: 'Step' }).click();
      await page.waitForFunction(() => document.querySelectorAll('.history li').length === 5);
      const steps = await page.$$eval('.history li', (items) =>
        items.map((li) => Number(li.dataset.token)),
      );
      assert.deepEqual(
        steps,
        [0, 1, 2, 3, 4].map((i) => lk.sample(SEED, { temperature: 2, seed: 42 + i }).token),
      );
    });
  });

  test('the URL hash keeps the settings across a reload and in a new tab; the pasted logits only through a share link', async () => {
    const input = 'token,logit\n" Paris",8\n" London",6\n" Rome",5\n" banana",-1\n" Berlin",4';
    let url;
    let shared;
    await withPage(async (page) => {
      await logitsBox(page).fill(input);
      await field(page, 'Temperature').fill('0.5');
      await field(page, 'Top-k').fill('2');
      await field(page, 'Seed').fill('7');
      await page.getByLabel('Log scale').check();
      await page.getByRole('button', { name: '+ Add bias' }).click();
      await field(page, 'Token 1').fill('#4');
      await field(page, 'bias').fill('0.5');
      // Wait until the hash holds every edit (the last one, the bias value, lands last).
      await page.waitForFunction(() => {
        const q = new URLSearchParams(location.hash.slice(1));
        return (
          q.get('T') === '0.5' &&
          q.get('k') === '2' &&
          q.get('seed') === '7' &&
          q.get('log') === '1' &&
          q.get('bias') === '[["#4","0.5"]]'
        );
      });
      url = page.url();
      assert.doesNotMatch(url, /Berlin|in=|inz=/, 'the pasted logits stay out of the URL');
      await page.getByRole('button', { name: 'Copy share link' }).click();
      await page.waitForSelector('.share-msg[data-result="share"]');
      shared = await page.inputValue('.share-field');
      assert.match(shared, /[#&]in=/);
      await page.reload();
      await ready(page);
      await checkSettings(page);
      assert.equal(
        await page.inputValue('textarea'),
        EXAMPLE,
        'a reload does not bring the data back',
      );
    });
    await withPage(checkSettings, { hash: new URL(url).hash });
    await withPage(
      async (page) => {
        await checkSettings(page);
        assert.equal(await page.inputValue('textarea'), input);
        const z = [8, 6, 5, -1, 4.5];
        const top = lk.sample(z, {
          temperature: 0.5,
          topK: 2,
          seed: 7,
          topLogprobs: 2,
        }).topLogprobs;
        await expectChart(page, 'after', [
          [' Paris', Math.exp(top.logprobs[0]).toFixed(4)],
          [' London', Math.exp(top.logprobs[1]).toFixed(4)],
        ]);
      },
      { hash: new URL(shared).hash },
    );

    async function checkSettings(page) {
      assert.equal(await field(page, 'Temperature').inputValue(), '0.5');
      assert.equal(await field(page, 'Top-k').inputValue(), '2');
      assert.equal(await field(page, 'Seed').inputValue(), '7');
      assert.equal(await page.getByLabel('Log scale').isChecked(), true);
      assert.equal(await field(page, 'Token 1').inputValue(), '#4');
      assert.equal(await field(page, 'bias').inputValue(), '0.5');
    }
  });

  test('a large vocabulary: top rows plus "all others", exact mass; a share link compressed, or refused with its size', async () => {
    const logitsOf = (n) =>
      Array.from(
        { length: n },
        (_, i) => Math.round(((Math.sin(i * 12.9898) * 43758.5453) % 1) * 8000) / 1000,
      );
    async function checkCharts(page, z) {
      const top = lk.topLogprobs(z, 10);
      const shown = Array.from(top.indices, (index, i) => [
        `#${index}`,
        Math.exp(top.logprobs[i]).toFixed(4),
      ]);
      const rest = 1 - Array.from(top.logprobs, Math.exp).reduce((a, b) => a + b, 0);
      await expectChart(page, 'before', [...shown, ['(others)', rest.toFixed(4)]]);
      const final = lk.sample(z, { topP: 0.5, seed: 42, topLogprobs: 10 });
      const after = await chartRows(page, 'after');
      assert.deepEqual(
        after.slice(0, 10),
        Array.from(final.topLogprobs.indices, (index, i) => [
          `#${index}`,
          Math.exp(final.topLogprobs.logprobs[i]).toFixed(4),
        ]),
      );
      assert.equal(
        await page.getAttribute('[data-chart="after"] [data-others]', 'data-others'),
        String(final.kept - 10),
      );
      assert.equal((await page.$$('.temp-table tbody tr')).length, 12);
    }
    const big = logitsOf(32000);
    await withPage(async (page) => {
      await logitsBox(page).fill(big.join(' '));
      await field(page, 'Top-p').fill('0.5');
      await page.waitForFunction(() => location.hash.includes('p=0.5'));
      assert.ok(page.url().length < 200, 'the address bar holds the settings only');
      await checkCharts(page, big);
      await page.getByRole('button', { name: 'Copy share link' }).click();
      await page.waitForSelector('.share-msg[data-result]');
      assert.equal(await page.getAttribute('.share-msg', 'data-result'), 'too-large');
      assert.match(
        await page.textContent('.share-msg'),
        /Too large to share as a link: [\d,]+ characters/,
      );
    });
    const medium = logitsOf(3000);
    let shared;
    await withPage(async (page) => {
      await logitsBox(page).fill(medium.join(' '));
      await field(page, 'Top-p').fill('0.5');
      await page.getByRole('button', { name: 'Copy share link' }).click();
      await page.waitForSelector('.share-msg[data-result="share"]');
      shared = await page.inputValue('.share-field');
      assert.ok(shared.includes('inz='), 'the input is stored compressed');
      assert.ok(shared.length < medium.join(' ').length, 'shorter than the input');
    });
    await withPage((page) => checkCharts(page, medium), { hash: new URL(shared).hash });
  });

  test('every control is labelled and keyboard-operable', async () => {
    await withPage(async (page) => {
      await page.getByRole('button', { name: '+ Add bias' }).click();
      const unlabelled = await unlabelledControls(page);
      assert.deepEqual(unlabelled, []);
      // The temperature slider moves with the arrow keys and drives the number field and the chart.
      await page.getByLabel('Temperature slider').focus();
      await page.keyboard.press('ArrowLeft');
      assert.equal(await field(page, 'Temperature').inputValue(), '0.95');
      // Tab order reaches the Sample button, and Enter presses it.
      await page.getByRole('button', { name: 'Sample' }).focus();
      await page.keyboard.press('Enter');
      await page.waitForSelector('.draw-token');
    });
  });

  test('screenshots at 1280 px and 375 px (no horizontal scrolling on a phone)', async () => {
    for (const width of [1280, 375]) {
      await withPage(
        async (page) => {
          await page.waitForSelector('[data-microseconds]');
          assert.ok(
            await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth),
            `no horizontal overflow at ${width} px`,
          );
          await page.screenshot({ path: `${screenshotDir}demo-${width}.png`, fullPage: true });
        },
        { width },
      );
    }
    await withPage(
      async (page) => {
        await page.waitForSelector('[data-microseconds]');
        await page.getByRole('button', { name: 'Sample' }).click();
        for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'Step' }).click();
        await page.screenshot({ path: `${screenshotDir}demo-1280-filters.png`, fullPage: true });
      },
      { hash: '#T=1.5&p=0.95&log=1&bias=%5B%5B%22banana%22%2C%222%22%5D%5D' },
    );
  });
});
