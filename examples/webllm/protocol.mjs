// logitkit's WebLLM LogitProcessor, driven through the calls WebLLM's engine makes, with logits
// from a real model. WebLLM itself needs WebGPU and a compiled model library, so here the logits
// come from the project's ONNX model on onnxruntime-node and this file plays the engine's part:
//
//   per token:  logits = forward(...)                      (on the CPU, as WebLLM copies them)
//               logits = processor.processLogits(logits)
//               token  = WebLLM's sampler on the result      (argmax at temperature 0, else softmax)
//               processor.processSampledToken(token)
//   per chat:   processor.resetState()                      (engine.resetChat())
//
// The last chat constrains the reply to a JSON Schema: the processor takes a grammar matcher
// (`new LogitkitLogitProcessor(lk, sampling, { grammar })`) and draws among the tokens it allows.
//
//   node examples/webllm/protocol.mjs [model-dir] [--tokens=N] [--seed=S]   (default examples/model/kjv-onnx/)
//
// In an app, register the processor and WebLLM makes these calls itself:
//   const engine = await CreateMLCEngine(modelId, { logitProcessorRegistry: new Map([[modelId, processor]]) });
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { load } from 'logitkit';
import { LogitkitLogitProcessor } from 'logitkit/webllm';
import { PERSON_SCHEMA, jsonMatcher, loadModel } from '../onnxruntime/generate.mjs';
import { KvCacheDecoder } from '../onnxruntime/kv-cache.mjs';

/** WebLLM's sampling of the processed logits: softmax at `temperature`, or the argmax at 0. */
export function engineSample(logits, temperature, random = Math.random) {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
  if (temperature === 0) return best;
  let sum = 0;
  const weights = Array.from(logits, (z) => Math.exp((z - logits[best]) / temperature));
  for (const w of weights) sum += w;
  let u = random() * sum;
  for (let i = 0; i < weights.length; i++) if ((u -= weights[i]) < 0 && weights[i] > 0) return i;
  return best;
}

/**
 * One chat turn: `maxNewTokens` tokens after `prompt`, each through processLogits /
 * processSampledToken, the model's key/value cache carried between steps.
 */
export async function chatTurn(
  processor,
  model,
  prompt,
  { maxNewTokens = 30, temperature = 0.7, onLogits } = {},
) {
  const { session, config, tokenizer, stopTokens } = model;
  const decoder = new KvCacheDecoder(ort, session, config);
  const ids = tokenizer.encode(prompt).ids;
  const vocab = config.vocab_size;
  const tokens = [];
  let fresh = ids;
  while (tokens.length < maxNewTokens) {
    const out = await decoder.run(fresh);
    // WebLLM hands the processor a fresh Float32Array of the last position's logits.
    const logits = out.logits.data.slice((fresh.length - 1) * vocab, fresh.length * vocab);
    onLogits?.(logits.slice());
    const token = engineSample(processor.processLogits(logits), temperature);
    processor.processSampledToken(token);
    if (stopTokens.has(token)) break;
    tokens.push(token);
    fresh = [token];
  }
  return {
    tokens,
    text: tokenizer.decode([...ids, ...tokens], { skip_special_tokens: true }),
    reply: tokens.length === 0 ? '' : tokenizer.decode(tokens, { skip_special_tokens: true }),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name, fallback) =>
    Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const lk = await load();
  const [dir] = args.filter((a) => !a.startsWith('--'));
  const model = await loadModel(dir);
  const sampling = {
    temperature: 0.8,
    topK: 40,
    minP: 0.05,
    repetitionPenalty: 1.1,
    seed: flag('seed', 7),
  };
  const processor = new LogitkitLogitProcessor(lk, sampling);
  for (const prompt of ['And God said', 'Jesus wept.']) {
    const { text } = await chatTurn(processor, model, prompt, { maxNewTokens: flag('tokens', 30) });
    console.log(text);
    processor.resetState();
  }
  processor.dispose();
  const grammar = await jsonMatcher(lk, model, PERSON_SCHEMA, { whitespace: 'compact' });
  const constrained = new LogitkitLogitProcessor(lk, sampling, { grammar });
  grammar.dispose(); // the processor keeps its own fork
  const { reply } = await chatTurn(constrained, model, 'And Adam lived', { maxNewTokens: 200 });
  console.log(reply, constrained.terminated ? JSON.parse(reply) : '(cut at the token limit)');
  constrained.dispose();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
