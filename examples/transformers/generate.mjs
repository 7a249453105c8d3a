// transformers.js generate() with logitkit's sampler chain as a logits processor, in both modes,
// on a model loaded from local files (no network).
//
//   node examples/transformers/generate.mjs [models-dir] [model-id] [prompt] [--tokens=N] [--seed=S]
//
// models-dir/model-id is a Hugging Face-style folder (config.json, tokenizer.json,
// onnx/model.onnx); by default the project's own model, examples/model/kjv-onnx/. Dependencies:
// logitkit, @huggingface/transformers (>= 4.3).
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AutoModelForCausalLM, AutoTokenizer, env } from '@huggingface/transformers';
import { load } from 'logitkit';
import { LogitkitLogitsProcessor } from 'logitkit/transformers';

const DEFAULT_MODELS = fileURLToPath(new URL('../model/', import.meta.url));

/** The tokenizer and model of `modelsDir/modelId`, from local files only. */
export async function loadLocal(modelsDir = DEFAULT_MODELS, modelId = 'kjv-onnx') {
  env.allowRemoteModels = false;
  env.localModelPath = modelsDir;
  const tokenizer = await AutoTokenizer.from_pretrained(modelId);
  const model = await AutoModelForCausalLM.from_pretrained(modelId, { dtype: 'fp32' });
  return { tokenizer, model };
}

/**
 * 'sample': logitkit draws every token (seeded, reproducible); transformers.js only appends it.
 * 'filter': logitkit filters (temperature, top-p, ...), transformers.js draws from what is left;
 * do_sample: true and top_k: 0 leave the whole filtered distribution to its sampler.
 */
export async function generateText(
  lk,
  { tokenizer, model },
  prompt,
  mode,
  sampling,
  maxNewTokens = 40,
) {
  const generation = mode === 'sample' ? {} : { do_sample: true, top_k: 0 };
  const processor = new LogitkitLogitsProcessor(lk, sampling, {
    mode,
    generationConfig: generation,
  });
  try {
    const inputs = tokenizer(prompt);
    const output = await model.generate({
      ...inputs,
      ...generation,
      max_new_tokens: maxNewTokens,
      logits_processor: [processor],
    });
    const ids = output.tolist()[0].map(Number);
    return { ids, text: tokenizer.decode(ids, { skip_special_tokens: true }) };
  } finally {
    processor.dispose();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const flag = (name, fallback) =>
    Number(args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback);
  const [dir = DEFAULT_MODELS, id = 'kjv-onnx', prompt = 'And God said'] = args.filter(
    (a) => !a.startsWith('--'),
  );
  const lk = await load();
  const loaded = await loadLocal(dir, id);
  const sampling = { temperature: 0.8, topP: 0.95, seed: flag('seed', 42) };
  for (const mode of ['sample', 'filter']) {
    const { text } = await generateText(lk, loaded, prompt, mode, sampling, flag('tokens', 40));
    console.log(`${mode}: ${text}`);
  }
  await loaded.model.dispose();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
