// The "API response" mode: paste what a hosted LLM API returned (any provider logitkit/logprobs
// reads: plain JSON, a stream chunk array, SSE or NDJSON text) and see its tokens as a heatmap,
// perplexity and the confidence summary per choice, and the low-confidence spans. Uses only the
// public `logitkit/logprobs` API (no WebAssembly). The pasted text, threshold, choice and token
// sequence live in the store, and so in the URL hash; the highlighted span is view-only.
import { LogprobsParseError, lowConfidenceSpans, parseLogprobs } from 'logitkit/logprobs';
import { choiceTable, summaryCards } from './api-summary.js';
import { numberControl } from './controls.js';
import { html, panel, uid } from './dom.js';
import { clip } from './format.js';
import { createHeatmap } from './heatmap.js';
import { pasteBox } from './paste-box.js';
import { heatLegend } from './heat-scale.js';
import {
  apiErrorMessage,
  knownShapesList,
  noLogprobsMessage,
  PROVIDER_NAMES,
} from './api-guidance.js';
import { modeIntro } from './mode-intro.js';
import { shareLinks } from './share-link.js';
import { createSpanList } from './span-list.js';
import { API_EXAMPLE } from './state.js';

const SEQUENCE_NAMES = { answer: 'Answer', refusal: 'Refusal', prompt: 'Prompt' };
const KEYS = ['apiInput', 'threshold', 'choice', 'sequence'];

