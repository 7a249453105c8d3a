// A generation loop on onnxruntime-node with a key/value cache, sampling with logitkit: each step
// runs the ONNX model on the new tokens only (the cache holds the rest), `lastPositionLogits`
// copies the last position's logits into one reused LogitsBuffer, and a seeded Sampler draws.
//
//   node examples/onnxruntime/generate.mjs [model-dir] [prompt] [--tokens=N] [--seed=S]
//
// model-dir is a Hugging Face-style causal-LM folder with onnx/model.onnx, config.json and
// tokenizer.json; by default the project's own model, examples/model/kjv-onnx/ (see its
// export_onnx.py). Dependencies: logitkit, onnxruntime-node, @huggingface/tokenizers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { Tokenizer } from '@huggingface/tokenizers';
import { load } from 'logitkit';
import { lastPositionLogits } from 'logitkit/onnxruntime';
import { KvCacheDecoder } from './kv-cache.mjs';

const DEFAULT_MODEL = fileURLToPath(new URL('../model/kjv-onnx/', import.meta.url));

/** The model folder's session, config and tokenizer. */
export async function loadModel(dir = DEFAULT_MODEL) {
  const json = (name) => JSON.parse(readFileSync(join(dir, name), 'utf8'));
  const config = json('config.json');
  const generation = json('generation_config.json');
  return {
    session: await ort.InferenceSession.create(join(dir, 'onnx/model.onnx')),
    config,
    tokenizer: new Tokenizer(json('tokenizer.json'), json('tokenizer_config.json')),
    stopTokens: new Set([generation.eos_token_id].flat()),
  };
}

/**
 * Generates up to `maxNewTokens` tokens after `prompt` (batch 1). Returns the new token ids and
 * their text. `sampling` goes to `lk.createSampler` (e.g. `{ temperature: 0.8, topP: 0.95, seed }`).
 * `onStep(logitsBuffer, token)` sees each step's logits, for checks.
 */
export async function generate(
  lk,
  model,
  prompt,
  { maxNewTokens = 40, sampling = {}, onStep } = {},
) {
  const { session, config, tokenizer, stopTokens } = model;
  const decoder = new KvCacheDecoder(ort, session, config);
  const ids = tokenizer.encode(prompt).ids;
  const sampler = lk.createSampler(sampling);
  for (const id of ids) sampler.accept(id); // the penalties see the prompt
  const logits = lk.allocLogits(config.vocab_size); // one buffer, reused: no allocation per step
  const generated = [];
  try {
    let fresh = ids; // the tokens the model has not seen yet
    while (
      generated.length < maxNewTokens &&
      decoder.length + fresh.length <= config.max_position_embeddings
    ) {
      const outputs = await decoder.run(fresh);
      lastPositionLogits(lk, outputs.logits, { out: logits });
      const { token } = sampler.sample(logits);
      onStep?.(logits, token);
      if (stopTokens.has(token)) break;
      generated.push(token);
      fresh = [token];
    }
  } finally {
    logits.dispose();
    sampler.dispose();
  }
  return {
    tokens: generated,
    text: tokenizer.decode([...ids, ...generated], { skip_special_tokens: true }),
  };
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name, fallback) =>
    Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const [dir = DEFAULT_MODEL, prompt = 'And God said'] = args.filter((a) => !a.startsWith('--'));
  const lk = await load();
  const model = await loadModel(dir);
  const { text } = await generate(lk, model, prompt, {
    maxNewTokens: flag('tokens', 40),
    sampling: { temperature: 0.8, topP: 0.95, seed: flag('seed', 42) },
  });
  console.log(text);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
