// Faults a demanding user of the structured-output API hit (session 6's breaker), each pinned by
// the test that failed before its fix: schema objects JSON.stringify would silently change, error
// messages that named the position twice, and real-world patterns with minLength/maxLength (an
// email pattern with maxLength 254) that were refused.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  LogitkitGrammarError,
  LogitkitStateError,
  LogitkitTypeError,
  load,
} from '../../dist/index.js';
import { rng } from './helpers.mjs';

const lk = await load();
// A byte vocabulary: token b is the byte b, token 256 the stop token.
const tokens = Array.from({ length: 256 }, (_, b) => new Uint8Array([b]));
tokens.push(new Uint8Array([0]));
const info = await lk.createTokenizerInfo({
  tokens,
  vocabType: 'raw',
  stopTokenIds: [256],
  specialTokenIds: [256],
});
const compiler = await lk.createGrammarCompiler(info);

/** Whether the grammar accepts exactly `text`, byte by byte, then the stop token. */
async function accepts(compiled, text) {
  const m = await lk.createGrammarMatcher(compiled);
  try {
    for (const b of new TextEncoder().encode(text)) if (!m.acceptToken(b)) return false;
    return m.acceptToken(256) && m.isTerminated();
  } finally {
    m.dispose();
  }
}

test('a schema value JSON.stringify would write as null is a TypeError naming its pointer', async () => {
  // Before: { enum: [NaN, 1] } compiled as { enum: [null, 1] } and the grammar allowed `null`.
  const cases = [
    [{ enum: [NaN, 1] }, /NaN at '\/enum\/0'/],
    [{ const: Infinity }, /Infinity at '\/const'/],
    [{ type: 'number', maximum: -Infinity }, /-Infinity at '\/maximum'/],
    [{ enum: ['a', undefined] }, /undefined at '\/enum\/1'/],
    [{ anyOf: [{ type: 'null' }, () => {}] }, /a function at '\/anyOf\/1'/],
    [{ properties: { 'a/b~': { const: NaN } } }, /NaN at '\/properties\/a~1b~0\/const'/],
    [NaN, /NaN at ''/],
  ];
  for (const [schema, pattern] of cases) {
    await assert.rejects(compiler.compileJSONSchema(schema), (error) => {
      assert.ok(error instanceof LogitkitTypeError, `${error?.name}: ${error?.message}`);
      assert.equal(error.argument, 'schema');
      assert.match(error.message, /^compileJSONSchema: schema must be JSON: /);
      assert.match(error.message, pattern);
      return true;
    });
  }
  // An undefined member is an absent keyword, as JSON.stringify has it; toJSON is honoured.
  const compiled = await compiler.compileJSONSchema({
    enum: ['x', { toJSON: () => 'y' }],
    default: undefined,
  });
  assert.equal(await accepts(compiled, '"y"'), true);
  assert.equal(await accepts(compiled, 'null'), false);
  compiled.dispose();
});

