// The grammar API's option objects and the schema argument, as users get them wrong: a misspelt
// option key (which would silently run with the default: stop tokens guessed, no budget, a matcher
// that waits for a stop token) and a schema object JSON cannot hold. Each is a LogitkitTypeError
// naming the argument, and the engine works normally afterwards.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LogitkitRangeError,
  LogitkitStateError,
  LogitkitTypeError,
  load,
} from '../../dist/index.js';

const lk = await load();
const tokens = ['a', 'b', '{', '}', '"', ':', '1', '</s>'];
const vocabulary = { tokens, vocabType: 'raw', stopTokenIds: [7], specialTokenIds: [7] };
const info = await lk.createTokenizerInfo(vocabulary);
const compiler = await lk.createGrammarCompiler(info);

async function rejectsNaming(promise, argument, pattern) {
  await assert.rejects(promise, (error) => {
    assert.ok(error instanceof LogitkitTypeError, `${error?.name}: ${error?.message}`);
    assert.ok(error instanceof TypeError);
    assert.equal(error.argument, argument);
    assert.match(error.message, pattern);
    return true;
  });
}

test('a misspelt option key of each grammar call is a TypeError listing the valid ones', async () => {
  const compiled = await compiler.compileRegex('a+');
  const cases = [
    [
      () => lk.createTokenizerInfo(vocabulary, { stopTokens: [7] }),
      'stopTokens',
      'vocabSize, stopTokenIds',
    ],
    [
      () => lk.createTokenizerInfo('{}', { vocab_size: 9 }),
      'vocab_size',
      'vocabSize, stopTokenIds',
    ],
    [() => lk.createGrammarCompiler(info, { timeout: 5 }), 'timeout', 'timeoutMs, maxStates'],
    [
      () => lk.createGrammarCompiler(info, { max_states: 99 }),
      'max_states',
      'timeoutMs, maxStates',
    ],
    [() => compiler.compileGrammar('root ::= "a"', { rootRule: 'x' }), 'rootRule', 'root'],
    [
      () => compiler.compileJSONSchema({}, { strictMode: false }),
      'strictMode',
      'whitespace, strict',
    ],
    [
      () => compiler.compileJSONSchema({}, { whiteSpace: 'compact' }),
      'whiteSpace',
      'whitespace, strict',
    ],
    [() => compiler.compileBuiltinJSONGrammar({ compact: true }), 'compact', 'whitespace'],
    [
      () => lk.createGrammarMatcher(compiled, { terminateWithoutStop: true }),
      'terminateWithoutStop',
      'terminateWithoutStopToken',
    ],
  ];
  for (const [call, key, valid] of cases)
    await rejectsNaming(
      call(),
      `options.${key}`,
      new RegExp(`unknown option "${key}"\\. Valid options: ${valid}$`),
    );
  // The valid spellings still work, and so does the engine.
  const m = await lk.createGrammarMatcher(compiled, { terminateWithoutStopToken: true });
  assert.equal(m.acceptToken(0), true);
  assert.equal(m.isTerminated(), true);
  m.dispose();
  compiled.dispose();
});

test('a misspelt field of a vocabulary object is a TypeError naming it', async () => {
  for (const key of ['stopTokens', 'special_token_ids', 'vocab_type'])
    await rejectsNaming(
      lk.createTokenizerInfo({ ...vocabulary, [key]: [1] }),
      key,
      new RegExp(`unknown vocabulary field "${key}"`),
    );
  await assert.rejects(
    lk.createTokenizerInfo({ ...vocabulary, tokens: [], stopTokenIds: [] }),
    (error) => error instanceof LogitkitRangeError && error.argument === 'tokens',
  );
});

test('a schema value JSON cannot hold is a TypeError naming schema, not a bare TypeError', async () => {
  const cyclic = { type: 'object', properties: {} };
  cyclic.properties.self = cyclic;
  await rejectsNaming(
    compiler.compileJSONSchema(cyclic),
    'schema',
    /^compileJSONSchema: schema must be JSON: .*circular/i,
  );
  await rejectsNaming(
    compiler.compileJSONSchema({ type: 'integer', maximum: 10n }),
    'schema',
    /schema must be JSON: .*BigInt/,
  );
  for (const value of [undefined, () => {}, Symbol('s')])
    await rejectsNaming(compiler.compileJSONSchema(value), 'schema', /schema must be JSON, got/);
  const compiled = await compiler.compileJSONSchema({
    type: 'object',
    properties: { a: { const: 1 } },
  });
  const m = await lk.createGrammarMatcher(compiled);
  assert.equal(m.acceptString('{"a":1}'), true);
  assert.equal(m.canTerminate(), true);
  m.dispose();
  compiled.dispose();
});

test('logits shorter than the grammar’s vocabulary are a RangeError naming logits', async () => {
  const compiled = await compiler.compileRegex('1');
  const matcher = await lk.createGrammarMatcher(compiled);
  const sampler = lk.createSampler({ seed: 1, grammar: matcher });
  // Token '1' is id 6 and the stop token id 7: a shorter row hides them from the mask.
  for (const call of [
    () => sampler.sample(new Float32Array(3)),
    () => sampler.sample(new Float32Array(tokens.length - 1)),
    () => lk.sample(new Float32Array(3), { grammar: matcher }),
  ])
    assert.throws(call, (error) => {
      assert.ok(error instanceof LogitkitRangeError, `${error?.name}: ${error?.message}`);
      assert.equal(error.argument, 'logits');
      assert.match(
        error.message,
        /logits has \d+ entries, fewer than the grammar's vocabulary of 8/,
      );
      return true;
    });
  // Nothing was drawn or accepted: a full row draws '1', and a longer (padded) one never draws
  // an id past the vocabulary.
  const padded = new Float32Array(tokens.length + 30);
  padded.fill(50, tokens.length);
  assert.equal(sampler.sample(padded).token, 6);
  assert.equal(sampler.sample(padded).token, 7);
  sampler.dispose();
  matcher.dispose();
  compiled.dispose();
});

