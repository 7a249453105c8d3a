// The demo bugs a learner met in the "Paste logits" mode and the page layout (issue: "a demo a
// learner can trust"), each checked at a desktop (1280 px) and a phone (375 × 667 px) width:
// parse messages without a stray "null", nothing stale left at full contrast, a bias that bans
// everything explained in the page's terms, CSV headers and JSON keys read as written, validation
// on commit, the learner's texts, "show code" and the export, the phone layout and tab order.
// Screenshots of each mode at both widths go to test-output/screenshots/mode-*.png.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, test } from 'node:test';
import { demoSession, screenshotDir } from './demo-session.mjs';
import { outOfOrder, tabStops } from './layout.mjs';

const WIDTHS = [1280, 375];
let lk;
let load;
const session = demoSession({
  ready: async (page) => {
    await page.waitForSelector('#status[data-ready="true"]');
    const mode = new URLSearchParams(new URL(page.url()).hash.slice(1)).get('mode') ?? 'paste';
    if (mode === 'paste') await page.waitForSelector('[data-chart="after"] .bar-row');
    if (mode === 'api') await page.waitForSelector('[data-mode="api"] .heat-cell');
    if (mode === 'model')
      await page.waitForSelector('[data-model-status="ready"]', { timeout: 30_000 });
  },
});

before(async () => {
  ({ load } = await import('../../dist/index.js'));
  lk = await load();
});

const logitsBox = (page) => page.getByRole('textbox', { name: 'Paste logits' });
const field = (page, label) => page.getByLabel(label, { exact: true });
const parseMessage = (page) => page.textContent('[data-mode="paste"] .parse-msg');

/** Waits until the model has written at least `n` tokens. */
const waitForTokens = (page, n) =>
  page.waitForFunction(
    (k) => document.querySelectorAll('#model-output [data-step]').length >= k,
    n,
    {
      timeout: 30_000,
    },
  );

/** Runs `fn(page, width)` on the paste mode at each width. */
async function atEachWidth(fn, hash = '') {
  for (const width of WIDTHS) await session.withPage((page) => fn(page, width), { width, hash });
}

