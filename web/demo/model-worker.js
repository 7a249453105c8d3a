// The "Model" mode's Web Worker: it owns the model runtime and runs the generation loop off the
// main thread, one message per token; the page stays responsive however slow the model is.
// Two sources of models (each a module that hands out generations):
// - llama2c-source.js: the llama2.c engine (C++ in the same wasm memory as logitkit's kernels),
//   with the default checkpoint or the user's files;
// - transformers-source.js: transformers.js on ONNX Runtime Web, with the bundled ONNX export of
//   the default model or a Hugging Face model id (loaded on first use: the page does not pay for
//   transformers.js unless it is chosen).
// A source has `lk`, `label(token)`, `vocabSize`, `info`, `tokenizerInfo()` (its vocabulary for
// grammar masks), `start(prompt)` and `dispose()`. A generation has `tokens`, `promptLength`, `stop`,
// `promptTokens()`, `setSampling(options)` (throws on a bad option, keeping the previous sampler),
// `async step({ temperature, shown, constraint })` → { token, pos, result, text, stop, before,
// allowed } and `dispose()`. With a constraint (grammar-constraint.js) each step masks the tokens
// the grammar does not allow before the draw, and `allowed` counts the others.
//
// Messages in:  { type: 'load', source: 'default' } | { type: 'load', source: 'files', checkpoint, tokenizer, name }
//               { type: 'load', source: 'transformers', modelId (null: the bundled export), base (the page's URL) }
//               { type: 'generate', prompt, sampling, delayMs, paused, constraint }   (starts over; running unless paused;
//                 constraint: null or { kind: 'json_schema' | 'regex' | 'gbnf', text })
//               { type: 'pause' } | { type: 'resume' } | { type: 'step' } | { type: 'stop' }
//               { type: 'sampling', sampling }  (applies from the next token on)
//               { type: 'pace', delayMs }
// Messages out: { type: 'ready', simd } | { type: 'loading', text } | { type: 'loaded', kind, name, config, bytes? }
//               { type: 'prompt', tokens: [{ token, text }] }
//               { type: 'token', ...step, sampling } | { type: 'state', running, stop, active }
//               { type: 'error', message, argument, file, source, constraint, fatal, kept (settings refused, generation goes on), stopped }
import { loadModelRuntime } from '../../examples/model/index.js';
import { compileConstraint, startConstraint } from './grammar-constraint.js';
import { llama2cSource } from './llama2c-source.js';
import { DEFAULT_MODEL } from './model-default.js';

const SHOWN = 10;

// Started at once; messages wait for it in order (see `queue`).
const runtimeReady = loadModelRuntime();
let runtime = null;
let source = null;
let generation = null;
let compiled = null; // the last compiled constraint: { source, key, compiled }
let constraint = null; // the running generation's constraint, or null
let sampling = null;
let running = false;
let delayMs = 0;
let timer = 0;
let computeMs = 0; // model + sampler time of the tokens generated since the last (re)start
let computed = 0;

// Messages and generation steps run one at a time, in order: a 'generate' sent while a model is
// still loading runs after the load, and a step (asynchronous with transformers.js) never
// overlaps a load or a new generation. The listener is set synchronously so no early message is missed.
let queue = runtimeReady.then((r) => {
  runtime = r;
  post({ type: 'ready', simd: r.simd });
}, reportError);
function enqueue(task) {
  queue = queue.then(() => (runtime ? task() : undefined)).catch(reportError);
}
self.onmessage = ({ data }) => enqueue(() => handle(data));

/** An 'error' message for the page; `kept`: the generation goes on with the previous settings. */
function errorMessage(error, { kept = false, stopped = false } = {}) {
  return {
    type: 'error',
    message: String(error?.message ?? error),
    argument: error?.argument ?? null,
    file: error?.file ?? null,
    source: error?.source ?? false,
    constraint: error?.constraint ?? false,
    fatal: runtime === null,
    kept,
    stopped,
  };
}

function reportError(error) {
  const stopped = running;
  running = false;
  post(errorMessage(error, { stopped }));
  postState();
}

async function loadSource(msg) {
  if (msg.source === 'transformers') {
    const { transformersSource } = await import('./transformers-source.js');
    return transformersSource(runtime.lk, msg, (text) => post({ type: 'loading', text }));
  }
  if (msg.source === 'default') {
    const [checkpoint, tokenizer] = await Promise.all([
      fetchBytes(DEFAULT_MODEL.checkpoint),
      fetchBytes(DEFAULT_MODEL.tokenizer),
    ]);
    return llama2cSource(runtime, { checkpoint, tokenizer, name: DEFAULT_MODEL.name });
  }
  return llama2cSource(runtime, msg);
}

