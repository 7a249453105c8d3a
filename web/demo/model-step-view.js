// One generation step as the page shows it: the sampled token with its probability, logprob and
// rawLogprob, and the distribution it was drawn from, before and after the filters (bar-chart.js;
// the top tokens are the alternatives).
import { barChart, logFloor } from './bar-chart.js';
import { html } from './dom.js';
import { formatLog, formatProb, showToken } from './format.js';

/** Rows plus the remaining mass, as barChart takes them. */
function withOthers(rows, count) {
  const shown = rows.reduce((sum, r) => sum + r.p, 0);
  const rest = count - rows.length;
  return { rows, others: rest > 0 ? { count: rest, p: Math.max(0, 1 - shown) } : null };
}

/** The settings a step was drawn with, in words. */
function settingsText({ temperature, topK, topP, minP, seed }) {
  const filters = [
    topK > 0 && `top-k ${topK}`,
    topP < 1 && `top-p ${topP}`,
    minP > 0 && `min-p ${minP}`,
  ].filter(Boolean);
  return `T = ${temperature}${temperature === 0 ? ' (greedy)' : ''}, ${filters.length ? filters.join(', ') : 'no filter'}, seed ${seed}`;
}

/**
 * @param step a worker 'token' message (`allowed`: how many tokens the grammar allowed, null
 *   without a constraint; the filters then keep `kept` of those) (see model-worker.js), with the `sampling` it was drawn with
 * @param {{ index: number, logScale: boolean }} view
 */
export function stepView(step, { index, logScale }) {
  const { temperature } = step.sampling;
  const before = withOthers(step.before, step.vocab);
  const after = withOthers(step.after, step.kept);
  const floor = logFloor([
    step.before.map((r) => r.p),
    step.after.map((r) => r.p),
    [before.others?.p ?? 1, after.others?.p ?? 1],
  ]);
  const p = Math.exp(step.logprob);
  return html(
    'div',
    { class: 'step-view', 'data-step': index },
    html(
      'div',
      { class: 'draw-card' },
      html('p', { class: 'draw-title' }, `Step ${index + 1}, position ${step.pos}`),
      html(
        'p',
        { class: 'hint step-settings', 'data-settings': '' },
        `Drawn with ${settingsText(step.sampling)}.`,
      ),
      html(
        'p',
        { class: 'draw-token', 'data-token': step.token },
        html('span', { class: 'tok' }, showToken(step.label)),
        html('span', { class: 'hint' }, ` token ${step.token}`),
      ),
      html(
        'dl',
        { class: 'kv' },
        html('dt', {}, 'p'),
        html('dd', { 'data-p': p }, formatProb(p)),
        html('dt', {}, 'logprob'),
        html('dd', {}, formatLog(step.logprob)),
        html('dt', {}, 'rawLogprob'),
        html('dd', {}, formatLog(step.rawLogprob)),
        typeof step.allowed === 'number' && html('dt', {}, 'grammar allowed'),
        typeof step.allowed === 'number' &&
          html(
            'dd',
            { 'data-allowed': step.allowed },
            `${step.allowed.toLocaleString('en')} of ${step.vocab.toLocaleString('en')} tokens`,
          ),
        html('dt', {}, 'kept'),
        html(
          'dd',
          {},
          `${step.kept.toLocaleString('en')} of ${step.vocab.toLocaleString('en')} tokens`,
        ),
      ),
    ),
    html(
      'p',
      { class: 'hint draw-explain' },
      'logprob: the log of the token’s probability in the distribution it was drawn from (after temperature and the filters). rawLogprob: its log-probability under the plain softmax of the model’s logits (T = 1, no filter), how likely the model itself found it.',
      typeof step.allowed === 'number' &&
        ' With a grammar, the sampler sees the logits after the grammar’s mask, so logprob and rawLogprob are over the tokens it allowed; “Before filters” shows the model’s distribution without the mask.',
    ),
    html(
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
