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
import { BOS, EOS, cppGenerate, cppModel } from '../js/adapter-support.mjs';
import { openAdaptersPage } from './adapters-page.mjs';
import { launchBrowser } from './browser.mjs';

let browser;
let cpp;
let session;

before(async () => {
  cpp = await cppModel();
  browser = await launchBrowser();
  session = await openAdaptersPage(browser);
});

after(async () => {
  await session?.close();
  await browser?.close();
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
      const { KvCacheDecoder } = await import('/examples/onnxruntime/kv-cache.mjs');
      const config = await (await fetch('/examples/model/kjv-onnx/config.json')).json();
      const session = await ort.InferenceSession.create('/examples/model/kjv-onnx/onnx/model.onnx');
      const decoder = new KvCacheDecoder(ort, session, config);
      const { lk } = window.t;
      const sampler = lk.createSampler(options);
      for (const t of prompt) sampler.accept(t);
      const logits = lk.allocLogits(config.vocab_size);
      const out = [];
      let fresh = prompt;
      while (out.length < 40) {
        lastPositionLogits(lk, (await decoder.run(fresh)).logits, { out: logits });
        const token = sampler.sample(logits).token;
        if (token === 1 || token === 2) break;
        out.push(token);
        fresh = [token];
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
