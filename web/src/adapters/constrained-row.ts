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
//
// Constrain and draw in one step (`draw`): when the sampler carries the grammar in its own grammar
// stage (a RowSampler given a fork of the row's matcher; only for chains that read no history,
// since a prompt token cannot enter a grammar sampler's history without the grammar taking it),
// the runtime's row is copied in unmasked and the stage masks inside the sampling pass. Otherwise
// the row is masked here (-Infinity per disallowed id), then drawn from.
import { LogitkitRangeError, LogitkitStateError } from '../errors.js';
import type { GrammarMatcher } from '../grammar/matcher.js';
import type { LogitsBuffer } from '../logits-buffer.js';
import type { SampleResult } from '../sampler.js';
import { countAllowed, maskLogits, maskOf } from './grammar-mask.js';
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

  /**
   * A context token: recorded in the sampler's history, not given to the grammar. (A sampler that
   * carries the grammar reads no history: it is not given the token at all.)
   */
  acceptContext(token: number): void {
    if (this.sampler?.constrains !== true) this.sampler?.commit(token);
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
      // A sampler that carries the grammar has ended with it: the padding is not its to record.
      if (ended && this.sampler?.constrains === true) {
        this.history.push(token);
        return;
      }
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
    const vocab = this.checkWidth(m, row.length);
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
    return this.someAllowed(maskLogits(row, mask, vocab));
  }

  /**
   * Constrains and draws (needs a sampler): `row` (the runtime's logits, rewritten in place) ends
   * with 0 at the drawn token and -Infinity elsewhere; `buffer` (row.length logits in wasm memory)
   * is the sampler's input. The draw is held until `commit` (see RowSampler).
   * @returns how many tokens the grammar allows (row.length without a grammar), and the draw.
   * @throws as `constrain`; the sampler's errors.
   */
  draw(row: Float32Array, buffer: LogitsBuffer): { allowed: number; result: SampleResult } {
    const sampler = this.sampler!;
    const m = this.matcher;
    let allowed: number;
    let result: SampleResult;
    if (m !== null && sampler.constrains && !m.isTerminated()) {
      // The count only: the sampler's grammar stage masks its copy of the row.
      const vocab = this.checkWidth(m, row.length);
      allowed = this.someAllowed(countAllowed(m.fillNextTokenBitmask(this.mask!), vocab));
      buffer.array.set(row);
      result = sampler.propose(buffer);
    } else {
      allowed = this.constrain(row);
      buffer.array.set(row);
      // A finished row's grammar sampler has ended too: its stop token is drawn without it.
      result = m !== null && sampler.constrains ? sampler.forced(buffer) : sampler.propose(buffer);
    }
    row.fill(-Infinity);
    row[result.token] = 0;
    return { allowed, result };
  }

  dispose(): void {
    this.matcher?.dispose();
    this.sampler?.dispose();
  }

  /** The grammar's vocabulary size, after checking that `width` logits cover it. */
  private checkWidth(m: GrammarMatcher, width: number): number {
    const vocab = m.compiled.vocabSize;
    if (width < vocab)
      throw new LogitkitRangeError(
        `${this.where}: the logits have ${width} entries, fewer than the grammar's vocabulary of ${vocab} tokens`,
        'logits',
      );
    return vocab;
  }

  private someAllowed(allowed: number): number {
    if (allowed === 0)
      throw new LogitkitStateError(
        `${this.where}: the grammar allows no token (the vocabulary cannot continue the output toward the language)`,
      );
    return allowed;
  }
}
