// Tokens per second of the same model (the default KJV model, 1.6M parameters, vocabulary 1024) in
// each runtime logitkit plugs into, in one Node process, each token one forward pass (with a
// key/value cache) plus one draw (temperature 0.8, top-p 0.95; BOS/EOS banned so every run has
// the same length):
// - the C++ engine (examples/model/, wasm SIMD) with logitkit's sampler, in place;
// - onnxruntime-node 1.30 with lastPositionLogits and logitkit's sampler (examples/onnxruntime/);
// - the same loop through WebLLM's processor protocol (examples/webllm/protocol.mjs);
// - transformers.js 4.3.2 generate(): its own greedy decoding, and LogitkitLogitsProcessor in
//   'sample' and 'filter' modes;
// and the processor's own cost per step at V = 1024 and V = 128256 (no model). With --browser,
// transformers.js generate() and an onnxruntime-web loop in headless Chromium too.
// A benchmark, not a test: on a shared machine compare ratios within one run.
//
//   node bench/runtimes-bench.mjs [--tokens=200] [--browser]     (after bash scripts/build.sh)
import { cpus, loadavg } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Generation, loadModelRuntime } from '../examples/model/index.js';
import { generate, loadModel } from '../examples/onnxruntime/generate.mjs';
import { chatTurn } from '../examples/webllm/protocol.mjs';
import { loadLocal } from '../examples/transformers/generate.mjs';
import { load } from '../dist/index.js';
import { LogitkitLogitsProcessor } from '../dist/transformers/index.js';
import { LogitkitLogitProcessor } from '../dist/webllm/index.js';
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const TOKENS = Number(args.find((a) => a.startsWith('--tokens='))?.slice(9) ?? 200);
const BROWSER = args.includes('--browser');
if (!Number.isInteger(TOKENS) || TOKENS < 8 || TOKENS > 250)
  throw new Error('runtimes-bench: --tokens takes an integer in 8..250');
const SAMPLING = {
  temperature: 0.8,
  topP: 0.95,
  seed: 1,
  logitBias: { 1: -Infinity, 2: -Infinity },
};
const PROMPT = 'And God said';

/** Best tokens/s of `repeats` timed runs after one warm-up; `run()` returns how many tokens it made. */
async function rate(run, repeats = 3) {
  await run();
  let best = 0;
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    const n = await run();
    best = Math.max(best, (n * 1000) / (performance.now() - start));
  }
  return best;
}

const rows = [];
const report = (name, tokensPerSecond) => {
  rows.push([name, tokensPerSecond]);
  console.log(`${name.padEnd(64)} ${tokensPerSecond.toFixed(0).padStart(6)} tokens/s`);
};

console.log(
  `runtimes-bench: ${TOKENS} tokens after "${PROMPT}", ${cpus()[0]?.model}, load ${loadavg()[0].toFixed(1)}`,
);

// The C++ engine.
const runtime = await loadModelRuntime();
const kjv = runtime.loadModel(
  readFileSync(new URL('../examples/model/kjv-model.bin', import.meta.url)),
  readFileSync(new URL('../examples/model/kjv-tokenizer.bin', import.meta.url)),
);
const buffer = runtime.lk.allocLogits(kjv.vocabSize);
report(
  'C++ engine (wasm SIMD) + logitkit sampler',
  await rate(() => {
    const sampler = runtime.lk.createSampler(SAMPLING);
    const generation = new Generation(kjv, buffer, PROMPT);
    for (let i = 0; i < TOKENS; i++) generation.step(sampler);
    sampler.dispose();
    return TOKENS;
  }),
);

// onnxruntime-node, with and without the WebLLM protocol around the draw.
const lk = await load();
const onnx = await loadModel();
report(
  'onnxruntime-node + lastPositionLogits + logitkit sampler',
  await rate(
    async () =>
      (await generate(lk, onnx, PROMPT, { maxNewTokens: TOKENS, sampling: SAMPLING })).tokens
        .length,
  ),
);
report(
  "onnxruntime-node through WebLLM's LogitProcessor protocol",
  await rate(async () => {
    const processor = new LogitkitLogitProcessor(lk, SAMPLING);
    const { tokens } = await chatTurn(processor, onnx, PROMPT, {
      maxNewTokens: TOKENS,
      temperature: 0,
    });
    processor.dispose();
    return tokens.length;
  }),
);

