// Tests of the reference GBNF recognizer against independent oracles: JavaScript's RegExp (for
// regular grammars, by exhaustive enumeration of short strings), JSON.parse (for a JSON grammar),
// and hand-derived facts about UTF-8 and llama.cpp's syntax.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileGbnf, GbnfError } from './gbnf-reference.mjs';

const enc = (s) => new TextEncoder().encode(s);

// Every string over `alphabet` of length <= maxLen.
function* strings(alphabet, maxLen) {
  yield '';
  let layer = [''];
  for (let n = 1; n <= maxLen; n++) {
    const next = [];
    for (const s of layer) for (const c of alphabet) next.push(s + c);
    yield* next;
    layer = next;
  }
}

// For a grammar with a finite language whose strings are all <= maxLen characters over
// `alphabet`: accepts() agrees with the regex on every string, and acceptsPrefix() holds exactly
// for the prefixes of accepted strings (checked byte by byte, so partial UTF-8 is covered too).
function checkFinite(gbnf, regex, alphabet, maxLen) {
  const g = compileGbnf(gbnf);
  const re = new RegExp(`^(?:${regex})$`, 'u');
  const language = [];
  for (const s of strings(alphabet, maxLen)) {
    assert.equal(g.accepts(s), re.test(s), `${gbnf} accepts ${JSON.stringify(s)}`);
    if (re.test(s)) language.push(enc(s));
  }
  const prefixes = new Set();
  for (const bytes of language) {
    for (let i = 0; i <= bytes.length; i++) prefixes.add(bytes.slice(0, i).join(','));
  }
  for (const s of strings(alphabet, maxLen)) {
    const bytes = enc(s);
    for (let i = 0; i <= bytes.length; i++) {
      const p = bytes.slice(0, i);
      assert.equal(
        g.acceptsPrefix(p),
        prefixes.has(p.join(',')),
        `${gbnf} acceptsPrefix [${p.join(',')}]`,
      );
    }
  }
}

test('literals, classes, alternation, groups and bounded repetition match RegExp exactly', () => {
  const ab = ['a', 'b', 'é', '€'];
  checkFinite('root ::= "ab" | "b"', 'ab|b', ab, 4);
  checkFinite('root ::= [ab]{2,3}', '[ab]{2,3}', ab, 4);
  checkFinite('root ::= [^a]{0,2} "a"', '[^a]{0,2}a', ab, 4);
  checkFinite('root ::= ("a" | "é"){1,2} "b"?', '(?:a|é){1,2}b?', ab, 4);
  checkFinite('root ::= "ab"{2}', '(?:ab){2}', ab, 5);
  checkFinite('root ::= x{1,3}\nx ::= "a" | "€b"', '(?:a|€b){1,3}', ab, 6);
  checkFinite('root ::= [a-b] [é-€]', '[a-b][é-€]', ab, 3);
  checkFinite('root ::= ""', '', ab, 2);
  checkFinite('root ::= "a"{0}', '', ab, 2);
  checkFinite('root ::= [\\u00e9] "\\x61"', 'éa', ab, 3);
});

test('unbounded repetition and recursion (left, right, nullable)', () => {
  const cases = [
    ['root ::= "a"* "b"', /^a*b$/u],
    ['root ::= ("ab")+', /^(?:ab)+$/u],
    ['root ::= x\nx ::= x "a" | "b"', /^ba*$/u], // left recursion
    ['root ::= x\nx ::= "a" x | "b"', /^a*b$/u], // right recursion
    ['root ::= e\ne ::= "(" e ")" e | ', null], // balanced parentheses
    ['root ::= n n n\nn ::= "a" | ', /^a{0,3}$/u], // nullable nonterminals
    ['root ::= x "b"\nx ::= y y\ny ::= "a"*', /^a*b$/u],
  ];
  const balanced = (s) => {
    let depth = 0;
    for (const c of s) {
      depth += c === '(' ? 1 : c === ')' ? -1 : 100;
      if (depth < 0 || depth >= 100) return false;
    }
    return depth === 0;
  };
  for (const [gbnf, re] of cases) {
    const g = compileGbnf(gbnf);
    const alphabet = re ? ['a', 'b'] : ['(', ')'];
    for (const s of strings(alphabet, 8)) {
      assert.equal(g.accepts(s), re ? re.test(s) : balanced(s), `${gbnf}: ${s}`);
    }
  }
  // Prefix viability of the balanced-parentheses language: no ')' before its '('.
  const g = compileGbnf('root ::= e\ne ::= "(" e ")" e | ');
  assert.equal(g.acceptsPrefix('(()'), true);
  assert.equal(g.acceptsPrefix('())'), false);
});

