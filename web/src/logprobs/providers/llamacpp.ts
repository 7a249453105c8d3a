/**
 * llama.cpp server `/completion` (native API, `n_probs: N`). `completion_probabilities` holds
 * one entry per generated token, in one of three forms:
 * - current:                 `{ id, token, bytes, logprob, top_logprobs: [{ id, token, bytes, logprob }] }`
 * - `post_sampling_probs`:   `{ id, token, bytes, prob, top_probs: [{ id, token, bytes, prob }] }`
 *                            (probabilities after the sampler chain; stored here as ln p)
 * - older servers (< 2024-12): `{ content, probs: [{ tok_str, prob }] }`; the chosen token's
 *                            probability is its entry in `probs`, or absent (`null`) if not listed.
 * A stream sends the entries of each chunk in that chunk. The old format's final `stop: true`
 * event carries every entry of the stream again; `tokens_predicted` (tokens generated so far, in
 * the final event of both formats and every event of the current one) places a chunk's entries, so
 * nothing is added twice (token-run.ts). Several prompts in one request give results with an
 * `index` field, which becomes the choice index.
 */
import type { ChoiceAccumulator } from '../accumulate.js';
import { LOGPROB_ENTRY, PROB_ENTRY, readEntry } from '../entry.js';
import type { JsonPath } from '../path.js';
import {
  expectArray,
  expectRecord,
  expectString,
  optionalArray,
  readIndex,
  readProbabilityAsLogprob,
  type JsonRecord,
  type LogprobReading,
} from '../read.js';
import { makeAlternative, makeToken } from '../token.js';
import { startFromCount } from '../token-run.js';
import type { LogprobToken } from '../types.js';
import type { ProviderParser } from './provider.js';

export const llamacpp: ProviderParser = {
  id: 'llamacpp',
  shape: 'completion_probabilities[]',
  reads: (chunk) => Object.hasOwn(chunk, 'completion_probabilities'),
  parse(chunks, choices) {
    for (const chunk of chunks)
      parseLlamaChunk(expectRecord(chunk.value, chunk.path), chunk.path, choices);
  },
};

function parseLlamaChunk(chunk: JsonRecord, path: JsonPath, choices: ChoiceAccumulator): void {
  const listPath = path.key('completion_probabilities');
  const list = optionalArray(chunk.completion_probabilities, listPath);
  const run = choices.choice(readIndex(chunk.index, path.key('index'), 0)).answer;
  if (list === undefined) return;
  const entries = list.map((value, i) => readLlamaEntry(value, listPath.index(i)));
  const pathOf = (i: number) => listPath.index(i);
  const start = startFromCount(chunk.tokens_predicted, entries.length);
  if (start !== undefined) run.place(entries, start, pathOf);
  else if (chunk.stop === true)
    run.appendUnlessRepeat(
      entries,
      typeof chunk.content === 'string' ? chunk.content : undefined,
      pathOf,
    );
  else run.append(entries);
}

function readLlamaEntry(value: unknown, path: JsonPath): LogprobToken {
  const entry = expectRecord(value, path);
  if (Object.hasOwn(entry, 'probs')) return readLegacyEntry(entry, path);
  if (Object.hasOwn(entry, 'prob') || Object.hasOwn(entry, 'top_probs'))
    return readEntry(entry, path, PROB_ENTRY);
  return readEntry(entry, path, LOGPROB_ENTRY);
}

function readLegacyEntry(entry: JsonRecord, path: JsonPath): LogprobToken {
  const token = expectString(entry.content, path.key('content'));
  const probsPath = path.key('probs');
  const alternatives = expectArray(entry.probs, probsPath).map((value, i) => {
    const altPath = probsPath.index(i);
    const alt = expectRecord(value, altPath);
    return makeAlternative(
      expectString(alt.tok_str, altPath.key('tok_str')),
      undefined,
      readProbabilityAsLogprob(alt.prob, altPath.key('prob')),
    );
  });
  const chosen = alternatives.find((alt) => alt.token === token);
  const reading: LogprobReading = chosen === undefined ? null : chosen.logprob;
  return makeToken(token, undefined, reading, alternatives);
}
