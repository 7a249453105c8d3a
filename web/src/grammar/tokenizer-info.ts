import { LogitkitRangeError, LogitkitTypeError } from '../errors.js';
import { checkOptionKeys } from '../options.js';
import { GrammarObject, type GrammarEngine } from './engine.js';

/** How a vocabulary writes bytes: as they are, GPT-2's byte-level map, or SentencePiece ▁ / <0xNN>. */
export type VocabType = 'raw' | 'byte-level' | 'byte-fallback';

/** A vocabulary given token by token (the form of `createTokenizerInfo` without a tokenizer.json). */
export interface TokenizerVocabulary {
  /** Token i's text (decoded by `vocabType`) or its bytes. */
  tokens: readonly string[] | readonly Uint8Array[];
  /** How string tokens map to bytes: 'raw' (UTF-8), 'byte-level' (GPT-2's map), 'byte-fallback' (SentencePiece). */
  vocabType: VocabType;
  /** Stop tokens: allowed exactly where the grammar may end. */
  stopTokenIds: readonly number[];
  /** Tokens a grammar never allows (control tokens). */
  specialTokenIds?: readonly number[];
  /** The logits' length when larger than `tokens.length` (padding ids, never allowed). */
  vocabSize?: number;
}

/** Options of `createTokenizerInfo`. */
export interface TokenizerInfoOptions {
  /** The logits' length, when the model pads its vocabulary past the tokenizer's (ids beyond are never allowed). */
  vocabSize?: number;
  /** Overrides the stop tokens (default for a tokenizer.json: see `DEFAULT_STOP_TOKENS`). */
  stopTokenIds?: readonly number[];
}

/**
 * The special tokens taken as stop tokens when a tokenizer.json is given without `stopTokenIds`:
 * the end-of-sequence and end-of-turn tokens of the common chat templates (Llama 2 `</s>`, Llama 3
 * `<|end_of_text|>` `<|eot_id|>` `<|eom_id|>`, Qwen `<|endoftext|>` `<|im_end|>`, Gemma `<eos>`
 * `<end_of_turn>`, Phi `<|end|>`), as xgrammar detects them when the tokenizer names none.
 * Transformers' `generation_config.eos_token_id` is the authoritative list: pass it as
 * `stopTokenIds` when you have it.
 */
export const DEFAULT_STOP_TOKENS: readonly string[] = [
  '</s>',
  '<|end_of_text|>',
  '<|eot_id|>',
  '<|eom_id|>',
  '<|endoftext|>',
  '<|im_end|>',
  '<eos>',
  '<end_of_turn>',
  '<|end|>',
];

const TYPE_CODE: Record<VocabType, number> = { raw: 0, 'byte-level': 1, 'byte-fallback': 2 };
const TYPE_NAME: VocabType[] = ['raw', 'byte-level', 'byte-fallback'];

