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
import { LogitkitRangeError } from '../errors.js';
import type { Logitkit } from '../logitkit.js';
import type { LogitsBuffer } from '../logits-buffer.js';
import type { Sampler, SampleResult } from '../sampler.js';
import { drawWith } from '../sampler-wire.js';
import type { SamplingOptions } from '../sampling/options.js';
import { canonicalSamplingOptions } from '../sampling/parse.js';

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
  const sampler = lk.createSampler(options);
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

/** A row's sampler and the tokens it has committed. Owns wasm memory: dispose(). */
export class RowSampler {
  /** The tokens committed so far (the runtime's sequence, as this row has seen it). */
  readonly history: number[] = [];
  private committed: Sampler;
  private pending: Sampler | null = null;
  private pendingToken = -1;

  constructor(
    private readonly lk: Logitkit,
    private readonly options: SamplingOptions,
  ) {
    this.committed = lk.createSampler(options);
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
   * The final (filtered, renormalised) distribution of the next step without drawing for real:
   * the kept tokens and their log-probabilities, most probable first. Every other token has
   * probability 0.
   */
  distribution(logits: LogitsBuffer, fn: string): { indices: Int32Array; logprobs: Float32Array } {
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
      this.committed.reset();
    } else {
      const fresh = this.lk.createSampler(this.options);
      this.committed.dispose();
      this.committed = fresh;
    }
    this.history.length = 0;
  }

  dispose(): void {
    this.drop();
    this.committed.dispose();
  }

  private drop(): void {
    this.pending?.dispose();
    this.pending = null;
    this.pendingToken = -1;
  }

  private scratchDraw(logits: LogitsBuffer, topN: number, fn: string): SampleResult {
    const draft = this.committed.clone();
    try {
      const options = draft.options;
      const parsed = { ...options, values: { ...options.values, topLogprobs: topN, n: 1 } };
      return drawWith(this.lk.heap, draft.rawHandle, logits, parsed, fn);
    } finally {
      draft.dispose();
    }
  }
}