export function mountApiMode(container, { store }) {
  const st0 = store.get();
  let parsed = null; // the last response that parsed (parseLogprobs' result)
  let parsedFrom = null; // the text it came from
  let frame = 0;

  // ---- input ----
  const box = pasteBox({
    name: 'api-input',
    title: 'API response',
    label: 'Paste an API response with logprobs',
    hint:
      'The body an API returned with logprobs on: OpenAI Chat Completions, Completions or Responses, Gemini, Ollama, llama.cpp or vLLM. ' +
      'Plain JSON, an array of stream chunks, or raw SSE / NDJSON stream text. The example is an OpenAI chat response with two choices.',
    rows: 12,
    value: st0.apiInput,
    onInput: (text) => store.set({ apiInput: text }),
    exampleLabel: 'Load an example response',
    onExample: () => {
      store.set({ apiInput: API_EXAMPLE, choice: 0, sequence: 'answer' });
      return API_EXAMPLE;
    },
  });
  const { textarea, message: parseMsg, element: inputPanel } = box;

  // ---- view controls ----
  const choiceId = uid('choice');
  const choiceSelect = html('select', {
    id: choiceId,
    onchange: () => store.set({ choice: Number(choiceSelect.value) }),
  });
  const choiceField = html(
    'div',
    { class: 'select-field' },
    html('label', { for: choiceId }, 'Choice'),
    choiceSelect,
  );
  const sequenceId = uid('sequence');
  const sequenceSelect = html('select', {
    id: sequenceId,
    onchange: () => store.set({ sequence: sequenceSelect.value }),
  });
  const sequenceField = html(
    'div',
    { class: 'select-field' },
    html('label', { for: sequenceId }, 'Sequence'),
    sequenceSelect,
  );
  const threshold = numberControl({
    name: 'threshold',
    label: 'Low-confidence threshold',
    min: 0,
    max: 1,
    step: 0.05,
    slider: { min: 0.05, max: 1, step: 0.05 },
    value: st0.threshold,
    hint: 'A token is low-confidence when its probability is below this (or below the top N).',
    // The library's own rule, checked on commit (an empty sequence is enough to test the value).
    validate: (v) => {
      try {
        lowConfidenceSpans({ tokens: [] }, v);
        return '';
      } catch (e) {
        return String(e.message);
      }
    },
    onChange: (v) => store.set({ threshold: v }),
  });

  // ---- results ----
  const provider = html('p', { class: 'hint provider' });
  const resultsError = html('div', { class: 'results-error', role: 'alert' });
  const summary = html('div', { class: 'summary-wrap' });
  const choices = html('div', { class: 'table-wrap' });
  const heatmap = createHeatmap();
  const spans = createSpanList({ onSelect: (range) => heatmap.highlight(range) });
  const results = panel(
    { id: 'api-results-h', title: 'Confidence', className: 'results api-results', aside: provider },
    html('div', { class: 'row view-controls' }, choiceField, sequenceField),
    resultsError,
    summary,
    choices,
    html('h3', { id: 'heatmap-h' }, 'Tokens'),
    html(
      'p',
      { class: 'hint' },
      'Hover, tap or focus a token for its probability and the alternatives; in the heatmap, ←/→ move between tokens.',
    ),
    heatLegend(),
    heatmap.element,
    html('h3', {}, 'Low-confidence spans'),
    threshold.element,
    spans.element,
  );

  const share = shareLinks({ store, dataField: 'apiInput', dataName: 'pasted response' });
  inputPanel.append(share.element);
  container.append(
    modeIntro('api'),
    html(
      'div',
      { class: 'mode-layout api-layout' },
      html('div', { class: 'side' }, inputPanel),
      html('div', { class: 'main' }, results),
    ),
  );

  store.subscribe((state, change, external) => {
    if (!KEYS.some((key) => key in change)) return;
    if (external) {
      if (textarea.value !== state.apiInput) textarea.value = state.apiInput;
      threshold.setValue(state.threshold);
    }
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(render);
  });
  render();

  // ---- behaviour ----

  /** Parses the pasted text; a failure shows inline (naming the JSON path) and keeps the last result. */
  function reparse(input) {
    parsedFrom = input;
    textarea.removeAttribute('aria-invalid');
    if (input.trim() === '') {
      parsed = null;
      parseMsg.className = 'parse-msg';
      parseMsg.textContent = 'Paste a response above, or load the example.';
      return false;
    }
    let result;
    try {
      result = parseLogprobs(input);
    } catch (e) {
      if (!(e instanceof LogprobsParseError)) throw e;
      showProblem(input, e);
      return false;
    }
    const count = result.choices.reduce((n, c) => n + c.tokens.length, 0);
    const any = result.choices.some(
      (c) => c.tokens.length > 0 || c.refusal?.tokens.length > 0 || c.prompt?.tokens.length > 0,
    );
    if (!any) {
      // A valid response, asked for without logprobs: nothing to show, and say how to ask.
      parsed = null;
      parseMsg.className = 'parse-msg is-error';
      parseMsg.dataset.problem = 'no-logprobs';
      parseMsg.replaceChildren(
        ...noLogprobsMessage(result.provider, PROVIDER_NAMES[result.provider]),
      );
      return false;
    }
    parsed = result;
    parseMsg.className = 'parse-msg is-ok';
    delete parseMsg.dataset.path;
    delete parseMsg.dataset.problem;
    const choiceCount = parsed.choices.length;
    parseMsg.textContent = `${PROVIDER_NAMES[parsed.provider]}: ${choiceCount} choice${choiceCount > 1 ? 's' : ''}, ${count} token${count === 1 ? '' : 's'}.`;
    return true;
  }

  /** A body the parser refused: an API error, an unknown shape, or a fault at a JSON path. */
  function showProblem(input, e) {
    parseMsg.className = 'parse-msg is-error';
    parseMsg.dataset.path = e.path;
    textarea.setAttribute('aria-invalid', 'true');
    const apiError = apiErrorMessage(input);
    if (apiError !== null) {
      parseMsg.dataset.problem = 'api-error';
      parseMsg.replaceChildren(
        html('strong', {}, 'The API answered with an error: '),
        apiError,
        '. Fix the request and paste the new response.',
      );
      return;
    }
    if (/cannot detect the provider/.test(e.problem)) {
      parseMsg.dataset.problem = 'unknown-shape';
      parseMsg.replaceChildren(
        html('p', {}, 'This is not a response layout the page knows. It reads:'),
        knownShapesList(),
      );
      return;
    }
    parseMsg.dataset.problem = 'invalid';
    parseMsg.replaceChildren(
      e.path === '$'
        ? 'The response as a whole: '
        : html('span', {}, 'At ', html('code', { class: 'path' }, e.path), ': '),
      e.problem,
    );
  }

  function render() {
    const state = store.get();
    let fresh = true;
    if (state.apiInput !== parsedFrom) fresh = reparse(state.apiInput);
    results.classList.toggle('is-stale', !fresh);
    resultsError.replaceChildren();
    if (!parsed) {
      results.hidden = true;
      return;
    }
    results.hidden = false;
    if (!fresh)
      resultsError.append(html('p', { class: 'hint' }, 'Showing the last response that parsed.'));
    provider.textContent = PROVIDER_NAMES[parsed.provider];

    const choice = parsed.choices.find((c) => c.index === state.choice) ?? parsed.choices[0];
    const sequenceName = pickSequence(choice, state.sequence);
    const sequence = sequenceName === 'answer' ? choice : choice[sequenceName];
    fillSelect(
      choiceSelect,
      parsed.choices.map((c) => [
        String(c.index),
        `Choice ${c.index}: ${clip(c.text || '(no text)', 28)}`,
      ]),
      String(choice.index),
    );
    choiceField.hidden = parsed.choices.length < 2;
    const present = Object.keys(SEQUENCE_NAMES).filter(
      (name) => name === 'answer' || choice[name] !== undefined,
    );
    fillSelect(
      sequenceSelect,
      present.map((name) => [name, SEQUENCE_NAMES[name]]),
      sequenceName,
    );
    sequenceField.hidden = present.length < 2;

    let found;
    try {
      found = lowConfidenceSpans(sequence, state.threshold);
      threshold.setError('');
    } catch (e) {
      if (!(e instanceof RangeError || e instanceof TypeError)) throw e;
      threshold.setError(e.message);
      results.classList.add('is-stale');
      return;
    }
    summary.replaceChildren(summaryCards(sequence, state.threshold));
    choices.replaceChildren(
      parsed.choices.length > 1
        ? choiceTable(
            parsed.choices.map((c) =>
              sequenceName === 'answer'
                ? c
                : { index: c.index, ...(c[sequenceName] ?? { tokens: [], text: '' }) },
            ),
            choice.index,
          )
        : '',
    );
    heatmap.render(sequence.tokens, {
      shaky: found.map((s) => [s.tokenStart, s.tokenEnd]),
      emptyMessage: `This ${SEQUENCE_NAMES[sequenceName].toLowerCase()} has no tokens with logprobs.`,
    });
    spans.render(found, state.threshold);
  }
}

/** The sequence to show: the one asked for if the choice has it, else the answer, unless the answer is empty and another is not (a refusal). */
function pickSequence(choice, wanted) {
  if (wanted !== 'answer' && choice[wanted] !== undefined) return wanted;
  if (choice.tokens.length > 0) return 'answer';
  return ['refusal', 'prompt'].find((name) => choice[name]?.tokens.length > 0) ?? 'answer';
}

/** Replaces a select's options only when they changed (so focus and screen-reader position stay). */
function fillSelect(select, options, value) {
  const key = JSON.stringify(options);
  if (select.dataset.options !== key) {
    select.replaceChildren(...options.map(([v, label]) => html('option', { value: v }, label)));
    select.dataset.options = key;
  }
  select.value = value;
}
