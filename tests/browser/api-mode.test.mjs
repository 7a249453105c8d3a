// The demo's "API response" mode in headless Chromium: provider fixtures pasted into the page give
// the text, heatmap and perplexity that `logitkit/logprobs` gives in Node; the tooltip on hover and
// on keyboard focus; inline parse errors naming the JSON path; several choices; low-confidence
// spans; the URL hash; screenshots (test-output/screenshots/api-*.png). The demo is built once for
// all test files by ensureDemoBuilt().
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { meanLogprob, parseLogprobs, perplexity } from '../../dist/logprobs/index.js';
import { demoSession, screenshotDir, unlabelledControls } from './demo-session.mjs';

const fixtureDir = fileURLToPath(new URL('../fixtures/logprobs/', import.meta.url));
const fixture = (name) => readFileSync(fixtureDir + name, 'utf8');

const session = demoSession({ ready });
/** Opens the API mode (or another hash) and waits for the first heatmap. */
const withPage = (fn, { width = 1280, hash = '#mode=api' } = {}) =>
  session.withPage(fn, { width, hash });

async function ready(page) {
  await page.waitForSelector('#status[data-ready="true"]');
  await page.waitForSelector('[data-mode="api"] .heat-cell');
}

const responseBox = (page) =>
  page.getByRole('textbox', { name: 'Paste an API response with logprobs' });
const heatmapText = (page) => page.textContent('[data-mode="api"] .heatmap');
const statValue = (page, stat) =>
  page.getAttribute(`[data-stat="${stat}"] dd[data-value]`, 'data-value');

/** Pastes `text` and waits until the heatmap shows `expected` (so a failure prints the difference). */
async function paste(page, text, expected) {
  await responseBox(page).fill(text);
  await page
    .waitForFunction(
      (t) => document.querySelector('[data-mode="api"] .heatmap')?.textContent === t,
      expected,
      { timeout: 5000 },
    )
    .catch(() => {});
  assert.equal(await heatmapText(page), expected);
}

const close = (actual, expected) =>
  assert.ok(
    Math.abs(Number(actual) - expected) <= 1e-12 * Math.max(1, Math.abs(expected)),
    `${actual} ≈ ${expected}`,
  );

/** Picks the "Prompt" sequence of the pasted `choice`: the heatmap shows it, with its perplexity. */
async function showPromptSequence(page, choice) {
  await page.getByLabel('Sequence', { exact: true }).selectOption('prompt');
  await page.waitForFunction(
    (t) => document.querySelector('[data-mode="api"] .heatmap').textContent === t,
    choice.prompt.text,
  );
  close(await statValue(page, 'perplexity'), perplexity(choice.prompt));
}

