// The grammar engine's vocabulary from a transformers.js tokenizer's own data: the tokenizer.json it
// was built from (model vocabulary and added tokens) and its tokenizer_config.json (which names the
// special tokens), so the masks cover exactly the ids the model's logits index.
import { LogitkitRangeError, LogitkitTypeError } from '../errors.js';
import type { TokenizerInfo } from '../grammar/tokenizer-info.js';
import { describe } from '../input.js';
import type { Logitkit } from '../logitkit.js';

/**
 * The parts of a Hugging Face tokenizer object that are read: a transformers.js
 * `PreTrainedTokenizer` (4.x) keeps the parsed tokenizer.json as `_tokenizerJSON` and its
 * tokenizer_config.json as `_tokenizerConfig`; a `@huggingface/tokenizers` `Tokenizer` keeps them as
 * `tokenizer` and `config`. `eos_token_id` and `all_special_ids` are read when present
 * (`tokenizerJSON` / `tokenizer_json` too, as `@huggingface/transformers-structured-output` reads them).
 */
export interface TransformersTokenizerLike {
  /** The tokenizer.json, parsed (or as text). */
  _tokenizerJSON?: unknown;
  /** The same, under the name other wrappers use. */
  tokenizerJSON?: unknown;
  /** The same, under the name other wrappers use. */
  tokenizer_json?: unknown;
  /** The tokenizer.json, parsed, as `@huggingface/tokenizers`' `Tokenizer` keeps it. */
  tokenizer?: unknown;
  /** The tokenizer_config.json, parsed: its `*_token` and `additional_special_tokens` entries. */
  _tokenizerConfig?: unknown;
  /** The same, as `@huggingface/tokenizers`' `Tokenizer` (and transformers.js) keep it. */
  config?: unknown;
  /** The end-of-sequence token's id (else tokenizer_config.json's `eos_token` is looked up). */
  eos_token_id?: number | null;
  /** The special tokens' ids. */
  all_special_ids?: readonly number[];
}

/** Options of `tokenizerInfoFromHuggingFace`. */
export interface HuggingFaceTokenizerInfoOptions {
  /**
   * The tokens that end the output: allowed exactly where the grammar may end. Default: the
   * tokenizer's `eos_token_id`. Pass the generation config's `eos_token_id` list to allow each
   * token the model may end with (every one must also stop `generate()`).
   */
  stopTokenIds?: readonly number[];
  /** The logits' width, when the model pads its vocabulary past the tokenizer's (ids beyond are never allowed). */
  vocabSize?: number;
}

const SPECIAL_NAMES = [
  'bos_token',
  'eos_token',
  'unk_token',
  'sep_token',
  'pad_token',
  'cls_token',
  'mask_token',
];

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A special-token entry of tokenizer_config.json: the text, or `{ content }` (AddedToken's form). */
function tokenText(entry: unknown): string | undefined {
  if (typeof entry === 'string') return entry;
  if (isObject(entry) && typeof entry['content'] === 'string') return entry['content'];
  return undefined;
}

/** The tokenizer.json of `tokenizer`, parsed, and its tokenizer_config.json (or {}). */
export function tokenizerData(
  tokenizer: unknown,
  fn: string,
): { json: Record<string, unknown>; config: Record<string, unknown> } {
  if (!isObject(tokenizer) && typeof tokenizer !== 'function')
    throw new LogitkitTypeError(
      `${fn}: tokenizer must be a transformers.js tokenizer, got ${describe(tokenizer)}`,
      'tokenizer',
    );
  const t = tokenizer as TransformersTokenizerLike;
  let json = t._tokenizerJSON ?? t.tokenizerJSON ?? t.tokenizer_json ?? t.tokenizer;
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json) as unknown;
    } catch (cause) {
      throw new LogitkitTypeError(
        `${fn}: the tokenizer's tokenizer.json text is not JSON: ${String(cause)}`,
        'tokenizer._tokenizerJSON',
      );
    }
  }
  if (!isObject(json) || !isObject(json['model']))
    throw new LogitkitTypeError(
      `${fn}: tokenizer holds no tokenizer.json (a transformers.js PreTrainedTokenizer keeps it as _tokenizerJSON)`,
      'tokenizer._tokenizerJSON',
    );
  const config = t._tokenizerConfig ?? t.config;
  return { json, config: isObject(config) ? config : {} };
}

/**
 * The stop token ids of `tokenizer`, and its tokenizer.json with every special token listed as a
 * special added token (see `tokenizerInfoFromHuggingFace`).
 */
