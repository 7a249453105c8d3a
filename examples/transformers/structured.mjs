// Structured output in transformers.js generate(): StructuredOutputProcessor constrains the model to
// a JSON Schema, any JSON object, or a regular expression, with logitkit's grammar engine. The
// project's KJV model has never seen JSON, yet every output parses and fits: the grammar only lets
// through the tokens that keep the text on a path to a valid output.
//
//   node examples/transformers/structured.mjs [models-dir] [model-id] [--seed=S]
//
// Dependencies: logitkit, @huggingface/transformers (>= 4.3). The model comes from local files
// (loadLocal in generate.mjs).
import { pathToFileURL } from 'node:url';
import { load } from 'logitkit';
import { StructuredOutputProcessor } from 'logitkit/transformers';
import { loadLocal } from './generate.mjs';

/** A schema the examples and tests use: every string bounded, so any output ends within the model's 256 positions. */
export const VERSE_SCHEMA = {
  type: 'object',
  properties: {
    book: { enum: ['Genesis', 'Exodus', 'Psalms', 'John'] },
    chapter: { type: 'integer', minimum: 1, maximum: 150 },
    verse: { type: 'string', minLength: 1, maxLength: 60 },
    people: { type: 'array', items: { type: 'string', maxLength: 12 }, maxItems: 3 },
  },
  required: ['book', 'chapter', 'verse'],
  additionalProperties: false,
};

/**
 * Generates under `responseFormat` (StructuredOutputProcessor's second argument) after each prompt
 * (one batch row per prompt, left-padded). `options` is the processor's third argument without
 * `lk`; with `samplingOptions` logitkit draws (seeded), else transformers.js decodes greedily.
 * Returns, per row, the generated text (special tokens skipped), the generated ids, whether the
 * output ended (its last token is a stop token: transformers.js stops a row there, and pads it with
 * that token while other rows go on), and the number of tokens the grammar allowed at each step.
 */
export async function generateStructured(
  lk,
  { tokenizer, model },
  prompts,
  responseFormat,
  options = {},
  maxNewTokens = 200,
) {
  const processor = await StructuredOutputProcessor.create(tokenizer, responseFormat, {
    ...options,
    lk,
  });
  const allowed = [];
  const record = (inputIds, logits) => {
    allowed.push([...processor.lastAllowed]);
    return logits;
  };
  processor.push(record); // runs after the constraint, in the same list
  try {
    const inputs = tokenizer([prompts].flat(), { padding: true });
    const output = await model.generate({
      ...inputs,
      max_new_tokens: maxNewTokens,
      logits_processor: processor,
    });
    const start = inputs.input_ids.dims[1];
    const stop = new Set(processor.stopTokenIds);
    return output.tolist().map((row, b) => {
      const all = row.slice(start).map(Number);
      const end = all.findIndex((id) => stop.has(id));
      const ids = end < 0 ? all : all.slice(0, end);
      return {
        ids,
        text: ids.length === 0 ? '' : tokenizer.decode(ids, { skip_special_tokens: true }),
        ended: end >= 0,
        allowed: allowed.map((step) => step[b]),
      };
    });
  } finally {
    processor.dispose();
  }
}

async function main() {
  const args = process.argv.slice(2);
  const seed = Number(args.find((a) => a.startsWith('--seed='))?.split('=')[1] ?? 42);
  const [dir, id] = args.filter((a) => !a.startsWith('--'));
  const lk = await load();
  const loaded = await loadLocal(dir, id);
  // 'compact': no whitespace between JSON tokens. This model knows spaces and newlines far better
  // than braces and quotes, so with 'flexible' whitespace it spends its tokens on blank runs.
  const compact = { whitespace: 'compact' };
  const sampled = { ...compact, samplingOptions: { temperature: 0.8, topP: 0.95, seed } };
  const runs = [
    ['JSON Schema, greedy', { type: 'json_schema', json_schema: VERSE_SCHEMA }, compact],
    ['JSON Schema, sampled', { type: 'json_schema', json_schema: VERSE_SCHEMA }, sampled],
    ['json_object, sampled', { type: 'json_object' }, sampled],
    ['regex (a reference)', { type: 'regex', regex: '[A-Z][a-z]+ [0-9]{1,3}:[0-9]{1,3}' }, sampled],
  ];
  for (const [label, format, options] of runs) {
    const [out] = await generateStructured(lk, loaded, 'And God said', format, options);
    console.log(`${label}: ${out.text}${out.ended ? '' : '   (cut at max_new_tokens)'}`);
  }
  await loaded.model.dispose();
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
