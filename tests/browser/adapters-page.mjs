// A page on a local test server that loads the runtime adapters the way an app loads a hub model:
// transformers.js's browser build (env.allowRemoteModels = false, env.allowLocalModels = true,
// env.localModelPath on this origin), onnxruntime-web's .wasm files from
// env.backends.onnx.wasm.wasmPaths on this origin, logitkit's dist/, and
// @huggingface/transformers-structured-output (its bare import of @huggingface/transformers resolved
// by the fixture page's import map). Shared by tests/browser/adapters.test.mjs,
// tests/browser/structured.test.mjs and bench/runtimes-bench.mjs.
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../../scripts/serve.mjs';
import { openPage } from './browser.mjs';

const path = (p) => fileURLToPath(new URL(`../../${p}`, import.meta.url));

/**
 * Starts the server and opens a page in `browser` where `window.t` holds `{ lk,
 * LogitkitLogitsProcessor, StructuredOutputProcessor, tokenizerInfoFromHuggingFace,
 * TheirStructuredOutputProcessor, tokenizer, model }` (the exported KJV model) and
 * `window.generate(prompt, maxNewTokens, processor?, extra?)` returns the generated token ids.
 * Close with `close()`; `problems` lists console errors and off-origin requests.
 */
export async function openAdaptersPage(browser) {
  const server = await startStaticServer({
    mounts: {
      '/': path('tests/browser/fixtures/'),
      '/pkg/': path('dist/'),
      '/examples/': path('examples/'),
      '/transformers/': path('node_modules/@huggingface/transformers/dist/'),
      '/ort/': path('node_modules/onnxruntime-web/dist/'),
      '/structured-output/': path('node_modules/@huggingface/transformers-structured-output/dist/'),
    },
    port: 0,
  });
  const session = await openPage(browser, server.url);
  await session.page.goto(server.url);
  await session.page.evaluate(async () => {
    const { env, AutoTokenizer, AutoModelForCausalLM } =
      await import('/transformers/transformers.js');
    env.allowRemoteModels = false;
    env.allowLocalModels = true; // false by default in browsers
    env.localModelPath = '/examples/model/';
    env.useBrowserCache = false;
    env.backends.onnx.wasm.wasmPaths = '/ort/';
    const { load } = await import('/pkg/index.js');
    const { LogitkitLogitsProcessor, StructuredOutputProcessor, tokenizerInfoFromHuggingFace } =
      await import('/pkg/transformers/index.js');
    const theirs = await import('/structured-output/index.js');
    window.t = {
      lk: await load(),
      LogitkitLogitsProcessor,
      StructuredOutputProcessor,
      tokenizerInfoFromHuggingFace,
      TheirStructuredOutputProcessor: theirs.StructuredOutputProcessor,
      tokenizer: await AutoTokenizer.from_pretrained('kjv-onnx'),
      model: await AutoModelForCausalLM.from_pretrained('kjv-onnx', { dtype: 'fp32' }),
    };
    window.generate = async (prompt, maxNewTokens, processor, extra = {}) => {
      const { tokenizer, model } = window.t;
      const inputs = tokenizer(prompt);
      const output = await model.generate({
        ...inputs,
        ...extra,
        max_new_tokens: maxNewTokens,
        logits_processor: processor ? [processor] : null,
      });
      return output.tolist()[0].map(Number).slice(inputs.input_ids.dims[1]);
    };
  });
  return {
    page: session.page,
    problems: session.problems,
    close: async () => {
      await session.close();
      await server.close();
    },
  };
}
