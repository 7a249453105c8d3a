// The "Paste logits" mode: pasted logits, the sampling controls, and what they do to the
// distribution. This module only wires its parts to the page state (the store, and so the URL):
// paste-input.js (the textarea), sampling-controls.js and bias-editor.js (the settings),
// draw-panel.js (Sample, Step and their history, a session log kept out of the URL),
// distribution-view.js (charts, tables, code and export) and share-link.js.
import { analyse, draw, resolveBias } from './analyse.js';
import { biasEditor } from './bias-editor.js';
import { html, panel } from './dom.js';
import { drawPanel } from './draw-panel.js';
import { distributionView } from './distribution-view.js';
import { modeIntro } from './mode-intro.js';
import { pasteInput } from './paste-input.js';
import { samplingControls } from './sampling-controls.js';
import { shareLinks } from './share-link.js';

/** What a bias that leaves nothing to draw means, in the page's own terms. */
const ALL_BANNED =
  'With this logit bias no token has a finite logit (every one is −inf), so nothing can be drawn. Remove a −inf bias or give a token a finite one.';

export function mountPasteMode(container, { lk, store }) {
  const initial = store.get();
  let parsed = null; // the last input that parsed: { labels, logits, format }
  let parsedFrom = null; // the text it came from
  let lastDraw = null; // { kind: 'Sample' } (follows the seed control) or { kind: 'Step', seed }
  let frame = 0;

  const input = pasteInput({ text: initial.input, onInput: (text) => store.set({ input: text }) });
  const sampling = samplingControls({
    lk,
    store,
    hints: {
      temperature:
        'Divides the logits. 0 is greedy (always the top token); below 1 sharpens, above 1 flattens.',
      topK: 'Keep the k most probable tokens. 0 keeps all.',
      topP: 'Keep the fewest top tokens whose mass reaches p. 1 keeps all.',
      minP: 'Drop tokens below min-p × the top probability. 0 keeps all.',
      seed: 'The same seed and settings always draw the same token.',
    },
  });
  const bias = biasEditor({ onChange: (rows) => store.set({ bias: rows }) });
  bias.setRows(initial.bias);
  const drawing = drawPanel({
    onSample: () => {
      lastDraw = { kind: 'Sample' };
      schedule();
    },
    onStep: step,
  });
  const view = distributionView({
    lk,
    logScale: initial.logScale,
    onLogScale: (on) => store.set({ logScale: on }),
  });
  const share = shareLinks({ store, dataField: 'input', dataName: 'pasted logits' });

  // Reading order is tab order: input and controls (the side column, first on a phone, where the
  // controls sit right above the charts they change), then the results and the draws.
  container.append(
    modeIntro('paste'),
    html(
      'div',
      { class: 'mode-layout paste-layout' },
      html(
        'div',
        { class: 'side' },
        input.element,
        panel(
          { id: 'controls-h', title: 'Sampling', className: 'controls-panel' },
          sampling.element,
        ),
      ),
      html(
        'div',
        { class: 'main' },
        view.element,
        panel(
          { id: 'draw-h', title: 'Bias and draws', className: 'draw-section' },
          bias.element,
          drawing.element,
          share.element,
        ),
      ),
    ),
  );

  store.subscribe((state, change, external) => {
    if (external) {
      input.setText(state.input);
      sampling.sync(state);
      view.setLogScale(state.logScale);
      bias.setRows(state.bias);
    }
    if ('input' in change) drawing.reset();
    schedule();
  });
  render();

  function schedule() {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(render);
  }

  function step() {
    if (!parsed) return;
    const state = store.get();
    const seed = state.seed + drawing.steps;
    try {
      const { bias: resolved } = resolveBias(state.bias, parsed.labels);
      const result = draw(lk, parsed.logits, state, resolved, seed);
      drawing.record({ seed, token: result.token, label: parsed.labels[result.token], ...result });
      lastDraw = { kind: 'Step', seed };
    } catch (error) {
      showError(error);
    }
    schedule();
  }

  function render() {
    const state = store.get();
    let fresh = true;
    if (state.input !== parsedFrom) {
      parsedFrom = state.input;
      const result = input.parse(state.input);
      fresh = result !== null;
      if (fresh) {
        parsed = result;
        bias.setLabels(result.labels);
      }
    }
    sampling.clearErrors();
    bias.showSummary('');
    if (!parsed) {
      view.clear();
      view.stale(null);
      drawing.show(null);
      return;
    }
    const { bias: resolved, problems } = resolveBias(state.bias, parsed.labels);
    bias.showProblems(problems);
    let analysis;
    let mark;
    try {
      analysis = analyse(lk, parsed, state, resolved);
      mark = showDraw(state, resolved);
    } catch (error) {
      showError(error);
      return;
    }
    view.render({
      parsed,
      state,
      bias: resolved,
      analysis,
      mark,
      note: fresh ? '' : 'Showing the last input that parsed.',
    });
    if (!fresh) view.stale(html('p', { class: 'hint' }, 'Showing the last input that parsed.'));
  }

  /** Shows the last Sample or Step redrawn with the current settings; returns its token. */
  function showDraw(state, resolved) {
    if (!lastDraw) {
      drawing.show(null);
      return undefined;
    }
    const seed = lastDraw.kind === 'Sample' ? state.seed : lastDraw.seed;
    const result = draw(lk, parsed.logits, state, resolved, seed);
    drawing.show({ kind: lastDraw.kind, seed, result, label: parsed.labels[result.token] });
    return result.token;
  }

  /** A library error under the control it names, else over the results; the results grey out. */
  function showError(error) {
    const message = String(error?.message ?? error).replace(/^\w+(\.\w+)?: /, '');
    let shown = sampling.showError(error?.argument, message);
    if (!shown && error?.argument === 'options.logitBias') {
      bias.showSummary(ALL_BANNED);
      shown = true;
    }
    view.stale(shown ? null : html('p', {}, message));
    if (!(error instanceof RangeError || error instanceof TypeError)) console.error(error);
  }
}