describe('demo page, API response mode', { timeout: 180_000 }, () => {
  test('an OpenAI chat response: heatmap of the rebuilt text, and perplexity as perplexity() gives in Node', async () => {
    const text = fixture('openai-chat.json');
    const choice = parseLogprobs(text).choices[0];
    await withPage(async (page) => {
      assert.equal(await page.getAttribute('[role="tab"][aria-selected="true"]', 'id'), 'tab-api');
      await paste(page, text, choice.text);
      assert.equal(choice.text, 'Café is open 🙂');
      // Six cells for seven tokens: the emoji's two byte-level tokens share one cell, shown whole.
      const cells = await page.$$eval('.heat-cell', (els) =>
        els.map((e) => [e.textContent, e.dataset.tokenStart, e.dataset.tokenEnd]),
      );
      assert.deepEqual(cells, [
        ['Caf', '0', '1'],
        ['é', '1', '2'],
        [' is', '2', '3'],
        [' open', '3', '4'],
        [' ', '4', '5'],
        ['🙂', '5', '7'],
      ]);
      assert.doesNotMatch(await page.textContent('[data-mode="api"]'), /NaN|\uFFFD/);
      close(await statValue(page, 'perplexity'), perplexity(choice));
      assert.equal(
        await page.textContent('[data-stat="perplexity"] dd[data-value]'),
        perplexity(choice).toFixed(4),
      );
      close(await statValue(page, 'mean-logprob'), meanLogprob(choice));
      assert.equal(await page.textContent('.provider'), 'OpenAI Chat Completions');
      assert.match(
        await page.textContent('[data-mode="api"] .parse-msg.is-ok'),
        /2 choices, 11 tokens/,
      );
      // Colour bins: " open" (p = e^−1.2 ≈ 0.30) is in 0.3–0.5; "Caf" (0.988) in ≥ 0.9.
      assert.match(
        await page.getAttribute('.heat-cell[data-token-start="3"]', 'class'),
        /\bheat-3\b/,
      );
      assert.match(
        await page.getAttribute('.heat-cell[data-token-start="0"]', 'class'),
        /\bheat-0\b/,
      );
    });
  });

  test('every fixture, plain, chunk array, SSE or NDJSON, shows the text and perplexity Node computes', async () => {
    await withPage(async (page) => {
      for (const name of readdirSync(fixtureDir).sort()) {
        const text = fixture(name);
        const parsed = parseLogprobs(text);
        const choice = parsed.choices[0];
        if (choice.tokens.length === 0) continue; // a refusal-only answer: covered below
        await paste(page, text, choice.text);
        await page.waitForFunction(
          (p) => document.querySelector('[data-mode="api"] .parse-msg')?.textContent.includes(p),
          parsed.provider === 'vllm' ? 'vLLM' : '',
          { timeout: 5000 },
        );
        const ppl = perplexity(choice);
        if (ppl === null)
          assert.equal(
            await page.textContent('[data-stat="perplexity"] dd[data-value]'),
            '—',
            name,
          );
        else close(await statValue(page, 'perplexity'), ppl);
        assert.doesNotMatch(await page.textContent('[data-mode="api"]'), /NaN|\uFFFD/, name);
      }
    });
  });

  test('the new response shapes (issue 12) show the text, counts and perplexity Node computes', async () => {
    // A mislabelled TGI chat response, an old-format llama.cpp stream whose last event repeats
    // every token, Gemini with protobuf "-Infinity", a legacy "bytes: \\x.." token, SGLang and
    // TGI native responses (text without the special </s>), an SGLang batch.
    const gemini = JSON.stringify({
      candidates: [
        {
          index: 0,
          content: { parts: [{ text: 'Hi!' }] },
          logprobsResult: {
            chosenCandidates: [
              { token: 'Hi', logProbability: -0.25 },
              { token: '!', logProbability: -0.5 },
            ],
            topCandidates: [
              { candidates: [{ token: 'Hi', logProbability: -0.25 }] },
              {
                candidates: [
                  { token: '!', logProbability: -0.5 },
                  { token: '?', logProbability: '-Infinity' },
                ],
              },
            ],
          },
        },
      ],
    });
    const legacy = JSON.stringify({
      object: 'text_completion',
      choices: [
        {
          index: 0,
          text: 'Say “x',
          logprobs: {
            tokens: ['Say', 'bytes: \\xe2\\x80\\x9c', 'x'],
            token_logprobs: [-0.5, -0.25, -1],
            top_logprobs: null,
            text_offset: [0, 3, 5],
          },
        },
      ],
    });
    const cases = [
      [fixture('tgi-chat-mislabelled.json'), 'Bonjour à tous', '1 choice, 4 tokens'],
      [fixture('llamacpp-legacy-stream.sse'), ' Paris, of', '1 choice, 3 tokens'],
      [gemini, 'Hi!', '1 choice, 2 tokens'],
      [legacy, 'Say “x', '1 choice, 3 tokens'],
      [fixture('sglang-generate-stream.sse'), ' Paris. It is', '1 choice, 4 tokens'],
      [
        fixture('tgi-generate.json'),
        ' Deep learning is a subset of machine learning.',
        '2 choices, 17 tokens',
      ],
      [fixture('sglang-batch.json'), 'Yes', '2 choices, 2 tokens'],
    ];
    await withPage(async (page) => {
      for (const [text, expected, counts] of cases) {
        const choice = parseLogprobs(text).choices[0];
        assert.equal(choice.text, expected);
        await paste(page, text, expected);
        await page.waitForFunction(
          (c) =>
            document.querySelector('[data-mode="api"] .parse-msg.is-ok')?.textContent.includes(c),
          counts,
          { timeout: 5000 },
        );
        close(await statValue(page, 'perplexity'), perplexity(choice));
        assert.doesNotMatch(await page.textContent('[data-mode="api"]'), /NaN|\uFFFD/, expected);
      }
      // SGLang's and TGI's prompt logprobs are the "Prompt" sequence.
      const tgi = parseLogprobs(fixture('tgi-generate.json')).choices[0];
      await paste(page, fixture('tgi-generate.json'), tgi.text);
      await showPromptSequence(page, tgi);
    });
  });

  test('a refusal-only answer shows the refusal tokens, and vLLM prompt tokens can be chosen', async () => {
    await withPage(async (page) => {
      const refusal = parseLogprobs(fixture('openai-chat-refusal.json')).choices[0].refusal;
      await paste(page, fixture('openai-chat-refusal.json'), refusal.text);
      assert.equal(await page.getByLabel('Sequence', { exact: true }).inputValue(), 'refusal');
      const vllm = parseLogprobs(fixture('vllm-chat-prompt-logprobs.json')).choices[0];
      await paste(page, fixture('vllm-chat-prompt-logprobs.json'), vllm.text);
      await showPromptSequence(page, vllm);
    });
  });

  test('hover and keyboard focus show the tooltip with the alternatives; sentinels are words, not NaN', async () => {
    await withPage(async (page) => {
      await paste(page, fixture('openai-chat.json'), 'Café is open 🙂');
      const tip = page.locator('[data-mode="api"] [role="tooltip"]');
      // Hover " open": its alternatives with their probabilities, most likely first.
      await page.hover('.heat-cell[data-token-start="3"]');
      await tip.waitFor();
      assert.deepEqual(await tipRows(page), [
        ['␣closed', '0.4066', '−0.9000'],
        ['␣open chosen', '0.3012', '−1.2000'],
        ['␣nice', '0.1003', '−2.3000'],
      ]);
      assert.match(await tip.textContent(), /rank2 of 3 listed/);
      assert.equal(
        await page.getAttribute('.heat-cell[data-token-start="3"]', 'aria-describedby'),
        await tip.getAttribute('id'),
      );
      await page.mouse.move(0, 0);
      await tip.waitFor({ state: 'hidden' });

      // Keyboard: Tab from the choice selector enters the heatmap at its first token.
      await page.getByLabel('Choice', { exact: true }).focus();
      await page.keyboard.press('Tab');
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Caf');
      await tip.waitFor();
      assert.deepEqual(
        (await tipRows(page)).map((r) => r[0]),
        ['Caf chosen', 'Co', 'The'],
      );
      // → moves to "é", whose third alternative carries OpenAI's −9999 sentinel.
      await page.keyboard.press('ArrowRight');
      assert.equal(await page.evaluate(() => document.activeElement.textContent), 'é');
      assert.deepEqual((await tipRows(page))[2], ['es', 'below the top N', '−9999 (sentinel)']);
      // End: the emoji, two byte-level tokens with their joint probability.
      await page.keyboard.press('End');
      assert.equal(await page.evaluate(() => document.activeElement.textContent), '🙂');
      assert.match(await tip.textContent(), /2 byte-level tokens make up 🙂; together p = 0\.5488/);
      assert.equal(await page.locator('.token-tip .tip-token').count(), 2);
      // Only the current token is a Tab stop (roving tabindex); Escape hides the tooltip.
      assert.deepEqual(
        await page.$$eval('.heat-cell', (els) => els.map((e) => e.tabIndex)),
        [-1, -1, -1, -1, -1, 0],
      );
      await page.keyboard.press('Escape');
      await tip.waitFor({ state: 'hidden' });
      await page.keyboard.press('Home');
      await tip.waitFor();
      assert.doesNotMatch(await page.textContent('[data-mode="api"]'), /NaN/);
    });
  });

  test('a bad paste shows an inline error naming the JSON path; fixing it clears it', async () => {
    await withPage(async (page) => {
      const bad = fixture('openai-chat.json').replace('"logprob": -0.35,', '"logprob": "high",');
      await responseBox(page).fill(bad);
      const msg = page.locator('[data-mode="api"] .parse-msg.is-error');
      await msg.waitFor();
      assert.equal(await msg.getAttribute('data-path'), 'choices[0].logprobs.content[2].logprob');
      assert.match(
        await msg.textContent(),
        /^At choices\[0\]\.logprobs\.content\[2\]\.logprob: expected a logprob/,
      );
      assert.equal(await responseBox(page).getAttribute('aria-invalid'), 'true');
      assert.match(
        await page.textContent('[data-mode="api"] .results-error'),
        /last response that parsed/,
      );
      await page.screenshot({ path: `${screenshotDir}api-1280-error.png`, fullPage: true });
      await responseBox(page).fill('{"choices": [');
      await page.waitForFunction(() =>
        document
          .querySelector('[data-mode="api"] .parse-msg')
          ?.textContent.startsWith('The response as a whole: invalid JSON'),
      );
      await paste(page, fixture('openai-chat.json'), 'Café is open 🙂');
      await page.locator('[data-mode="api"] .parse-msg.is-ok').waitFor();
      assert.equal(await responseBox(page).getAttribute('aria-invalid'), null);
      // The example button restores the bundled example.
      await responseBox(page).fill('');
      await page.getByRole('button', { name: 'Load an example response' }).click();
      await page.waitForFunction(
        () =>
          document.querySelector('[data-mode="api"] .heatmap')?.textContent === 'Café is open 🙂',
      );
    });
  });

  test('two choices (a streamed chunk array): the selector switches the heatmap and the numbers', async () => {
    const text = fixture('openai-chat-stream-n2.json');
    const { choices } = parseLogprobs(text);
    await withPage(async (page) => {
      await paste(page, text, choices[0].text);
      const select = page.getByLabel('Choice', { exact: true });
      assert.deepEqual(await select.locator('option').allTextContents(), [
        'Choice 0: Yes.',
        'Choice 1: No! Sorry',
      ]);
      close(await statValue(page, 'perplexity'), perplexity(choices[0]));
      await select.selectOption('1');
      await page.waitForFunction(
        (t) => document.querySelector('[data-mode="api"] .heatmap').textContent === t,
        choices[1].text,
      );
      close(await statValue(page, 'perplexity'), perplexity(choices[1]));
      close(await statValue(page, 'mean-logprob'), meanLogprob(choices[1]));
      const rows = await page.$$eval('.choice-table tbody tr', (trs) =>
        trs.map((tr) => [tr.dataset.choice, tr.className, tr.children[3].textContent]),
      );
      assert.deepEqual(rows, [
        ['0', '', perplexity(choices[0]).toFixed(4)],
        ['1', 'is-current', perplexity(choices[1]).toFixed(4)],
      ]);
      await page.waitForFunction(() => location.hash.includes('ch=1'));
    });
  });

  test('low-confidence spans follow the threshold; pressing one highlights it; the hash keeps the view', async () => {
    const text = fixture('openai-chat-stream-n2.json');
    let url;
    await withPage(async (page) => {
      await paste(page, text, 'Yes.');
      await page.getByLabel('Choice', { exact: true }).selectOption('1');
      await page.waitForFunction(
        () => document.querySelector('[data-mode="api"] .heatmap').textContent === 'No! Sorry',
      );
      await page.getByLabel('Low-confidence threshold', { exact: true }).fill('0.9');
      await page.waitForFunction(() => location.hash.includes('th=0.9'));
      assert.doesNotMatch(page.url(), /apiz?=/, 'the pasted response stays out of the URL');
      const spans = await page.$$eval('.span-button', (bs) =>
        bs.map((b) => b.querySelector('.tok').textContent),
      );
      assert.ok(spans.length > 0, 'some span below 0.9');
      const first = page.locator('.span-button').first();
      await first.click();
      assert.equal(await first.getAttribute('aria-pressed'), 'true');
      const [a, b] = [
        Number(await first.getAttribute('data-token-start')),
        Number(await first.getAttribute('data-token-end')),
      ];
      const lit = await page.$$eval('.heat-cell.is-highlighted', (els) =>
        els.map((e) => Number(e.dataset.tokenStart)),
      );
      assert.ok(
        lit.length > 0 && lit.every((t) => t >= a && t < b),
        `highlighted ${lit} within [${a}, ${b})`,
      );
      assert.ok((await page.$$eval('.heat-cell.is-shaky', (els) => els.length)) > 0);
      await page.screenshot({ path: `${screenshotDir}api-1280-spans.png`, fullPage: true });
      await first.click();
      assert.equal(await page.locator('.heat-cell.is-highlighted').count(), 0);
      // An out-of-range threshold is the library's RangeError, next to the control.
      // An out-of-range threshold, committed, is the library's RangeError next to the control.
      await page.getByLabel('Low-confidence threshold', { exact: true }).fill('0');
      await page.getByLabel('Low-confidence threshold', { exact: true }).press('Enter');
      await page.getByText('threshold must be in (0, 1]').waitFor();
      await page.getByLabel('Low-confidence threshold', { exact: true }).fill('0.9');
      await page.waitForFunction(() => location.hash.includes('th=0.9'));
      await page.getByRole('button', { name: 'Copy share link' }).click();
      await page.waitForSelector('.share-msg[data-result="share"]');
      url = await page.inputValue('[data-mode="api"] .share-field');
      assert.ok(url.includes('apiz='), 'a share link holds the response, compressed');
      assert.ok(url.length < text.length, 'the response is stored compressed');
    });
    await withPage(
      async (page) => {
        assert.equal(await responseBox(page).inputValue(), text);
        assert.equal(
          await page.getByLabel('Low-confidence threshold', { exact: true }).inputValue(),
          '0.9',
        );
        assert.equal(await page.getByLabel('Choice', { exact: true }).inputValue(), '1');
        assert.equal(await heatmapText(page), 'No! Sorry');
      },
      { hash: new URL(url).hash },
    );
  });

  test('every control is labelled; screenshots at 1280 and 375 px without horizontal scrolling', async () => {
    for (const width of [1280, 375]) {
      await withPage(
        async (page) => {
          const unlabelled = await unlabelledControls(page, '[data-mode="api"]');
          assert.deepEqual(unlabelled, []);
          await page.getByLabel('Low-confidence threshold', { exact: true }).fill('0.7');
          await page.locator('.span-button').first().click();
          await page.hover('.heat-cell[data-token-start="3"]');
          await page.locator('.token-tip').waitFor();
          assert.ok(
            await page.evaluate(() => document.documentElement.scrollWidth <= innerWidth),
            `no horizontal overflow at ${width} px`,
          );
          const tip = await page.locator('.token-tip').boundingBox();
          assert.ok(
            tip.x >= 0 && tip.x + tip.width <= width,
            `tooltip inside the viewport at ${width} px`,
          );
          await page.screenshot({ path: `${screenshotDir}api-${width}.png`, fullPage: true });
        },
        { width },
      );
    }
  });

  for (const width of [1280, 375]) {
    test(`${width} px: a response without logprobs says so and how to request them; an API error shows its own message; an unknown shape lists the known ones`, async () => {
      await withPage(
        async (page) => {
          const message = page.locator('[data-mode="api"] .parse-msg');
          const cases = [
            [
              {
                id: 'x',
                object: 'chat.completion',
                choices: [
                  {
                    index: 0,
                    message: { role: 'assistant', content: 'Hi' },
                    logprobs: null,
                    finish_reason: 'stop',
                  },
                ],
              },
              'no-logprobs',
              /This OpenAI Chat Completions response has no logprobs.*"logprobs": true, "top_logprobs": 5/,
            ],
            [
              { candidates: [{ content: { parts: [{ text: 'Hi' }] }, index: 0 }] },
              'no-logprobs',
              /This Google Gemini response has no logprobs.*"responseLogprobs": true/,
            ],
            [
              {
                error: {
                  message: 'Incorrect API key provided: sk-abc.',
                  type: 'invalid_request_error',
                  code: 'invalid_api_key',
                },
              },
              'api-error',
              /The API answered with an error: Incorrect API key provided: sk-abc\./,
            ],
            [
              { foo: [1, 2, 3] },
              'unknown-shape',
              /not a response layout the page knows.*OpenAI Chat Completions.*completion_probabilities/s,
            ],
          ];
          for (const [body, problem, pattern] of cases) {
            await responseBox(page).fill(JSON.stringify(body));
            await page.waitForSelector(`[data-mode="api"] .parse-msg[data-problem="${problem}"]`);
            const text = await message.textContent();
            assert.match(text, pattern);
            assert.doesNotMatch(text, /1 choice, 0 tokens|all scored|pass options\.provider/);
          }
          assert.equal(
            await page.isVisible('[data-stat="tokens"]'),
            false,
            'no summary of nothing',
          );
        },
        { width },
      );
    });
  }
});

/** The tooltip's alternatives as [token cell text, p, logprob]. */
function tipRows(page) {
  return page.$$eval('.token-tip .tip-alts tbody tr', (trs) =>
    trs.map((tr) => [...tr.children].map((td) => td.textContent)),
  );
}
