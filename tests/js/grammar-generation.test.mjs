// The generation property: seeded generations from random logits with random sampler options,
// every disallowed token masked to -Infinity before the draw. Every completed output (a stop token
// accepted) is in the language: JSON Schema outputs pass JSON.parse and ajv, regex outputs match
// ^(?:re)$, GBNF outputs are accepted by the reference recognizer. The vocabulary is a 3000-token
// slice of Llama 2's (byte-fallback pieces, single bytes included) plus single ASCII characters.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import { load } from '../../dist/index.js';
import { compileGbnf } from '../grammar/gbnf-reference.mjs';
import { decodeVocabulary, tokenizerJsonText } from './grammar-support.mjs';
import { rng } from './helpers.mjs';

const lk = await load();
const full = decodeVocabulary(JSON.parse(tokenizerJsonText('llama2')));
const tokens = [];
for (let c = 0x20; c < 0x7f; ++c) tokens.push(new Uint8Array([c]));
tokens.push(new Uint8Array([0x0a]));
for (let id = 3; tokens.length < 3000 && id < full.bytes.length; ++id)
  if (full.kinds[id] === 'normal' && full.bytes[id].length > 1) tokens.push(full.bytes[id]);
const EOS = tokens.length;
tokens.push(new TextEncoder().encode('</s>'));
const info = await lk.createTokenizerInfo({ tokens, vocabType: 'raw', stopTokenIds: [EOS] });
const compiler = await lk.createGrammarCompiler(info);

// One seeded generation: returns the text when a stop token ended it, else null.
function generate(matcher, seed, maxTokens) {
  const random = rng(seed);
  const options = { seed };
  if (random() < 0.7) options.temperature = 0.3 + 1.5 * random();
  if (random() < 0.4) options.topK = 1 + Math.floor(random() * 50);
  if (random() < 0.4) options.topP = 0.5 + 0.5 * random();
  if (random() < 0.3) options.minP = 0.2 * random();
  const logits = new Float32Array(tokens.length);
  const bytes = [];
  for (let step = 0; step < maxTokens; ++step) {
    const mask = matcher.fillNextTokenBitmask();
    for (let i = 0; i < logits.length; ++i) {
      logits[i] =
        (mask[i >>> 5] >>> (i & 31)) & 1 ? 4 * (random() - 0.5) + (i === EOS ? 3 : 0) : -Infinity;
    }
    const { token } = lk.sample(logits, { ...options, seed: seed * 1000 + step });
    assert.equal(matcher.acceptToken(token), true, `sampled token ${token} must be accepted`);
    if (token === EOS)
      return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
    bytes.push(...tokens[token]);
  }
  return null;
}

async function property(compiled, count, check) {
  let completed = 0;
  for (let seed = 1; seed <= count; ++seed) {
    const matcher = await lk.createGrammarMatcher(compiled);
    const text = generate(matcher, seed, 48);
    matcher.dispose();
    if (text === null) continue;
    completed++;
    check(text, seed);
  }
  assert.ok(completed >= count / 4, `only ${completed} of ${count} generations completed`);
  return completed;
}

test('generations under a JSON Schema parse and validate (ajv)', async () => {
  const schemas = [
    {
      type: 'object',
      properties: {
        name: { type: 'string', maxLength: 6 },
        age: { type: 'integer', minimum: 0, maximum: 120 },
        ok: { type: 'boolean' },
      },
      required: ['name', 'age'],
      additionalProperties: false,
    },
    { type: 'array', items: { enum: ['red', 'green', 7, null] }, maxItems: 3 },
    {
      anyOf: [
        { type: 'number', minimum: -1e6, maximum: 1e6 },
        { type: 'string', pattern: '^[a-c]{1,3}$' },
      ],
    },
  ];
  const ajv = new Ajv();
  for (const schema of schemas) {
    const validate = ajv.compile(schema);
    const compiled = await compiler.compileJSONSchema(schema, { whitespace: 'compact' });
    await property(compiled, 400, (text, seed) => {
      const value = JSON.parse(text);
      assert.ok(
        validate(value),
        `seed ${seed}: ${text} fails the schema: ${ajv.errorsText(validate.errors)}`,
      );
    });
    compiled.dispose();
  }
});

test('generations under a regex match ^(?:re)$', async () => {
  for (const re of [
    '[0-9]{3}-[0-9]{2,4}',
    '(cat|dog|bird)s?( [a-z]{1,4})?',
    '[A-Z][a-z]{0,6}(, [A-Z][a-z]{0,6}){0,2}\\.',
  ]) {
    const compiled = await compiler.compileRegex(re);
    const whole = new RegExp(`^(?:${re})$`, 'u');
    await property(compiled, 400, (text, seed) => assert.match(text, whole, `seed ${seed}`));
    compiled.dispose();
  }
});

test('generations under GBNF are accepted by the reference recognizer', async () => {
  const gbnf = String.raw`root ::= "(" expr ")" | "[" list? "]"
expr ::= term ( [-+*] term )*
term ::= [0-9]{1,2} | "(" expr ")"
list ::= word ( ", " word ){0,3}
word ::= [a-z]{1,5}`;
  const reference = compileGbnf(gbnf);
  const compiled = await compiler.compileGrammar(gbnf);
  await property(compiled, 500, (text, seed) =>
    assert.ok(reference.accepts(text), `seed ${seed}: ${text}`),
  );
  compiled.dispose();
});