export function vocabularyOf(
  tokenizer: unknown,
  stopTokenIds: readonly number[] | undefined,
  fn: string,
): { json: Record<string, unknown>; stop: number[] } {
  const { json, config } = tokenizerData(tokenizer, fn);
  const t = tokenizer as TransformersTokenizerLike;
  const added = Array.isArray(json['added_tokens']) ? (json['added_tokens'] as unknown[]) : [];
  const vocab = (json['model'] as Record<string, unknown>)['vocab'];
  // Token text -> id, for the names tokenizer_config.json gives (added tokens take precedence).
  const idOf = (text: string): number | undefined => {
    for (const a of added)
      if (isObject(a) && a['content'] === text && Number.isInteger(a['id']))
        return a['id'] as number;
    if (isObject(vocab)) {
      const id = vocab[text];
      return Number.isInteger(id) ? (id as number) : undefined;
    }
    if (Array.isArray(vocab)) {
      const i = vocab.findIndex((e) => (Array.isArray(e) ? e[0] : e) === text);
      return i >= 0 ? i : undefined;
    }
    return undefined;
  };
  let stop: number[];
  if (stopTokenIds !== undefined) {
    if (!Array.isArray(stopTokenIds) || stopTokenIds.length === 0)
      throw new LogitkitTypeError(
        `${fn}: options.stopTokenIds must be a non-empty array of token ids`,
        'options.stopTokenIds',
      );
    stopTokenIds.forEach((id, i) => {
      if (!Number.isInteger(id) || id < 0)
        throw new LogitkitRangeError(
          `${fn}: options.stopTokenIds[${i}] is not a token id: ${describe(id)}`,
          'options.stopTokenIds',
          i,
        );
    });
    stop = [...stopTokenIds];
  } else {
    const named = tokenText(config['eos_token']);
    const eos = Number.isInteger(t.eos_token_id)
      ? t.eos_token_id
      : named === undefined
        ? undefined
        : idOf(named);
    if (typeof eos !== 'number' || !Number.isInteger(eos) || eos < 0)
      throw new LogitkitRangeError(
        `${fn}: the tokenizer names no eos_token_id; pass options.stopTokenIds (e.g. the generation config's eos_token_id)`,
        'options.stopTokenIds',
      );
    stop = [eos];
  }
  const special = new Set<number>();
  for (const id of Array.isArray(t.all_special_ids) ? t.all_special_ids : [])
    if (Number.isInteger(id) && id >= 0) special.add(id);
  const names = [
    ...SPECIAL_NAMES.map((name) => config[name]),
    ...(Array.isArray(config['additional_special_tokens'])
      ? (config['additional_special_tokens'] as unknown[])
      : []),
  ];
  for (const entry of names) {
    const text = tokenText(entry);
    const id = text === undefined ? undefined : idOf(text);
    if (id !== undefined) special.add(id);
  }
  for (const a of added)
    if (isObject(a) && a['special'] === true) special.delete(a['id'] as number);
  // The special tokens tokenizer.json does not mark (vocabulary entries named by the config) join
  // its added tokens, marked special, so the engine never allows them.
  const missing = [...special].sort((a, b) => a - b);
  const texts = new Map<number, string>();
  if (missing.length > 0) {
    const wanted = new Set(missing);
    if (isObject(vocab)) {
      for (const text in vocab) {
        const id = vocab[text];
        if (typeof id === 'number' && wanted.has(id)) texts.set(id, text);
      }
    } else if (Array.isArray(vocab)) {
      for (const id of missing) {
        const e: unknown = vocab[id];
        texts.set(id, String(Array.isArray(e) ? e[0] : e));
      }
    }
  }
  const extra = missing
    .filter((id) => texts.has(id))
    .map((id) => ({
      id,
      content: texts.get(id),
      single_word: false,
      lstrip: false,
      rstrip: false,
      normalized: false,
      special: true,
    }));
  return {
    json: extra.length === 0 ? json : { ...json, added_tokens: [...added, ...extra] },
    stop,
  };
}

/**
 * The grammar engine's vocabulary (`TokenizerInfo`) for a Hugging Face tokenizer (transformers.js's,
 * or `@huggingface/tokenizers`'), built from the tokenizer's own data: the tokenizer.json it holds (model vocabulary, added tokens, and the
 * decoder that says how token text becomes bytes: byte-level, SentencePiece byte fallback, or raw)
 * and its tokenizer_config.json. As xgrammar's `TokenizerInfo.from_huggingface`.
 *
 * - **Stop tokens** (allowed exactly where the grammar may end): `options.stopTokenIds`, else the
 *   tokenizer's `eos_token_id`, the token `@huggingface/transformers-structured-output` allows
 *   there too (else the id of tokenizer_config.json's `eos_token`). transformers.js stops
 *   `generate()` on the generation config's `eos_token_id`, so each stop token must be among those.
 * - **Special tokens** (never allowed): `all_special_ids`, the added tokens tokenizer.json marks
 *   special, and the tokens tokenizer_config.json names (`bos_token`, `eos_token`, `unk_token`,
 *   `sep_token`, `pad_token`, `cls_token`, `mask_token`, `additional_special_tokens`): a
 *   tokenizer.json may list those as plain vocabulary entries (the project's KJV model does:
 *   `<unk>`, `<s>`, `</s>`), and a grammar must not read `<s>` as the text "<s>".
 *
 * Async (the grammar module loads on first use). Dispose the result when done (a compiled grammar
 * keeps its own reference to the vocabulary).
 * @throws LogitkitTypeError when `tokenizer` holds no tokenizer.json; LogitkitRangeError for a
 *   bad `stopTokenIds` entry, or no stop token at all; the engine's errors for the vocabulary.
 */
export async function tokenizerInfoFromHuggingFace(
  lk: Logitkit,
  tokenizer: TransformersTokenizerLike | object,
  options: HuggingFaceTokenizerInfoOptions = {},
): Promise<TokenizerInfo> {
  const fn = 'tokenizerInfoFromHuggingFace';
  const { json, stop } = vocabularyOf(tokenizer, options?.stopTokenIds, fn);
  return lk.createTokenizerInfo(
    JSON.stringify(json),
    options?.vocabSize === undefined
      ? { stopTokenIds: stop }
      : { stopTokenIds: stop, vocabSize: options.vocabSize },
  );
}
