// StructuredOutputProcessor: grammar-constrained generation in transformers.js, a drop-in for
// @huggingface/transformers-structured-output's processor of the same name, backed by logitkit's
// grammar engine.
import { LogitkitStateError, LogitkitTypeError } from '../errors.js';
import type { CompiledGrammar, GrammarWarning, JsonWhitespace } from '../grammar/compiler.js';
import type { GrammarMatcher } from '../grammar/matcher.js';
import type { TokenizerInfo } from '../grammar/tokenizer-info.js';
import { describe } from '../input.js';
import { load } from '../load.js';
import type { Logitkit } from '../logitkit.js';
import type { LogitsBuffer } from '../logits-buffer.js';
import type { Sampler, SampleResult } from '../sampler.js';
import type { SamplingOptions } from '../sampling/options.js';
import { ConstrainedRow } from '../adapters/constrained-row.js';
import { expectLogitkit } from '../adapters/logitkit-instance.js';
import { checkOptionKeys } from '../options.js';
import { RowSampler, readsHistory, rowOptions, templateSampler } from '../adapters/row-sampler.js';
import { callable, checkLogits, continues, rowIds } from './protocol.js';
import type { InputIds, TransformersTensorLike } from './protocol.js';
import { vocabularyOf, type TransformersTokenizerLike } from './tokenizer.js';

/** A JSON Schema: an object, or `true` / `false`. */
export type JsonSchema = boolean | { [keyword: string]: unknown };

/**
 * What the output must be, in `@huggingface/transformers-structured-output`'s form:
 * - `{ type: 'json_schema', json_schema }`: a JSON text valid against the schema (the schema
 *   itself, not OpenAI's `{ name, schema }` wrapper);
 * - `{ type: 'json_object' }`: any JSON object (the schema `{ "type": "object" }`, as that package
 *   and OpenAI's JSON mode give);
 * - `{ type: 'regex', regex }`: a string the ECMAScript regular expression matches whole
 *   (`^(?:regex)$`; no backreferences or lookaround).
 */
export type ResponseFormat =
  | { type: 'json_object' }
  | { type: 'json_schema'; json_schema: JsonSchema }
  | { type: 'regex'; regex: string };

/** A transformers.js logits processor: rewrites `[batch, vocab]` logits and returns them. */
export type LogitsProcessorLike = (
  inputIds: InputIds,
  logits: TransformersTensorLike,
) => TransformersTensorLike;

/** Options of `StructuredOutputProcessor` (its third argument; the package it replaces has none). */
export interface StructuredOutputOptions {
  /** A loaded logitkit instance. Default: one `await load()` of the processor's own. */
  lk?: Logitkit;
  /**
   * logitkit's sampling options (without `grammar`: the processor gives each row's sampler its
   * own): when given, the processor constrains and draws the token with logitkit's seeded sampler
   * chain (as `LogitkitLogitsProcessor`'s `'sample'` mode), so transformers.js can only append that
   * token. Without them it only masks, and transformers.js
   * draws (greedy, or its own sampling) among the allowed tokens.
   */
  samplingOptions?: SamplingOptions;
  /**
   * The tokens that end the output, allowed exactly where the grammar may end. Default: the
   * tokenizer's `eos_token_id` (see `tokenizerInfoFromHuggingFace`). Each must also stop
   * `generate()`: be in the generation config's `eos_token_id`.
   */
  stopTokenIds?: readonly number[];
  /**
   * A vocabulary built once with `tokenizerInfoFromHuggingFace(lk, tokenizer)`, reused instead of
   * building one per processor (needs `lk`, the instance it belongs to; it is not disposed here).
   */
  tokenizerInfo?: TokenizerInfo;
  /**
   * JSON whitespace between tokens (`json_schema`, `json_object`): `'flexible'` (default: runs of at
   * most 32 whitespace characters), `'compact'` (none) or `{ maxRun }`.
   */
  whitespace?: JsonWhitespace;
  /**
   * true (default): a JSON Schema validation keyword the engine cannot enforce is an error; false:
   * it is ignored and listed in `warnings`.
   */
  strict?: boolean;
}

interface Prepared {
  lk: Logitkit;
  compiled: CompiledGrammar;
  root: GrammarMatcher;
  template: Sampler | null;
}

const FN = 'StructuredOutputProcessor';
const TYPES = ['json_schema', 'json_object', 'regex'];

