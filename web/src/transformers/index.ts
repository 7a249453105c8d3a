/**
 * logitkit/transformers: logitkit's sampler chain and grammar engine inside transformers.js's
 * `generate()`.
 *
 * ```ts
 * import { AutoModelForCausalLM, AutoTokenizer } from '@huggingface/transformers';
 * import { load } from 'logitkit';
 * import { LogitkitLogitsProcessor, StructuredOutputProcessor } from 'logitkit/transformers';
 *
 * const lk = await load();
 * const processor = new LogitkitLogitsProcessor(lk, { temperature: 0.8, topP: 0.95, seed: 42 }, { mode: 'sample' });
 * const output = await model.generate({ ...tokenizer(prompt), logits_processor: [processor], max_new_tokens: 50 });
 * processor.dispose();
 *
 * const json = await StructuredOutputProcessor.create(tokenizer, { type: 'json_schema', json_schema: schema }, { lk });
 * const constrained = await model.generate({ ...tokenizer(prompt), logits_processor: json, max_new_tokens: 200 });
 * json.dispose();
 * ```
 *
 * Tested with `@huggingface/transformers` 4.3.2 (an optional peer dependency, >= 4.3.0). This
 * module does not import it: the processors follow its protocol (a callable object with
 * `_call(input_ids, logits)`, which `LogitsProcessorList` calls on the whole batch).
 *
 * @packageDocumentation
 */
export {
  LogitkitLogitsProcessor,
  type GenerationConfigLike,
  type LogitkitProcessorOptions,
} from './logits-processor.js';
export type { InputIds, TransformersTensorLike } from './protocol.js';
export {
  StructuredOutputProcessor,
  type JsonSchema,
  type LogitsProcessorLike,
  type ResponseFormat,
  type StructuredOutputOptions,
} from './structured-output.js';
export {
  tokenizerInfoFromHuggingFace,
  type HuggingFaceTokenizerInfoOptions,
  type TransformersTokenizerLike,
} from './tokenizer.js';