describe('paste mode, as a learner meets it', { timeout: 240_000 }, () => {
  test('parse errors read as sentences: no literal "null" after [], {}, [1e39, 2] or an empty box; "1 token"', async () => {
    await atEachWidth(async (page) => {
      const cases = [
        ['', 'Paste some logits first.'],
        ['[]', 'The array is empty.'],
        ['{}', 'The object is empty.'],
        ['[1e39, 2]', 'Entry 1 (1e+39) is outside the float32 range.'],
      ];
      for (const [text, message] of cases) {
        await logitsBox(page).fill(text);
        await page.waitForFunction(
          (m) =>
            document.querySelector('[data-mode="paste"] .parse-msg')?.textContent.startsWith(m),
          message,
        );
        assert.equal(await parseMessage(page), message, `after ${JSON.stringify(text)}`);
      }
      await logitsBox(page).fill('[5]');
      await page.locator('.parse-msg.is-ok').waitFor();
      assert.equal(await parseMessage(page), '1 token (JSON array).');
    });
  });

  test('a failed analysis greys out the old temperature table and kernel time, not only the charts', async () => {
    await atEachWidth(async (page) => {
      await page.waitForSelector('[data-microseconds]');
      await logitsBox(page).fill('[-inf, -inf, -inf]');
      await page.getByText('every entry of logits is -Infinity').waitFor();
      const opacity = (selector) =>
        page.$eval(selector, (el) => Number(getComputedStyle(el).opacity));
      for (const selector of ['.charts', '.table-wrap', '.kernel-time', '.stats'])
        assert.ok((await opacity(`[data-mode="paste"] ${selector}`)) < 1, `${selector} is greyed`);
    });
  });

  test('a bias that bans every token says so under the bias editor, in the page’s own terms', async () => {
    await atEachWidth(async (page) => {
      for (const [i, token] of ['Paris', 'London', 'Rome', 'banana'].entries()) {
        await page.getByRole('button', { name: '+ Add bias' }).click();
        await field(page, `Token ${i + 1}`).fill(token);
        await page.locator('.bias-row').nth(i).getByLabel('bias', { exact: true }).fill('-inf');
      }
      const summary = page.locator('.bias-editor > .bias-summary');
      await summary.getByText('no token has a finite logit').waitFor();
      assert.doesNotMatch(
        await summary.textContent(),
        /allowedTokenIds|badWordsIds|penalties|options\./,
      );
      const rowErrors = await page.$$eval('.bias-row .field-error', (els) =>
        els.map((e) => e.textContent).filter(Boolean),
      );
      assert.deepEqual(rowErrors, [], 'no row claims the problem as its own');
    });
  });

  test('a CSV with an id column labels tokens by the token column; JSON keys stay as written', async () => {
    await atEachWidth(async (page) => {
      await logitsBox(page).fill('id,token,logit\n0, Paris,8\n1, London,6\n2, Rome,5');
      await page.locator('.parse-msg.is-ok').waitFor();
      await page.waitForFunction(
        () => document.querySelector('[data-chart="before"] .bar-row')?.dataset.label === 'Paris',
      );
      const labels = await page.$$eval('[data-chart="before"] .bar-row', (rows) =>
        rows.map((r) => r.dataset.label),
      );
      assert.deepEqual(labels, ['Paris', 'London', 'Rome']);

      // Integer-like keys keep their place (JSON.parse would move "12" and "3" first).
      await logitsBox(page).fill('{"b": 2, "12": 1, "3": 5}');
      await page.locator('.parse-msg.is-ok').waitFor();
      await page.waitForFunction(
        () => document.querySelector('[data-chart="before"] .bar-row')?.dataset.label === '3',
      );
      const byIndex = await page.$$eval('[data-chart="before"] .bar-row', (rows) =>
        Object.fromEntries(rows.map((r) => [r.dataset.label, Number(r.dataset.index)])),
      );
      assert.deepEqual(byIndex, { 3: 2, b: 0, 12: 1 });

      // A repeated key is refused, not merged.
      await logitsBox(page).fill('{"a": 1, "b": 2, "a": 3}');
      await page.locator('.parse-msg.is-error').waitFor();
      assert.match(await parseMessage(page), /Token "a" appears twice \(entries 1 and 3\)/);
    });
  });

  test('typing 0.5 into Top-p never reports 0 on the way; an invalid value is reported on commit and the last valid one stays', async () => {
    await atEachWidth(async (page) => {
      // Record every error text the Top-p control ever shows.
      await page.evaluate(() => {
        window.seenErrors = [];
        const error = document.querySelector('[data-control="topP"] .field-error');
        new MutationObserver(() => {
          if (error.textContent) window.seenErrors.push(error.textContent);
        }).observe(error, { childList: true, characterData: true, subtree: true });
      });
      const topP = field(page, 'Top-p');
      await topP.fill('');
      await topP.pressSequentially('0.5', { delay: 30 });
      await page.waitForFunction(() => location.hash.includes('p=0.5'));
      await topP.press('Tab');
      assert.deepEqual(await page.evaluate(() => window.seenErrors), []);
      await topP.fill('0');
      await topP.press('Enter');
      const error = page.locator('[data-control="topP"] .field-error');
      await error.getByText('Still using 0.5').waitFor();
      assert.match(await error.textContent(), /topP must be in \(0, 1\]/);
      assert.match(page.url(), /p=0\.5/, 'the valid value stays in force');
    });
  });

  test('privacy: pasted logits and API responses stay out of the URL (and so out of history); a share link adds them on request', async () => {
    await atEachWidth(async (page) => {
      const entries = await page.evaluate(() => history.length);
      await logitsBox(page).fill('secret_token 3\nother 1');
      await field(page, 'Temperature').fill('0.9');
      await page.waitForFunction(() => location.hash.includes('T=0.9'));
      assert.doesNotMatch(decodeURIComponent(page.url()), /secret_token/);
      assert.equal(await page.evaluate(() => history.length), entries, 'no history entry per edit');
      await page.getByRole('tab', { name: 'API response' }).click();
      const response = page.getByRole('textbox', { name: 'Paste an API response with logprobs' });
      const body = await response.inputValue();
      await response.fill(body.replace('Café', 'Confidential'));
      await page.waitForTimeout(300); // the store writes the hash 120 ms after the last change
      assert.doesNotMatch(decodeURIComponent(page.url()), /Confidential|api=|apiz=/);
      await page
        .locator('[data-mode="api"]')
        .getByRole('button', { name: 'Copy share link' })
        .click();
      await page.waitForSelector('[data-mode="api"] .share-msg[data-result="share"]');
      assert.match(
        await page.textContent('[data-mode="api"] .share-msg'),
        /it contains your pasted response/,
      );
    });
  });

  test('for a learner: an introduction, what ␣ means, logprob and rawLogprob in words, the guide', async () => {
    await atEachWidth(async (page) => {
      const intro = await page.textContent('[data-mode="paste"] .mode-intro');
      assert.match(intro, /raw scores are its logits/);
      assert.match(intro, /␣ is a space/);
      assert.match(intro, /Logits in an LLM/);
      const guide = page.getByRole('link', { name: 'The guide for learners' }).first();
      assert.match(await guide.getAttribute('href'), /docs\/GUIDE\.md#you-are-learning/);
      await page.getByRole('button', { name: 'Sample' }).click();
      const explain = await page.textContent('.draw-card .draw-explain');
      assert.match(
        explain,
        /logprob is the log of the token’s probability in the distribution it was drawn from/,
      );
      assert.match(
        explain,
        /rawLogprob .* plain softmax of the logits as pasted \(T = 1, no bias, no filter\)/,
      );
      assert.match(
        await page.textContent('.share'),
        /The address bar holds your settings, not your pasted logits/,
      );
    });
  });

  test('for a developer: the code shown is the exact call (it draws the same token in Node); CSV and JSON export the distribution', async () => {
    await atEachWidth(async (page) => {
      await field(page, 'Temperature').fill('0.7');
      await field(page, 'Top-k').fill('3');
      await page.getByRole('button', { name: '+ Add bias' }).click();
      await field(page, 'Token 1').fill('Rome');
      await field(page, 'bias').fill('1.5');
      await page.getByRole('button', { name: 'Sample' }).click();
      await page.waitForFunction(
        () => location.hash.includes('k=3') && location.hash.includes('bias'),
      );
      await page.getByText('Show code and export').click();
      const code = await page.textContent('.developer pre.code');
      assert.match(
        code,
        /lk\.sample\(logits, \{ temperature: 0\.7, topK: 3, logitBias: \{ 2: 1\.5 \}, seed: 42, topLogprobs: 4 \}\)/,
      );
      // Run the shown code in Node (its import replaced by the built package).
      const run = new Function(
        'load',
        `return (async () => {\n${code.replace(/^import .*$/m, '')}\nreturn result;\n})();`,
      );
      const result = await run(load);
      assert.equal(
        Number(await page.getAttribute('.draw-token', 'data-token')),
        result.token,
        'the page drew what the code draws',
      );

      const [csvDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download CSV' }).click(),
      ]);
      const csv = readFileSync(await csvDownload.path(), 'utf8')
        .trim()
        .split('\n');
      assert.equal(csv[0], 'index,token,logit,bias,p_before,p_after');
      const rows = csv.slice(1).map((line) => line.split(','));
      assert.deepEqual(
        rows.map((r) => r[1]),
        [' Paris', ' London', ' Rome', ' banana'],
      );
      const before = lk.softmax([8 / 0.7, 6 / 0.7, 6.5 / 0.7, -1 / 0.7]);
      rows.forEach((r, i) =>
        assert.ok(Math.abs(Number(r[4]) - before[i]) < 1e-6, `p_before[${i}]`),
      );
      const after = lk.sample([8, 6, 5, -1], {
        temperature: 0.7,
        topK: 3,
        logitBias: { 2: 1.5 },
        seed: 42,
        topLogprobs: 4,
      }).topLogprobs;
      const pAfter = new Map(
        Array.from(after.indices, (index, i) => [index, Math.exp(after.logprobs[i])]),
      );
      rows.forEach((r, i) =>
        assert.ok(Math.abs(Number(r[5]) - (pAfter.get(i) ?? 0)) < 1e-6, `p_after[${i}]`),
      );
      assert.equal(Number(rows[3][5]), 0, 'banana is cut by top-k 3');

      const [jsonDownload] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('button', { name: 'Download JSON' }).click(),
      ]);
      const json = JSON.parse(readFileSync(await jsonDownload.path(), 'utf8'));
      assert.deepEqual(json.options, {
        temperature: 0.7,
        topK: 3,
        topP: 1,
        minP: 0,
        logitBias: { 2: 1.5 },
        seed: 42,
      });
      assert.equal(json.tokens.length, 4);
    });
  });
});

