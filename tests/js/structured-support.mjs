// Shared by the structured-output tests (Node and Chromium): the schemas and regexes they generate
// under, ajv, and the referee that compares logitkit's masks with those of
// @huggingface/transformers-structured-output and explains every difference.
import Ajv from 'ajv';
import { VERSE_SCHEMA } from '../../examples/transformers/structured.mjs';

/** Bounded schemas (every output can end within the KJV model's 256 positions). */
export const SCHEMAS = {
  // The example's schema (examples/transformers/structured.mjs).
  verse: VERSE_SCHEMA,
  // Keywords @huggingface/transformers-structured-output refuses (pattern) or lacks, and $ref.
  census: {
    $defs: {
      tribe: { type: 'string', pattern: '^[A-Z][a-z]{2,8}$' },
    },
    type: 'object',
    properties: {
      tribe: { $ref: '#/$defs/tribe' },
      count: { anyOf: [{ type: 'integer', minimum: 0, maximum: 99999 }, { type: 'null' }] },
      ok: { type: 'boolean' },
      ages: {
        type: 'array',
        items: { type: 'integer', minimum: 0, maximum: 120 },
        minItems: 1,
        maxItems: 4,
      },
    },
    required: ['tribe', 'count', 'ok', 'ages'],
    additionalProperties: false,
  },
};

/**
 * Schemas compared with @huggingface/transformers-structured-output's masks: ones it supports whose
 * valid outputs have one property order (logitkit writes properties in schema order, as xgrammar
 * and OpenAI do; that package takes any order).
 */
export const COMPARED = {
  nested: {
    type: 'object',
    properties: {
      reference: {
        type: 'object',
        properties: { chapter: { type: 'integer', minimum: 1, maximum: 150 } },
        required: ['chapter'],
        additionalProperties: false,
      },
    },
    required: ['reference'],
    additionalProperties: false,
  },
  books: {
    type: 'array',
    items: { enum: ['Genesis', 'Exodus', 'Leviticus', 'Numbers'] },
    minItems: 1,
    maxItems: 4,
  },
  verse: {
    type: 'object',
    properties: { verse: { type: 'string', minLength: 1, maxLength: 40 } },
    required: ['verse'],
    additionalProperties: false,
  },
  scalars: {
    type: 'array',
    items: { anyOf: [{ type: 'number' }, { type: 'boolean' }, { type: 'null' }] },
    maxItems: 4,
  },
  bounded: { type: 'integer', minimum: -50, maximum: 1234 },
  object: { type: 'object' },
};

/** The COMPARED schemas where an integer is written (the referee's 'integer form' applies there). */
export const INTEGERS = new Set(['nested', 'bounded']);

/** That package's way to switch JSON whitespace off (logitkit's: whitespace 'compact'). */
export const noWhitespace = (schema) => ({
  ...schema,
  'x-guidance': { whitespace_flexible: false },
});

/** Regexes (ECMAScript syntax) and what they describe. */
export const REGEXES = [
  '[A-Z][a-z]+ [0-9]{1,3}:[0-9]{1,3}',
  '(yea|nay|verily), [a-z ]{3,20}\\.',
  '\\d{4}-\\d{2}-\\d{2}',
];

const ajv = new Ajv({ allErrors: true });

/** Throws unless `text` parses as JSON and validates against `schema` (ajv). */
export function assertValidJson(text, schema, label = '') {
  let value;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${label}: ${JSON.stringify(text)} does not parse: ${error.message}`);
  }
  const validate = ajv.compile(schema);
  if (!validate(value))
    throw new Error(`${label}: ${text} fails the schema: ${ajv.errorsText(validate.errors)}`);
  return value;
}

/** Throws unless `text` matches `^(?:regex)$`. */
export function assertMatches(text, regex, label = '') {
  if (!new RegExp(`^(?:${regex})$`, 'u').test(text))
    throw new Error(`${label}: ${JSON.stringify(text)} does not match /${regex}/`);
}

/**
 * Whether `bytes` can start a valid UTF-8 text: every complete sequence is well formed (no
 * overlong form, surrogate or value past U+10FFFF) and a final incomplete one can still be
 * completed. (RFC 3629's table of well-formed byte sequences.)
 */
export function isUtf8Prefix(bytes) {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let n;
    let lo = 0x80;
    let hi = 0xbf;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      n = 2;
      if (b === 0xe0) lo = 0xa0;
      if (b === 0xed) hi = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      n = 3;
      if (b === 0xf0) lo = 0x90;
      if (b === 0xf4) hi = 0x8f;
    } else return false;
    for (let k = 1; k <= n; k++) {
      if (i + k >= bytes.length) return true; // incomplete final sequence
      const c = bytes[i + k];
      if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return false;
    }
    i += n + 1;
  }
  return true;
}

const DIGIT = (b) => b >= 0x30 && b <= 0x39;

/**
 * Why @huggingface/transformers-structured-output may allow a token logitkit masks, after the
 * output's `prefix` bytes, each checked here independently of both engines (null: no reason):
 * - 'invalid UTF-8': the bytes cannot start valid UTF-8, so no JSON text and no string a regex
 *   matches begins so (that package lets a lone continuation byte follow a complete character);
 * - 'trailing comma': `]` or `}` right after `,`, which JSON does not allow;
 * - 'integer form' (only when `integers`, an integer is being written): `.`, `e` or `E` after its
 *   digits, or `0` after its `-`: JSON Schema counts 6.0, 6e1 and -0 as integers; logitkit writes
 *   integers in the plain form (no fraction, exponent or minus zero), as xgrammar does.
 */
export function whyTheirsAllows(prefix, bytes, { integers = false } = {}) {
  if (!isUtf8Prefix([...prefix, ...bytes])) return 'invalid UTF-8';
  const last = prefix.at(-1);
  const first = bytes[0];
  if (last === 0x2c && (first === 0x5d || first === 0x7d)) return 'trailing comma';
  if (integers && DIGIT(last) && (first === 0x2e || first === 0x65 || first === 0x45))
    return 'integer form';
  if (integers && last === 0x2d && first === 0x30) return 'integer form';
  return null;
}

/**
 * Compares two processed logits rows of one step (-Infinity = masked): `explained` counts the
 * tokens only that package allows, by `whyTheirsAllows`'s reason; `unexplained` lists every other
 * difference, with the side that allows the token.
 */
export function compareMasks(theirs, ours, prefix, tokenBytes, options = {}) {
  const explained = {};
  const unexplained = [];
  for (let id = 0; id < ours.length; id++) {
    const t = theirs[id] !== -Infinity;
    const o = ours[id] !== -Infinity;
    if (t === o) continue;
    const why = t ? whyTheirsAllows(prefix, tokenBytes[id], options) : null;
    if (why === null) unexplained.push({ id, allowedBy: t ? 'theirs' : 'ours' });
    else explained[why] = (explained[why] ?? 0) + 1;
  }
  return { explained, unexplained };
}