test('front-end errors name the position once; GBNF errors get it appended', async () => {
  const message = async (promise) => {
    try {
      await promise;
    } catch (error) {
      assert.ok(error instanceof LogitkitGrammarError, `${error?.name}: ${error?.message}`);
      return error;
    }
    assert.fail('compiled');
  };
  for (const [pattern, position] of [
    ['a**', 2],
    ['(?=a)', 0],
    ['[b-a]', 1],
    ['a^b', 1],
    ['a$b', 1],
  ]) {
    const error = await message(compiler.compileRegex(pattern));
    assert.equal(error.position, position);
    assert.equal(error.message.split(String(position)).length, 2, error.message);
    assert.match(error.message, new RegExp(`at position ${position} of the pattern`));
  }
  const json = await message(compiler.compileJSONSchema('{"type": '));
  assert.equal(json.position, 9);
  assert.equal(json.message.split('9').length, 2, json.message);
  const gbnf = await message(compiler.compileGrammar('root ::= "a'));
  assert.equal(gbnf.position, 11);
  assert.match(gbnf.message, /\(at 11\)$/);
  // A missing start rule has no position; the message says what the root is and how to change it.
  const rootless = await message(compiler.compileGrammar('r ::= "a"'));
  assert.doesNotMatch(rootless.message, /\(at |\(the root\)/);
  assert.match(rootless.message, /no rule named 'root', the rule it starts from \(.*root option\)/);
  // The compiler still works.
  const ok = await compiler.compileRegex('a+');
  assert.equal(await accepts(ok, 'aa'), true);
  ok.dispose();
});

test('a pattern with minLength/maxLength is exact for any pattern, within a budget', async () => {
  // Before, only a pattern implying its lengths or fixed text around one repeated class took
  // lengths: these (from real schemas, lengths shortened) were unsupported-feature errors.
  const cases = [
    ['^\\S+@\\S+$', 5, 8],
    ['^([A-Za-z0-9][A-Za-z0-9-._]*)?$', 0, 4],
    ['[a-zA-Z]{3}', 3, 3],
    ['^([a-z0-9-]+):([a-z0-9\\.-]+):([a-z0-9-]+)?:([a-z0-9-]+)$', 0, 7],
    ['^[^@^\\s]+@[^@^\\.^\\s]+(\\.[^@^\\.^\\s]*)*.gov.uk', 5, 14],
    ['^(ab|c)+$', 3, undefined],
    ['[0-9]*', 2, 3],
    ['x|^y', 2, 3],
    ['^x[é😀]{0,9}y$', 3, 4],
  ];
  const alphabet = [...'ab@:.govukcxyz09-_ éZ"\\\n', '😀'];
  const seeds = ['a@b.c', 'abc', 'a:b::c', 'x@y.gov.uk', 'abab', 'cc', '12', 'xé😀y', 'y'];
  const random = rng(615);
  for (const [pattern, minLength, maxLength] of cases) {
    const schema = { type: 'string', pattern, minLength, maxLength };
    const compiled = await compiler.compileJSONSchema(schema);
    const re = new RegExp(pattern, 'u');
    const valid = (s) => {
      const n = [...s].length;
      return re.test(s) && n >= minLength && (maxLength === undefined || n <= maxLength);
    };
    let accepted = 0;
    for (let i = 0; i < 400; ++i) {
      let s = random() < 0.5 ? seeds[Math.floor(random() * seeds.length)] : '';
      for (let n = Math.floor(random() * 6); n > 0; --n)
        s += alphabet[Math.floor(random() * alphabet.length)];
      const want = valid(s);
      accepted += want;
      assert.equal(await accepts(compiled, JSON.stringify(s)), want, `${pattern}: ${s}`);
    }
    assert.ok(accepted > 0, `${pattern}: no valid string tried`);
    compiled.dispose();
  }
  // No string of the pattern has a length in range: the schema admits no instance.
  await assert.rejects(
    compiler.compileJSONSchema({ type: 'string', pattern: '^(ab)*$', minLength: 3, maxLength: 3 }),
    (e) => e instanceof LogitkitGrammarError && e.code === 'unsatisfiable',
  );
  // Beyond the budget of (state, length) pairs: unsupported with strict, lengths left out without.
  const huge = { type: 'string', pattern: '^(a|b)*c$', maxLength: 100000 };
  await assert.rejects(
    compiler.compileJSONSchema(huge),
    (e) =>
      e instanceof LogitkitGrammarError &&
      e.code === 'unsupported-feature' &&
      e.pointer === '/pattern' &&
      /beyond the budget/.test(e.message),
  );
  const lax = await compiler.compileJSONSchema(huge, { strict: false });
  assert.ok(lax.warnings.some((w) => w.kind === 'ignored-validation'));
  assert.equal(await accepts(lax, '"abc"'), true);
  lax.dispose();
});

test('sampling under a disposed matcher names the sampling call, not a matcher method', async () => {
  // Before: "GrammarMatcher.isTerminated: used after dispose()", a call the user never made.
  const compiled = await compiler.compileRegex('ab');
  const m = await lk.createGrammarMatcher(compiled);
  const sampler = lk.createSampler({ seed: 1, grammar: m });
  const logits = lk.allocLogits(257);
  logits.array.fill(0);
  assert.equal(sampler.sample(logits).token, 97);
  m.dispose();
  assert.throws(
    () => sampler.sample(logits),
    (e) => {
      assert.ok(e instanceof LogitkitStateError, `${e?.name}: ${e?.message}`);
      assert.match(e.message, /^sampler\.sample: the grammar matcher was disposed/);
      return true;
    },
  );
  sampler.dispose();
  logits.dispose();
  compiled.dispose();
});