interface TokenTable {
  texts: (string | Uint8Array | undefined)[];
  flags: Uint8Array; // bit 0 special, bit 1 literal (added token), bit 2 absent
  vocabType: VocabType;
  stop: number[];
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function hasComponent(node: unknown, type: string): boolean {
  if (!isObject(node)) return false;
  if (node['type'] === type) return true;
  for (const key of ['decoders', 'pretokenizers', 'normalizers']) {
    const list = node[key];
    if (Array.isArray(list) && list.some((n) => hasComponent(n, type))) return true;
  }
  return false;
}

// A Hugging Face tokenizer.json: model.vocab (object, or Unigram's [piece, score] list) and added_tokens.
function fromTokenizerJson(json: Record<string, unknown>, fn: string): TokenTable {
  const model = json['model'];
  if (!isObject(model))
    throw new LogitkitTypeError(
      `${fn}: tokenizerJson.model must be an object`,
      'tokenizerJson.model',
    );
  const vocab = model['vocab'];
  const added = Array.isArray(json['added_tokens']) ? (json['added_tokens'] as unknown[]) : [];
  // Preallocated (a fast holey array): filling a growing array out of id order is much slower.
  let size = 0;
  if (Array.isArray(vocab)) {
    size = vocab.length;
  } else if (isObject(vocab)) {
    for (const text in vocab) {
      const id = vocab[text];
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= 1 << 24)
        throw new LogitkitRangeError(
          `${fn}: tokenizerJson.model.vocab[${JSON.stringify(text)}] is not a valid token id`,
          'tokenizerJson.model.vocab',
        );
      if (id >= size) size = id + 1;
    }
  } else {
    throw new LogitkitTypeError(
      `${fn}: tokenizerJson.model.vocab is missing`,
      'tokenizerJson.model.vocab',
    );
  }
  for (const t of added) {
    const id = isObject(t) ? t['id'] : undefined;
    if (typeof id === 'number' && Number.isInteger(id) && id >= size && id < 1 << 24) size = id + 1;
  }
  const texts: (string | undefined)[] = new Array(size);
  if (Array.isArray(vocab)) {
    for (let id = 0; id < vocab.length; ++id) {
      const entry: unknown = vocab[id];
      texts[id] = Array.isArray(entry) ? String(entry[0]) : String(entry);
    }
  } else {
    const table = vocab as Record<string, number>;
    for (const text in table) texts[table[text]!] = text;
  }
  const addedFlags = new Map<number, number>();
  const specialByContent = new Map<string, number>();
  for (const [i, t] of added.entries()) {
    if (!isObject(t) || !Number.isInteger(t['id']) || typeof t['content'] !== 'string')
      throw new LogitkitTypeError(
        `${fn}: tokenizerJson.added_tokens[${i}] needs an integer id and a string content`,
        `tokenizerJson.added_tokens[${i}]`,
      );
    const id = t['id'] as number;
    texts[id] = t['content'];
    addedFlags.set(id, 2 | (t['special'] === true ? 1 : 0));
    if (t['special'] === true) specialByContent.set(t['content'], id);
  }
  const flags = new Uint8Array(texts.length);
  for (let i = 0; i < texts.length; ++i)
    flags[i] = texts[i] === undefined ? 4 : (addedFlags.get(i) ?? 0);
  let vocabType: VocabType = 'raw';
  if (model['byte_fallback'] === true || hasComponent(json['decoder'], 'ByteFallback'))
    vocabType = 'byte-fallback';
  else if (
    hasComponent(json['decoder'], 'ByteLevel') ||
    hasComponent(json['pre_tokenizer'], 'ByteLevel')
  )
    vocabType = 'byte-level';
  else if (
    hasComponent(json['decoder'], 'Metaspace') ||
    hasComponent(json['pre_tokenizer'], 'Metaspace')
  )
    vocabType = 'byte-fallback';
  const stop: number[] = [];
  for (const name of DEFAULT_STOP_TOKENS) {
    const id = specialByContent.get(name);
    if (id !== undefined) stop.push(id);
  }
  return { texts, flags, vocabType, stop };
}

function fromVocabulary(v: TokenizerVocabulary, fn: string): TokenTable {
  const keys = ['tokens', 'vocabType', 'stopTokenIds', 'specialTokenIds', 'vocabSize'];
  for (const key of Object.keys(v))
    if (!keys.includes(key))
      throw new LogitkitTypeError(
        `${fn}: unknown vocabulary field ${JSON.stringify(key)}. Valid fields: ${keys.join(', ')}`,
        key,
      );
  if (!Array.isArray(v.tokens))
    throw new LogitkitTypeError(
      `${fn}: tokens must be an array of strings or Uint8Arrays`,
      'tokens',
    );
  if (v.tokens.length === 0)
    throw new LogitkitRangeError(`${fn}: tokens is empty: a vocabulary needs a token`, 'tokens');
  if (!(v.vocabType in TYPE_CODE))
    throw new LogitkitRangeError(
      `${fn}: vocabType must be 'raw', 'byte-level' or 'byte-fallback', got ${String(v.vocabType)}`,
      'vocabType',
    );
  if (!Array.isArray(v.stopTokenIds))
    throw new LogitkitTypeError(
      `${fn}: stopTokenIds must be an array of token ids`,
      'stopTokenIds',
    );
  const texts = v.tokens.map((t, i) => {
    if (typeof t !== 'string' && !(t instanceof Uint8Array))
      throw new LogitkitTypeError(
        `${fn}: tokens[${i}] must be a string or a Uint8Array`,
        `tokens[${i}]`,
      );
    return t;
  });
  const flags = new Uint8Array(texts.length);
  for (const id of v.specialTokenIds ?? []) {
    if (!Number.isInteger(id) || id < 0 || id >= texts.length)
      throw new LogitkitRangeError(
        `${fn}: specialTokenIds has ${id}, not a token id`,
        'specialTokenIds',
      );
    flags[id] = 1;
  }
  return { texts, flags, vocabType: v.vocabType, stop: [...v.stopTokenIds] };
}

/**
 * A tokenizer's vocabulary as byte strings, preprocessed for grammar masks (tries, slices). Create
 * with `await lk.createTokenizerInfo(...)` or `await lk.deserializeTokenizerInfo(bytes)`. Owns
 * WebAssembly memory: `dispose()` when no compiler or grammar needs it any more (compiled grammars
 * keep their own reference to the vocabulary, so disposing the info early is safe).
 */
export class TokenizerInfo extends GrammarObject {
  /** The logits' length (tokenizer size, or the larger `vocabSize` given). */
  readonly vocabSize: number;
  /** The stop token ids. */
  readonly stopTokenIds: readonly number[];
  /** How the token texts were decoded into bytes. */
  readonly vocabType: VocabType;

