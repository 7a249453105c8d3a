// One sequence's sampler inside a runtime adapter (logitkit/transformers, logitkit/webllm), with
// the commit protocol those runtimes need: logitkit proposes (draws, or filters), the runtime
// decides which token is appended, and only then does the token enter the sampler's history.
//
// Why a proposal is drawn on a clone: a runtime may append another token than the one logitkit
// drew (a processor after logitkit's forcing EOS, a grammar, a user override). A draw on the
// committed sampler would already be in its history, with no way back. So a draw happens on a
// clone; when the runtime appends exactly that token, the clone becomes the committed sampler
// (history, mirostat's mu and the stream position move on, as after `sampler.sample()`); when it
// appends another, the clone is dropped and the token is `accept()`ed, as a forced token is.
// With a grammar in the sampler's grammar stage, the clone draws on a fork of the matcher (which
// accepts the draw), so the committed sampler's matcher, too, moves only with committed tokens.
import { LogitkitRangeError, LogitkitTypeError } from '../errors.js';
import type { GrammarMatcher } from '../grammar/matcher.js';
import type { Logitkit } from '../logitkit.js';
import type { LogitsBuffer } from '../logits-buffer.js';
import type { Sampler, SampleResult, TopLogprobsResult } from '../sampler.js';
import { drawWith } from '../sampler-wire.js';
import type { SamplingOptions } from '../sampling/options.js';
import { canonicalSamplingOptions } from '../sampling/parse.js';
import { expectLogitkit } from './logitkit-instance.js';

/** Stages that read the history (the tokens accepted so far). */
const HISTORY_STAGES = ['badWords', 'noRepeatNgram', 'penalties', 'dry'] as const;

/**
 * Whether the chain of `sampler` reads the history. A chain that does not can carry a grammar in
 * its own grammar stage (`createSampler({ grammar })`): a prompt token need not enter its history,
 * which it could not without the grammar accepting it too.
 */
export function readsHistory(sampler: Sampler): boolean {
  return HISTORY_STAGES.some((stage) => sampler.order.includes(stage));
}

/** Stages that need logitkit's own draw: they make no sense when the runtime draws. */
const DRAW_STAGES = ['xtc', 'mirostat'] as const;

/**
 * Checks `options` once (as createSampler does) and returns the template sampler, whose seed the
 * rows derive theirs from. In 'filter' mode, stages that depend on logitkit's own draw are refused.
 */
export function templateSampler(
  lk: Logitkit,
  options: SamplingOptions | undefined,
  mode: 'filter' | 'sample',
  fn: string,
): Sampler {
  expectLogitkit(lk, fn);
  const sampler = lk.createSampler(options);
  if (sampler.grammar !== undefined) {
    sampler.dispose();
    throw new LogitkitTypeError(
      `${fn}: samplingOptions.grammar is not taken here: a matcher is one sequence's state, and the adapter keeps one per row. ` +
        "Give the grammar to the adapter (StructuredOutputProcessor's response format, LogitkitLogitProcessor's { grammar })",
      'samplingOptions.grammar',
    );
  }
  if (mode === 'filter') {
    const stage = DRAW_STAGES.find((s) => sampler.order.includes(s));
    const n = sampler.options.values.n;
    if (stage !== undefined || n >= 2) {
      sampler.dispose();
      const what = stage ?? 'n';
      throw new LogitkitRangeError(
        `${fn}: samplingOptions ${what === 'n' ? `n = ${n}` : `stage '${what}'`} needs logitkit's own draw, ` +
          "which mode 'filter' leaves to the runtime; use mode 'sample'",
        `samplingOptions.${what === 'xtc' ? 'xtcProbability' : what}`,
      );
    }
  }
  return sampler;
}

/**
 * The options of row `row`: the template's, with seed (template seed + row) mod 2^64, as
 * createBatchSampler seeds its rows, when the options give a seed; without one, no seed (each row
 * draws its own from crypto random). In 'filter' mode the logprobs are the processed ones (the
 * distribution handed to the runtime).
 */
export function rowOptions(
  options: SamplingOptions | undefined,
  template: Sampler,
  row: number,
  mode: 'filter' | 'sample',
  fn: string,
): SamplingOptions {
  const canonical = canonicalSamplingOptions(options, fn);
  // Unseeded: every row (and every restart, see RowSampler.reset) takes its own random seed.
  const seed = template.options.values.seed.seeded
    ? (template.seed + BigInt(row)) & 0xffffffffffffffffn
    : undefined;
  const seeded = seed === undefined ? canonical : { ...canonical, seed };
  return mode === 'filter' ? { ...seeded, logprobsMode: 'processed', topLogprobs: 0 } : seeded;
}

