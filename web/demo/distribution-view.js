// The "Paste logits" results: the distribution before and after the filters (bar-chart.js), the
// entropy and perplexity, the kernel time, the temperature table, and for developers the exact
// lk.sample call and an export of the whole distribution. A failed analysis greys out everything
// that still shows the previous input, so nothing stale looks current.
import { barChart, logFloor } from './bar-chart.js';
import { checkbox, html, panel } from './dom.js';
import { distributionCsv, distributionJson, download } from './export-distribution.js';
import { timeSoftmax } from './kernel-timer.js';
import { sampleCode } from './show-code.js';
import { temperatureTable } from './temperature-table.js';

/** @param {{ lk, onLogScale: (on: boolean) => void, logScale: boolean }} options */
export function distributionView({ lk, logScale, onLogScale }) {
  let timing = 0;
  let timed = { parsed: null, temperature: NaN };
  let exported = null; // what the export buttons write: { parsed, state, bias }
  const logToggle = checkbox({
    id: 'log-scale',
    label: 'Log scale',
    checked: logScale,
    onChange: onLogScale,
  });
  const charts = html('div', { class: 'charts' });
  const stats = html('div', { class: 'stats' });
  const kernel = html('p', { class: 'kernel-time', 'aria-live': 'off' });
  const table = html('div', { class: 'table-wrap' });
  const error = html('div', { class: 'results-error', role: 'alert' });
  const code = html('pre', { class: 'code' }, html('code'));
  const exportButtons = html(
    'div',
    { class: 'row export' },
    html('button', { type: 'button', onclick: () => exportAs('csv') }, 'Download CSV'),
    html('button', { type: 'button', onclick: () => exportAs('json') }, 'Download JSON'),
  );
  const element = panel(
    { id: 'results-h', title: 'Distribution', className: 'results', aside: logToggle.element },
    error,
    charts,
    stats,
    kernel,
    html('h3', {}, 'Temperature table'),
    table,
    html(
      'details',
      { class: 'developer' },
      html('summary', {}, 'Show code and export'),
      html('p', { class: 'hint' }, 'The exact call this page makes for the “After filters” chart:'),
      code,
      html(
        'p',
        { class: 'hint' },
        'Every token with its logit and probability before and after the filters:',
      ),
      exportButtons,
    ),
  );

  function exportAs(kind) {
    if (exported === null) return;
    const { parsed, state, bias } = exported;
    if (kind === 'csv')
      download('distribution.csv', 'text/csv', distributionCsv(lk, parsed, state, bias));
    else
      download('distribution.json', 'application/json', distributionJson(lk, parsed, state, bias));
  }

  return {
    element,
    setLogScale(on) {
      logToggle.input.checked = on;
    },
    /** Greys out what shows an older input or setting; `message` (a node or text) says why. */
    stale(message) {
      element.classList.add('is-stale');
      error.replaceChildren(...(message ? [message] : []));
      exportButtons.hidden = true;
    },
    /** Nothing to show (no input has parsed yet). */
    clear() {
      charts.replaceChildren();
      stats.replaceChildren();
      table.replaceChildren();
      kernel.textContent = '';
      exported = null;
    },
    /**
     * Shows an analysis (analyse.js) of `parsed` at `state`; `mark` is the drawn token, `note`
     * an optional line over the charts (the last input that parsed is shown, say).
     */
    render({ parsed, state, bias, analysis, mark, note }) {
      element.classList.remove('is-stale');
      error.replaceChildren(...(note ? [html('p', { class: 'hint' }, note)] : []));
      exportButtons.hidden = false;
      exported = { parsed, state, bias };
      charts.replaceChildren(...chartsOf(parsed, state, bias, analysis, mark));
      stats.replaceChildren(entropyTable(analysis.entropy));
      const hasBias = Object.keys(bias).length > 0;
      table.replaceChildren(temperatureTable(lk, parsed, state.temperature, hasBias));
      code.firstChild.textContent = sampleCode(parsed, state, bias);
      scheduleTiming(parsed, state);
    },
  };

  /** Times softmax for the current logits and temperature, once they stop changing. */
  function scheduleTiming(parsed, state) {
    if (timed.parsed === parsed && timed.temperature === state.temperature) return;
    timed = { parsed, temperature: state.temperature };
    clearTimeout(timing);
    kernel.textContent = 'Timing the softmax kernel…';
    timing = setTimeout(() => {
      const t = timeSoftmax(lk, parsed.logits, state.temperature);
      const us = t.microseconds < 10 ? t.microseconds.toFixed(2) : t.microseconds.toFixed(1);
      kernel.textContent =
        `Kernel time: lk.softmax over ${parsed.logits.length.toLocaleString('en')} logits takes ${us} µs per call ` +
        `(${lk.simd ? 'WebAssembly SIMD' : 'baseline WebAssembly'} build, mean of ${t.calls.toLocaleString('en')} calls).`;
      kernel.dataset.microseconds = String(t.microseconds);
    }, 300);
  }
}

function chartsOf(parsed, state, bias, analysis, mark) {
  const floor = logFloor([
    analysis.before.rows.map((r) => r.p),
    analysis.after.rows.map((r) => r.p),
    [analysis.before.others?.p ?? 1, analysis.after.others?.p ?? 1],
  ]);
  const filters = [
    state.topK > 0 && `top-k ${state.topK}`,
    state.topP < 1 && `top-p ${state.topP}`,
    state.minP > 0 && `min-p ${state.minP}`,
  ].filter(Boolean);
  const hasBias = Object.keys(bias).length > 0;
  const kept = analysis.after.count.toLocaleString('en');
  const total = parsed.logits.length.toLocaleString('en');
  return [
    barChart({
      id: 'before',
      title: 'Before filters',
      logScale: state.logScale,
      floor,
      mark,
      note: `softmax(${hasBias ? '(z + bias)' : 'z'} / ${state.temperature === 0 ? '0, greedy' : `T = ${state.temperature}`})`,
      ...analysis.before,
    }),
    barChart({
      id: 'after',
      title: 'After filters',
      logScale: state.logScale,
      floor,
      mark,
      note: `${filters.length ? filters.join(', ') : 'no filter'}: ${kept} of ${total} tokens kept, renormalised`,
      ...analysis.after,
    }),
  ];
}

function entropyTable(entropy) {
  const row = (stat, label, nats, bits, perplexity) =>
    html(
      'tr',
      { 'data-stat': stat },
      html('th', { scope: 'row' }, label),
      html('td', {}, nats.toFixed(4)),
      html('td', {}, bits.toFixed(4)),
      html('td', {}, perplexity.toFixed(4)),
    );
  return html(
    'table',
    { class: 'stat-table' },
    html(
      'caption',
      {},
      'Uncertainty. Perplexity = exp(entropy in nats): the number of equally likely tokens with the same entropy.',
    ),
    html(
      'thead',
      {},
      html(
        'tr',
        {},
        html('td'),
        html('th', { scope: 'col' }, 'Entropy (nats)'),
        html('th', { scope: 'col' }, 'Entropy (bits)'),
        html('th', { scope: 'col' }, 'Perplexity'),
      ),
    ),
    html(
      'tbody',
      {},
      row('before', 'Before filters', entropy.nats, entropy.bits, entropy.perplexity),
      row('after', 'After filters', entropy.afterNats, entropy.afterBits, entropy.afterPerplexity),
    ),
  );
}
