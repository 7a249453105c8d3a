// The page's side of the model worker (model-worker.js): starts it, forwards commands, and hands
// each message to `onMessage`. Files are transferred, not copied, into the worker.
export function startModelWorker(onMessage) {
  const worker = new Worker(new URL('./model-worker.js', import.meta.url), {
    type: 'module',
    name: 'logitkit-model',
  });
  worker.onmessage = ({ data }) => onMessage(data);
  worker.onerror = (event) => {
    event.preventDefault();
    onMessage({
      type: 'error',
      message: `The model worker failed: ${event.message || 'it could not start'}`,
      fatal: true,
    });
  };
  return {
    loadDefault: () => worker.postMessage({ type: 'load', source: 'default' }),
    /** A transformers.js model: `modelId` null for the bundled ONNX export; `base` the page's URL. */
    loadTransformers: (modelId, base) =>
      worker.postMessage({ type: 'load', source: 'transformers', modelId, base }),
    /** @param {{ checkpoint: ArrayBuffer, tokenizer: ArrayBuffer, name: string }} files */
    loadFiles: ({ checkpoint, tokenizer, name }) =>
      worker.postMessage({ type: 'load', source: 'files', checkpoint, tokenizer, name }, [
        checkpoint,
        tokenizer,
      ]),
    /** `constraint`: null, or `{ kind: 'json_schema' | 'regex' | 'gbnf', text }` (see constraint-box.js). */
    generate: (prompt, sampling, delayMs, paused = false, constraint = null) =>
      worker.postMessage({ type: 'generate', prompt, sampling, delayMs, paused, constraint }),
    pause: () => worker.postMessage({ type: 'pause' }),
    resume: () => worker.postMessage({ type: 'resume' }),
    step: () => worker.postMessage({ type: 'step' }),
    stop: () => worker.postMessage({ type: 'stop' }),
    setSampling: (sampling) => worker.postMessage({ type: 'sampling', sampling }),
    setPace: (delayMs) => worker.postMessage({ type: 'pace', delayMs }),
  };
}
