// The runtime adapters in headless Chromium, on the exported model served by the test server the
// way a hub model is fetched (transformers.js's browser build with env.allowRemoteModels = false,
// env.allowLocalModels = true and env.localModelPath on this origin, onnxruntime-web's .wasm files from
// env.backends.onnx.wasm.wasmPaths on this origin: no request leaves it):
// - transformers.js generate() greedy, and with LogitkitLogitsProcessor in 'sample' mode (seeded)
//   and in 'filter' mode, gives the tokens of the C++ engine in Node;
// - onnxruntime-web on its own: a KV-cache loop reading each step through lastPositionLogits draws
//   the C++ engine's seeded tokens;
// - whether WebGPU (which WebLLM needs) exists in this headless Chromium is printed.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { startStaticServer } from '../../scripts/serve.mjs';
import { BOS, EOS, cppGenerate, cppModel } from '../js/adapter-support.mjs';
import { launchBrowser, openPage } from './browser.mjs';

const path = (p) => fileURLToPath(new URL(`../../${p}`, import.meta.url));
let server;
let browser;
let cpp;
let session;

before(async () => {
  cpp = await cppModel();
  server = await startStaticServer({
    mounts: {
      '/': path('tests/browser/fixtures/'),
      '/pkg/': path('dist/'),
      '/models/': path('examples/model/'),
      '/transformers/': path('node_modules/@huggingface/transformers/dist/'),
      '/ort/': path('node_modules/onnxruntime-web/dist/'),
    },
    port: 0,
  });
  browser = await launchBrowser();
  session = await openPage(browser, server.url);
  await session.page.goto(server.url);
  await session.page.evaluate(async () => {
    const transformers = await import('/transformers/transformers.js');
    const { env, AutoTokenizer, AutoModelForCausalLM } = transformers;
    env.allowRemoteModels = false;
    env.allowLocalModels = true; // false by default in browsers
    env.localModelPath = '/models/';
    env.useBrowserCache = false;
    env.backends.onnx.wasm.wasmPaths = '/ort/';
    const { load } = await import('/pkg/index.js');
    const { LogitkitLogitsProcessor } = await import('/pkg/transformers/index.js');
    window.t = {
      lk: await load(),
      LogitkitLogitsProcessor,
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
});

after(async () => {
  await session?.close();
  await browser?.close();
  await server?.close();
  cpp?.logits.dispose();
  cpp?.model.dispose();
});

/** The first `reference.length` generated tokens (a run may continue past a C++ stop). */
const head = (tokens, reference) => tokens.slice(0, reference.length);

function cppSampled(prompt, options, n) {
  const sampler = cpp.lk.createSampler(options);
  const ids = Array.from(cpp.model.encode(prompt));
  for (const t of ids) sampler.accept(t);
  const result = cppGenerate(cpp, ids, n, (logits) => sampler.sample(logits).token);
  sampler.dispose();
  return result;
}

test('WebGPU in this headless Chromium (WebLLM needs it): reported', async () => {
  const gpu = await session.page.evaluate(async () => {
    if (!('gpu' in navigator)) return 'navigator.gpu is absent';
    const adapter = await navigator.gpu.requestAdapter().catch((e) => `requestAdapter threw ${e}`);
    return adapter === null
      ? 'navigator.gpu exists, requestAdapter() returned null'
      : String(adapter);
  });
  console.log(`chromium: WebGPU: ${gpu}`);
  assert.equal(typeof gpu, 'string');
});

test("transformers.js generate() in Chromium: greedy, then the processor in seeded sample mode, give the C++ engine's tokens", async () => {
  const prompt = 'And God said';
  const greedy = cppGenerate(cpp, prompt, 40, (logits) => cpp.lk.argmax(logits));
  assert.deepEqual(
    head(await session.page.evaluate((p) => window.generate(p, 40), prompt), greedy.tokens),
    greedy.tokens,
  );

  const options = { temperature: 0.8, topP: 0.95, repetitionPenalty: 1.1, seed: 42 };
  const sampled = cppSampled(prompt, options, 60);
  const inPage = await session.page.evaluate(async (o) => {
    const processor = new window.t.LogitkitLogitsProcessor(window.t.lk, o, { mode: 'sample' });
    try {
      return await window.generate('And God said', 60, processor);
    } finally {
      processor.dispose();
    }
  }, options);
  assert.deepEqual(head(inPage, sampled.tokens), sampled.tokens);
  assert.ok(sampled.tokens.length >= 20);
  assert.deepEqual(session.problems, []);
});

test("transformers.js generate() in Chromium, 'filter' mode: transformers.js draws only from logitkit's kept tokens", async () => {
  // topK 1 leaves one token: transformers.js's draw must be the C++ greedy path.
  const prompt = 'In the beginning';
  const greedy = cppGenerate(cpp, prompt, 30, (logits) => cpp.lk.argmax(logits));
  const run = (options) =>
    session.page.evaluate(
      async ({ prompt, options }) => {
        const processor = new window.t.LogitkitLogitsProcessor(window.t.lk, options, {
          mode: 'filter',
        });
        try {
          return await window.generate(prompt, 30, processor, { do_sample: true, top_k: 0 });
        } finally {
          processor.dispose();
        }
      },
      { prompt, options },
    );
  assert.deepEqual(head(await run({ topK: 1 }), greedy.tokens), greedy.tokens);
  // topK 3: every drawn token is among the 3 best of its step (checked on the C++ engine's logits).
  const drawn = await run({ topK: 3, temperature: 2 });
  const ids = Array.from(cpp.model.encode(prompt));
  cppGenerate(cpp, ids, drawn.length, (logits, step) => {
    const best = Array.from(cpp.lk.topK(logits, 3).indices);
    assert.ok(best.includes(drawn[step]), `step ${step}: ${drawn[step]} not in ${best}`);
    return drawn[step] === BOS ? EOS : drawn[step];
  });
  assert.deepEqual(session.problems, []);
});

test("onnxruntime-web in Chromium: a KV-cache loop through lastPositionLogits draws the C++ engine's seeded tokens", async () => {
  const options = { temperature: 0.7, topK: 50, seed: 5 };
  const prompt = Array.from(cpp.model.encode('And the LORD spake unto Moses'));
  const reference = cppSampled('And the LORD spake unto Moses', options, 40);
  const tokens = await session.page.evaluate(
    async ({ prompt, options }) => {
      const ort = await import('/ort/ort.wasm.min.mjs');
      ort.env.wasm.wasmPaths = '/ort/';
      ort.env.wasm.numThreads = 1;
      const { lastPositionLogits } = await import('/pkg/onnxruntime/index.js');
      const config = await (await fetch('/models/kjv-onnx/config.json')).json();
      const session = await ort.InferenceSession.create('/models/kjv-onnx/onnx/model.onnx');
      const { lk } = window.t;
      const int64 = (values, dims) =>
        new ort.Tensor('int64', BigInt64Array.from(values, BigInt), dims);
      let past = {};
      for (let l = 0; l < config.num_hidden_layers; l++)
        for (const kind of ['key', 'value'])
          past[`past_key_values.${l}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
            1,
            config.num_key_value_heads,
            0,
            config.head_dim,
          ]);
      const sampler = lk.createSampler(options);
      for (const t of prompt) sampler.accept(t);
      const logits = lk.allocLogits(config.vocab_size);
      const out = [];
      let fresh = prompt;
      while (out.length < 40) {
        const seen = prompt.length + out.length - fresh.length;
        const result = await session.run({
          input_ids: int64(fresh, [1, fresh.length]),
          attention_mask: int64(new Array(seen + fresh.length).fill(1), [1, seen + fresh.length]),
          position_ids: int64(
            fresh.map((_, i) => seen + i),
            [1, fresh.length],
          ),
          ...past,
        });
        lastPositionLogits(lk, result.logits, { out: logits });
        const token = sampler.sample(logits).token;
        if (token === 1 || token === 2) break;
        out.push(token);
        fresh = [token];
        past = {};
        for (const [name, t] of Object.entries(result))
          if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = t;
      }
      logits.dispose();
      sampler.dispose();
      return out;
    },
    { prompt, options },
  );
  assert.deepEqual(tokens, reference.tokens);
  assert.deepEqual(session.problems, []);
});
