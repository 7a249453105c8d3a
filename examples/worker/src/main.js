// The page: sends generation requests to the worker and shows the tokens it sampled. Each outcome
// is also written to <body data-result="{...}"> as JSON: tests/consumer reads it.
const worker = new Worker(new URL('./sampler-worker.js', import.meta.url), { type: 'module' });
const form = document.querySelector('form');
const byId = (id) => document.getElementById(id);

function request() {
  const sampling = {
    seed: Number(form.seed.value),
    temperature: Number(form.temperature.value),
    topP: Number(form.topP.value),
    repetitionPenalty: 1.1,
  };
  byId('status').textContent = 'sampling in the worker…';
  worker.postMessage({ vocabSize: 32000, steps: 24, prompt: [1], sampling });
}

request();
form.addEventListener('submit', (event) => {
  event.preventDefault();
  request();
});

worker.onmessage = ({ data }) => {
  byId('error').textContent = data.error ?? '';
  byId('tokens').textContent = data.tokens?.join(' ') ?? '';
  byId('status').textContent = data.tokens
    ? `${data.tokens.length} tokens in ${data.ms.toFixed(1)} ms (${data.simd ? 'SIMD128' : 'baseline'} build)`
    : '';
  document.body.dataset.result = JSON.stringify(data);
};
worker.onerror = (event) => {
  // A worker script that fails to load (a bad URL, a bundling problem) ends up here.
  byId('error').textContent =
    `worker failed: ${event.message ?? 'could not load the worker script'}`;
  document.body.dataset.result = JSON.stringify({ error: byId('error').textContent });
};