// transformers.js.
const local = await loadLocal();
const inputs = local.tokenizer(PROMPT);
const tjs = async (processor, extra = {}) => {
  const output = await local.model.generate({
    ...inputs,
    ...extra,
    max_new_tokens: TOKENS,
    suppress_tokens: [1, 2],
    logits_processor: processor ? [processor] : null,
  });
  return output.dims[1] - inputs.input_ids.dims[1];
};
report('transformers.js generate(), its own greedy decoding', await rate(() => tjs(null)));
for (const mode of ['sample', 'filter']) {
  report(
    `transformers.js generate() + LogitkitLogitsProcessor '${mode}'`,
    await rate(async () => {
      const processor = new LogitkitLogitsProcessor(lk, SAMPLING, { mode });
      const n = await tjs(processor, mode === 'filter' ? { do_sample: true, top_k: 0 } : {});
      processor.dispose();
      return n;
    }),
  );
}

// The processor alone: one step, batch 1, random logits.
for (const vocab of [1024, 128256]) {
  for (const mode of ['sample', 'filter']) {
    const processor = new LogitkitLogitsProcessor(
      lk,
      { temperature: 0.8, topP: 0.95, seed: 1 },
      { mode },
    );
    const data = new Float32Array(vocab);
    const row = Float32Array.from({ length: vocab }, (_, i) => Math.sin(i * 12.9898) * 4);
    const fill = () => data.set(row);
    const ids = [[1n]];
    const steps = vocab > 2000 ? 50 : 500;
    // Each step appends the token the processed row favours (the drawn one in 'sample' mode).
    const step = () => {
      fill();
      processor(ids, { dims: [1, vocab], data });
      let best = 0;
      for (let i = 1; i < vocab; i++) if (data[i] > data[best]) best = i;
      ids[0].push(BigInt(best));
    };
    step();
    const start = performance.now();
    for (let i = 0; i < steps; i++) step();
    const us = ((performance.now() - start) * 1000) / steps;
    console.log(
      `LogitkitLogitsProcessor '${mode}' alone, V = ${vocab}: ${us.toFixed(0)} µs per step (a row copy and the processor)`,
    );
    processor.dispose();
  }
}

if (BROWSER) {
  const { launchBrowser } = await import('../tests/browser/browser.mjs');
  const { openAdaptersPage } = await import('../tests/browser/adapters-page.mjs');
  const browser = await launchBrowser();
  const page = await openAdaptersPage(browser);
  const results = await page.page.evaluate(
    async ({ tokens, sampling, prompt }) => {
      const { lk, LogitkitLogitsProcessor } = window.t;
      const ban = { suppress_tokens: [1, 2] };
      await window.generate(prompt, tokens, null, ban); // warm-up: compile, first allocations
      const out = {};
      for (const mode of [null, 'sample']) {
        let best = 0;
        for (let i = 0; i < 3; i++) {
          const processor = mode ? new LogitkitLogitsProcessor(lk, sampling, { mode }) : null;
          const start = performance.now();
          const n = (await window.generate(prompt, tokens, processor, ban)).length;
          best = Math.max(best, (n * 1000) / (performance.now() - start));
          processor?.dispose();
        }
        out[mode ?? 'greedy'] = best;
      }
      return out;
    },
    { tokens: TOKENS, sampling: SAMPLING, prompt: PROMPT },
  );
  report('Chromium: transformers.js generate() (onnxruntime-web wasm), greedy', results.greedy);
  report("Chromium: transformers.js generate() + LogitkitLogitsProcessor 'sample'", results.sample);
  await page.close();
  await browser.close();
}
await local.model.dispose();