  /** @internal Use `lk.createTokenizerInfo`. */
  constructor(engine: GrammarEngine, handle: number) {
    super(engine, handle, 'TokenizerInfo', (h) => engine.module._vocabFree(h));
    const m = engine.module;
    this.vocabSize = m._vocabSize(handle);
    this.vocabType = TYPE_NAME[m._vocabType(handle)] ?? 'raw';
    const stop: number[] = [];
    for (let i = 0; i < m._vocabStopCount(handle); ++i) stop.push(m._vocabStopId(handle, i));
    this.stopTokenIds = Object.freeze(stop);
  }

  /** Token `id`'s bytes (a copy). */
  tokenBytes(id: number): Uint8Array {
    const h = this.handle('tokenBytes');
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize)
      throw new LogitkitRangeError(`tokenizerInfo.tokenBytes: ${id} is not a token id`, 'id');
    const m = this.engine.module;
    const p = m._vocabTokenBytes(h, id);
    return m.HEAPU8.slice(p, p + m._vocabTokenLength(h, id));
  }

  /** Token `id`'s kind: 'normal', 'special' (never allowed), 'stop' or 'padding' (never allowed). */
  tokenKind(id: number): 'normal' | 'special' | 'stop' | 'padding' {
    const h = this.handle('tokenKind');
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize)
      throw new LogitkitRangeError(`tokenizerInfo.tokenKind: ${id} is not a token id`, 'id');
    return (['normal', 'special', 'stop', 'padding'] as const)[
      this.engine.module._vocabKind(h, id)
    ]!;
  }

  /** Bytes of WebAssembly memory this vocabulary holds (token bytes, tries, slice masks). */
  get memoryBytes(): number {
    return this.engine.module._vocabMemory(this.handle('memoryBytes'));
  }

  /**
   * The preprocessed vocabulary as bytes (token bytes, kinds, stop tokens; a versioned format), for
   * an app to cache: `lk.deserializeTokenizerInfo(bytes)` rebuilds it without the tokenizer.json.
   */
  serialize(): Uint8Array {
    const h = this.handle('serialize');
    const m = this.engine.module;
    const size = m._vocabSerialize(h);
    const out = m.HEAPU8.slice(m._vocabSerialized(h), m._vocabSerialized(h) + size);
    m._vocabReleaseSerialized(h);
    return out;
  }
}

/**
 * Stop ids go to the engine as 32-bit integers: 2^32 would wrap to token 0 and make it a stop
 * token. Ids outside [0, 2^31) are refused here; the engine checks the rest against the vocabulary.
 */
function checkIdRange(ids: readonly number[], fn: string): void {
  const i = ids.findIndex((id) => id < 0 || id > 0x7fffffff);
  if (i >= 0)
    throw new LogitkitRangeError(
      `${fn}: stop token id ${ids[i]} is not a token of the vocabulary`,
      `stopTokenIds[${i}]`,
    );
}

