// One sequence inside a runtime adapter (logitkit/transformers, logitkit/webllm): a grammar matcher,
// a sampler, or both, kept in step with the tokens the runtime appends.
//
// The commit rule is RowSampler's: logitkit constrains (and draws, with a sampler), the runtime
// decides which token is appended, and only that token advances the state. The matcher is never
// advanced by a proposal, only by `commit`, so a runtime that appends another token than the one
// logitkit drew (a later processor, a forced EOS) leaves no trace of the draw; a token the grammar
// does not allow there is refused with a LogitkitStateError, since the output could no longer be a
// string of the language.
//
// Prompt tokens (`restart`, `acceptContext`) enter the sampler's history, for the penalties, but not
// the matcher: the grammar constrains the generated text only.
import { LogitkitRangeError, LogitkitStateError } from '../errors.js';
import type { GrammarMatcher } from '../grammar/matcher.js';
import type { LogitsBuffer } from '../logits-buffer.js';
import type { SampleResult } from '../sampler.js';
import { maskLogits, maskOf } from './grammar-mask.js';
import type { RowSampler } from './row-sampler.js';

/** A row's grammar state, sampler and committed tokens. Disposes both (they are its own). */
export class ConstrainedRow {
  /** Every token committed since the last restart: the prompt, then the generated tokens. */
  readonly history: number[] = [];
  /** How many of `history`'s tokens are prompt (context), not generated. */
  promptLength = 0;
  private readonly mask: Uint32Array | null;
  // The stop token that ended the output (-1 while it goes on), and the mask of it alone.
  private endToken = -1;
  private endMask: Uint32Array | null = null;

  /**
   * @param matcher the row's own matcher (disposed with the row), or null for no grammar.
   * @param sampler the row's own sampler (disposed with the row), or null when the runtime draws.
   * @param where the caller and the row, for messages (`StructuredOutputProcessor: row 1`).
   */
  constructor(
    private readonly matcher: GrammarMatcher | null,
    private readonly sampler: RowSampler | null,
    private readonly where: string,
  ) {
    this.mask = matcher === null ? null : new Uint32Array(matcher.bitmaskWords);
  }

  /** Whether the grammar has ended (a stop token was committed); false without a grammar. */
  get terminated(): boolean {
    return this.matcher?.isTerminated() ?? false;
  }

  /** The sampler's seed (0n without a sampler). */
  get seed(): bigint {
    return this.sampler?.seed ?? 0n;
  }

  /** Starts afresh after `prompt`: the grammar at its start, the sampler reset and given the prompt. */
  restart(prompt: Iterable<number>): void {
    this.matcher?.reset();
    this.endToken = -1;
    this.endMask = null;
    this.sampler?.reset();
    this.history.length = 0;
    this.promptLength = 0;
    for (const token of prompt) this.acceptContext(token);
  }

  /** A context token: recorded in the sampler's history, not given to the grammar. */
  acceptContext(token: number): void {
    this.sampler?.commit(token);
    this.history.push(token);
    this.promptLength++;
  }

  /**
   * Records `token` as appended by the runtime: the matcher accepts it, then the sampler commits
   * it. After the output has ended (a stop token accepted), only that stop token may follow: a
   * runtime pads the finished rows of a batch with it.
   * @throws LogitkitStateError when the grammar does not allow `token` here.
   */
  commit(token: number): void {
    const m = this.matcher;
    if (m !== null) {
      const ended = m.isTerminated();
      if (ended ? token !== this.endToken : !m.acceptToken(token))
        throw new LogitkitStateError(
          `${this.where}: the runtime appended token ${token}, which the grammar does not allow ` +
            `${ended ? `after the output has ended (only its stop token ${this.endToken} may follow)` : 'here'} ` +
            `(generated so far: ${this.history.length - this.promptLength} tokens). ` +
            'Something after the constraint chose a token it had masked.',
        );
      if (!ended && m.isTerminated()) this.endToken = token;
    }
    this.sampler?.commit(token);
    this.history.push(token);
  }

  /**
   * Masks `row` (the next token's logits, in place) to what the grammar allows: -Infinity for every
   * other token and for ids past the grammar's vocabulary. After the output has ended, only the
   * stop token that ended it remains. Without a grammar the row is untouched.
   * @returns how many tokens the grammar allows (row.length without a grammar).
   * @throws LogitkitRangeError when `row` is shorter than the grammar's vocabulary.
   * @throws LogitkitStateError when the grammar allows no token of `row`.
   */
  constrain(row: Float32Array): number {
    const m = this.matcher;
    if (m === null) return row.length;
    const vocab = m.compiled.vocabSize;
    if (row.length < vocab)
      throw new LogitkitRangeError(
        `${this.where}: the logits have ${row.length} entries, fewer than the grammar's vocabulary of ${vocab} tokens`,
        'logits',
      );
    let mask: Uint32Array;
    if (!m.isTerminated()) {
      mask = m.fillNextTokenBitmask(this.mask!);
    } else if (this.endToken >= 0) {
      this.endMask ??= maskOf([this.endToken], m.bitmaskWords);
      mask = this.endMask;
    } else {
      throw new LogitkitStateError(
        `${this.where}: the output has ended without a stop token (a matcher created with terminateWithoutStopToken); stop generating`,
      );
    }
    const allowed = maskLogits(row, mask, vocab);
    if (allowed === 0)
      throw new LogitkitStateError(
        `${this.where}: the grammar allows no token (the vocabulary cannot continue the output toward the language)`,
      );
    return allowed;
  }

  /** Draws the next token from `logits` with the row's sampler (held until `commit`). */
  propose(logits: LogitsBuffer): SampleResult {
    return this.sampler!.propose(logits);
  }

  dispose(): void {
    this.matcher?.dispose();
    this.sampler?.dispose();
  }
}
