// The languages of the front ends' grammars, checked with the reference recognizer against
// independent oracles: JavaScript's RegExp (u flag) for regex_to_gbnf, JSON.parse for the builtin
// JSON grammar, and ajv for JSON Schema (hand-written cases, then seeded random instances). The
// front ends run natively under ASan/UBSan through build/native/logitkit_grammar_frontend_cli.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv/dist/2020.js';
import { convert } from './frontend-cli.mjs';
import { compileGbnf } from './gbnf-reference.mjs';
import { orderLike } from './schema-order.mjs';

function grammarOf(request) {
  const [r] = convert([request]);
  assert.ok(r.ok, `${JSON.stringify(request).slice(0, 200)}: ${JSON.stringify(r.error)}`);
  return compileGbnf(r.gbnf, { root: r.root });
}

// Every string over `alphabet` of length <= maxLen.
function* strings(alphabet, maxLen) {
  let layer = [''];
  yield '';
  for (let n = 1; n <= maxLen; n++) {
    const next = [];
    for (const s of layer) for (const c of alphabet) next.push(s + c);
    yield* next;
    layer = next;
  }
}

function rng(seed) {
  let s = seed >>> 0;
  return (n) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

test('regex: the grammar matches exactly what ^(?:re)$ with the u flag matches', () => {
  const cases = [
    ['a|bc', 'abc'],
    ['[a-c]+x?', 'abx'],
    ['(ab|a)*b', 'ab'],
    ['a{2,3}', 'ab'],
    ['a{2,}?b', 'ab'],
    ['[^a]b', 'abé'],
    ['\\d{2}|\\D', 'a1'],
    ['\\w+\\W', 'a_ -'],
    ['\\s\\S', ' \t\u00a0x'],
    ['.\\.', 'a.\n'],
    ['é+[\\u00e0-\\u00ff]', 'éàa'],
    ['(?:a|)b', 'ab'],
    ['x(?<n>y)?z', 'xyz'],
    ['^a$', 'ab'],
    ['^(?:a|b$)', 'ab'],
    ['[\\-a]b', '-ab'],
    ['\\u{1F600}|\\uD83D\\uDE00x', '😀x'],
    ['a{,2}', 'a{,2}', ''], // Annex B: not a quantifier, literal braces (no u flag)
    ['\\x41\\cJ[\\b]', 'A\n\b'],
    ['(a|b|c){2}', 'abc'],
    ['[\\w-.]', 'a-.!', ''], // Annex B: '-' after a class escape is literal
    ['[]|a', 'ab'],
    ['[^]', 'a\n'],
  ];
  const requests = cases.map(([p]) => ({ kind: 'regex', input: p }));
  const results = convert(requests);
  for (const [i, [pattern, alphabet, flags = 'u']] of cases.entries()) {
    const r = results[i];
    assert.ok(r.ok, `${pattern}: ${JSON.stringify(r.error)}`);
    const g = compileGbnf(r.gbnf, { root: r.root });
    const re = new RegExp(`^(?:${pattern})$`, flags);
    for (const s of strings([...alphabet], 4)) {
      assert.equal(g.accepts(s), re.test(s), `${pattern} on ${JSON.stringify(s)}`);
    }
  }
});

test('regex: unsupported constructs and syntax errors are typed errors with a position', () => {
  const cases = [
    ['a(?=b)', 'unsupported-feature', 1],
    ['(?<!a)b', 'unsupported-feature', 0],
    ['(a)\\1', 'unsupported-feature', 3],
    ['\\bx', 'unsupported-feature', 0],
    ['x\\p{L}', 'unsupported-feature', 1],
    ['a(b', 'regex-syntax', 1],
    ['a[b', 'regex-syntax', 1],
    ['😀+*', 'regex-syntax', 3],
    // Group names: identifiers, each once unless in different alternatives (ES2025).
    ['(?<n>a)(?<n>b)', 'regex-syntax', 7],
    ['(?<n>(?<n>a))', 'regex-syntax', 5],
    ['(?:(?<n>a)|b)(?<n>c)', 'regex-syntax', 13],
    ['(?<1a>x)', 'regex-syntax', 0],
    ['(?<a-b>x)', 'regex-syntax', 0],
    ['(?<a\\x41>x)', 'regex-syntax', 0],
    ['(?<a', 'regex-syntax', 0],
  ];
  const results = convert(cases.map(([p]) => ({ kind: 'regex', input: p })));
  for (const [i, [pattern, code, position]] of cases.entries()) {
    assert.equal(results[i].ok, false, pattern);
    assert.equal(results[i].error.code, code, pattern);
    assert.equal(results[i].error.position, position, pattern);
  }
});

test('regex: a group name may stand twice in different alternatives, and may be escaped', () => {
  // Node 20's RegExp predates ES2025's duplicate named groups, so the languages are written out.
  const cases = [
    ['(?<y>a)|(?<y>b)', ['a', 'b'], ['ab', '']],
    ['(?:(?<y>a)|(?<y>b))(?<z>c)', ['ac', 'bc'], ['abc', 'c']],
    ['(?<\\u0061$_1>x)(?<\\u{62}>y)', ['xy'], ['x']],
  ];
  const results = convert(cases.map(([p]) => ({ kind: 'regex', input: p })));
  for (const [i, [pattern, yes, no]] of cases.entries()) {
    assert.ok(results[i].ok, `${pattern}: ${JSON.stringify(results[i].error)}`);
    const g = compileGbnf(results[i].gbnf, { root: results[i].root });
    for (const s of yes) assert.ok(g.accepts(s), `${pattern} accepts ${s}`);
    for (const s of no) assert.ok(!g.accepts(s), `${pattern} refuses ${s}`);
  }
});

test('builtin JSON grammar agrees with JSON.parse (no whitespace around the value)', () => {
  const g = grammarOf({ kind: 'builtin' });
  const next = rng(7);
  const samples = ['{"a": [1, -2.5e+3, true, null], "b": {"c": "d\\u00e9\\n"}}', '[]', '"x"', '0'];
  const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', '0', '1', '-', '.', 'e', ' ', 'a', 'u'];
  for (let i = 0; i < 1500; i++) {
    let s = samples[next(samples.length)];
    for (let e = next(4); e > 0; e--) {
      const at = next(s.length + 1);
      s =
        next(2) === 0
          ? s.slice(0, at) + pieces[next(pieces.length)] + s.slice(at)
          : s.slice(0, at) + s.slice(at + 1);
    }
    let valid = s.length > 0 && s.trim() === s;
    try {
      JSON.parse(s);
    } catch {
      valid = false;
    }
    assert.equal(g.accepts(s), valid, JSON.stringify(s));
  }
  // Surrogate escapes must pair up; any other escape is one scalar value.
  assert.equal(g.accepts('"\\ud83d\\ude00"'), true);
  assert.equal(g.accepts('"\\ud83d"'), false);
  assert.equal(g.accepts('"\\ude00x"'), false);
});

test("whitespace: 'compact', 'flexible' (runs of 32) and { maxRun }", () => {
  const schema = JSON.stringify({ type: 'array', items: { type: 'integer' } });
  const compact = grammarOf({ kind: 'schema', input: schema, maxRun: 0 });
  assert.equal(compact.accepts('[1,2]'), true);
  assert.equal(compact.accepts('[1, 2]'), false);
  assert.equal(compact.accepts('[ ]'), false);
  const flexible = grammarOf({ kind: 'schema', input: schema });
  assert.equal(flexible.accepts(`[${' '.repeat(32)}1,\n\t2\r\n]`), true);
  assert.equal(flexible.accepts(`[${' '.repeat(33)}1]`), false);
  assert.equal(flexible.accepts(' [1]'), false); // nothing before the value
  assert.equal(flexible.accepts('[1] '), false); // nor after it
  const two = grammarOf({ kind: 'schema', input: schema, maxRun: 2 });
  assert.equal(two.accepts('[  1 ]'), true);
  assert.equal(two.accepts('[   1]'), false);
});

// Hand-written schemas with instances; ajv confirms every expectation (formats excepted: they
// follow the front end's documented definitions, see formats.h).
const CASES = [
  {
    schema: { type: 'object', properties: { a: { type: 'integer' }, b: { type: 'string' } } },
    valid: [{}, { a: 1 }, { b: 'x' }, { a: -7, b: '' }, { a: 1, b: 'y', c: [1] }, { z: null }],
    invalid: [{ a: 1.5 }, { a: 'x' }, { b: 2 }, { a: 1, a2: 2, b: 3 }, [], 'x'],
  },
  {
    schema: {
      type: 'object',
      properties: { id: { type: 'integer', minimum: 1 }, tags: { type: 'array' } },
      required: ['id'],
      additionalProperties: false,
    },
    valid: [{ id: 1 }, { id: 99, tags: [] }],
    invalid: [{}, { id: 0 }, { tags: [] }, { id: 1, x: 1 }],
  },
  {
    schema: { type: 'object', additionalProperties: { type: 'number' }, properties: { n: {} } },
    valid: [{ n: 'any' }, { x: 1, y: 2.5 }, { n: null, nn: 3 }],
    invalid: [{ x: 'no' }, { nn: true }],
  },
  {
    schema: { type: ['string', 'null'], minLength: 2, maxLength: 3 },
    valid: [null, 'ab', 'abc', 'é😀'],
    invalid: ['a', 'abcd', 1, ''],
  },
  {
    schema: { type: 'string', pattern: '^[A-Z]{2}-\\d+$' },
    valid: ['AB-1', 'ZZ-0042'],
    invalid: ['A-1', 'AB-', 'ab-1', 'AB-1x'],
  },
  {
    schema: { type: 'string', pattern: 'cat|dog' },
    valid: ['cat', 'a dog!', 'concatenate'],
    invalid: ['', 'cow', 'do g'],
  },
  {
    schema: { type: 'string', pattern: '^[a-z]+$', maxLength: 4 },
    valid: ['a', 'abcd'],
    invalid: ['', 'abcde', 'aB'],
  },
  {
    schema: { type: 'number', minimum: -1.5, exclusiveMaximum: 10 },
    valid: [-1.5, -1, 0, 0.25, 9.999, 3],
    invalid: [-1.51, -2, 10, 10.5, 100],
  },
  {
    schema: { type: 'integer', exclusiveMinimum: -3, maximum: 120 },
    valid: [-2, 0, 7, 99, 120],
    invalid: [-3, -4, 121, 1000, 5.5],
  },
  {
    schema: { type: 'number', exclusiveMinimum: 0 },
    valid: [1, 0.001, 1e-7, 5e30],
    invalid: [0, -1, -0.5],
  },
  {
    schema: { enum: ['red', 2, 2.5, null, [1, { a: true }], { k: 'v' }] },
    valid: ['red', 2, 2.5, null, [1, { a: true }], { k: 'v' }],
    invalid: ['Red', 3, [1], {}],
  },
  {
    schema: { type: 'string', enum: ['a', 'b', 1], minLength: 1, not: { const: 'b' } },
    valid: ['a'],
    invalid: ['b', 1, 'c'],
  },
  {
    schema: { const: { x: [1, 2] } },
    valid: [{ x: [1, 2] }],
    invalid: [{ x: [2, 1] }, { x: [1, 2], y: 0 }],
  },
  {
    schema: { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false },
    valid: [[], ['a'], ['a', 1]],
    invalid: [[1], ['a', 'b'], ['a', 1, 2]],
  },
  {
    schema: { type: 'array', items: { type: 'boolean' }, minItems: 2, maxItems: 3 },
    valid: [
      [true, false],
      [true, true, true],
    ],
    invalid: [[], [true], [true, true, true, true], [1, 2]],
  },
  {
    schema: {
      anyOf: [
        { type: 'string', maxLength: 1 },
        { type: 'integer', minimum: 5 },
      ],
    },
    valid: ['', 'x', 5, 100],
    invalid: ['xy', 4, 5.5, null],
  },
  {
    schema: {
      oneOf: [
        {
          type: 'object',
          properties: { kind: { const: 'a' }, x: { type: 'number' } },
          required: ['kind'],
        },
        {
          type: 'object',
          properties: { kind: { const: 'b' }, y: { type: 'string' } },
          required: ['kind'],
        },
      ],
    },
    valid: [{ kind: 'a' }, { kind: 'a', x: 1 }, { kind: 'b', y: 'z' }],
    invalid: [{ kind: 'c' }, { x: 1 }, { kind: 'a', x: 'no' }],
  },
  {
    schema: {
      allOf: [
        { type: 'object', properties: { a: { type: 'integer' } }, required: ['a'] },
        { properties: { b: { type: 'boolean' } }, required: ['b'] },
      ],
    },
    valid: [
      { a: 1, b: true },
      { a: 1, b: false, c: 0 },
    ],
    invalid: [{ a: 1 }, { b: true }, { a: 'x', b: true }],
  },
  {
    schema: {
      $defs: {
        node: {
          type: 'object',
          properties: { v: { type: 'integer' }, next: { $ref: '#/$defs/node' } },
          required: ['v'],
          additionalProperties: false,
        },
      },
      $ref: '#/$defs/node',
    },
    valid: [{ v: 1 }, { v: 1, next: { v: 2, next: { v: 3 } } }],
    invalid: [{}, { v: 1, next: {} }, { v: 1, next: { v: 'x' } }],
  },
  {
    schema: {
      type: 'object',
      patternProperties: { '^x-': { type: 'string' } },
      properties: { name: { type: 'string' } },
      additionalProperties: false,
    },
    valid: [{}, { name: 'n', 'x-a': 'b' }, { 'x-': '' }],
    invalid: [{ y: 'b' }, { 'x-a': 1 }],
  },
  {
    schema: {
      type: 'object',
      maxProperties: 1,
      properties: { a: {} },
      additionalProperties: false,
    },
    valid: [{}, { a: 1 }],
    invalid: [{ b: 1 }],
  },
  {
    schema: { type: 'string', format: 'date', ajv: false },
    valid: ['2024-02-29', '2023-12-31', '2000-02-29'],
    invalid: ['2023-02-29', '1900-02-29', '2023-13-01', '2023-04-31', '23-01-01'],
  },
  {
    schema: { type: 'string', format: 'date-time', ajv: false },
    valid: ['2024-01-02T03:04:05Z', '2024-01-02t03:04:05.123+05:30'],
    invalid: ['2024-01-02T03:04:05', '2024-01-02 03:04:05Z', '2024-01-02T24:00:00Z'],
  },
  {
    schema: { type: 'string', format: 'ipv4', ajv: false },
    valid: ['0.0.0.0', '255.255.255.255', '10.1.20.3'],
    invalid: ['256.1.1.1', '01.1.1.1', '1.1.1', '1.1.1.1.1'],
  },
  {
    schema: { type: 'string', format: 'ipv6', ajv: false },
    valid: ['::', '::1', '2001:db8::8a2e:370:7334', '::ffff:192.168.0.1', 'a:b:c:d:e:f:0:1'],
    invalid: [':::', '2001:db8:::1', '1:2:3:4:5:6:7:8:9', 'g::1', '1::2::3'],
  },
  {
    schema: { type: 'string', format: 'uuid', ajv: false },
    valid: ['123e4567-e89b-12d3-a456-426614174000'],
    invalid: ['123e4567e89b12d3a456426614174000', '123e4567-e89b-12d3-a456-42661417400g'],
  },
  {
    schema: { type: 'string', format: 'email', ajv: false },
    valid: ['a@b.co', 'first.last+tag@sub.example.org'],
    invalid: ['a@b', '@b.co', 'a b@c.de', 'a@-b.co'],
  },
  {
    schema: { type: 'string', format: 'uri', ajv: false },
    valid: ['https://example.com/a?b=c#d', 'mailto:a@b.c', 'urn:isbn:123', 'http://[::1]:80/'],
    invalid: ['example.com', 'http://exa mple.com', '://x', 'h%:x'],
  },
];

function expectAll(grammar, schema, values, valid, label) {
  for (const v of values) {
    const ordered = orderLike(v, schema);
    const texts = valid
      ? [JSON.stringify(ordered), JSON.stringify(ordered, null, 2)]
      : [JSON.stringify(ordered)];
    for (const text of texts) {
      assert.equal(grammar.accepts(text), valid, `${label}: ${text}`);
    }
  }
}

test('JSON Schema: every keyword of the supported table, against ajv', () => {
  const ajv = new Ajv({ strict: false, validateFormats: false });
  const results = convert(
    CASES.map(({ schema }) => {
      const { ajv: _ignored, ...clean } = schema;
      return { kind: 'schema', input: JSON.stringify(clean) };
    }),
  );
  for (const [i, { schema, valid, invalid }] of CASES.entries()) {
    const { ajv: checkWithAjv, ...clean } = schema;
    const label = JSON.stringify(clean);
    if (checkWithAjv !== false) {
      const validate = ajv.compile(clean);
      for (const v of valid) assert.ok(validate(v), `ajv: ${JSON.stringify(v)} valid for ${label}`);
      for (const v of invalid)
        assert.ok(!validate(v), `ajv: ${JSON.stringify(v)} invalid for ${label}`);
    }
    const r = results[i];
    assert.ok(r.ok, `${label}: ${JSON.stringify(r.error)}`);
    const g = compileGbnf(r.gbnf, { root: r.root });
    expectAll(g, clean, valid, true, label);
    expectAll(g, clean, invalid, false, label);
  }
});

// A random JSON value shaped after the schemas below: small objects over a few names, short
// strings over a few characters, numbers JSON.stringify writes in plain notation.
function randomValue(next, depth = 0) {
  const names = ['a', 'b', 'c', 'id', 'x-1', 'é'];
  switch (next(depth > 2 ? 5 : 7)) {
    case 0:
      return null;
    case 1:
      return next(2) === 0;
    case 2:
      return [-2, -1, 0, 1, 2, 3, 7, 10, 0.5, -1.25, 99.75, 1000][next(12)];
    case 3:
    case 4:
      return ['', 'a', 'ab', 'abc', 'Zz', 'a b', '"', 'é', '1'][next(9)];
    case 5: {
      const out = [];
      for (let n = next(4); n > 0; n--) out.push(randomValue(next, depth + 1));
      return out;
    }
    default: {
      const out = {};
      for (let n = next(4); n > 0; n--)
        out[names[next(names.length)]] = randomValue(next, depth + 1);
      return out;
    }
  }
}

test('JSON Schema: seeded random instances are accepted exactly when ajv validates them', () => {
  const schemas = [
    {
      type: 'object',
      properties: {
        a: { type: 'integer', minimum: -1, maximum: 7 },
        b: { type: ['string', 'null'], maxLength: 2 },
        c: { type: 'array', items: { type: 'number', exclusiveMinimum: 0 } },
      },
      required: ['a'],
    },
    {
      type: 'object',
      properties: { id: { enum: [1, 2, 'a'] }, 'x-1': { type: 'boolean' } },
      additionalProperties: { type: 'array', maxItems: 1 },
    },
    {
      anyOf: [
        { type: 'string', pattern: '^a' },
        { type: 'array', items: { $ref: '#' } },
        { type: 'number', maximum: 1.5 },
      ],
    },
    { type: 'object', propertyNames: true, minProperties: 0, properties: { é: { const: 'é' } } },
  ];
  const ajv = new Ajv({ strict: false });
  const results = convert(schemas.map((s) => ({ kind: 'schema', input: JSON.stringify(s) })));
  const next = rng(2024);
  for (const [i, schema] of schemas.entries()) {
    assert.ok(results[i].ok, JSON.stringify(results[i].error));
    const g = compileGbnf(results[i].gbnf, { root: results[i].root });
    const validate = ajv.compile(schema);
    let accepted = 0;
    for (let n = 0; n < 400; n++) {
      // Half the draws are objects, where most of the schemas' constraints live.
      let v = randomValue(next);
      if (n % 2 === 0 && (v === null || typeof v !== 'object')) v = { a: v, id: 2 };
      const text = JSON.stringify(orderLike(v, schema));
      const valid = validate(v);
      assert.equal(g.accepts(text), valid, `schema ${i}: ${text}`);
      if (valid) accepted++;
    }
    assert.ok(accepted > 0, `schema ${i}: no valid draw`);
  }
});

test('JSON Schema: keywords it cannot enforce are errors (strict) or warnings (strict: false)', () => {
  const schema = JSON.stringify({
    type: 'object',
    title: 'T',
    'x-vendor': 1,
    properties: { list: { type: 'array', uniqueItems: true }, when: { format: 'duration' } },
  });
  const [strict, lax] = convert([
    { kind: 'schema', input: schema },
    { kind: 'schema', input: schema, strict: false },
  ]);
  assert.equal(strict.ok, false);
  assert.equal(strict.error.code, 'unsupported-keyword');
  assert.equal(strict.error.pointer, '/properties/list/uniqueItems');
  assert.equal(lax.ok, true);
  const kinds = Object.fromEntries(lax.warnings.map((w) => [w.pointer, w.kind]));
  assert.equal(kinds['/title'], 'annotation');
  assert.equal(kinds['/x-vendor'], 'vendor-extension');
  assert.equal(kinds['/properties/list/uniqueItems'], 'ignored-validation');
  assert.equal(kinds['/properties/when/format'], 'unknown-format');
});

test('JSON Schema: with strict: false an ignored constraint leaves a superset of the instances', () => {
  // Each schema's valid instances (checked with ajv, formats by hand) must all stay accepted when
  // the front end leaves the constraint out; with strict: true the same schema is an error.
  const ajv = new Ajv({ strict: false, validateFormats: false });
  const cases = [
    [
      { type: 'object', patternProperties: { '^x': { type: 'integer' } } },
      [{}, { x: 1 }, { y: 's' }, { xa: 2, b: null }],
    ],
    [
      {
        type: 'object',
        properties: { a: { type: 'string' } },
        patternProperties: { '^y': { type: 'string' } },
        additionalProperties: { type: 'string' },
      },
      [{ a: 's', y: 't' }, { a: 's', z: 'u' }, {}],
    ],
    [
      {
        type: 'object',
        properties: { a: { type: 'string' } },
        patternProperties: { '^a': { type: 'string' } },
        additionalProperties: false,
      },
      [{ ab: 's' }, { a: 's', ab: 't' }],
    ],
    [{ type: 'string', format: 'email', pattern: '^a' }, ['a@b.co', 'ab.c@d.ef']],
    [{ allOf: [{ type: 'string', pattern: '^a' }, { pattern: 'b$' }] }, ['ab', 'axb']],
    [{ type: 'string', pattern: '^(a|b)*c$', maxLength: 100000 }, ['abc', 'c', 'bbac']],
  ];
  const requests = cases.flatMap(([schema]) => [
    { kind: 'schema', input: JSON.stringify(schema) },
    { kind: 'schema', input: JSON.stringify(schema), strict: false },
  ]);
  const results = convert(requests);
  for (const [i, [schema, valid]] of cases.entries()) {
    const label = JSON.stringify(schema);
    const validate = ajv.compile(schema);
    for (const v of valid) assert.ok(validate(v), `ajv: ${JSON.stringify(v)} valid for ${label}`);
    const [strict, lax] = [results[2 * i], results[2 * i + 1]];
    assert.equal(strict.ok, false, label);
    assert.match(strict.error.code, /^unsupported-/, label);
    assert.ok(lax.ok, `${label}: ${JSON.stringify(lax.error)}`);
    assert.ok(
      lax.warnings.some((w) => w.kind === 'ignored-validation'),
      `${label}: ${JSON.stringify(lax.warnings)}`,
    );
    expectAll(compileGbnf(lax.gbnf, { root: lax.root }), schema, valid, true, label);
  }
});

test('JSON Schema: a number may be -0 wherever 0 is allowed, an integer never; \\/ in patterns', () => {
  const cases = [
    [{ type: 'number', minimum: 0 }, ['-0', '-0.0', '-0e5', '0', '2.5e1'], ['-1', '-0.1']],
    [{ type: 'number', maximum: 0 }, ['-0', '-0.00', '0', '-0.5'], ['0.1']],
    [{ type: 'number', minimum: -0.5, maximum: 2.25 }, ['-0', '-0.0', '-0.5', '2.25'], ['-0.6']],
    [{ type: 'number', exclusiveMinimum: 0 }, ['0.5'], ['-0', '0', '-0.0']],
    [{ type: 'number', exclusiveMinimum: 0, maximum: 1 }, ['1'], ['-0', '0']],
    [{ type: 'integer', minimum: -5, maximum: 5 }, ['0', '-5', '5'], ['-0', '6']],
    [{ type: 'integer' }, ['0', '-7'], ['-0', '1.0']],
    [{ type: 'string', pattern: '^a/b$' }, ['"a/b"', '"a\\/b"'], ['"a\\\\/b"']],
    [{ type: 'string', pattern: 'x/' }, ['"x/"', '"zx\\/"'], ['"x"']],
    [{ type: 'string', format: 'uri' }, ['"http://a.b/c"', '"http:\\/\\/a.b\\/c"'], ['"a b"']],
  ];
  const results = convert(
    cases.map(([schema]) => ({ kind: 'schema', input: JSON.stringify(schema) })),
  );
  for (const [i, [schema, accepted, rejected]] of cases.entries()) {
    const label = JSON.stringify(schema);
    assert.ok(results[i].ok, `${label}: ${JSON.stringify(results[i].error)}`);
    const g = compileGbnf(results[i].gbnf, { root: results[i].root });
    for (const text of accepted) assert.equal(g.accepts(text), true, `${label} accepts ${text}`);
    for (const text of rejected) assert.equal(g.accepts(text), false, `${label} rejects ${text}`);
  }
});