/** @internal */
export function createTokenizerInfo(
  engine: GrammarEngine,
  tokenizer: unknown,
  options: TokenizerInfoOptions | undefined,
  fn: string,
): TokenizerInfo {
  if (options !== undefined && !isObject(options))
    throw new LogitkitTypeError(`${fn}: options must be an object`, 'options');
  checkOptionKeys(options, fn, ['vocabSize', 'stopTokenIds']);
  let table: TokenTable;
  if (typeof tokenizer === 'string') return fromJsonText(engine, tokenizer, options, fn);
  if (tokenizer instanceof Uint8Array) return fromJsonText(engine, tokenizer, options, fn);
  if (isObject(tokenizer) && 'tokens' in tokenizer) {
    table = fromVocabulary(tokenizer as unknown as TokenizerVocabulary, fn);
  } else if (isObject(tokenizer)) {
    table = fromTokenizerJson(tokenizer, fn);
  } else {
    throw new LogitkitTypeError(
      `${fn}: expected a tokenizer.json (object or text) or { tokens, vocabType, stopTokenIds }`,
      'tokenizerJson',
    );
  }
  const stop = (options as TokenizerInfoOptions | undefined)?.stopTokenIds ?? table.stop;
  if (!Array.isArray(stop) || stop.some((id) => !Number.isInteger(id)))
    throw new LogitkitTypeError(
      `${fn}: options.stopTokenIds must be an array of integers`,
      'options.stopTokenIds',
    );
  checkIdRange(stop, fn);
  const count = table.texts.length;
  const fromObject =
    isObject(tokenizer) && 'tokens' in tokenizer
      ? (tokenizer as unknown as TokenizerVocabulary).vocabSize
      : undefined;
  const vocabSize = (options as TokenizerInfoOptions | undefined)?.vocabSize ?? fromObject ?? count;
  if (!Number.isInteger(vocabSize) || vocabSize < count || vocabSize >= 1 << 24)
    throw new LogitkitRangeError(
      `${fn}: vocabSize must be an integer >= the tokenizer's ${count} tokens, got ${String(vocabSize)}`,
      'options.vocabSize',
    );
  const bytesInput = table.texts.some((t) => t instanceof Uint8Array);
  let blob: Uint8Array;
  const lengths = new Uint32Array(count);
  if (bytesInput) {
    let total = 0;
    for (const t of table.texts)
      total += t instanceof Uint8Array ? t.length : new TextEncoder().encode(t ?? '').length;
    blob = new Uint8Array(total);
    let at = 0;
    table.texts.forEach((t, i) => {
      const b = t instanceof Uint8Array ? t : new TextEncoder().encode(t ?? '');
      blob.set(b, at);
      lengths[i] = b.length;
      at += b.length;
    });
  } else {
    const strings = table.texts as (string | undefined)[];
    const parts: string[] = new Array(count);
    for (let i = 0; i < count; ++i) {
      const s = strings[i] ?? '';
      parts[i] = s;
      lengths[i] = s.length;
    }
    blob = new TextEncoder().encode(parts.join(''));
  }
  const m = engine.module;
  const blobPtr = engine.place(blob, fn);
  const lengthPtr = engine.alloc(count * 4, fn);
  const flagPtr = engine.alloc(count, fn);
  const stopPtr = engine.alloc(stop.length * 4, fn);
  try {
    new Uint32Array(m.HEAPU8.buffer, lengthPtr, count).set(lengths);
    m.HEAPU8.set(table.flags, flagPtr);
    new Int32Array(m.HEAPU8.buffer, stopPtr, stop.length).set(stop);
    const handle = m._vocabBuild(
      TYPE_CODE[table.vocabType],
      blobPtr,
      blob.length,
      lengthPtr,
      flagPtr,
      count,
      vocabSize,
      stopPtr,
      stop.length,
      bytesInput,
    );
    if (handle === 0) engine.fail(fn);
    return new TokenizerInfo(engine, handle);
  } finally {
    m._free(blobPtr);
    m._free(lengthPtr);
    m._free(flagPtr);
    m._free(stopPtr);
  }
}

// A tokenizer.json text (or its UTF-8 bytes), read in C++ without JSON.parse.
function fromJsonText(
  engine: GrammarEngine,
  text: string | Uint8Array,
  options: TokenizerInfoOptions | undefined,
  fn: string,
): TokenizerInfo {
  const stop = options?.stopTokenIds;
  if (stop !== undefined && (!Array.isArray(stop) || stop.some((id) => !Number.isInteger(id))))
    throw new LogitkitTypeError(
      `${fn}: options.stopTokenIds must be an array of integers`,
      'options.stopTokenIds',
    );
  if (stop !== undefined) checkIdRange(stop, fn);
  const vocabSize = options?.vocabSize ?? 0;
  if (!Number.isInteger(vocabSize) || vocabSize < 0 || vocabSize >= 1 << 24)
    throw new LogitkitRangeError(
      `${fn}: options.vocabSize must be an integer`,
      'options.vocabSize',
    );
  const m = engine.module;
  const placed =
    typeof text === 'string'
      ? engine.placeText(text, fn)
      : { ptr: engine.place(text, fn), length: text.length };
  const textPtr = placed.ptr;
  let stopPtr = 0; // free(0) is a no-op
  try {
    stopPtr = engine.alloc((stop?.length ?? 0) * 4, fn);
    if (stop) new Int32Array(m.HEAPU8.buffer, stopPtr, stop.length).set(stop);
    const handle = m._vocabFromJson(
      textPtr,
      placed.length,
      vocabSize,
      stopPtr,
      stop?.length ?? 0,
      stop === undefined,
      DEFAULT_STOP_TOKENS.join('\n'),
    );
    if (handle === 0) engine.fail(fn);
    return new TokenizerInfo(engine, handle);
  } finally {
    m._free(textPtr);
    m._free(stopPtr);
  }
}

/** @internal */
export function deserializeTokenizerInfo(
  engine: GrammarEngine,
  bytes: Uint8Array,
  fn: string,
): TokenizerInfo {
  if (!(bytes instanceof Uint8Array))
    throw new LogitkitTypeError(
      `${fn}: bytes must be a Uint8Array (from info.serialize())`,
      'bytes',
    );
  const p = engine.place(bytes, fn);
  try {
    const handle = engine.module._vocabDeserialize(p, bytes.length);
    if (handle === 0) engine.fail(fn);
    return new TokenizerInfo(engine, handle);
  } finally {
    engine.module._free(p);
  }
}