/** Checks the response format's shape (its content is the compiler's to judge). */
function checkFormat(format: unknown): ResponseFormat {
  const f = format as Record<string, unknown> | null;
  if (typeof f !== 'object' || f === null || !TYPES.includes(f['type'] as string))
    throw new LogitkitTypeError(
      `${FN}: responseFormat.type must be 'json_schema', 'json_object' or 'regex', got ${describe(f?.['type'] ?? f)}`,
      'responseFormat.type',
    );
  if (f['type'] === 'regex' && typeof f['regex'] !== 'string')
    throw new LogitkitTypeError(
      `${FN}: responseFormat.regex must be a string, got ${describe(f['regex'])}`,
      'responseFormat.regex',
    );
  const schema = f['json_schema'];
  if (
    f['type'] === 'json_schema' &&
    typeof schema !== 'boolean' &&
    (typeof schema !== 'object' || schema === null || Array.isArray(schema))
  )
    throw new LogitkitTypeError(
      `${FN}: responseFormat.json_schema must be a JSON Schema (an object or a boolean), got ${describe(schema)}`,
      'responseFormat.json_schema',
    );
  return f as ResponseFormat;
}

/**
 * Constrains transformers.js's `generate()` to a JSON Schema, any JSON object, or a regular
 * expression, with logitkit's grammar engine: a drop-in for `@huggingface/transformers-structured-output`
 * 4.3's `StructuredOutputProcessor` (same constructor shape and `ResponseFormat`), plus options.
 *
 * ```ts
 * const processor = new StructuredOutputProcessor(tokenizer, { type: 'json_schema', json_schema }, { lk });
 * await processor.ready;                       // the grammar compiles asynchronously
 * const output = await model.generate({ ...tokenizer(prompt), logits_processor: processor, max_new_tokens: 200 });
 * processor.dispose();
 * ```
 *
 * **Ready.** The constructor checks its arguments and starts compiling; the grammar engine is a
 * WebAssembly module loaded on first use, so compilation finishes asynchronously. `await
 * processor.ready` (or build it with `await StructuredOutputProcessor.create(...)`) before
 * `generate()`: a step before then throws a LogitkitStateError; a compilation error (an unsupported
 * keyword, a regex syntax error: LogitkitGrammarError) rejects `ready` and is thrown again by a step.
 *
 * **Each step.** For every batch row the processor sets the logits of the tokens the grammar does
 * not allow next to -Infinity (a mask over the whole vocabulary: a token is allowed if and only if
 * its bytes can continue the output toward a string of the language; special tokens never are;
 * the stop tokens exactly where the output may end; ids past the tokenizer's vocabulary never).
 * With `samplingOptions`, logitkit then draws among the allowed tokens with its seeded chain and
 * leaves only that token (0; -Infinity elsewhere). Without, transformers.js draws (its argmax, or
 * its sampling) among them. With `samplingOptions` whose chain reads no history (no penalty, DRY,
 * n-gram blocking or bad words), constraining and drawing are one step: the row's sampler carries
 * the grammar in its own grammar stage (`createSampler({ grammar })`), which masks inside the
 * sampling pass, and the row reaches the sampler unmasked (`rawLogprob` is then under the model's
 * whole distribution). A chain that reads the history is given the prompt, which a grammar sampler
 * cannot take without its grammar accepting it: there the row is masked in JavaScript first, then
 * drawn from. Both draw the same tokens. `lastAllowed` costs one more mask computation per step
 * in the one-step case (the count; the sampler computes its own mask).
 *
 * **Batches and the commit rule.** Each row has its own matcher (forked from one compiled grammar)
 * and, with `samplingOptions`, its own sampler seeded `seed + row`. The prompt is context: the
 * grammar constrains the generated tokens only (the sampler's penalties see the prompt). A token
 * advances a row's matcher once transformers.js has appended it (read from `input_ids` at the next
 * step, or at once through the post-sampling hook `onTokensSampled`), so the matcher accepts
 * exactly the runtime's token; a token the grammar does not allow there (something after the
 * processor chose a masked token) is a LogitkitStateError. After a row's output has ended (a stop
 * token appended), only that stop token is allowed in that row, so the rows of a batch that finish
 * first are padded with it while the others go on. A row continues while its
 * `input_ids` are its previous ones plus at most one token; anything else (a new `generate()`)
 * starts it afresh, so one processor serves several `generate()` calls in turn.
 *
 * **Differences from the package it replaces**: batches work (that package throws for batch > 1);
 * several stop tokens may be given; JSON whitespace is limited by a run cap (`whitespace`), where
 * that package allows any run but scales whitespace tokens' logits by 1.2^n after n consecutive
 * whitespace tokens and masks them after 4; the vocabulary is read from tokenizer.json (that
 * package decodes each token alone with `tokenizer.decode([id])`, which drops the leading space of
 * SentencePiece tokens such as Llama 2's, so it reads `▁is` as "is"); a schema keyword the
 * engine cannot enforce is an error naming it (`strict: false` ignores it with a warning).
 *
 * Owns wasm memory: call `dispose()` when done.
 */
