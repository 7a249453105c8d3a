// LogitkitLogitsProcessor: logitkit's sampler chain as a transformers.js logits processor.
import { LogitkitRangeError, LogitkitStateError, LogitkitTypeError } from '../errors.js';
import { describe } from '../input.js';
import type { Logitkit } from '../logitkit.js';
import type { LogitsBuffer } from '../logits-buffer.js';
import { RowSampler, rowOptions, templateSampler } from '../adapters/row-sampler.js';
import type { Sampler, SampleResult } from '../sampler.js';
import type { SamplingOptions } from '../sampling/options.js';
import { callable, checkLogits, continues, rowIds } from './protocol.js';
import type { InputIds, TransformersTensorLike } from './protocol.js';
import { expectLogitkit } from '../adapters/logitkit-instance.js';
import { checkOptionsObject } from '../options.js';

/**
 * The generation settings the processor compares with its own to warn about a filter applied
 * twice: the `generate()` keyword arguments, or a transformers.js `GenerationConfig` (merge the
 * model's `generation_config` and your arguments as `generate()` does).
 */
export interface GenerationConfigLike {
  /** Whether transformers.js samples (true) or takes the argmax (false, its default). */
  do_sample?: boolean | null;
  /** transformers.js's TemperatureLogitsWarper, applied before the processors when do_sample. */
  temperature?: number | null;
  /** The candidates transformers.js's sampler draws among when do_sample (default 50; 0: all). */
  top_k?: number | null;
  /** Declared by transformers.js 4.3, not applied. */
  top_p?: number | null;
  /** transformers.js's RepetitionPenaltyLogitsProcessor, applied before the processors. */
  repetition_penalty?: number | null;
  /** transformers.js's NoRepeatNGramLogitsProcessor, applied before the processors. */
  no_repeat_ngram_size?: number | null;
  /** transformers.js's NoBadWordsLogitsProcessor, applied before the processors. */
  bad_words_ids?: readonly (readonly number[])[] | null;
}

/** Options of `LogitkitLogitsProcessor`. */
export interface LogitkitProcessorOptions {
  /**
   * `'sample'` (default): logitkit draws each token with its seeded sampler and every stage, and
   * rewrites the row so transformers.js can only pick that token (0 there, -Infinity elsewhere).
   * `'filter'`: logitkit runs its processors and filters and writes the final distribution as
   * log-probabilities (-Infinity for every filtered token); transformers.js draws.
   */
  mode?: 'filter' | 'sample';
  /**
   * The generation settings used with the processor. When given, the constructor lists (in
   * `warnings`, and with `console.warn`) every setting that both sides would apply.
   */
  generationConfig?: GenerationConfigLike;
}

const FN = 'LogitkitLogitsProcessor';

/**
 * A transformers.js logits processor backed by logitkit's sampler chain, for
 * `model.generate({ logits_processor: [processor] })` (or `LogitsProcessorList.push(processor)`).
 *
 * **Protocol.** transformers.js calls `processor(input_ids, logits)` once per step with every
 * sequence's ids so far (`bigint[][]`, prompt included) and the `[batch, vocab]` float32 logits of
 * the next position, which the processor rewrites in place and returns. Each batch row has its own
 * sampler (history for the penalties, DRY, n-gram and bad-word stages; a seeded stream with seed
 * `seed + row`, as `lk.createBatchSampler` seeds rows). The prompt's tokens enter the history at
 * the first call. A token enters it once the runtime has appended it: transformers.js 4.3.2 has no
 * post-sampling hook, so the processor reads it from `input_ids` at the next call; a version that
 * calls `onTokensSampled(tokenIds, inputIds)` (transformers.js pull request #1733's hook) commits it
 * at once. If the runtime appends another token than logitkit drew, that token is recorded (like
 * `sampler.accept`) and logitkit's draw does not count. A call whose `input_ids` row does not
 * continue the row's history starts that row afresh (a new `generate()`): history cleared, stream
 * restarted at its seed (so a seeded generation repeats; without a seed in the options each row and
 * each restart draws a fresh random seed).
 *
 * **What runs where.** transformers.js runs its own processors first (from the generation config:
 * `repetition_penalty`, `no_repeat_ngram_size`, `bad_words_ids`, min length, forced tokens, and
 * `temperature` when `do_sample`), then the `logits_processor` list, then its sampler: the argmax
 * when `do_sample` is false, else a draw among its `top_k` best (default 50) with `Math.random`.
 * transformers.js 4.3.2 declares `top_p` but never applies it.
 *
 * - `'sample'` mode: logitkit's chain sees the logits after transformers.js's own processors, and
 *   its draw decides the token whatever `do_sample`, `top_k` or `top_p` say. Seeded runs repeat
 *   exactly. Leave temperature, penalties and n-gram blocking to logitkit (set them in
 *   `samplingOptions`, not in the generation config) or they apply twice.
 * - `'filter'` mode: transformers.js draws from logitkit's final distribution, so use
 *   `do_sample: true` and `top_k: 0` (its default top_k of 50 would cut logitkit's distribution
 *   to 50 tokens). Stages that need logitkit's own draw (XTC, mirostat, `n`) are refused with a
 *   LogitkitRangeError. The draw is transformers.js's, unseeded.
 *
 * **Scores.** What the runtime records as the step's processed scores (`output_scores` in
 * Hugging Face's API; transformers.js 4.3.2's `generate()` returns no scores) is the rewritten
 * row: in `'filter'` mode the final log-probabilities (-Infinity for filtered tokens), in
 * `'sample'` mode 0 at the drawn token and -Infinity elsewhere. `lastResults` keeps each row's
 * `SampleResult` of the last `'sample'` step (logprob, rawLogprob, kept, rank, topLogprobs).
 *
 * Owns wasm memory: call `dispose()` when done.
 */
