// Compiled (never run) by tests/js/adapter-webllm.test.mjs with `tsc --noEmit`: the adapters'
// published types against the runtimes' own declarations. Each @ts-expect-error proves the
// runtime's type was really resolved (an `any` would make the directive itself an error).
// moduleResolution is Bundler (tsconfig.json here), as in the web apps WebLLM targets:
// @mlc-ai/web-llm 0.2.86 is an ES module package whose declarations import './types' without an
// extension, which NodeNext resolution cannot follow (every WebLLM type silently becomes `any`).
import type { LogitProcessor, MLCEngineConfig } from '@mlc-ai/web-llm';
import {
  LogitsProcessorList,
  type PreTrainedModel,
  type PreTrainedTokenizer,
} from '@huggingface/transformers';
import { Tensor } from 'onnxruntime-common';
import { load, type HalfLogitsBuffer, type LogitsBuffer } from 'logitkit';
import {
  LogitkitLogitsProcessor,
  StructuredOutputProcessor,
  tokenizerInfoFromHuggingFace,
} from 'logitkit/transformers';
import { LogitkitLogitProcessor } from 'logitkit/webllm';
import { lastPositionLogits } from 'logitkit/onnxruntime';

const lk = await load();

// WebLLM: the processor is a LogitProcessor and goes into the engine's registry.
const processor: LogitProcessor = new LogitkitLogitProcessor(lk, { temperature: 0.7, seed: 1 });
export const engineConfig: MLCEngineConfig = {
  logitProcessorRegistry: new Map([['Llama-3.2-1B-Instruct-q4f16_1-MLC', processor]]),
};
// @ts-expect-error an object without processSampledToken and resetState is not a LogitProcessor
export const incomplete: LogitProcessor = { processLogits: (logits: Float32Array) => logits };

// transformers.js: the processor goes into a LogitsProcessorList, which generate() takes.
const list = new LogitsProcessorList();
list.push(new LogitkitLogitsProcessor(lk, { topP: 0.9 }, { mode: 'filter' }));
export const generateOptions: Parameters<PreTrainedModel['generate']>[0] = {
  logits_processor: list,
  max_new_tokens: 8,
};
// @ts-expect-error mode is 'filter' or 'sample'
export const wrongMode = new LogitkitLogitsProcessor(lk, {}, { mode: 'greedy' });

// Structured output: as @huggingface/transformers-structured-output's processor, a
// LogitsProcessorList that generate() takes as it is.
declare const tokenizer: PreTrainedTokenizer;
const structured = await StructuredOutputProcessor.create(
  tokenizer,
  { type: 'json_schema', json_schema: { type: 'object' } },
  { lk, samplingOptions: { seed: 1 }, whitespace: 'compact' },
);
export const structuredList: LogitsProcessorList = structured;
export const structuredOptions: Parameters<PreTrainedModel['generate']>[0] = {
  logits_processor: new StructuredOutputProcessor(tokenizer, { type: 'regex', regex: 'yes|no' }),
};
// @ts-expect-error the response format's type is 'json_schema', 'json_object' or 'regex'
export const wrongFormat = new StructuredOutputProcessor(tokenizer, { type: 'xml' });

// WebLLM with a grammar: a GrammarMatcher over the model's vocabulary.
const info = await tokenizerInfoFromHuggingFace(lk, tokenizer);
const compiled = await (await lk.createGrammarCompiler(info)).compileRegex('yes|no');
export const constrained: LogitProcessor = new LogitkitLogitProcessor(
  lk,
  { temperature: 0.7 },
  { grammar: await lk.createGrammarMatcher(compiled) },
);
// @ts-expect-error a grammar is a GrammarMatcher, not a compiled grammar
export const notAMatcher = new LogitkitLogitProcessor(lk, {}, { grammar: compiled });

// onnxruntime: an ort.Tensor goes in, a buffer of the instance comes out.
const tensor = new Tensor('float32', new Float32Array(6), [1, 2, 3]);
export const row: LogitsBuffer | HalfLogitsBuffer = lastPositionLogits(lk, tensor, { row: 0 });