test('unproductive rules never make a prefix viable; an empty language accepts nothing', () => {
  const g = compileGbnf('root ::= "a" | "b" x\nx ::= "c" x');
  assert.equal(g.acceptsPrefix('a'), true);
  assert.equal(g.acceptsPrefix('b'), false);
  assert.equal(g.acceptsPrefix('bc'), false);
  assert.equal(g.accepts('a'), true);
  const empty = compileGbnf('root ::= x\nx ::= "a" x');
  assert.equal(empty.isEmpty(), true);
  assert.equal(empty.acceptsPrefix(''), false);
  assert.equal(empty.accepts(''), false);
  assert.equal(compileGbnf('root ::= [^\\x00-\\U0010FFFF] | "z"').acceptsPrefix(''), true);
  assert.equal(compileGbnf('root ::= [^\\x00-\\U0010FFFF]').isEmpty(), true);
});

test('UTF-8: partial characters, and invalid encodings are never prefixes', () => {
  const g = compileGbnf('root ::= [^a]*');
  assert.equal(g.acceptsPrefix([0xc3]), true); // start of é
  assert.equal(g.accepts([0xc3]), false);
  assert.equal(g.accepts([0xc3, 0xa9]), true);
  assert.equal(g.accepts([0xf0, 0x9f, 0x98, 0x80]), true); // U+1F600
  for (const bad of [
    [0x80], // stray continuation byte
    [0xc0], // overlong lead
    [0xc1, 0xbf],
    [0xe0, 0x80], // overlong 3-byte form
    [0xed, 0xa0], // surrogate U+D800..
    [0xf0, 0x80], // overlong 4-byte form
    [0xf4, 0x90], // above U+10FFFF
    [0xf5],
    [0xff],
    [0xc3, 0x41], // lead without continuation
  ]) {
    assert.equal(g.acceptsPrefix(bad), false, `bytes ${bad}`);
  }
  assert.equal(g.acceptsPrefix([0xed, 0x9f]), true); // U+D7C0..U+D7FF is fine
  assert.equal(g.acceptsPrefix([0xf4, 0x8f]), true);
  // A partial character is viable only if some completion is in an expected class.
  const ascii = compileGbnf('root ::= [a-z]+');
  assert.equal(ascii.acceptsPrefix([0xc3]), false);
  const accents = compileGbnf('root ::= [\\u00e0-\\u00ff]');
  assert.equal(accents.acceptsPrefix([0xc3]), true);
  assert.equal(accents.acceptsPrefix([0xc4]), false);
  assert.equal(accents.acceptsPrefix([0xc3, 0xa0]), true);
  const notAccent = compileGbnf('root ::= [^\\u00c0-\\u00ff]');
  assert.equal(notAccent.acceptsPrefix([0xc3]), false); // every C3 xx is in U+00C0..U+00FF
  assert.equal(notAccent.acceptsPrefix([0xc2]), true);
  // '.' matches any scalar value, newline included.
  assert.equal(compileGbnf('root ::= .').accepts('\n'), true);
  assert.equal(compileGbnf('root ::= .').accepts('\u{10ffff}'), true);
});

test('incremental states are immutable and can branch', () => {
  const g = compileGbnf('root ::= "ab" | "ac" | "a"');
  const a = g.start().feed('a');
  assert.equal(a.canEnd(), true);
  const ab = a.feed('b');
  const ac = a.feed('c');
  assert.equal(ab.canEnd(), true);
  assert.equal(ac.canEnd(), true);
  assert.equal(a.feed('d'), null);
  assert.equal(ab.feed('b'), null);
  assert.equal(a.canEnd(), true);
});