test('a grammar that ends where the vocabulary has no stop token: a clear error, or terminateWithoutStopToken', async () => {
  const noStops = await lk.createTokenizerInfo({ tokens, vocabType: 'raw', stopTokenIds: [] });
  const compiled = await (await lk.createGrammarCompiler(noStops)).compileRegex('ab');
  const logits = new Float32Array(tokens.length);
  const matcher = await lk.createGrammarMatcher(compiled);
  const sampler = lk.createSampler({ seed: 1, grammar: matcher });
  assert.deepEqual([sampler.sample(logits).token, sampler.sample(logits).token], [0, 1]);
  assert.throws(
    () => sampler.sample(logits),
    (error) =>
      error instanceof LogitkitStateError &&
      /reached its end, and the vocabulary has no stop token/.test(error.message) &&
      /terminateWithoutStopToken/.test(error.message),
  );
  sampler.dispose();
  matcher.dispose();
  // With terminateWithoutStopToken the matcher ends with the text, and the loop with it.
  const ending = await lk.createGrammarMatcher(compiled, { terminateWithoutStopToken: true });
  const drawn = [];
  const endingSampler = lk.createSampler({ seed: 1, grammar: ending });
  while (!ending.isTerminated()) drawn.push(endingSampler.sample(logits).token);
  assert.deepEqual(drawn, [0, 1]);
  endingSampler.dispose();
  ending.dispose();
  compiled.dispose();
  noStops.dispose();
});

test('a timeout names the timeoutMs the caller gave, from the engine as from the front end', async () => {
  // The engine used to write the double as printed by to_string ("0.500000 ms"), and after a JSON
  // Schema's conversion it saw only the time left (so "1.000000 ms" for a 100 ms budget).
  const hurried = await lk.createGrammarCompiler(info, { timeoutMs: 0.5 });
  const large =
    'root ::= ' + Array.from({ length: 300 }, (_, i) => `"k${i}" [a-z]{0,40}`).join(' | ');
  await assert.rejects(hurried.compileGrammar(large), (error) => {
    assert.equal(error.code, 'timeout');
    assert.match(error.message, /compilation exceeded timeoutMs \(0\.5 ms\)/);
    return true;
  });
});

test('timeoutMs bounds a JSON Schema compilation, its anyOf expansion included', async () => {
  // anyOf over array/object, 12 levels deep: the conversion alone works for seconds before the
  // alternatives budget stops it. A deadline passed at the first clock reading ends it early.
  let schema = { type: 'integer' };
  for (let i = 0; i < 12; i++)
    schema = {
      anyOf: [
        { type: 'array', items: schema },
        { type: 'object', additionalProperties: schema },
      ],
    };
  const hurried = await lk.createGrammarCompiler(info, { timeoutMs: 1e-6 });
  await assert.rejects(hurried.compileJSONSchema(schema), (error) => {
    assert.equal(error.name, 'LogitkitGrammarError');
    assert.equal(error.code, 'timeout');
    assert.match(error.message, /exceeded timeoutMs/);
    return true;
  });
  const compiled = await compiler.compileJSONSchema({
    anyOf: [{ type: 'integer' }, { type: 'null' }],
  });
  const m = await lk.createGrammarMatcher(compiled);
  assert.equal(m.acceptString('null'), true);
  m.dispose();
  compiled.dispose();
});

test('acceptToken: an id past the vocabulary is refused, never wrapped to a 32-bit id', async () => {
  const compiled = await compiler.compileRegex('a');
  const m = await lk.createGrammarMatcher(compiled);
  // 2^32 would wrap to token 0 ('a'), which the grammar allows here.
  for (const id of [tokens.length, 2 ** 32, 2 ** 32 + 2, 2 ** 53]) {
    assert.equal(m.acceptToken(id), false, String(id));
    assert.equal(m.canTerminate(), false, String(id));
  }
  assert.throws(
    () => m.acceptToken('0'),
    (e) => e instanceof LogitkitTypeError && e.argument === 'id',
  );
  assert.throws(
    () => m.acceptToken(-1),
    (e) => e instanceof RangeError && e.argument === 'id',
  );
  assert.equal(m.acceptToken(0), true);
  assert.equal(m.canTerminate(), true);
  m.dispose();
  compiled.dispose();
});

test('a stop token id of 2^32 or more is refused, never wrapped to token 0', async () => {
  for (const make of [
    () =>
      lk.createTokenizerInfo({ tokens: ['a', 'b'], vocabType: 'raw', stopTokenIds: [1, 2 ** 32] }),
    () =>
      lk.createTokenizerInfo(
        { tokens: ['a', 'b'], vocabType: 'raw', stopTokenIds: [] },
        { stopTokenIds: [2 ** 32] },
      ),
  ])
    await assert.rejects(
      make(),
      (e) => e instanceof RangeError && /stop token id 4294967296/.test(e.message),
    );
  const ok = await lk.createTokenizerInfo({
    tokens: ['a', 'b'],
    vocabType: 'raw',
    stopTokenIds: [1],
  });
  assert.deepEqual([ok.tokenKind(0), ok.tokenKind(1)], ['normal', 'stop']);
  ok.dispose();
});