/**
 * A row's sampler and the tokens it has committed. With a grammar (a matcher it owns, in the
 * sampler's grammar stage) each draw is among the tokens the grammar allows, and each committed
 * token advances it. Owns wasm memory: dispose().
 */
export class RowSampler {
  /** The tokens committed so far (the runtime's sequence, as this row has seen it). */
  readonly history: number[] = [];
  private committed: Sampler;
  private pending: Sampler | null = null;
  private pendingToken = -1;
  private readonly options: SamplingOptions;

  /**
   * @param grammar a matcher for the sampler's grammar stage, owned from here on (a draft draws on
   *   a fork of it, see the file comment), or null. The caller checks that the chain does not read
   *   the history (`readsHistory`).
   */
  constructor(
    private readonly lk: Logitkit,
    options: SamplingOptions,
    private readonly grammar: GrammarMatcher | null = null,
  ) {
    this.options = grammar === null ? options : { ...options, grammar };
    try {
      this.committed = lk.createSampler(this.options);
    } catch (error) {
      grammar?.dispose();
      throw error;
    }
  }

  /** Whether the sampler's grammar stage constrains the draws (a grammar was given). */
  get constrains(): boolean {
    return this.grammar !== null;
  }

  /** The seed of the row's random stream. */
  get seed(): bigint {
    return this.committed.seed;
  }

  /** Draws the next token from `logits` (held until `commit`). */
  propose(logits: LogitsBuffer): SampleResult {
    this.drop();
    const draft = this.committed.clone();
    try {
      const result = draft.sample(logits);
      this.pending = draft;
      this.pendingToken = result.token;
      return result;
    } catch (error) {
      draft.dispose();
      throw error;
    }
  }

  /**
   * The only token `logits` allow (a finished row's stop token, the rest -Infinity), as a draw:
   * no sampler state is used or changed.
   */
  forced(logits: LogitsBuffer): SampleResult {
    this.drop();
    return this.lk.sample(logits);
  }

  /**
   * The final (filtered, renormalised) distribution of the next step without drawing for real:
   * the kept tokens and their log-probabilities, most probable first. Every other token has
   * probability 0.
   */
  distribution(logits: LogitsBuffer, fn: string): TopLogprobsResult {
    // A first draw tells how many tokens are kept (and lists them when they are few); a second,
    // when needed, lists exactly that many. Each runs on a clone, so the history is untouched.
    const first = Math.min(256, logits.length);
    let result = this.scratchDraw(logits, first, fn);
    if (result.kept > first) result = this.scratchDraw(logits, result.kept, fn);
    const top = result.topLogprobs!;
    return {
      indices: top.indices.subarray(0, result.kept),
      logprobs: top.logprobs.subarray(0, result.kept),
    };
  }

  /** Records `token` as appended by the runtime (see the file comment). */
  commit(token: number): void {
    if (this.pending !== null && token === this.pendingToken) {
      this.committed.dispose();
      this.committed = this.pending;
      this.pending = null;
    } else {
      this.drop();
      this.committed.accept(token);
    }
    this.history.push(token);
  }

  /**
   * Forgets the history and restarts the random stream: at the seed when the options give one (a
   * seeded generation repeats), else at a fresh random seed.
   */
  reset(): void {
    this.drop();
    if (this.committed.options.values.seed.seeded) {
      this.committed.reset(); // and its grammar
    } else {
      this.grammar?.reset();
      const fresh = this.lk.createSampler(this.options);
      this.committed.dispose();
      this.committed = fresh;
    }
    this.history.length = 0;
  }

  dispose(): void {
    this.drop();
    this.committed.dispose();
    this.grammar?.dispose();
  }

  private drop(): void {
    this.pending?.dispose();
    this.pending = null;
    this.pendingToken = -1;
  }

  private scratchDraw(logits: LogitsBuffer, topN: number, fn: string): SampleResult {
    const draft = this.committed.clone();
    try {
      // The draw's outputs only: the clone's C++ sampler keeps its configured stages.
      const values = { ...draft.options.values, topLogprobs: topN, n: 1 };
      const parsed = { ...draft.options, values };
      return drawWith(this.lk.heap, draft.rawHandle, logits, parsed, fn);
    } finally {
      draft.dispose();
    }
  }
}
