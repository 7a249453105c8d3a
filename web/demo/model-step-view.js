// One generation step as the page shows it: the sampled token with its probability, logprob and
// rawLogprob, and the distribution it was drawn from, before and after the filters (bar-chart.js;
// the top tokens are the alternatives).
import { barChart, logFloor } from './bar-chart.js';
import { h } from './dom.js';
import { formatLog, formatProb, showToken } from './format.js';

/** Rows plus the remaining mass, as barChart takes them. */
function withOthers(rows, count) {
  const shown = rows.reduce((sum, r) => sum + r.p, 0);
  const rest = count - rows.length;
  return { rows, others: rest > 0 ? { count: rest, p: Math.max(0, 1 - shown) } : null };
}

/**
 * @param step a worker 'token' message (see model-worker.js)
 * @param {{ index: number, temperature: number, logScale: boolean }} view
 */
export function stepView(step, { index, temperature, logScale }) {
  const before = withOthers(step.before, step.vocab);
  const after = withOthers(step.after, step.kept);
  const floor = logFloor([
    step.before.map((r) => r.p),
    step.after.map((r) => r.p),
    [before.others?.p ?? 1, after.others?.p ?? 1],
  ]);
  const p = Math.exp(step.logprob);
  return h(
    'div',
    { class: 'step-view', 'data-step': index },
    h(
      'div',
      { class: 'draw-card' },
      h('p', { class: 'draw-title' }, `Step ${index + 1}, position ${step.pos}`),
      h(
        'p',
        { class: 'draw-token', 'data-token': step.token },
        h('span', { class: 'tok' }, showToken(step.label)),
        h('span', { class: 'hint' }, ` token ${step.token}`),
      ),
      h(
        'dl',
        { class: 'kv' },
        h('dt', {}, 'p'),
        h('dd', { 'data-p': p }, formatProb(p)),
        h('dt', {}, 'logprob'),
        h('dd', {}, formatLog(step.logprob)),
        h(
          'dt',
          {
            title:
              'log-probability under softmax of the model’s logits at T = 1, before the filters',
          },
          'rawLogprob',
        ),
        h('dd', {}, formatLog(step.rawLogprob)),
        h('dt', {}, 'kept'),
        h(
          'dd',
          {},
          `${step.kept.toLocaleString('en')} of ${step.vocab.toLocaleString('en')} tokens`,
        ),
      ),
    ),
    h(
      'div',
      { class: 'charts' },
      barChart({
        id: 'model-before',
        title: 'Before filters',
        logScale,
        floor,
        mark: step.token,
        note: `softmax(z / ${temperature === 0 ? '0, greedy' : `T = ${temperature}`}) over the model’s logits`,
        ...before,
      }),
      barChart({
        id: 'model-after',
        title: 'After filters (drawn from)',
        logScale,
        floor,
        mark: step.token,
        note: `${step.kept.toLocaleString('en')} tokens kept, renormalised`,
        ...after,
      }),
    ),
  );
}
