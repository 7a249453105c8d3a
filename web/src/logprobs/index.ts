/**
 * `logitkit/logprobs` — analysis of the logprobs hosted LLM APIs return. Pure TypeScript: it
 * loads no WebAssembly and works in browsers and Node alike.
 *
 *   const { choices } = parseLogprobs(await response.text());
 *   perplexity(choices[0]);  lowConfidenceSpans(choices[0], 0.4);
 */
export { parseLogprobs } from './parse.js';
export { detectProvider } from './detect.js';
export { LogprobsParseError } from './errors.js';
export { LOGPROB_SENTINEL, LOGPROB_EPSILON } from './read.js';
export { PROVIDERS } from './types.js';
export type {
  ProviderId,
  TopLogprob,
  LogprobToken,
  TokenSequence,
  LogprobChoice,
  ParsedLogprobs,
  ParseOptions,
} from './types.js';

export { sequenceLogprob, meanLogprob, perplexity } from './sequence.js';
export {
  probToLogprob,
  logprobToProb,
  tokenProbability,
  tokenProbabilities,
} from './probability.js';
export type { LogprobsInput, TokensInput, ScoredToken } from './arguments.js';
export { margin, knownDistribution } from './alternatives.js';
export type { KnownDistribution, KnownEntry } from './alternatives.js';
export { entropyEstimate, DEFAULT_VOCAB_SIZE } from './entropy.js';
export type { EntropyEstimate, EntropyOptions } from './entropy.js';
export { lowConfidenceSpans } from './spans.js';
export type { LowConfidenceSpan } from './spans.js';
export { classifyLabels } from './classify.js';
export type {
  Classification,
  ClassificationReason,
  ClassifyOptions,
  LabelProbability,
} from './classify.js';
export { confidenceSummary } from './summary.js';
export type { ConfidenceSummary, SummaryOptions } from './summary.js';
export { decodeTokens } from './bytes.js';
export type { DecodedTokens } from './bytes.js';