export interface StructuredOutputProcessor {
  /** transformers.js calls the processor itself: the same as `_call`. */
  <T extends TransformersTensorLike>(inputIds: InputIds, logits: T): T;
}

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class StructuredOutputProcessor {
  /** The response format, as given. */
  readonly responseFormat: ResponseFormat;
  /**
   * The processors run in order by `_call`: the grammar constraint first, then any `push`ed.
   * transformers.js's `LogitsProcessorList.extend` spreads them into its own list.
   */
  processors: LogitsProcessorLike[] = [];
  /** Keywords the JSON Schema compiler ignored (annotations; with `strict: false`, more). Set when ready. */
  warnings: readonly GrammarWarning[] = [];
  /** The stop token ids in use. Set when ready. */
  stopTokenIds: readonly number[] = [];
  /** Each row's number of allowed tokens at the last step. */
  lastAllowed: number[] = [];
  /** Each row's sampler result at the last step (with `samplingOptions`; else empty). */
  lastResults: SampleResult[] = [];
  // Plain (not #private) fields: the constructor returns a function that takes them over.
  private readyPromise: Promise<void> = Promise.resolve();
  private prepared: Prepared | null = null;
  private failure: unknown = undefined;
  private disposed = false;
  private rows: ConstrainedRow[] = [];
  private buffer: LogitsBuffer | null = null;
  private samplingOptions: SamplingOptions | undefined;

  /**
   * @param tokenizer the model's transformers.js tokenizer (`AutoTokenizer.from_pretrained`): its
   *   tokenizer.json and tokenizer_config.json give the vocabulary (see `tokenizerInfoFromHuggingFace`).
   * @param responseFormat what the output must be.
   * @param options `{ lk?, samplingOptions?, stopTokenIds?, tokenizerInfo?, whitespace?, strict? }`.
   * @throws LogitkitTypeError / LogitkitRangeError at once for a malformed response format, a
   *   tokenizer without tokenizer.json, bad stop ids, invalid sampling options (when `lk` is given).
   *   Compilation errors reject `ready`.
   */
  constructor(
    tokenizer: TransformersTokenizerLike | object,
    responseFormat: ResponseFormat,
    options: StructuredOutputOptions = {},
  ) {
    if (typeof options !== 'object' || options === null)
      throw new LogitkitTypeError(`${FN}: options must be an object`, 'options');
    checkOptionKeys(options, FN, [
      'lk',
      'samplingOptions',
      'stopTokenIds',
      'tokenizerInfo',
      'whitespace',
      'strict',
    ]);
    const format = checkFormat(responseFormat);
    const lk = options.lk;
    if (lk !== undefined) expectLogitkit(lk, FN, 'options.lk');
    const info = options.tokenizerInfo;
    if (info !== undefined && lk === undefined)
      throw new LogitkitTypeError(
        `${FN}: options.tokenizerInfo needs options.lk, the instance that created it`,
        'options.lk',
      );
    if (info !== undefined && options.stopTokenIds !== undefined)
      throw new LogitkitTypeError(
        `${FN}: options.stopTokenIds cannot change a given tokenizerInfo's stop tokens; set them when creating it`,
        'options.stopTokenIds',
      );
    const vocabulary =
      info === undefined ? vocabularyOf(tokenizer, options.stopTokenIds, FN) : null;
    const template =
      lk !== undefined && options.samplingOptions !== undefined
        ? templateSampler(lk, options.samplingOptions, 'sample', FN)
        : null;
    this.responseFormat = format;
    this.samplingOptions = options.samplingOptions;
    const self = callable(this, new.target.prototype);
    self.processors = [(ids, logits) => self.constrain(ids, logits)];
    self.readyPromise = self.prepare(vocabulary, format, options, template);
    // A failure is kept for the next step and for whoever awaits `ready`; not unhandled.
    self.readyPromise.catch(() => {});
    return self;
  }

  /**
   * Builds a processor and waits until it is ready (the same arguments as the constructor).
   * @throws the constructor's errors, and compilation errors (LogitkitGrammarError).
   */
  static async create(
    tokenizer: TransformersTokenizerLike | object,
    responseFormat: ResponseFormat,
    options: StructuredOutputOptions = {},
  ): Promise<StructuredOutputProcessor> {
    const processor = new StructuredOutputProcessor(tokenizer, responseFormat, options);
    await processor.ready;
    return processor;
  }

  /**
   * Resolves when the grammar is compiled and the processor can run; rejects with the compilation
   * error (LogitkitGrammarError: an unsupported keyword, a syntax error, a budget).
   */
  get ready(): Promise<void> {
    return this.readyPromise;
  }

  /**
   * Runs `processors` in order on one step (transformers.js calls this for the whole batch):
   * `inputIds[b]` are row b's ids so far, `logits` is `[batch, vocab]` float32, rewritten in place.
   * @returns `logits`.
   * @throws LogitkitStateError before `ready`, after `dispose()`, when the grammar allows no token,
   *   or when transformers.js appended a token the grammar does not allow; the compilation error
   *   when compilation failed; LogitkitTypeError / LogitkitRangeError for a malformed tensor or
   *   `inputIds`, logits narrower than the vocabulary; the sampler's errors.
   */
  _call<T extends TransformersTensorLike>(inputIds: InputIds, logits: T): T {
    let out: TransformersTensorLike = logits;
    for (const processor of this.processors) out = processor(inputIds, out);
    return out as T;
  }

  /**
   * transformers.js pull request #1733's post-sampling hook: `tokenIds[b]` was appended to row b
   * and `inputIds` are the ids after appending. Advances the matchers at once (without the hook
   * the token is read from `input_ids` at the next step; either way it is accepted once).
   */
  onTokensSampled(tokenIds: readonly (bigint | number)[], inputIds: InputIds): void {
    const prepared = this.live('onTokensSampled');
    if (!Array.isArray(inputIds) || inputIds.length !== tokenIds.length)
      throw new LogitkitTypeError(
        `${FN}.onTokensSampled: inputIds must have one row per token id (${tokenIds.length})`,
        'inputIds',
      );
    this.sync(inputIds, inputIds.length, prepared);
  }

  /** Adds a processor to run after the constraint (as `LogitsProcessorList.push`). */
  push(processor: LogitsProcessorLike): void {
    this.processors.push(processor);
  }

  /** Adds processors to run after the constraint (as `LogitsProcessorList.extend`). */
  extend(processors: Iterable<LogitsProcessorLike>): void {
    this.processors.push(...processors);
  }

  /**
   * The processors, so `logits_processor: processor` works: transformers.js spreads a
   * `LogitsProcessorList` into its own (the constraint, then any `push`ed processor).
   */
  [Symbol.iterator](): ArrayIterator<LogitsProcessorLike> {
    return this.processors.values();
  }

  /** Forgets every row: the next step starts each afresh (the grammar at its start). */
  reset(): void {
    this.live('reset');
    this.dropRows();
  }

  /** Frees the matchers, samplers and the compiled grammar. Safe to call more than once. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.dropRows();
    this.buffer?.dispose();
    this.buffer = null;
    const p = this.prepared;
    this.prepared = null;
    if (p !== null) release(p);
  }

  /** Same as `dispose()`. */
  [Symbol.dispose](): void {
    this.dispose();
  }

  /** The grammar constraint (and the draw, with samplingOptions) on one step: `processors[0]`. */
  private constrain(inputIds: InputIds, logits: TransformersTensorLike): TransformersTensorLike {
    const prepared = this.live('_call');
    const { batch, vocab, data } = checkLogits(logits, inputIds, FN);
    this.sync(inputIds, batch, prepared);
    const allowed: number[] = [];
    const results: SampleResult[] = [];
    for (let b = 0; b < batch; b++) {
      const row = data.subarray(b * vocab, (b + 1) * vocab);
      const constrained = this.rows[b]!;
      if (prepared.template === null) {
        allowed.push(constrained.constrain(row));
      } else {
        const drawn = constrained.draw(row, this.bufferOf(prepared.lk, vocab));
        allowed.push(drawn.allowed);
        results.push(drawn.result);
      }
    }
    this.lastAllowed = allowed;
    this.lastResults = results;
    return logits;
  }

  private async prepare(
    vocabulary: ReturnType<typeof vocabularyOf> | null,
    format: ResponseFormat,
    options: StructuredOutputOptions,
    template: Sampler | null,
  ): Promise<void> {
    let prepared: Partial<Prepared> = { template };
    try {
      const lk = options.lk ?? (await load());
      prepared.lk = lk;
      const info =
        options.tokenizerInfo ??
        (await lk.createTokenizerInfo(JSON.stringify(vocabulary!.json), {
          stopTokenIds: vocabulary!.stop,
        }));
      try {
        this.stopTokenIds = info.stopTokenIds;
        const compiler = await lk.createGrammarCompiler(info);
        const json = {
          whitespace: options.whitespace ?? 'flexible',
          strict: options.strict ?? true,
        };
        prepared.compiled =
          format.type === 'regex'
            ? await compiler.compileRegex(format.regex)
            : await compiler.compileJSONSchema(
                format.type === 'json_object' ? { type: 'object' } : format.json_schema,
                json,
              );
      } finally {
        if (options.tokenizerInfo === undefined) info.dispose();
      }
      prepared.root = await lk.createGrammarMatcher(prepared.compiled);
      if (this.samplingOptions !== undefined && prepared.template === null)
        prepared.template = templateSampler(lk, this.samplingOptions, 'sample', FN);
      this.warnings = prepared.compiled.warnings;
      if (this.disposed) release(prepared);
      else this.prepared = prepared as Prepared;
      prepared = {};
    } catch (error) {
      release(prepared);
      this.failure = error;
      throw error;
    }
  }

  private live(method: string): Prepared {
    if (this.disposed) throw new LogitkitStateError(`${FN}.${method}: used after dispose()`);
    if (this.prepared !== null) return this.prepared;
    if (this.failure !== undefined) throw this.failure;
    throw new LogitkitStateError(
      `${FN}.${method}: not ready; await processor.ready (or build it with await StructuredOutputProcessor.create(...)) before generate()`,
    );
  }

  /** Brings each row up to `inputIds` (see the class documentation). */
  private sync(inputIds: InputIds, batch: number, prepared: Prepared): void {
    let fresh = false;
    if (this.rows.length !== batch) {
      this.dropRows();
      const template = prepared.template;
      // The sampler's grammar stage constrains the draw when the chain reads no history.
      const oneStep = template !== null && !readsHistory(template);
      for (let b = 0; b < batch; b++) {
        const matcher = prepared.root.fork();
        const sampler =
          template === null
            ? null
            : new RowSampler(
                prepared.lk,
                rowOptions(this.samplingOptions, template, b, 'sample', FN),
                oneStep ? matcher.fork() : null,
              );
        this.rows.push(new ConstrainedRow(matcher, sampler, `${FN}: row ${b}`));
      }
      fresh = true;
    }
    for (let b = 0; b < batch; b++) {
      const ids = rowIds(inputIds, b, FN);
      const row = this.rows[b]!;
      const step = ids.length - row.history.length;
      if (fresh || step < 0 || step > 1 || !continues(ids, row.history)) row.restart(ids);
      else if (step === 1) row.commit(ids[ids.length - 1]!);
    }
  }

  private dropRows(): void {
    for (const row of this.rows) row.dispose();
    this.rows = [];
    this.lastAllowed = [];
    this.lastResults = [];
  }

  private bufferOf(lk: Logitkit, vocab: number): LogitsBuffer {
    if (this.buffer === null || this.buffer.length !== vocab) {
      this.buffer?.dispose();
      this.buffer = lk.allocLogits(vocab);
    }
    return this.buffer;
  }
}

/** Frees what `prepare` built (any part may be missing after a failure). */
function release(p: Partial<Prepared>): void {
  p.root?.dispose();
  p.compiled?.dispose();
  p.template?.dispose();
}
