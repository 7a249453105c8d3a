// The token-by-token loop shared by the demo's worker, the tests and the benchmark.
import { LogitkitRangeError, LogitkitStateError } from 'logitkit';
import { BOS, EOS } from './model.js';

/**
 * @typedef {object} GenerationStep One generated token.
 * @property {number} token the sampled token id
 * @property {number} pos its position in the context (the prompt's tokens come first)
 * @property {import('logitkit').SampleResult} result the sampler's result (logprob, rawLogprob, kept, topLogprobs)
 * @property {string} text the text this token completes ('' while a multi-byte character is incomplete)
 * @property {'bos' | 'eos' | 'length' | null} stop why generation stopped after this token, or null
 */

/**
 * A generation loop, one token per `step(sampler)`: the model runs on the last token and writes
 * its logits into `logits` (a LogitsBuffer of the same runtime), then the sampler draws from that
 * buffer in place. After a step, `logits` still holds the logits the token was drawn from (for
 * charts). The sampler is passed per step, so settings can change between steps: make a new
 * sampler and `accept()` the history in `tokens`.
 *
 * The first step runs the prompt first: every prompt token but the last goes through the model to
 * fill the key/value cache, and every prompt token is `accept()`ed (for penalties). Generation
 * stops at BOS or EOS (llama2.c's convention: the model started a new text) or at the context length.
 */
export class Generation {
  #model;
  #logits;
  #history;
  #decoder = new TextDecoder('utf-8');
  #pos = 0;
  #prefilled = false;
  #stop = null;

  /**
   * @param {import('./model.js').Model} model
   * @param {import('logitkit').LogitsBuffer} logits
   * @param {string | ArrayLike<number>} prompt text (encoded with BOS) or token ids
   */
  constructor(model, logits, prompt) {
    const ids = Array.from(typeof prompt === 'string' ? model.encode(prompt) : prompt);
    if (ids.length === 0)
      throw new LogitkitRangeError(
        'Generation: the prompt has no tokens (text "" still gives BOS)',
        'prompt',
      );
    if (ids.length >= model.config.seqLen) {
      throw new LogitkitRangeError(
        `Generation: the prompt is ${ids.length} tokens; the model's context is ${model.config.seqLen}`,
        'prompt',
      );
    }
    this.#model = model;
    this.#logits = logits;
    this.#history = ids;
    /** Number of prompt tokens (BOS included): `tokens` starts with them. */
    this.promptLength = ids.length;
  }

  /** @returns {readonly number[]} every token so far: the prompt's, then the generated ones */
  get tokens() {
    return this.#history;
  }

  /** @returns {'bos' | 'eos' | 'length' | null} why generation stopped, or null while it can go on */
  get stop() {
    return this.#stop;
  }

  /**
   * Runs the model once (the whole prompt on the first call) and draws the next token.
   * @param {import('logitkit').Sampler} sampler
   * @returns {GenerationStep}
   */
  step(sampler) {
    if (this.#stop !== null)
      throw new LogitkitStateError(`Generation.step: generation has stopped (${this.#stop})`);
    const history = this.#history;
    if (!this.#prefilled) {
      for (const t of history) sampler.accept(t);
      for (; this.#pos < history.length - 1; this.#pos += 1)
        this.#model.forward(history[this.#pos], this.#pos, this.#logits);
      this.#prefilled = true;
    }
    const pos = this.#pos;
    const prev = history[pos];
    this.#model.forward(prev, pos, this.#logits);
    const result = sampler.sample(this.#logits);
    const token = result.token;
    this.#pos += 1;
    history.push(token);
    let text = '';
    if (token === BOS) this.#stop = 'bos';
    else if (token === EOS) this.#stop = 'eos';
    else text = this.#decoder.decode(this.#model.decode(prev, token), { stream: true });
    if (this.#stop === null && this.#pos >= this.#model.config.seqLen) this.#stop = 'length';
    if (this.#stop !== null) text += this.#decoder.decode();
    return { token, pos, result, text, stop: this.#stop };
  }
}