async function handle(msg) {
  switch (msg.type) {
    case 'load': {
      stop();
      const next = await loadSource(msg); // throws (naming the file or the source) before anything is replaced
      dropCompiled();
      source?.dispose();
      source = next;
      post({ type: 'loaded', ...source.info });
      break;
    }
    case 'generate':
      stop();
      requireModel();
      if (msg.constraint) {
        const next = await compileConstraint(source.lk, source, msg.constraint, compiled);
        if (next !== compiled) dropCompiled();
        compiled = next;
        constraint = await startConstraint(source.lk, compiled.compiled);
      }
      try {
        generation = source.start(msg.prompt);
        generation.setSampling(samplerOptions(msg.sampling));
      } catch (error) {
        stop();
        throw error;
      }
      restartClock();
      sampling = msg.sampling;
      delayMs = msg.delayMs;
      post({ type: 'prompt', tokens: generation.promptTokens() });
      running = !msg.paused;
      if (running) schedule(0);
      break;
    case 'pause':
      running = false;
      clearTimeout(timer);
      break;
    case 'resume':
      if (generation && generation.stop === null) {
        running = true;
        schedule(0);
      }
      break;
    case 'step':
      running = false;
      clearTimeout(timer);
      if (generation && generation.stop === null) await stepOnce();
      break;
    case 'stop':
      stop();
      break;
    case 'sampling':
      // An invalid setting keeps the sampler that runs (the generation never stops silently):
      // the page shows the error under the control, saying the previous settings stay.
      if (generation) {
        try {
          generation.setSampling(samplerOptions(msg.sampling));
        } catch (error) {
          post(errorMessage(error, { kept: true }));
          break;
        }
        restartClock();
      }
      sampling = msg.sampling;
      break;
    case 'pace':
      delayMs = msg.delayMs;
      break;
    default:
      throw new Error(`model worker: unknown message ${msg.type}`);
  }
  postState();
}

function requireModel() {
  if (!source) throw new Error('No model is loaded yet.');
}

/** The page's settings as sampler options: the top tokens of each step are reported too. */
function samplerOptions(settings) {
  return { ...settings, topLogprobs: SHOWN };
}

function restartClock() {
  computeMs = 0;
  computed = 0;
}

function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(() => enqueue(loop), ms);
}

async function loop() {
  if (!running || !generation) return;
  const current = generation;
  await stepOnce();
  if (generation !== current) return; // replaced while the step ran
  if (generation.stop !== null) {
    running = false;
    postState();
    return;
  }
  if (running) schedule(delayMs);
}

async function stepOnce() {
  const started = performance.now();
  const step = await generation.step({
    temperature: sampling.temperature,
    shown: SHOWN,
    constraint,
  });
  computeMs += performance.now() - started;
  computed += 1;
  const top = step.result.topLogprobs;
  post({
    type: 'token',
    token: step.token,
    pos: step.pos,
    text: step.text,
    label: source.label(step.token),
    logprob: step.result.logprob,
    rawLogprob: step.result.rawLogprob,
    kept: step.result.kept,
    vocab: source.vocabSize,
    stop: step.stop,
    allowed: step.allowed, // how many tokens the grammar allowed (null without a constraint)
    before: rows(step.before.indices, step.before.logprobs),
    after: rows(top.indices, top.logprobs),
    tokensPerSecond: computed / (computeMs / 1000),
    sampling, // the settings this token was drawn with: the page labels the step with them
  });
}

function rows(indices, logprobs) {
  const out = [];
  for (let i = 0; i < indices.length; i++) {
    if (logprobs[i] === -Infinity) continue;
    out.push({ index: indices[i], label: source.label(indices[i]), p: Math.exp(logprobs[i]) });
  }
  return out;
}

function stop() {
  running = false;
  clearTimeout(timer);
  generation?.dispose();
  generation = null;
  constraint?.dispose();
  constraint = null;
}

function dropCompiled() {
  compiled?.compiled.dispose();
  compiled = null;
}

function postState() {
  post({ type: 'state', running, stop: generation?.stop ?? null, active: generation !== null });
}

function post(message) {
  self.postMessage(message);
}

async function fetchBytes(url) {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`Could not fetch ${url}: HTTP ${response.status}`);
  return response.arrayBuffer();
}
