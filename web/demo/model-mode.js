// The "Model" mode: a language model runs in a Web Worker (model-worker.js) and writes text token
// by token; every step's logits go to logitkit's sampler, and the page shows the distribution each
// token was drawn from, with the settings it was drawn with (a step keeps them: changing a control
// later changes only the tokens after it). The model runs in the llama2.c engine (the default
// model, or a checkpoint and tokenizer.bin of the user's own) or in transformers.js (the default
// model's bundled ONNX export, or a Hugging Face model id): see model-sources.js.
// The sampling controls share the page state (and the URL) with the other modes.
import { constraintBox } from './constraint-box.js';
import { checkbox, html, panel, uid } from './dom.js';
import { modeIntro } from './mode-intro.js';
import { startModelWorker } from './model-client.js';
import { modelFilePicker } from './model-files.js';
import { modelSourcePicker, SOURCES } from './model-sources.js';
import { stepView } from './model-step-view.js';
import { samplingOf } from './sampling-check.js';
import { samplingControls } from './sampling-controls.js';
import { shareLinks } from './share-link.js';
import { tokenStream } from './token-stream.js';

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
const SAMPLING_KEYS = ['temperature', 'topK', 'topP', 'minP', 'seed'];

export function mountModelMode(container, { lk, store }) {
  const initial = store.get();
  let steps = [];
  let selected = -1; // the step shown; -1 follows the latest
  let worker = { running: false, active: false, stop: null };
  let loaded = null;
  let source = SOURCES.llama2c; // the source of the loaded model (null: the user's files)
  let requested = SOURCES.llama2c; // the source being loaded
  let frame = 0;
  let constrained = null; // the running generation's constraint: { kind, text (output so far) }
  let tokensPerSecond = 0;

  // ---- generate: the model's status, the prompt and the buttons, first on every screen ----
  const modelStatus = html(
    'p',
    {
      class: 'model-status',
      role: 'status',
      'aria-live': 'polite',
      'data-model-status': 'loading',
    },
    'Loading the model…',
  );
  const promptId = uid('model-prompt');
  const prompt = html('textarea', {
    id: promptId,
    rows: 2,
    spellcheck: 'false',
    value: DEFAULT_PROMPT,
  });
  const generateButton = html(
    'button',
    { type: 'button', class: 'primary', disabled: true, onclick: () => start(false) },
    'Generate',
  );
  const pauseButton = html(
    'button',
    { type: 'button', disabled: true, onclick: togglePause },
    'Pause',
  );
  const stepButton = html('button', { type: 'button', disabled: true, onclick: stepOnce }, 'Step');
  const paceId = uid('model-pace');
  const pace = html(
    'select',
    { id: paceId, onchange: () => client.setPace(Number(pace.value)) },
    ...PACES.map(([ms, label]) => html('option', { value: ms }, label)),
  );
  const runMessage = html('div', { class: 'results-error', role: 'alert' });
  const generatePanel = panel(
    { id: 'gen-h', title: 'Generate' },
    modelStatus,
    html('label', { for: promptId }, 'Prompt'),
    prompt,
    html('div', { class: 'row' }, generateButton, pauseButton, stepButton),
    html(
      'div',
      { class: 'select-field pace-field' },
      html('label', { for: paceId }, 'Speed'),
      pace,
    ),
    runMessage,
  );

  // ---- sampling ----
  const sampling = samplingControls({
    lk,
    store,
    prefix: 'model-',
    hints: {
      temperature: 'Divides the logits. 0 is greedy.',
      topK: '0 keeps all.',
      topP: 'Keep the fewest top tokens whose mass reaches p.',
      minP: 'Drop tokens below min-p × the top probability.',
      seed: 'The same seed, prompt and settings write the same text.',
    },
  });
  const samplingPanel = panel(
    { id: 'model-sampling-h', title: 'Sampling' },
    html(
      'p',
      { class: 'hint' },
      'A change applies from the next token (the seeded stream restarts at the seed); the tokens already written keep the settings they were drawn with.',
    ),
    sampling.element,
  );

  // ---- output: the text, then the selected step ----
  const logToggle = checkbox({
    id: 'model-log-scale',
    label: 'Log scale',
    checked: initial.logScale,
    onChange: (on) => store.set({ logScale: on }),
  });
  const speed = html('p', { class: 'gen-stats', 'aria-live': 'off' });
  const output = tokenStream({
    onSelect: (index) => {
      selected = index === steps.length - 1 && worker.running ? -1 : index;
      scheduleRender();
    },
  });
  const stepBox = html('div', { class: 'step-box' });
  const outputPanel = panel(
    { id: 'gen-out-h', title: 'Text', className: 'results', aside: logToggle.element },
    speed,
    output.element,
    html(
      'p',
      { class: 'hint' },
      'Select a token (click, or Tab into the text and use the arrow keys) to see the distribution it was drawn from.',
    ),
    stepBox,
  );

  // ---- constrain output ----
  const constraint = constraintBox();
  const constraintPanel = panel(
    { id: 'model-constraint-h', title: 'Constrain output' },
    constraint.element,
  );

  // ---- another model ----
  const useDefault = html(
    'button',
    {
      type: 'button',
      class: 'secondary',
      hidden: true,
      onclick: () => chooseSource({ source: SOURCES.llama2c, modelId: null }),
    },
    'Use the default model',
  );
  const sources = modelSourcePicker({ onChoose: chooseSource });
  const picker = modelFilePicker({ onFiles: loadFiles });
  const share = shareLinks({ store, dataField: null, dataName: null });
  const modelPanel = panel(
    { id: 'model-h', title: 'Model' },
    sources.element,
    html('h3', { class: 'sub-h' }, 'Your own llama2.c model'),
    html('div', { class: 'row' }, useDefault),
    picker.element,
    share.element,
  );

  container.append(
    modeIntro('model'),
    // Reading order is tab order: Generate and the settings first (on a phone too), then the
    // text with the selected step, then loading another model.
    html(
      'div',
      { class: 'mode-layout model-layout' },
      html('div', { class: 'side' }, generatePanel, samplingPanel),
      html('div', { class: 'main' }, outputPanel, constraintPanel, modelPanel),
    ),
  );

  const client = startModelWorker(onMessage);
  client.loadDefault();

  store.subscribe((state, change, external) => {
    if (external) {
      sampling.sync(state);
      logToggle.input.checked = state.logScale;
    }
    if (SAMPLING_KEYS.some((key) => key in change)) {
      sampling.clearErrors();
      if (worker.active) client.setSampling(samplingOf(state));
    }
    if ('logScale' in change) scheduleRender();
  });

  // ---- behaviour ----

  function start(paused) {
    sampling.clearErrors();
    runMessage.replaceChildren();
    steps = [];
    selected = -1;
    output.clear();
    stepBox.replaceChildren();
    tokensPerSecond = 0;
    constraint.clear();
    const spec = constraint.value();
    constrained = spec && { kind: spec.kind, text: '' };
    client.generate(prompt.value, samplingOf(store.get()), Number(pace.value), paused, spec);
  }

  function togglePause() {
    if (worker.running) client.pause();
    else client.resume();
  }

  function stepOnce() {
    if (!worker.active || worker.stop !== null) start(true);
    client.step();
  }

  function chooseSource({ source: next, modelId }) {
    if (next === SOURCES.llama2c) {
      setModelStatus('loading', 'Loading the default model…');
      client.loadDefault();
    } else {
      setModelStatus(
        'loading',
        modelId === null
          ? 'Loading the bundled ONNX model in transformers.js…'
          : `Loading ${modelId} in transformers.js…`,
      );
      client.loadTransformers(modelId, document.baseURI);
    }
    requested = next;
  }

  async function loadFiles({ checkpoint, tokenizer }) {
    setModelStatus('loading', `Reading ${checkpoint.name} and ${tokenizer.name}…`);
    const [checkpointBytes, tokenizerBytes] = await Promise.all([
      checkpoint.arrayBuffer(),
      tokenizer.arrayBuffer(),
    ]);
    requested = null;
    client.loadFiles({
      checkpoint: checkpointBytes,
      tokenizer: tokenizerBytes,
      name: checkpoint.name,
    });
  }

  function setModelStatus(status, text) {
    modelStatus.dataset.modelStatus = status;
    modelStatus.classList.toggle('is-error', status === 'error');
    modelStatus.replaceChildren(...(Array.isArray(text) ? text : [text]));
  }

  function onMessage(message) {
    switch (message.type) {
      case 'loading':
        setModelStatus('loading', message.text);
        break;
      case 'loaded':
        loaded = message;
        source = requested;
        steps = [];
        output.clear();
        stepBox.replaceChildren();
        setModelStatus('ready', describeModel(message));
        useDefault.hidden = source !== null; // the radios switch between the other sources
        sources.show(source);
        sources.setMessage(message.kind === 'transformers' ? `Loaded ${message.name}.` : '');
        picker.setMessage(source === null ? `Loaded ${message.name}.` : '');
        break;
      case 'prompt':
        output.setPrompt(message.tokens);
        break;
      case 'token':
        steps.push(message);
        tokensPerSecond = message.tokensPerSecond;
        output.add(message, message.stop ? STOPS[message.stop] : '');
        if (constrained) {
          constrained.text += message.text;
          constraint.showOutput({ ...constrained, stop: message.stop });
        }
        scheduleRender();
        break;
      case 'state':
        worker = message;
        updateButtons();
        break;
      case 'error':
        showError(message);
        break;
      default:
        break;
    }
  }

  function describeModel({ kind, name, config: c, bytes }) {
    if (kind === 'transformers')
      return [
        html('strong', {}, name),
        html(
          'span',
          { class: 'hint model-config' },
          ` transformers.js (ONNX Runtime Web), ${c.modelType}: ` +
            [
              c.layers !== null && `${c.layers} layers`,
              c.hidden !== null && `dim ${c.hidden}`,
              `vocabulary ${c.vocabSize.toLocaleString('en')}`,
              c.context !== null && `context ${c.context.toLocaleString('en')}`,
            ]
              .filter(Boolean)
              .join(', ') +
            '.',
        ),
      ];
    const params =
      c.vocabSize * c.dim * (c.sharedClassifier ? 1 : 2) +
      c.dim +
      c.nLayers *
        (2 * c.dim +
          2 * c.dim * c.dim +
          2 * (c.dim / c.nHeads) * c.nKvHeads * c.dim +
          3 * c.hiddenDim * c.dim);
    return [
      html('strong', {}, name),
      html(
        'span',
        { class: 'hint model-config' },
        ` ${(params / 1e6).toFixed(1)}M parameters, ${(bytes / 2 ** 20).toFixed(1)} MiB: ${c.nLayers} layers, dim ${c.dim}, ` +
          `${c.nHeads} heads (${c.nKvHeads} key/value), vocabulary ${c.vocabSize.toLocaleString('en')}, context ${c.seqLen}.`,
      ),
    ];
  }

  function scheduleRender() {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(render);
  }

  function render() {
    const index = selected >= 0 ? selected : steps.length - 1;
    if (index < 0) return;
    output.mark(index);
    stepBox.replaceChildren(stepView(steps[index], { index, logScale: store.get().logScale }));
    speed.dataset.tokensPerSecond = String(tokensPerSecond);
    speed.textContent =
      `${steps.length} token${steps.length === 1 ? '' : 's'} generated; the model and sampler run at ` +
      `${Math.round(tokensPerSecond).toLocaleString('en')} tokens/s in the worker (shown at ${pace.selectedOptions[0].textContent.toLowerCase()}).`;
  }

  function updateButtons() {
    const ready = loaded !== null;
    generateButton.disabled = !ready;
    stepButton.disabled = !ready || worker.running;
    pauseButton.disabled = !worker.active || worker.stop !== null;
    pauseButton.textContent = worker.running || !worker.active ? 'Pause' : 'Resume';
    container.dataset.running = String(worker.running);
  }

  /**
   * A library error under the control it names (the worker kept its previous settings and says
   * so), a file error by the model, else over the output with whether the generation stopped.
   */
  function showError({
    message,
    argument,
    file,
    source: fromSource,
    constraint: fromConstraint,
    fatal,
    kept,
    stopped,
  }) {
    const text = message.replace(/^[\w.]+: /, '');
    if (
      sampling.showError(
        argument,
        kept ? `${text} The generation goes on with the previous settings.` : text,
      )
    ) {
      // shown under its control
    } else if (file || fatal) {
      setModelStatus('error', message);
      picker.setMessage(text);
    } else if (fromConstraint) {
      // Under the box, and by Generate (on a phone the box is screens away from the button).
      constraint.showError(text);
      runMessage.replaceChildren(
        html(
          'p',
          {},
          'Not started: the grammar in “Constrain output” does not compile (see there).',
        ),
      );
      constrained = null;
    } else if (fromSource) {
      setModelStatus('error', text);
      sources.setMessage(text);
      sources.show(source);
    } else {
      runMessage.replaceChildren(html('p', {}, stopped ? `The generation stopped: ${text}` : text));
    }
    if (loaded && (file || fromSource))
      setModelStatus('ready', [
        ...describeModel(loaded),
        html('span', { class: 'field-error' }, ` Not loaded: ${text}`),
      ]);
    updateButtons();
  }
}