test("llama.cpp's syntax: comments, newlines, repetition scope, escapes, names", () => {
  const g = compileGbnf(
    [
      '# a comment line',
      'root ::= item-list  # trailing comment',
      'item-list ::= (',
      '    item',
      '    ("," item)*',
      '  )',
      'item ::= "x" |',
      '  [0-9]{2} | Under_score',
      'Under_score ::= "\\"\\\\\\[\\]\\-\\t\\r\\n"',
    ].join('\r\n'),
  );
  assert.equal(g.accepts('x,12,x'), true);
  assert.equal(g.accepts('"\\[]-\t\r\n'), true);
  assert.equal(g.accepts('x,1'), false);
  // A postfix operator applies to the whole preceding literal, group or repetition.
  assert.equal(compileGbnf('root ::= "ab"*').accepts('abab'), true);
  assert.equal(compileGbnf('root ::= "ab"*').accepts('abb'), false);
  assert.equal(compileGbnf('root ::= "a"{2}*').accepts('aaa'), false);
  assert.equal(compileGbnf('root ::= "a"{2}*').accepts('aaaa'), true);
  assert.equal(compileGbnf('root ::= "a"{ 1 , }').accepts('aaa'), true);
  // '-' is literal at the end of a class; a class may hold ']' only escaped.
  assert.equal(compileGbnf('root ::= [a-]').accepts('-'), true);
  assert.equal(compileGbnf('root ::= [\\]]').accepts(']'), true);
  assert.equal(compileGbnf('root ::= x\nx ::= "y"', { root: 'x' }).accepts('y'), true);
});

test('syntax errors and undefined rules name the position', () => {
  const cases = [
    ['root ::= "a', 9, /unterminated literal/],
    ['root := "a"', 5, /expecting '::='/],
    ['root ::= "a" )', 13, /expecting newline or end/],
    ['root ::= ("a"', 13, /expecting '\)'/],
    ['root ::= [a', 9, /unterminated character class/],
    ['root ::= x', 9, /undefined rule 'x'/],
    ['root ::= "\\q"', 10, /unknown escape/],
    ['root ::= "\\x4"', 12, /hex digits/],
    ['root ::= *', 9, /expecting an item/],
    ['root ::= "a"{3,2}', 12, /max < min/],
    ['root ::= "a"{2001}', 13, /exceeds 2000/],
    ['root ::= "a"{1 2}', 15, /expecting ','/],
    ['root ::= "a"\nroot ::= "b"', 13, /defined twice/],
    ['root ::= <[12]>', 9, /token references/],
    ['root ::= [b-a]', 10, /out of order/],
    ['root ::= "\\uD800"', 10, /not a Unicode scalar value/],
    ['root ::= "a"\n  "b"', 15, /expecting a rule name/],
    ['root ::= "a" []', 13, /empty character class/],
    ['root ::= [^]', 9, /empty character class/],
  ];
  for (const [text, position, message] of cases) {
    assert.throws(
      () => compileGbnf(text),
      (e) => e instanceof GbnfError && e.position === position && message.test(e.message),
      text,
    );
  }
  assert.throws(() => compileGbnf('x ::= "a"'), /no rule 'root'/);
});

test('a JSON grammar agrees with JSON.parse on valid, mutated and truncated texts', () => {
  const json = compileGbnf(String.raw`
root ::= ws value ws
value ::= object | array | string | number | "true" | "false" | "null"
object ::= "{" ws ( member ( ws "," ws member )* ws )? "}"
member ::= string ws ":" ws value
array ::= "[" ws ( value ( ws "," ws value )* ws )? "]"
string ::= "\"" ( [^"\\\x00-\x1f] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F]{4} ) )* "\""
number ::= "-"? ( "0" | [1-9] [0-9]* ) ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )?
ws ::= [ \t\n\r]*
`);
  let seed = 12345;
  const rand = (n) => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const samples = [
    '{"a": [1, -2.5e+3, true, null], "b": {"c": "d\\u00e9\\n"}}',
    '[]',
    ' "x" ',
    '0',
    '-0.0e0',
    '{"é€😀": [[], {}]}',
  ];
  const pieces = ['{', '}', '[', ']', ',', ':', '"', '\\', '0', '1', '-', '.', 'e', ' ', 'a', 'u'];
  for (let i = 0; i < 1500; i++) {
    let s = samples[rand(samples.length)];
    const edits = rand(4);
    for (let e = 0; e < edits; e++) {
      const at = rand(s.length + 1);
      s =
        rand(2) === 0
          ? s.slice(0, at) + pieces[rand(pieces.length)] + s.slice(at)
          : s.slice(0, at) + s.slice(at + 1);
    }
    let valid = true;
    try {
      JSON.parse(s);
    } catch {
      valid = false;
    }
    assert.equal(json.accepts(s), valid, JSON.stringify(s));
    if (valid) {
      // Every prefix of a valid text is viable, byte by byte.
      let state = json.start();
      for (const b of enc(s)) {
        state = state.feed([b]);
        assert.notEqual(state, null, JSON.stringify(s));
      }
    }
  }
});
