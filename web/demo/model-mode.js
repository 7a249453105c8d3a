// The "Model" mode: a language model runs in a Web Worker (model-worker.js) and writes text token
// by token; every step's logits go to logitkit's sampler with no copy, and the page shows the
// distribution each token was drawn from. The default model ships with the page; a llama2.c
// checkpoint and tokenizer.bin of the user's own load through the same path. The sampling
// controls share the page state (and the URL) with the other modes and apply from the next token.
import { numberControl } from './controls.js';
import { h, uid } from './dom.js';
import { startModelWorker } from './model-client.js';
import { modelFilePicker } from './model-files.js';
import { stepView } from './model-step-view.js';

const DEFAULT_PROMPT = 'And God said';
const PACES = [
  [50, '20 tokens/s'],
  [100, '10 tokens/s'],
  [333, '3 tokens/s'],
  [0, 'As fast as it runs'],
];
const STOPS = {
  bos: 'the model began a new text (BOS)',
  eos: 'end of text (EOS)',
  length: 'the context is full',
};

export function mountModelMode(container, { store }) {
  const st0 = store.get();
  let steps = [];
  let selected = -1; // the step shown; -1 follows the latest
  let state = { running: false, active: false, stop: null };
  let loaded = null;
  let usingDefault = true;
  let frame = 0;
  let tokensPerSecond = 0;

  // ---- model ----
  const modelStatus = h(
    'p',
    {
      class: 'model-status',
      role: 'status',
      'aria-live': 'polite',
      'data-model-status': 'loading',
    },
    'Loading the model…',
  );
  const useDefault = h(
    'button',
    {
      type: 'button',
      class: 'secondary',
      hidden: true,
      onclick: () => {
        setModelStatus('loading', 'Loading the default model…');
        usingDefault = true;
        client.loadDefault();
      },
    },
    'Use the default model',
  );
  const picker = modelFilePicker({ onFiles: loadFiles });
  const modelPanel = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'model-h' },
    h('h2', { id: 'model-h' }, 'Model'),
    modelStatus,
    h('div', { class: 'row' }, useDefault),
    h('h3', {}, 'Use your own model'),
    picker.element,
  );

  // ---- sampling ----
  const controls = {
    temperature: numberControl({
      name: 'model-temperature',
      label: 'Temperature',
      min: 0,
      step: 0.05,
      slider: { min: 0, max: 2, step: 0.05 },
      value: st0.temperature,
      hint: 'Divides the logits. 0 is greedy.',
      onChange: (v) => store.set({ temperature: v }),
    }),
    topK: numberControl({
      name: 'model-topK',
      label: 'Top-k',
      min: 0,
      step: 1,
      value: st0.topK,
      hint: '0 keeps all.',
      onChange: (v) => store.set({ topK: v }),
    }),
    topP: numberControl({
      name: 'model-topP',
      label: 'Top-p',
      min: 0,
      max: 1,
      step: 0.01,
      slider: { min: 0.01, max: 1, step: 0.01 },
      value: st0.topP,
      hint: 'Keep the fewest top tokens whose mass reaches p.',
      onChange: (v) => store.set({ topP: v }),
    }),
    minP: numberControl({
      name: 'model-minP',
      label: 'Min-p',
      min: 0,
      max: 1,
      step: 0.01,
      slider: { min: 0, max: 1, step: 0.01 },
      value: st0.minP,
      hint: 'Drop tokens below min-p × the top probability.',
      onChange: (v) => store.set({ minP: v }),
    }),
    seed: numberControl({
      name: 'model-seed',
      label: 'Seed',
      min: 0,
      step: 1,
      value: st0.seed,
      hint: 'The same seed, prompt and settings write the same text.',
      onChange: (v) => store.set({ seed: v }),
    }),
  };
  const paceId = uid('model-pace');
  const pace = h(
    'select',
    { id: paceId, onchange: () => client.setPace(Number(pace.value)) },
    ...PACES.map(([ms, label]) => h('option', { value: ms }, label)),
  );
  const samplingPanel = h(
    'section',
    { class: 'panel', 'aria-labelledby': 'model-sampling-h' },
    h('h2', { id: 'model-sampling-h' }, 'Sampling'),
    h(
      'p',
      { class: 'hint' },
      'Changes apply from the next token (the seeded stream restarts at the seed).',
    ),
    h('div', { class: 'control-grid' }, ...Object.values(controls).map((c) => c.element)),
    h('div', { class: 'select-field pace-field' }, h('label', { for: paceId }, 'Speed'), pace),
  );

  // ---- generation ----
  const promptId = uid('model-prompt');
  const prompt = h('textarea', {
    id: promptId,
    rows: 2,
    spellcheck: 'false',
    value: DEFAULT_PROMPT,
  });
  const generateButton = h(
    'button',
    { type: 'button', class: 'primary', disabled: true, onclick: () => start(false) },
    'Generate',
  );
  const pauseButton = h(
    'button',
    { type: 'button', disabled: true, onclick: togglePause },
    'Pause',
  );
  const stepButton = h('button', { type: 'button', disabled: true, onclick: stepOnce }, 'Step');
  const logToggle = h('input', {
    type: 'checkbox',
    id: 'model-log-scale',
    checked: st0.logScale,
    onchange: () => store.set({ logScale: logToggle.checked }),
  });
  const speed = h('p', { class: 'gen-stats', 'aria-live': 'off' });
  const runError = h('div', { class: 'results-error', role: 'alert' });
  const output = h('div', {
    class: 'gen-output',
    id: 'model-output',
    'aria-label': 'Generated text',
    'aria-live': 'off',
  });
  const stepBox = h('div', { class: 'step-box' });
  const genPanel = h(
    'section',
    { class: 'panel results', 'aria-labelledby': 'gen-h' },
    h(
      'div',
      { class: 'results-head' },
      h('h2', { id: 'gen-h' }, 'Generation'),
      h('label', { class: 'toggle', for: 'model-log-scale' }, logToggle, ' Log scale'),
    ),
    h('label', { for: promptId }, 'Prompt'),
    prompt,
    h('div', { class: 'row' }, generateButton, pauseButton, stepButton),
    runError,
    speed,
    output,
    h('p', { class: 'hint' }, 'Select a token to see the distribution it was drawn from.'),
    stepBox,
  );

  container.append(
    h(
      'div',
      { class: 'paste-layout model-layout' },
      h('div', { class: 'side' }, modelPanel, samplingPanel),
      genPanel,
    ),
  );

  const client = startModelWorker(onMessage);
  client.loadDefault();

  store.subscribe((s, change, external) => {
    if (external) for (const [name, control] of Object.entries(controls)) control.setValue(s[name]);
    if (external) logToggle.checked = s.logScale;
    if (['temperature', 'topK', 'topP', 'minP', 'seed'].some((k) => k in change)) {
      clearFieldErrors();
      if (state.active) client.setSampling(samplingOf(s));
    }
    if ('logScale' in change) scheduleRender();
  });

  // ---- behaviour ----

  function samplingOf(s) {
    return { temperature: s.temperature, topK: s.topK, topP: s.topP, minP: s.minP, seed: s.seed };
  }

  function start(paused) {
    clearFieldErrors();
    runError.replaceChildren();
    steps = [];
    selected = -1;
    output.replaceChildren();
    stepBox.replaceChildren();
    tokensPerSecond = 0;
    client.generate(prompt.value, samplingOf(store.get()), Number(pace.value), paused);
  }

  function togglePause() {
    if (state.running) client.pause();
    else client.resume();
  }

  function stepOnce() {
    if (!state.active || state.stop !== null) start(true);
    client.step();
  }

  async function loadFiles({ checkpoint, tokenizer }) {
    setModelStatus('loading', `Reading ${checkpoint.name} and ${tokenizer.name}…`);
    const [ck, tok] = await Promise.all([checkpoint.arrayBuffer(), tokenizer.arrayBuffer()]);
    usingDefault = false;
    client.loadFiles({ checkpoint: ck, tokenizer: tok, name: checkpoint.name });
  }

  function setModelStatus(status, text) {
    modelStatus.dataset.modelStatus = status;
    modelStatus.classList.toggle('is-error', status === 'error');
    modelStatus.replaceChildren(...(Array.isArray(text) ? text : [text]));
  }

  function onMessage(msg) {
    switch (msg.type) {
      case 'ready':
        break;
      case 'loaded':
        loaded = msg;
        steps = [];
        output.replaceChildren();
        stepBox.replaceChildren();
        setModelStatus('ready', describeModel(msg));
        useDefault.hidden = usingDefault;
        picker.setMessage(usingDefault ? '' : `Loaded ${msg.name}.`);
        break;
      case 'prompt':
        output.replaceChildren(
          ...msg.tokens.map((t) =>
            h(
              'span',
              {
                class: 'gen-token is-prompt',
                'data-token': t.token,
                title: `prompt token ${t.token}`,
              },
              t.text,
            ),
          ),
        );
        break;
      case 'token':
        addToken(msg);
        break;
      case 'state':
        state = msg;
        updateButtons();
        break;
      case 'error':
        showError(msg);
        break;
      default:
        break;
    }
  }

  function describeModel({ name, config: c, bytes }) {
    const params =
      c.vocabSize * c.dim * (c.sharedClassifier ? 1 : 2) +
      c.dim +
      c.nLayers *
        (2 * c.dim +
          2 * c.dim * c.dim +
          2 * (c.dim / c.nHeads) * c.nKvHeads * c.dim +
          3 * c.hiddenDim * c.dim);
    return [
      h('strong', {}, name),
      h(
        'span',
        { class: 'hint model-config' },
        ` ${(params / 1e6).toFixed(1)}M parameters, ${(bytes / 2 ** 20).toFixed(1)} MiB: ${c.nLayers} layers, dim ${c.dim}, ` +
          `${c.nHeads} heads (${c.nKvHeads} key/value), vocabulary ${c.vocabSize.toLocaleString('en')}, context ${c.seqLen}.`,
      ),
    ];
  }

  function addToken(step) {
    const index = steps.length;
    steps.push(step);
    tokensPerSecond = step.tokensPerSecond;
    const cell = h(
      'button',
      {
        type: 'button',
        class: 'gen-token',
        'data-token': step.token,
        'data-step': index,
        title: `token ${step.token}, p = ${Math.exp(step.logprob).toFixed(4)}`,
        onclick: () => select(index),
      },
      step.text,
    );
    output.append(cell);
    if (step.stop)
      output.append(h('span', { class: 'gen-stop' }, ` — stopped: ${STOPS[step.stop]}`));
    scheduleRender();
  }

  function select(index) {
    selected = index === steps.length - 1 && state.running ? -1 : index;
    scheduleRender();
  }

  function scheduleRender() {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(render);
  }

  function render() {
    const index = selected >= 0 ? selected : steps.length - 1;
    for (const el of output.querySelectorAll('.gen-token[aria-pressed="true"]'))
      el.removeAttribute('aria-pressed');
    if (index < 0) return;
    output.querySelector(`[data-step="${index}"]`)?.setAttribute('aria-pressed', 'true');
    const s = store.get();
    stepBox.replaceChildren(
      stepView(steps[index], { index, temperature: s.temperature, logScale: s.logScale }),
    );
    speed.dataset.tokensPerSecond = String(tokensPerSecond);
    speed.textContent =
      `${steps.length} token${steps.length === 1 ? '' : 's'} generated; the model and sampler run at ` +
      `${Math.round(tokensPerSecond).toLocaleString('en')} tokens/s in the worker (shown at ${pace.selectedOptions[0].textContent.toLowerCase()}).`;
  }

  function updateButtons() {
    const ready = loaded !== null;
    generateButton.disabled = !ready;
    stepButton.disabled = !ready || state.running;
    pauseButton.disabled = !state.active || state.stop !== null;
    pauseButton.textContent = state.running || !state.active ? 'Pause' : 'Resume';
    container.dataset.running = String(state.running);
  }

  function clearFieldErrors() {
    for (const c of Object.values(controls)) c.setError('');
  }

  /** A library error next to the control it names (options.topP, ...), a file error by the model, else above the output. */
  function showError({ message, argument, file, fatal }) {
    const text = message.replace(/^[\w.]+: /, '');
    const name = argument?.startsWith('options.') ? argument.slice('options.'.length) : null;
    if (name && controls[name]) controls[name].setError(text);
    else if (file || fatal) {
      setModelStatus('error', message);
      picker.setMessage(text);
    } else runError.replaceChildren(h('p', {}, text));
    if (loaded && file)
      setModelStatus('ready', [
        ...describeModel(loaded),
        h('span', { class: 'field-error' }, ` Not loaded: ${text}`),
      ]);
    updateButtons();
  }
}
