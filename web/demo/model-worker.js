// The "Model" mode's Web Worker: it owns the model runtime (logitkit's kernels and the llama2.c
// engine in one wasm memory), runs the generation loop off the main thread, and posts one message
// per token. The page stays responsive however slow the model is.
//
// Messages in:  { type: 'load', source: 'default' } | { type: 'load', source: 'files', checkpoint, tokenizer, name }
//               { type: 'generate', prompt, sampling, delayMs, paused }   (starts over; running unless paused)
//               { type: 'pause' } | { type: 'resume' } | { type: 'step' } | { type: 'stop' }
//               { type: 'sampling', sampling }  (applies from the next token on)
//               { type: 'pace', delayMs }
// Messages out: { type: 'ready', simd } | { type: 'loaded', name, config, bytes } | { type: 'prompt', tokens: [{ token, text }] }
//               { type: 'token', ...step, sampling } | { type: 'state', running, stop }
//               { type: 'error', message, argument, file, fatal, kept (settings refused, generation goes on), stopped }
import { Generation, loadModelRuntime } from '../../examples/model/index.js';
import { DEFAULT_MODEL } from './model-default.js';
import { tokenLabel } from './model-labels.js';

const SHOWN = 10;

// Started at once; messages wait for it in order (see `queue`).
const runtimeReady = loadModelRuntime();
let runtime = null;
let model = null;
let logits = null;
let generation = null;
let sampler = null;
let sampling = null;
let running = false;
let delayMs = 0;
let timer = 0;
let computeMs = 0; // model + sampler time of the tokens generated since the last (re)start
let computed = 0;

// Messages are handled one at a time, in order: a 'generate' sent while a model is still loading
// runs after the load. The listener is set synchronously so no early message is missed.
let queue = runtimeReady.then((r) => {
  runtime = r;
  post({ type: 'ready', simd: r.simd });
}, reportError);
self.onmessage = ({ data }) => {
  queue = queue.then(() => (runtime ? handle(data) : undefined)).catch(reportError);
};

/** An 'error' message for the page; `kept`: the generation goes on with the previous settings. */
function errorMessage(error, { kept = false, stopped = false } = {}) {
  return {
    type: 'error',
    message: String(error?.message ?? error),
    argument: error?.argument ?? null,
    file: error?.file ?? null,
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

async function handle(msg) {
  switch (msg.type) {
    case 'load': {
      stop();
      const [checkpoint, tokenizer, name] =
        msg.source === 'default'
          ? [
              ...(await Promise.all([
                fetchBytes(DEFAULT_MODEL.checkpoint),
                fetchBytes(DEFAULT_MODEL.tokenizer),
              ])),
              DEFAULT_MODEL.name,
            ]
          : [msg.checkpoint, msg.tokenizer, msg.name];
      const next = runtime.loadModel(checkpoint, tokenizer); // throws ModelFormatError before anything is replaced
      model?.dispose();
      logits?.dispose();
      model = next;
      logits = runtime.lk.allocLogits(model.vocabSize);
      generation = null;
      post({ type: 'loaded', name, config: model.config, bytes: checkpoint.byteLength });
      break;
    }
    case 'generate':
      stop();
      requireModel();
      generation = new Generation(model, logits, msg.prompt);
      resetSampler(msg.sampling);
      sampling = msg.sampling;
      delayMs = msg.delayMs;
      post({ type: 'prompt', tokens: promptTokens() });
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
      if (generation && generation.stop === null) stepOnce();
      break;
    case 'stop':
      stop();
      break;
    case 'sampling':
      // An invalid setting keeps the sampler that runs (the generation never stops silently):
      // the page shows the error under the control, saying the previous settings stay.
      if (generation) {
        try {
          resetSampler(msg.sampling);
        } catch (error) {
          post(errorMessage(error, { kept: true }));
          break;
        }
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
  if (!model) throw new Error('No model is loaded yet.');
}

/**
 * A sampler with `settings`. It replays the tokens so far into the new sampler's history (for
 * penalties); its seeded random stream starts again at the seed. Throws on a bad setting, before
 * anything is replaced.
 */
function resetSampler(settings) {
  const next = runtime.lk.createSampler({ ...settings, topLogprobs: SHOWN });
  sampler?.dispose();
  sampler = next;
  if (generation && generation.tokens.length > generation.promptLength) {
    for (const t of generation.tokens) sampler.accept(t);
  }
  computeMs = 0;
  computed = 0;
}

function schedule(ms) {
  clearTimeout(timer);
  timer = setTimeout(loop, ms);
}

function loop() {
  if (!running || !generation) return;
  try {
    stepOnce();
  } catch (error) {
    reportError(error);
    return;
  }
  if (generation.stop !== null) {
    running = false;
    postState();
    return;
  }
  schedule(delayMs);
}

function stepOnce() {
  const started = performance.now();
  const step = generation.step(sampler);
  computeMs += performance.now() - started;
  computed += 1;
  // The distribution before the filters, read from the same LogitsBuffer the model wrote and the
  // sampler read (still holding this step's logits).
  const before = runtime.lk.topLogprobs(logits, SHOWN, { temperature: sampling.temperature });
  const top = step.result.topLogprobs;
  post({
    type: 'token',
    token: step.token,
    pos: step.pos,
    text: step.text,
    label: tokenLabel(model, step.token),
    logprob: step.result.logprob,
    rawLogprob: step.result.rawLogprob,
    kept: step.result.kept,
    vocab: model.vocabSize,
    stop: step.stop,
    before: rows(before.indices, before.logprobs),
    after: rows(top.indices, top.logprobs),
    tokensPerSecond: computed / (computeMs / 1000),
    sampling, // the settings this token was drawn with: the page labels the step with them
  });
}

function rows(indices, logprobs) {
  const out = [];
  for (let i = 0; i < indices.length; i++) {
    if (logprobs[i] === -Infinity) continue;
    out.push({ index: indices[i], label: tokenLabel(model, indices[i]), p: Math.exp(logprobs[i]) });
  }
  return out;
}

/** The prompt's tokens and the text each adds (BOS adds none; the space after it is dropped). */
function promptTokens() {
  const t = generation.tokens;
  const decoder = new TextDecoder(); // streaming: a character may span several byte tokens
  return t.map((token, i) => ({
    token,
    text:
      i === 0 ? '' : decoder.decode(model.decode(t[i - 1], token), { stream: i < t.length - 1 }),
  }));
}

function stop() {
  running = false;
  clearTimeout(timer);
  generation = null;
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
