// The "Paste logits" mode: a textarea of logits, the sampling controls, and what they do to the
// distribution. State lives in the store (and so in the URL hash); this module wires the DOM to
// it and redraws the results. The draw history is a session log and is not part of the URL.
import { analyse, draw, resolveBias } from './analyse.js';
import { barChart, logFloor } from './bar-chart.js';
import { biasEditor } from './bias-editor.js';
import { numberControl } from './controls.js';
import { h, uid } from './dom.js';
import { formatLog, formatProb, showToken } from './format.js';
import { timeSoftmax } from './kernel-timer.js';
import { parseLogits } from './parse-logits.js';
import { EXAMPLE_INPUT } from './state.js';
import { temperatureTable } from './temperature-table.js';

const HISTORY_MAX = 200;

export function mountPasteMode(container, { lk, store }) {
  const st0 = store.get();
  let parsed = null; // the last input that parsed: { labels, logits, format }
  let parsedFrom = null; // the text it came from
  let lastDraw = null; // { kind: 'Sample' } (follows the seed control) or { kind: 'Step', seed }
  let history = [];
  let frame = 0;
  let timing = 0;
  let timedKey = '';

  // ---- input ----
  const inputId = uid('logits-input');
  const parseMsgId = uid('parse-msg');
  const textarea = h('textarea', {
    id: inputId,
    rows: 8,
    spellcheck: 'false',
    autocomplete: 'off',
    'aria-describedby': `${parseMsgId} ${inputId}-hint`,
    value: st0.input,
    oninput: () => store.set({ input: textarea.value }),
  });
  const parseMsg = h('div', {
    id: parseMsgId,
    class: 'parse-msg',
    role: 'status',
    'aria-live': 'polite',
  });
  const example = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      onclick: () => {
        textarea.value = EXAMPLE_INPUT;
        store.set({ input: EXAMPLE_INPUT });
      },
    },
    'Load the article’s example',
  );
  const inputPanel = h(
    'section',
    { class: 'panel input-panel', 'aria-labelledby': `${inputId}-h` },
    h('h2', { id: `${inputId}-h` }, 'Logits'),
    h('label', { for: inputId }, 'Paste logits'),
    h(
      'p',
      { class: 'hint', id: `${inputId}-hint` },
      'A JSON array or object ({"token": logit}), CSV with token and logit columns, or numbers separated by commas or spaces (optionally “token logit” per line). −inf masks a token.',
    ),
    textarea,
    parseMsg,
    h('div', { class: 'row' }, example),
  );

  // ---- controls ----
  const temperature = numberControl({
    name: 'temperature',
    label: 'Temperature',
    min: 0,
    step: 0.05,
    slider: { min: 0, max: 2, step: 0.05 },
    value: st0.temperature,
    hint: 'Divides the logits. 0 is greedy (always the top token); below 1 sharpens, above 1 flattens.',
    onChange: (v) => store.set({ temperature: v }),
  });
  const topK = numberControl({
    name: 'topK',
    label: 'Top-k',
    min: 0,
    step: 1,
    value: st0.topK,
    hint: 'Keep the k most probable tokens. 0 keeps all.',
    onChange: (v) => store.set({ topK: v }),
  });
  const topP = numberControl({
    name: 'topP',
    label: 'Top-p',
    min: 0,
    max: 1,
    step: 0.01,
    slider: { min: 0.01, max: 1, step: 0.01 },
    value: st0.topP,
    hint: 'Keep the fewest top tokens whose mass reaches p. 1 keeps all.',
    onChange: (v) => store.set({ topP: v }),
  });
  const minP = numberControl({
    name: 'minP',
    label: 'Min-p',
    min: 0,
    max: 1,
    step: 0.01,
    slider: { min: 0, max: 1, step: 0.01 },
    value: st0.minP,
    hint: 'Drop tokens below min-p × the top probability. 0 keeps all.',
    onChange: (v) => store.set({ minP: v }),
  });
  const seed = numberControl({
    name: 'seed',
    label: 'Seed',
    min: 0,
    step: 1,
    value: st0.seed,
    hint: 'The same seed and settings always draw the same token.',
    onChange: (v) => store.set({ seed: v }),
  });
  const editor = biasEditor({ onChange: (rows) => store.set({ bias: rows }) });
  editor.setRows(st0.bias);
  const fields = {
    'options.temperature': temperature,
    'options.topK': topK,
    'options.topP': topP,
    'options.minP': minP,
    'options.seed': seed,
  };

  const drawCard = h('div', { class: 'draw-card', role: 'status', 'aria-live': 'polite' });
  const historyList = h('ol', { class: 'history', 'aria-label': 'Step history' });
  const tally = h('p', { class: 'tally hint' });
  const clearHistory = h(
    'button',
    {
      type: 'button',
      class: 'link',
      hidden: true,
      onclick: () => {
        history = [];
        renderHistory();
      },
    },
    'Clear history',
  );
  const sampleButton = h(
    'button',
    {
      type: 'button',
      class: 'primary',
      onclick: () => {
        lastDraw = { kind: 'Sample' };
        schedule();
      },
    },
    'Sample',
  );
  const stepButton = h('button', { type: 'button', onclick: step }, 'Step');
  const controlsPanel = h(
    'section',
    { class: 'panel controls-panel', 'aria-labelledby': 'controls-h' },
    h('h2', { id: 'controls-h' }, 'Sampling'),
    h(
      'div',
      { class: 'control-grid' },
      temperature.element,
      topK.element,
      topP.element,
      minP.element,
      seed.element,
    ),
    editor.element,
    h(
      'div',
      { class: 'row draw-buttons' },
      sampleButton,
      stepButton,
      h('span', { class: 'hint' }, 'Sample draws with the seed; Step draws with seed + 0, 1, 2, …'),
    ),
    drawCard,
    tally,
    historyList,
    clearHistory,
  );

  // ---- results ----
  const logToggle = h('input', {
    type: 'checkbox',
    id: 'log-scale',
    checked: st0.logScale,
    onchange: () => store.set({ logScale: logToggle.checked }),
  });
  const charts = h('div', { class: 'charts' });
  const stats = h('div', { class: 'stats' });
  const kernel = h('p', { class: 'kernel-time', 'aria-live': 'off' });
  const table = h('div', { class: 'table-wrap' });
  const resultsError = h('div', { class: 'results-error', role: 'alert' });
  const results = h(
    'section',
    { class: 'panel results', 'aria-labelledby': 'results-h' },
    h(
      'div',
      { class: 'results-head' },
      h('h2', { id: 'results-h' }, 'Distribution'),
      h('label', { class: 'toggle', for: 'log-scale' }, logToggle, ' Log scale'),
    ),
    resultsError,
    charts,
    stats,
    kernel,
    h('h3', {}, 'Temperature table'),
    table,
  );

  container.append(
    h(
      'div',
      { class: 'paste-layout' },
      h('div', { class: 'side' }, inputPanel, controlsPanel),
      results,
    ),
  );

  store.subscribe((state, change, external) => {
    if (external) syncControls(state);
    if ('input' in change) history = [];
    schedule();
  });
  render();

  // ---- behaviour ----

  function syncControls(state) {
    if (textarea.value !== state.input) textarea.value = state.input;
    temperature.setValue(state.temperature);
    topK.setValue(state.topK);
    topP.setValue(state.topP);
    minP.setValue(state.minP);
    seed.setValue(state.seed);
    logToggle.checked = state.logScale;
    editor.setRows(state.bias);
  }

  function schedule() {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(render);
  }

  function step() {
    const state = store.get();
    if (!parsed) return;
    const s = state.seed + history.length;
    try {
      const { bias } = resolveBias(state.bias, parsed.labels);
      const r = draw(lk, parsed.logits, state, bias, s);
      history.push({
        seed: s,
        index: r.token,
        label: parsed.labels[r.token],
        p: Math.exp(r.logprob),
      });
      if (history.length > HISTORY_MAX) history.shift();
      lastDraw = { seed: s, kind: 'Step' };
    } catch (e) {
      showError(e);
    }
    renderHistory();
    schedule();
  }

  function reparse(input) {
    parsedFrom = input;
    const result = parseLogits(input);
    if (result.error) {
      const e = result.error;
      const select =
        e.start !== undefined
          ? h(
              'button',
              {
                type: 'button',
                class: 'link',
                onclick: () => {
                  textarea.focus();
                  textarea.setSelectionRange(e.start, Math.max(e.end, e.start + 1));
                },
              },
              'Select it',
            )
          : null;
      parseMsg.className = 'parse-msg is-error';
      parseMsg.replaceChildren(h('span', {}, e.message), ' ', select);
      textarea.setAttribute('aria-invalid', 'true');
      return false;
    }
    parsed = result;
    const masked = result.logits.reduce((c, z) => c + (z === -Infinity ? 1 : 0), 0);
    parseMsg.className = 'parse-msg is-ok';
    parseMsg.textContent = `${result.logits.length.toLocaleString('en')} tokens (${FORMAT_NAMES[result.format]})${masked ? `, ${masked} masked` : ''}.`;
    textarea.removeAttribute('aria-invalid');
    editor.setLabels(result.labels);
    return true;
  }

  function render() {
    const state = store.get();
    let fresh = true;
    if (state.input !== parsedFrom) fresh = reparse(state.input);
    results.classList.toggle('is-stale', !fresh || !parsed);
    for (const field of Object.values(fields)) field.setError('');
    resultsError.replaceChildren();
    if (!parsed) {
      charts.replaceChildren();
      return;
    }
    if (!fresh)
      resultsError.append(h('p', { class: 'hint' }, 'Showing the last input that parsed.'));
    const { bias, problems } = resolveBias(state.bias, parsed.labels);
    let a;
    try {
      a = analyse(lk, parsed, state, bias);
    } catch (e) {
      editor.showProblems(problems);
      showError(e);
      return;
    }
    editor.showProblems(problems);
    renderResults(state, a, bias);
    scheduleTiming(state);
  }

  function renderResults(state, a, bias) {
    let mark;
    drawCard.replaceChildren();
    if (lastDraw) {
      const drawSeed = lastDraw.kind === 'Sample' ? state.seed : lastDraw.seed;
      const r = draw(lk, parsed.logits, state, bias, drawSeed);
      mark = r.token;
      drawCard.append(
        h('p', { class: 'draw-title' }, `${lastDraw.kind} with seed ${drawSeed}`),
        h(
          'p',
          { class: 'draw-token', 'data-token': r.token },
          h('span', { class: 'tok' }, showToken(parsed.labels[r.token])),
          h('span', { class: 'hint' }, ` token ${r.token}`),
        ),
        h(
          'dl',
          { class: 'kv' },
          h('dt', {}, 'p'),
          h('dd', {}, formatProb(Math.exp(r.logprob))),
          h('dt', {}, 'logprob'),
          h('dd', { 'data-logprob': r.logprob }, formatLog(r.logprob)),
          h(
            'dt',
            {
              title:
                'log-probability under softmax of the input logits at T = 1, before bias and filters',
            },
            'rawLogprob',
          ),
          h('dd', { 'data-raw-logprob': r.rawLogprob }, formatLog(r.rawLogprob)),
        ),
      );
    }
    const floor = logFloor([
      a.before.rows.map((r) => r.p),
      a.after.rows.map((r) => r.p),
      [a.before.others?.p ?? 1, a.after.others?.p ?? 1],
    ]);
    const filters = [
      state.topK > 0 && `top-k ${state.topK}`,
      state.topP < 1 && `top-p ${state.topP}`,
      state.minP > 0 && `min-p ${state.minP}`,
    ].filter(Boolean);
    const hasBias = Object.keys(bias).length > 0;
    charts.replaceChildren(
      barChart({
        id: 'before',
        title: 'Before filters',
        logScale: state.logScale,
        floor,
        mark,
        note: `softmax(${hasBias ? '(z + bias)' : 'z'} / ${state.temperature === 0 ? '0, greedy' : `T = ${state.temperature}`})`,
        ...a.before,
      }),
      barChart({
        id: 'after',
        title: 'After filters',
        logScale: state.logScale,
        floor,
        mark,
        note: `${filters.length ? filters.join(', ') : 'no filter'}: ${a.after.count.toLocaleString('en')} of ${parsed.logits.length.toLocaleString('en')} tokens kept, renormalised`,
        ...a.after,
      }),
    );
    const e = a.entropy;
    stats.replaceChildren(
      h(
        'table',
        { class: 'stat-table' },
        h(
          'caption',
          {},
          'Uncertainty. Perplexity = exp(entropy in nats): the number of equally likely tokens with the same entropy.',
        ),
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('td'),
            h('th', { scope: 'col' }, 'Entropy (nats)'),
            h('th', { scope: 'col' }, 'Entropy (bits)'),
            h('th', { scope: 'col' }, 'Perplexity'),
          ),
        ),
        h(
          'tbody',
          {},
          h(
            'tr',
            { 'data-stat': 'before' },
            h('th', { scope: 'row' }, 'Before filters'),
            h('td', {}, e.nats.toFixed(4)),
            h('td', {}, e.bits.toFixed(4)),
            h('td', {}, e.perplexity.toFixed(4)),
          ),
          h(
            'tr',
            { 'data-stat': 'after' },
            h('th', { scope: 'row' }, 'After filters'),
            h('td', {}, e.afterNats.toFixed(4)),
            h('td', {}, e.afterBits.toFixed(4)),
            h('td', {}, e.afterPerplexity.toFixed(4)),
          ),
        ),
      ),
    );
    table.replaceChildren(temperatureTable(lk, parsed, state.temperature, hasBias));
  }

  function renderHistory() {
    historyList.replaceChildren(
      ...history.map((d) =>
        h(
          'li',
          { 'data-token': d.index },
          h('span', { class: 'hint' }, `seed ${d.seed}`),
          ' ',
          h('span', { class: 'tok' }, showToken(d.label)),
          ' ',
          h('span', { class: 'hint' }, formatProb(d.p)),
        ),
      ),
    );
    clearHistory.hidden = history.length === 0;
    const counts = new Map();
    for (const d of history) counts.set(d.label, (counts.get(d.label) ?? 0) + 1);
    tally.textContent =
      history.length === 0
        ? ''
        : `${history.length} step${history.length > 1 ? 's' : ''}: ` +
          [...counts]
            .sort((x, y) => y[1] - x[1])
            .map(([label, n]) => `${showToken(label)} × ${n}`)
            .join(', ');
  }

  /** A library error next to the control it names (its .argument), else above the results. */
  function showError(e) {
    const message = String(e?.message ?? e).replace(/^\w+(\.\w+)?: /, '');
    const field = fields[e?.argument];
    if (field) field.setError(message);
    else if (e?.argument === 'options.logitBias') editor.showProblems([{ row: 0, message }]);
    else resultsError.replaceChildren(h('p', {}, message));
    results.classList.add('is-stale');
    if (!(e instanceof RangeError || e instanceof TypeError)) console.error(e);
  }

  /** Times softmax for the current logits and temperature, once they stop changing. */
  function scheduleTiming(state) {
    const key = `${parsedFrom}\u0000${state.temperature}`;
    if (key === timedKey) return;
    timedKey = key;
    clearTimeout(timing);
    kernel.textContent = 'Timing the softmax kernel…';
    timing = setTimeout(() => {
      const t = timeSoftmax(lk, parsed.logits, state.temperature);
      kernel.textContent = `Kernel time: lk.softmax over ${parsed.logits.length.toLocaleString('en')} logits takes ${t.microseconds < 10 ? t.microseconds.toFixed(2) : t.microseconds.toFixed(1)} µs per call (${lk.simd ? 'WebAssembly SIMD' : 'baseline WebAssembly'} build, mean of ${t.calls.toLocaleString('en')} calls).`;
      kernel.dataset.microseconds = String(t.microseconds);
    }, 300);
  }
}

const FORMAT_NAMES = {
  'json-array': 'JSON array',
  'json-object': 'JSON object',
  csv: 'token and logit per line',
  numbers: 'numbers',
};
