// A loaded llama2.c model: its forward pass (writing into a LogitsBuffer in place) and tokenizer.
import { LogitkitRangeError, LogitkitStateError, LogitkitTypeError, LogitsBuffer } from 'logitkit';

/** Token ids of llama2.c's (and Llama's) tokenizer that are markers, not text. */
export const BOS = 1;
export const EOS = 2;

const utf8 = new TextEncoder();

/**
 * @typedef {object} ModelConfig A checkpoint's header (llama2.c's Config).
 * @property {number} dim
 * @property {number} hiddenDim
 * @property {number} nLayers
 * @property {number} nHeads
 * @property {number} nKvHeads
 * @property {number} vocabSize
 * @property {number} seqLen the context length: positions run from 0 to seqLen - 1
 * @property {boolean} sharedClassifier whether the classifier is the token embedding
 */

/**
 * A llama2.c model (checkpoint + tokenizer) in the model module's wasm memory. Create it with
 * `runtime.loadModel(checkpoint, tokenizer)`; call `dispose()` when done (it owns the weights).
 */
export class Model {
  #module;
  #handle;

  /** @internal Use `runtime.loadModel()`. */
  constructor(module, handle) {
    this.#module = module;
    this.#handle = handle;
    const out = module._malloc(32);
    module._modelConfig(handle, out);
    const c = new Int32Array(module.HEAPU8.buffer, out, 8).slice();
    module._free(out);
    /** @type {Readonly<ModelConfig>} */
    this.config = Object.freeze({
      dim: c[0],
      hiddenDim: c[1],
      nLayers: c[2],
      nHeads: c[3],
      nKvHeads: c[4],
      vocabSize: c[5],
      seqLen: c[6],
      sharedClassifier: c[7] === 1,
    });
  }

  /** Number of tokens (the length of each step's logits). */
  get vocabSize() {
    return this.config.vocabSize;
  }

  /**
   * Runs `token` at position `pos` and writes the vocabSize next-token logits into `logits` in
   * place. The buffer must come from this runtime's `lk.allocLogits()` (the same wasm memory), so
   * the forward pass writes where the sampler then reads, and nothing is copied. Positions must be
   * fed in order 0, 1, 2, ... (each position's keys and values are cached for the later ones).
   * @param {number} token @param {number} pos @param {LogitsBuffer} logits
   */
  forward(token, pos, logits) {
    const h = this.#live('forward');
    if (!(logits instanceof LogitsBuffer)) {
      throw new LogitkitTypeError(
        'model.forward: logits must be a LogitsBuffer from runtime.lk.allocLogits()',
        'logits',
      );
    }
    if (logits.heap.module !== this.#module) {
      throw new LogitkitTypeError(
        'model.forward: logits is a LogitsBuffer of another logitkit instance; allocate it with ' +
          'runtime.lk.allocLogits() so the model writes into the memory the sampler reads',
        'logits',
      );
    }
    if (logits.length < this.config.vocabSize) {
      throw new LogitkitRangeError(
        `model.forward: logits holds ${logits.length} values, the model has ${this.config.vocabSize} tokens`,
        'logits',
      );
    }
    if (!Number.isInteger(token) || !Number.isInteger(pos))
      throw new LogitkitTypeError('model.forward: token and pos must be integers', 'token');
    const status = this.#module._modelForward(h, token, pos, logits.pointer);
    if (status === -1)
      throw new LogitkitRangeError(
        `model.forward: token ${token} is not in 0..${this.config.vocabSize - 1}`,
        'token',
      );
    if (status === -2)
      throw new LogitkitRangeError(
        `model.forward: position ${pos} is not in 0..${this.config.seqLen - 1} (the context length)`,
        'pos',
      );
  }

  /**
   * Token ids of `text` by llama2.c's rules: BOS (unless bos: false), a dummy space prefix, byte
   * fallback, greedy highest-score merges (cpp/model/tokenizer.h).
   * @param {string} text @param {{ bos?: boolean, eos?: boolean }} [options]
   * @returns {Int32Array}
   */
  encode(text, { bos = true, eos = false } = {}) {
    const h = this.#live('encode');
    if (typeof text !== 'string')
      throw new LogitkitTypeError('model.encode: text must be a string', 'text');
    const bytes = utf8.encode(text);
    const m = this.#module;
    const textAt = m._malloc(Math.max(bytes.length, 1));
    const outAt = m._malloc(m._modelMaxTokens(bytes.length) * 4);
    try {
      if (textAt === 0 || outAt === 0)
        throw new LogitkitStateError('model.encode: WebAssembly memory is exhausted');
      m.HEAPU8.set(bytes, textAt);
      const n = m._modelEncode(h, textAt, bytes.length, bos, eos, outAt);
      return new Int32Array(m.HEAPU8.buffer, outAt, n).slice();
    } finally {
      m._free(textAt);
      m._free(outAt);
    }
  }

  /**
   * The bytes `token` adds to the text after `prev` (-1 for none): the piece without its leading
   * space right after BOS, and one raw byte for "<0xHH>" pieces. Bytes, not a string, because a
   * character may span several byte tokens (feed them to a streaming TextDecoder).
   * @returns {Uint8Array}
   */
  decode(prev, token) {
    return this.#bytes('decode', (h, lengthAt) =>
      this.#module._modelDecode(h, prev, token, lengthAt),
    );
  }

  /** The vocabulary entry of `token` as tokenizer.bin spells it (e.g. " the", "<0x0A>"). */
  piece(token) {
    return new TextDecoder().decode(
      this.#bytes('piece', (h, lengthAt) => this.#module._modelPiece(h, token, lengthAt)),
    );
  }

  /** Whether `dispose()` has been called. */
  get disposed() {
    return this.#handle === 0;
  }

  /** Frees the weights, the key/value cache and the tokenizer. Safe to call more than once. */
  dispose() {
    if (this.#handle === 0) return;
    this.#module._modelDestroy(this.#handle);
    this.#handle = 0;
  }

  #bytes(fn, get) {
    const h = this.#live(fn);
    const m = this.#module;
    const lengthAt = m._malloc(4);
    if (lengthAt === 0)
      throw new LogitkitStateError(`model.${fn}: WebAssembly memory is exhausted`);
    try {
      const at = get(h, lengthAt);
      const length = new Uint32Array(m.HEAPU8.buffer, lengthAt, 1)[0];
      return m.HEAPU8.slice(at, at + length);
    } finally {
      m._free(lengthAt);
    }
  }

  #live(fn) {
    if (this.#handle === 0) throw new LogitkitStateError(`model.${fn}: used after dispose()`);
    return this.#handle;
  }
}
