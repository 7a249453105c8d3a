// Loads logitkit once, then recomputes softmax and a seeded sample whenever an input changes.
// Each outcome is also written to <body data-result="{...}"> as JSON: tests/consumer reads it.
import { load } from 'logitkit';

const TOKENS = [' Paris', ' London', ' Rome', ' banana'];
const form = document.querySelector('form');
const byId = (id) => document.getElementById(id);

function row(token, logit, probability) {
  const tr = document.createElement('tr');
  for (const text of [JSON.stringify(token), String(logit), probability.toFixed(4)]) {
    tr.append(Object.assign(document.createElement('td'), { textContent: text }));
  }
  return tr;
}

function render(lk) {
  try {
    const logits = form.logits.value
      .split(/[\s,]+/)
      .filter(Boolean)
      .map(Number);
    const temperature = Number(form.temperature.value);
    const seed = Number(form.seed.value);
    const probs = lk.softmax(logits, { temperature });
    const draw = lk.sample(logits, { temperature, seed });
    const name = (i) => TOKENS[i] ?? `#${i}`;
    byId('rows').replaceChildren(...logits.map((z, i) => row(name(i), z, probs[i])));
    byId('sample').textContent =
      `seed ${seed} samples ${JSON.stringify(name(draw.token))} (token ${draw.token}, logprob ${draw.logprob.toFixed(4)})`;
    byId('error').textContent = '';
    document.body.dataset.result = JSON.stringify({
      logits,
      temperature,
      seed,
      probs: Array.from(probs),
      token: draw.token,
      logprob: draw.logprob,
      simd: lk.simd,
    });
  } catch (error) {
    // logitkit's errors name the argument at fault, e.g. "softmax: logits[1] is NaN".
    byId('error').textContent = error.message;
    document.body.dataset.result = JSON.stringify({ error: error.message });
  }
}

try {
  const lk = await load(); // fetches the .wasm that Vite serves (dev) or emits into dist/assets (build)
  byId('build').textContent = `running the ${lk.simd ? 'SIMD128' : 'baseline'} WebAssembly build`;
  form.addEventListener('input', () => render(lk));
  render(lk);
} catch (error) {
  byId('error').textContent = `logitkit failed to load: ${error.message}`;
  document.body.dataset.result = JSON.stringify({ error: error.message });
}
