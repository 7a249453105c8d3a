// A generation loop on onnxruntime-node with a key/value cache, sampling with logitkit: each step
// runs the ONNX model on the new tokens only (the cache holds the rest), `lastPositionLogits`
// copies the last position's logits into one reused LogitsBuffer, and a seeded Sampler draws.
// With a grammar (`--json`), each step first masks the tokens a JSON Schema does not allow there,
// so the text parses and fits the schema whatever the model would rather write.
//
//   node examples/onnxruntime/generate.mjs [model-dir] [prompt] [--tokens=N] [--seed=S] [--json]
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
import { tokenizerInfoFromHuggingFace } from 'logitkit/transformers';
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
 * A matcher for `schema` over the model's vocabulary, read from its tokenizer.json and
 * tokenizer_config.json (tokenizerInfoFromHuggingFace: `<unk>`, `<s>`, `</s>` are special, so never
 * text). Stop tokens: the generation config's EOS ids. Dispose it when done.
 */
export async function jsonMatcher(lk, model, schema, jsonOptions = {}) {
  const info = await tokenizerInfoFromHuggingFace(lk, model.tokenizer, {
    stopTokenIds: [...model.stopTokens],
  });
  const compiler = await lk.createGrammarCompiler(info);
  const compiled = await compiler.compileJSONSchema(schema, jsonOptions);
  info.dispose(); // the compiled grammar keeps the vocabulary
  const matcher = await lk.createGrammarMatcher(compiled);
  compiled.dispose(); // and the matcher the grammar
  return matcher;
}

/** Sets every logit the grammar's bitmask disallows to -Infinity (bit id & 31 of word id >> 5). */
function maskDisallowed(logits, bitmask) {
  for (let id = 0; id < logits.length; id++)
    if (((bitmask[id >>> 5] >>> (id & 31)) & 1) === 0) logits[id] = -Infinity;
}

/**
 * Generates up to `maxNewTokens` tokens after `prompt` (batch 1). Returns the new token ids and
 * their text. `sampling` goes to `lk.createSampler` (e.g. `{ temperature: 0.8, topP: 0.95, seed }`).
 * With `grammar` (a GrammarMatcher, see jsonMatcher), each token is drawn among those the grammar
 * allows, and generation ends when the grammar has accepted a stop token. `onStep(logitsBuffer,
 * token)` sees each step's logits, for checks.
 */
export async function generate(
  lk,
  model,
  prompt,
  { maxNewTokens = 40, sampling = {}, grammar, onStep } = {},
) {
  const { session, config, tokenizer, stopTokens } = model;
  const decoder = new KvCacheDecoder(ort, session, config);
  const ids = tokenizer.encode(prompt).ids;
  const sampler = lk.createSampler(sampling);
  for (const id of ids) sampler.accept(id); // the penalties see the prompt
  const logits = lk.allocLogits(config.vocab_size); // one buffer, reused: no allocation per step
  const bitmask = grammar && new Uint32Array(grammar.bitmaskWords);
  const generated = [];
  try {
    let fresh = ids; // the tokens the model has not seen yet
    while (
      generated.length < maxNewTokens &&
      decoder.length + fresh.length <= config.max_position_embeddings
    ) {
      const outputs = await decoder.run(fresh);
      lastPositionLogits(lk, outputs.logits, { out: logits });
      if (grammar) maskDisallowed(logits.array, grammar.fillNextTokenBitmask(bitmask));
      const { token } = sampler.sample(logits);
      onStep?.(logits, token);
      if (grammar && !grammar.acceptToken(token)) throw new Error(`token ${token} was masked`);
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
    reply: generated.length === 0 ? '' : tokenizer.decode(generated, { skip_special_tokens: true }),
  };
}

/** The --json demo's schema: bounded, so the output ends within the model's 256 positions. */
export const PERSON_SCHEMA = {
  type: 'object',
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 24 },
    age: { type: 'integer', minimum: 0, maximum: 969 },
    tribe: { enum: ['Judah', 'Levi', 'Benjamin', 'Dan'] },
  },
  required: ['name', 'age', 'tribe'],
  additionalProperties: false,
};

async function main() {
  const args = process.argv.slice(2);
  const flag = (name, fallback) =>
    Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const [dir = DEFAULT_MODEL, prompt = 'And God said'] = args.filter((a) => !a.startsWith('--'));
  const lk = await load();
  const model = await loadModel(dir);
  const sampling = { temperature: 0.8, topP: 0.95, seed: flag('seed', 42) };
  if (!args.includes('--json')) {
    const { text } = await generate(lk, model, prompt, {
      maxNewTokens: flag('tokens', 40),
      sampling,
    });
    console.log(text);
    return;
  }
  const grammar = await jsonMatcher(lk, model, PERSON_SCHEMA, { whitespace: 'compact' });
  const { reply } = await generate(lk, model, prompt, { maxNewTokens: 200, sampling, grammar });
  console.log(reply);
  console.log(grammar.isTerminated() ? JSON.parse(reply) : '(cut at the token limit)');
  grammar.dispose();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
