/**
 * logitkit: softmax, logprobs and seeded sampling for language-model logits, as C++ kernels
 * compiled to WebAssembly (SIMD and baseline builds). Start with `const lk = await load()`.
 */
export { load } from './load.js';
export {
  simdSupported,
  instantiateBuild,
  type LoadOptions,
  type WasmBuild,
  type EmscriptenFactory,
  type EmscriptenModuleArg,
} from './wasm-build.js';
export {
  Logitkit,
  type SoftmaxOptions,
  type TemperatureOptions,
  type EntropyOptions,
  type InputOptions,
} from './logitkit.js';
export { WasmBuffer } from './wasm-buffer.js';
export { LogitsBuffer } from './logits-buffer.js';
export { HalfLogitsBuffer } from './half-logits-buffer.js';
export { Sampler, type SampleResult, type TopKResult, type TopLogprobsResult } from './sampler.js';
export { BatchSampler, type BatchSamplerOptions } from './batch-sampler.js';
export type {
  SamplingOptions,
  CanonicalSamplingOptions,
  SamplingOptionAliases,
} from './sampling/options.js';
export { STAGES, ORDER_PRESETS, type StageName } from './sampling/stages.js';
export type { Logits, DType } from './input.js';
export { fromLlamaCpp } from './profiles/llama-cpp.js';
export { fromTransformers } from './profiles/transformers.js';
export { fromVllm } from './profiles/vllm.js';
export { fromOpenAI } from './profiles/openai.js';
export { dryBreakerSequences } from './dry-breakers.js';
export type {
  Compat,
  ProfileResult,
  ProfileSamplingOptions,
  ProfileTokenizer,
  SequenceBias,
  TokenizerEncode,
} from './profiles/profile.js';
export {
  LogitkitRangeError,
  LogitkitTypeError,
  LogitkitStateError,
  LogitkitGrammarError,
} from './errors.js';
export {
  TokenizerInfo,
  DEFAULT_STOP_TOKENS,
  type VocabType,
  type TokenizerVocabulary,
  type TokenizerInfoOptions,
} from './grammar/tokenizer-info.js';
export {
  GrammarCompiler,
  CompiledGrammar,
  type GrammarCompilerOptions,
  type JsonSchemaOptions,
  type JsonWhitespace,
  type GrammarWarning,
} from './grammar/compiler.js';
export { GrammarMatcher, type GrammarMatcherOptions } from './grammar/matcher.js';