describe(
  'layout: a control and its effect on screen together, tab order = reading order',
  { timeout: 240_000 },
  () => {
    test('paste mode: on a phone the temperature slider and both charts fit one screen; tab order follows the layout', async () => {
      await atEachWidth(async (page, width) => {
        const top = (selector) =>
          page.$eval(selector, (el) => el.getBoundingClientRect().top + scrollY);
        const bottom = (selector) =>
          page.$eval(selector, (el) => el.getBoundingClientRect().bottom + scrollY);
        const slider = await top('[data-mode="paste"] [aria-label="Temperature slider"]');
        const chartsEnd = await bottom('[data-chart="after"]');
        const height = page.viewportSize().height;
        assert.ok(
          chartsEnd - slider <= height,
          `${width} px: from the slider to the end of the charts is ${Math.round(chartsEnd - slider)} px, the screen ${height} px`,
        );
        const stops = await tabStops(page, '[data-mode="paste"]');
        assert.ok(stops.length > 10, `${stops.length} tab stops`);
        assert.deepEqual(outOfOrder(stops, width > 900), [], `${width} px tab order`);
      });
    });

    test('model mode: Generate comes before the settings, on a phone too; tab order follows the layout; the text is one tab stop', async () => {
      await atEachWidth(async (page, width) => {
        const top = (selector) =>
          page.$eval(selector, (el) => el.getBoundingClientRect().top + scrollY);
        const generate = await top('[data-mode="model"] button.primary');
        assert.ok(
          generate < page.viewportSize().height,
          `${width} px: Generate at ${Math.round(generate)} px is on the first screen`,
        );
        assert.ok(generate < (await top('[data-mode="model"] [data-control="model-temperature"]')));
        await page.getByRole('button', { name: 'Generate' }).click();
        await waitForTokens(page, 8);
        await page.getByRole('button', { name: 'Pause' }).click();
        await page.waitForSelector('[data-mode="model"][data-running="false"]');
        assert.equal(await page.locator('#model-output [tabindex="0"]').count(), 1);
        const stops = await tabStops(page, '[data-mode="model"]');
        assert.deepEqual(outOfOrder(stops, width > 900), [], `${width} px tab order`);
      }, '#mode=model');
    });

    test('screenshots of each mode at 1280 and 375 px, without horizontal scrolling', async () => {
      for (const [mode, hash] of [
        ['paste', '#T=0.8&p=0.95'],
        ['api', '#mode=api'],
        ['model', '#mode=model&seed=42'],
      ]) {
        await atEachWidth(async (page, width) => {
          if (mode === 'paste') {
            await page.waitForSelector('[data-microseconds]');
            await page.getByRole('button', { name: 'Sample' }).click();
          }
          if (mode === 'api') await page.locator('[data-mode="api"] .heat-cell').nth(2).focus();
          if (mode === 'model') {
            await page.getByLabel('Speed').selectOption({ label: 'As fast as it runs' });
            await page.getByRole('button', { name: 'Generate' }).click();
            await waitForTokens(page, 40);
            await page.getByRole('button', { name: 'Pause' }).click();
            await page.locator('#model-output [data-step="12"]').click();
          }
          assert.ok(
            await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth),
            `${mode}: no horizontal overflow at ${width} px`,
          );
          await page.screenshot({
            path: `${screenshotDir}mode-${mode}-${width}.png`,
            fullPage: true,
          });
        }, hash);
      }
    });
  },
);
