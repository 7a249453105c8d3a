/**
 * SGLang's native `/generate` (request fields `return_logprob: true`, `top_logprobs_num: N`,
 * `return_text_in_logprobs`, `logprob_start_len`). A response is `{ text, output_ids, meta_info }`;
 * a batch (a list of prompts, or `n` > 1) is a JSON array of them, and a stream (`stream: true`)
 * is SSE of them. In `meta_info`:
 * - `output_token_logprobs`: one `[logprob, token_id, text]` triple per generated token; `text` is
 *   `null` unless `return_text_in_logprobs` is on (the token is then `""` with `textUnknown`, its
 *   id is kept);
 * - `output_top_logprobs`: per generated token, `null` or a list of such triples (the top N);
 * - `input_token_logprobs`, `input_top_logprobs`: the same for the prompt, from
 *   `logprob_start_len`; the first prompt token has a `null` logprob. They become `prompt`;
 * - `completion_tokens`: how many tokens are generated so far; `id`: the request id.
 * Choices: a stream chunk of a batch has `index`; otherwise each distinct `meta_info.id` is the
 * next choice (a batch array). Without either (SGLang before request ids), a result is complete
 * once its `meta_info.finish_reason` is set (`null` in every stream chunk but the last): chunks
 * add to one choice until one finishes, and the next chunk starts the next choice, so each
 * element of a batch array is its own choice and a stream is one.
 *
 * Streams: by default every chunk repeats all logprobs so far (cumulative); with
 * `--incremental-streaming-output` newer servers send only the new ones. `completion_tokens` says
 * where a chunk's entries sit either way (token-run.ts); without it, a chunk that begins with
 * every token held is read as cumulative. The prompt lists repeat in every chunk: a summary.
 */
import type { ChoiceAccumulator } from '../accumulate.js';
import { LogprobsParseError } from '../errors.js';
import type { JsonPath } from '../path.js';
import {
  expectArray,
  expectRecord,
  isRecord,
  optionalArray,
  readIndex,
  type JsonRecord,
} from '../read.js';
import { startFromCount } from '../token-run.js';
import type { ProviderParser } from './provider.js';
import { readStepEntry, readStepTokens, type StepEntry } from './step-tokens.js';

export const sglang: ProviderParser = {
  id: 'sglang',
  shape: 'meta_info.output_token_logprobs[] (SGLang /generate)',
  reads: (chunk) => isRecord(chunk.meta_info),
  parse(chunks, choices) {
    const owners = new ChoiceOwners();
    for (const chunk of chunks) {
      const record = expectRecord(chunk.value, chunk.path);
      const metaPath = chunk.path.key('meta_info');
      if (record.meta_info === undefined || record.meta_info === null) continue;
      const meta = expectRecord(record.meta_info, metaPath);
      readChunk(meta, metaPath, choices, owners.of(record, meta, chunk.path));
    }
  },
};

/** Which choice each chunk belongs to (the rule in the header). */
class ChoiceOwners {
  private readonly byRequestId = new Map<string, number>();
  private next = 0;
  /** The choice id-less chunks add to until one of them finishes. */
  private open: number | undefined;

  of(record: JsonRecord, meta: JsonRecord, path: JsonPath): number {
    if (record.index !== undefined && record.index !== null)
      return readIndex(record.index, path.key('index'), 0);
    if (typeof meta.id === 'string') {
      let index = this.byRequestId.get(meta.id);
      if (index === undefined) {
        index = this.next++;
        this.byRequestId.set(meta.id, index);
      }
      return index;
    }
    const index = (this.open ??= this.next++);
    if (meta.finish_reason !== undefined && meta.finish_reason !== null) this.open = undefined;
    return index;
  }
}

function readChunk(
  meta: JsonRecord,
  path: JsonPath,
  choices: ChoiceAccumulator,
  index: number,
): void {
  const draft = choices.choice(index);
  const output = readSide(meta, path, 'output');
  if (output !== undefined) {
    const start = startFromCount(meta.completion_tokens, output.tokens.length);
    if (start !== undefined) draft.answer.place(output.tokens, start, output.pathOf);
    else draft.answer.appendUnlessRepeat(output.tokens, undefined, output.pathOf);
  }
  const input = readSide(meta, path, 'input');
  if (input !== undefined && input.tokens.length > 0)
    draft.prompt().placeWhole(input.tokens, input.pathOf);
}

/** `<side>_token_logprobs` with `<side>_top_logprobs`, or `undefined` when the list is absent. */
function readSide(meta: JsonRecord, path: JsonPath, side: 'input' | 'output') {
  const listPath = path.key(`${side}_token_logprobs`);
  const list = optionalArray(meta[`${side}_token_logprobs`], listPath);
  if (list === undefined) return undefined;
  const topPath = path.key(`${side}_top_logprobs`);
  const tokens = readStepTokens(
    { list, path: listPath },
    { list: optionalArray(meta[`${side}_top_logprobs`], topPath), path: topPath },
    readTriple,
    (step, stepPath) => ({ list: optionalArray(step, stepPath) ?? [], path: stepPath }),
  );
  return { tokens, pathOf: (i: number) => listPath.index(i) };
}

/**
 * `[logprob, token_id, text | null]` (the text may be missing too). Without text (SGLang's
 * `detokenize_logprob_tokens` writes `(logprob, token_id, None)` unless `return_text_in_logprobs`
 * is on) the token's text is unknown and its id identifies it.
 */
function readTriple(value: unknown, path: JsonPath): StepEntry {
  const triple = expectArray(value, path);
  if (triple.length < 2 || triple.length > 3) {
    throw new LogprobsParseError(
      path,
      `expected [logprob, token_id, text], got an array of ${triple.length}`,
    );
  }
  const text: unknown = triple[2];
  return readStepEntry(
    text === undefined || text === null ? undefined : { value: text, path: path.index(2) },
    { value: triple[0], path: path.index(0) },
    { value: triple[1], path: path.index(1) },
  );
}