export interface LogitkitLogitsProcessor {
  /** transformers.js calls the processor itself: the same as `_call`. */
  (inputIds: InputIds, logits: TransformersTensorLike): TransformersTensorLike;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class LogitkitLogitsProcessor {
  /** `'filter'` or `'sample'` (see the class documentation). */
  readonly mode: 'filter' | 'sample';
  /** The settings both sides would apply, found from `options.generationConfig` (empty without it). */
  readonly warnings: readonly string[];
  /** Each row's result of the last `'sample'` step (empty in `'filter'` mode). */
  lastResults: SampleResult[] = [];
  // Plain (not #private) fields: the constructor returns a function that takes them over.
  private lk: Logitkit;
  private options: SamplingOptions | undefined;
  private template: Sampler | null;
  private rows: RowSampler[] = [];
  private buffer: LogitsBuffer | null = null;

  /**
   * @param lk a loaded logitkit instance (`await load()`).
   * @param samplingOptions logitkit's sampling options (`lk.createSampler`'s), validated here.
   * @param options `{ mode, generationConfig }`.
   * @throws LogitkitTypeError / LogitkitRangeError for invalid options (named as `samplingOptions.x`
   *   or `options.mode`), and for a stage 'filter' mode cannot run.
   */
  constructor(
    lk: Logitkit,
    samplingOptions?: SamplingOptions,
    options: LogitkitProcessorOptions = {},
  ) {
    expectLogitkit(lk, FN);
    checkOptionsObject(options, FN, ['mode', 'generationConfig']);
    const mode = options.mode ?? 'sample';
    if (mode !== 'filter' && mode !== 'sample') {
      throw new LogitkitTypeError(
        `${FN}: options.mode must be 'filter' or 'sample', got ${describe(mode)}`,
        'options.mode',
      );
    }
    const template = templateSampler(lk, samplingOptions, mode, FN);
    this.mode = mode;
    this.warnings =
      options?.generationConfig === undefined
        ? []
        : generationConflicts(template, mode, options.generationConfig);
    for (const warning of this.warnings) console.warn(`logitkit: ${warning}`);
    this.lk = lk;
    this.options = samplingOptions;
    this.template = template;
    // Callable, as transformers.js's Callable is: the instance is a function that runs _call.
    return callable(this, new.target.prototype);
  }

  /**
   * Processes one step for the whole batch, in place: `inputIds[b]` are row b's ids so far and
   * `logits` is `[batch, vocab]` float32 (see the class documentation for what is written).
   * @returns `logits`, rewritten.
   * @throws LogitkitTypeError / LogitkitRangeError for a malformed tensor or `inputIds`, and the
   *   sampler's errors for invalid logits (a NaN, a +Infinity, every token masked).
   */
  _call(inputIds: InputIds, logits: TransformersTensorLike): TransformersTensorLike {
    const { batch, vocab, data } = checkLogits(logits, inputIds, FN);
    this.sync(inputIds, batch);
    const buffer = this.bufferOf(vocab);
    const results: SampleResult[] = [];
    for (let b = 0; b < batch; b++) {
      const row = data.subarray(b * vocab, (b + 1) * vocab);
      buffer.array.set(row);
      const sampler = this.rows[b]!;
      if (this.mode === 'sample') {
        const result = sampler.propose(buffer);
        row.fill(-Infinity);
        row[result.token] = 0;
        results.push(result);
      } else {
        const { indices, logprobs } = sampler.distribution(buffer, FN);
        row.fill(-Infinity);
        for (let j = 0; j < indices.length; j++) row[indices[j]!] = logprobs[j]!;
      }
    }
    this.lastResults = results;
    return logits;
  }

  /**
   * transformers.js pull request #1733's post-sampling hook: `tokenIds[b]` was appended to row b
   * and `inputIds` are the ids after appending. Commits the tokens at once (without the hook they
   * are read from `input_ids` at the next call; either way each is recorded once).
   */
  onTokensSampled(tokenIds: readonly (bigint | number)[], inputIds: InputIds): void {
    if (!Array.isArray(inputIds) || inputIds.length !== tokenIds.length) {
      throw new LogitkitRangeError(
        `${FN}.onTokensSampled: inputIds must have one row per token id (${tokenIds.length})`,
        'inputIds',
      );
    }
    this.sync(inputIds, inputIds.length);
  }

  /** Forgets every row: the next call starts afresh (streams at their seeds, or fresh random ones). */
  reset(): void {
    this.live('reset');
    for (const row of this.rows) row.dispose();
    this.rows = [];
    this.lastResults = [];
  }

  /** Frees the samplers and buffers. Safe to call more than once. */
  dispose(): void {
    for (const row of this.rows) row.dispose();
    this.rows = [];
    this.buffer?.dispose();
    this.buffer = null;
    this.template?.dispose();
    this.template = null;
  }

  /** Same as `dispose()`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /**
   * Yields the processor itself, so `logits_processor: processor` works where transformers.js
   * spreads a list (`LogitsProcessorList.extend`).
   */
  *[Symbol.iterator](): IterableIterator<LogitkitLogitsProcessor> {
    yield this;
  }

  private live(method: string): Sampler {
    if (this.template === null)
      throw new LogitkitStateError(`${FN}.${method}: used after dispose()`);
    return this.template;
  }

  /** Brings each row's history up to `inputIds` (see the class documentation). */
  private sync(inputIds: InputIds, batch: number): void {
    const template = this.live('_call');
    if (this.rows.length !== batch) {
      for (const row of this.rows) row.dispose();
      this.rows = [];
      for (let b = 0; b < batch; b++) {
        const options = rowOptions(this.options, template, b, this.mode, FN);
        this.rows.push(new RowSampler(this.lk, options));
      }
    }
    for (let b = 0; b < batch; b++) {
      const ids = rowIds(inputIds, b, FN);
      const row = this.rows[b]!;
      if (!continues(ids, row.history)) row.reset();
      for (let i = row.history.length; i < ids.length; i++) row.commit(ids[i]!);
    }
  }

  private bufferOf(vocab: number): LogitsBuffer {
    if (this.buffer === null || this.buffer.length !== vocab) {
      this.buffer?.dispose();
      this.buffer = this.lk.allocLogits(vocab);
    }
    return this.buffer;
  }
}

/** The settings both transformers.js and logitkit would apply (see the class documentation). */
function generationConflicts(
  template: Sampler,
  mode: 'filter' | 'sample',
  g: GenerationConfigLike,
): string[] {
  const p = template.options.values;
  const doSample = g.do_sample === true;
  const topK = doSample ? (g.top_k ?? 50) : 0;
  const out: string[] = [];
  if (
    doSample &&
    g.temperature != null &&
    g.temperature !== 1 &&
    g.temperature !== 0 &&
    p.temperature !== 1
  )
    out.push(
      `temperature is applied twice: transformers.js divides by ${g.temperature} before the processors, then logitkit by ${p.temperature}; set it on one side`,
    );
  if (g.repetition_penalty != null && g.repetition_penalty !== 1 && p.repetitionPenalty !== 1)
    out.push(
      'repetition_penalty is applied twice: transformers.js before the processors, then logitkit',
    );
  if ((g.no_repeat_ngram_size ?? 0) > 0 && p.noRepeatNgramSize > 0)
    out.push('no_repeat_ngram_size is applied twice: by transformers.js and by logitkit');
  if (g.bad_words_ids != null && p.badWordsIds.lengths.length > 0)
    out.push('bad words are banned twice: by transformers.js (bad_words_ids) and by logitkit');
  if (mode === 'filter') {
    if (!doSample)
      out.push(
        "mode 'filter' with do_sample false: transformers.js takes the argmax, so logitkit's filters change nothing; set do_sample: true",
      );
    else if (topK > 0 && p.topK > 0)
      out.push(
        `top-k is applied twice: logitkit keeps ${p.topK}, then transformers.js's sampler its top_k ${topK}; set top_k: 0`,
      );
    else if (topK > 0)
      out.push(
        `transformers.js's sampler keeps only its top_k (${topK}${g.top_k == null ? ', its default' : ''}) of logitkit's distribution; set top_k: 0`,
      );
    if (g.top_p != null && g.top_p < 1 && p.topP < 1)
      out.push(
        'top_p is set on both sides: transformers.js 4.3 declares top_p but does not apply it; a version that does would apply it twice',
      );
  }
  return out;
}
