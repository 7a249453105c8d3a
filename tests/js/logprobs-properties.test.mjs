// Property tests (fast-check): untrusted input only ever raises the typed error, and the analysis
// invariants hold, including the entropy bounds against brute-force distributions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import fc from 'fast-check';
import './property-seed.mjs';
import {
  parseLogprobs,
  LogprobsParseError,
  PROVIDERS,
  perplexity,
  sequenceLogprob,
  tokenProbabilities,
  entropyEstimate,
  classifyLabels,
  lowConfidenceSpans,
  decodeTokens,
  margin,
} from '../../dist/logprobs/index.js';

const fixtureDir = new URL('../fixtures/logprobs/', import.meta.url);
const fixtures = readdirSync(fixtureDir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(new URL(f, fixtureDir), 'utf8')));

/** Runs parseLogprobs; any exception other than LogprobsParseError fails the property. */
function parsesOrThrowsTyped(input, options) {
  try {
    parseLogprobs(input, options);
  } catch (error) {
    if (!(error instanceof LogprobsParseError))
      throw new Error(`untyped exception: ${error?.stack ?? error}`);
    assert.equal(typeof error.path, 'string');
  }
}

test('arbitrary JSON values never raise an untyped exception (detected and with every provider)', () => {
  fc.assert(
    fc.property(fc.jsonValue(), fc.constantFrom(undefined, ...PROVIDERS), (value, provider) => {
      const options = provider === undefined ? undefined : { provider };
      parsesOrThrowsTyped(value, options);
      parsesOrThrowsTyped(JSON.stringify(value) ?? 'null', options);
      parsesOrThrowsTyped([value, value], options);
    }),
    { numRuns: 1500 },
  );
});

test('arbitrary strings (plain, SSE-looking, NDJSON-looking) never raise an untyped exception', () => {
  fc.assert(
    fc.property(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('', 'data: ', '{', '[', 'data: {"choices":', '{"a":1}\n'),
      (s, prefix) => {
        parsesOrThrowsTyped(prefix + s);
      },
    ),
    { numRuns: 1500 },
  );
});

/** Every path to a value inside `value`, as arrays of keys. */
function allPaths(value, prefix = [], out = []) {
  out.push(prefix);
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) allPaths(value[key], [...prefix, key], out);
  }
  return out;
}
function replaced(value, path, replacement) {
  if (path.length === 0) return replacement;
  const copy = Array.isArray(value) ? [...value] : { ...value };
  copy[path[0]] = replaced(value[path[0]], path.slice(1), replacement);
  return copy;
}

test('realistic fixtures with one value replaced by arbitrary JSON raise only the typed error', () => {
  const targets = fixtures.flatMap((fixture) => allPaths(fixture).map((path) => [fixture, path]));
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: targets.length - 1 }),
      fc.jsonValue({ maxDepth: 2 }),
      fc.constantFrom(undefined, ...PROVIDERS),
      (i, replacement, provider) => {
        const [fixture, path] = targets[i];
        parsesOrThrowsTyped(
          replaced(fixture, path, replacement),
          provider === undefined ? undefined : { provider },
        );
      },
    ),
    { numRuns: 3000 },
  );
});

const logprob = fc.oneof(
  fc.double({ max: 0, noNaN: true }),
  fc.constant(null),
  fc.constant(-9999),
  fc.constant(-Infinity),
);

test('perplexity >= 1 and probabilities in [0, 1] for valid logprobs', () => {
  fc.assert(
    fc.property(fc.array(logprob, { maxLength: 50 }), (lps) => {
      const ppl = perplexity(lps);
      if (ppl !== null) assert.ok(ppl >= 1, `perplexity ${ppl}`);
      const sum = sequenceLogprob(lps);
      if (sum !== null) assert.ok(sum <= 0);
      for (const p of tokenProbabilities(lps))
        if (p !== null) assert.ok(p >= 0 && p <= 1, `p ${p}`);
    }),
  );
});

/** A random distribution over V tokens, its top-N list and a chosen token, as a normalised token. */
const scenario = fc
  .record({
    weights: fc.array(fc.double({ min: 1e-6, max: 1, noNaN: true }), {
      minLength: 1,
      maxLength: 12,
    }),
    n: fc.integer({ min: 0, max: 12 }),
    chosen: fc.nat(),
  })
  .map(({ weights, n, chosen }) => {
    const total = weights.reduce((a, b) => a + b, 0);
    const p = weights.map((w) => w / total).sort((a, b) => b - a);
    const top = p.slice(0, Math.min(n, p.length));
    const c = chosen % p.length;
    const trueEntropy = -p.reduce((h, q) => h + q * Math.log(q), 0);
    const token = {
      token: `t${c}`,
      logprob: Math.log(p[c]),
      belowTopN: false,
      offset: 0,
      topLogprobs: top.map((q, i) => ({ token: `t${i}`, logprob: Math.log(q), belowTopN: false })),
    };
    return { p, token, trueEntropy };
  });

test('entropy bounds contain the entropy of brute-force distributions, and lower <= upper', () => {
  fc.assert(
    fc.property(scenario, ({ p, token, trueEntropy }) => {
      const e = entropyEstimate(token, { vocabSize: p.length });
      assert.ok(e.lower <= e.upper + 1e-12, `lower ${e.lower} > upper ${e.upper}`);
      assert.ok(e.lower <= trueEntropy + 1e-9, `lower ${e.lower} > H ${trueEntropy}`);
      assert.ok(trueEntropy <= e.upper + 1e-9, `H ${trueEntropy} > upper ${e.upper}`);
      // A larger vocabulary only widens the bounds.
      const wider = entropyEstimate(token, { vocabSize: p.length + 1000 });
      assert.ok(wider.upper >= e.upper - 1e-12 && wider.lower <= e.lower + 1e-12);
      const m = margin(token);
      if (m !== null) assert.ok(m >= 0 && m <= 1);
    }),
    { numRuns: 500 },
  );
});

test('entropy bounds are tight: the extremal tails reach them', () => {
  // Listed top-2 = [0.4, 0.2]; tail m = 0.4 with cap 0.2, V = 12 (K = 10 unseen).
  const token = {
    token: 'a',
    logprob: Math.log(0.4),
    belowTopN: false,
    topLogprobs: [
      { token: 'a', logprob: Math.log(0.4), belowTopN: false },
      { token: 'b', logprob: Math.log(0.2), belowTopN: false },
    ],
  };
  const H = (ps) => -ps.reduce((h, q) => h + (q > 0 ? q * Math.log(q) : 0), 0);
  const e = entropyEstimate(token, { vocabSize: 12 });
  assert.ok(Math.abs(e.lower - H([0.4, 0.2, 0.2, 0.2])) < 1e-12); // tail packed: two tokens at the cap
  assert.ok(Math.abs(e.upper - H([0.4, 0.2, ...Array(10).fill(0.04)])) < 1e-12); // tail spread evenly
});

test('classification probabilities are in [0, 1] and sum to 1 when anything matched', () => {
  fc.assert(
    fc.property(
      scenario,
      fc.uniqueArray(fc.constantFrom('t0', 't1', 't2', 't3', 'x'), { minLength: 1 }),
      ({ token }, labels) => {
        const result = classifyLabels(token, labels);
        const total = result.probabilities.reduce((a, b) => a + b.probability, 0);
        for (const { probability } of result.probabilities)
          assert.ok(probability >= 0 && probability <= 1);
        if (result.coverage > 0) assert.ok(Math.abs(total - 1) < 1e-9);
        assert.equal(result.abstained, result.label === null);
      },
    ),
  );
});

const wellFormed = fc.string({ unit: 'binary', maxLength: 30 }).filter((s) => s.isWellFormed());

test('text rebuilt from arbitrary byte splits equals the original string; offsets and ends are ordered', () => {
  fc.assert(
    fc.property(wellFormed, fc.array(fc.nat(), { maxLength: 10 }), (s, cuts) => {
      const bytes = [...Buffer.from(s, 'utf8')];
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const bounds = [0, ...points, bytes.length];
      const tokens = [];
      for (let i = 0; i + 1 < bounds.length; i++) {
        tokens.push({
          token: '?',
          bytes: bytes.slice(bounds[i], bounds[i + 1]),
          logprob: -1,
          belowTopN: false,
          topLogprobs: [],
          offset: 0,
        });
      }
      const { text, offsets, ends } = decodeTokens(tokens);
      assert.equal(text, s);
      for (let i = 0; i < tokens.length; i++) {
        assert.ok(offsets[i] <= ends[i] && ends[i] <= text.length);
        if (i > 0) assert.ok(offsets[i - 1] <= offsets[i]);
      }
      // Spans lie in the text, in order, without overlap.
      const spans = lowConfidenceSpans(tokens, 0.5);
      for (let i = 0; i < spans.length; i++) {
        assert.ok(spans[i].start <= spans[i].end && spans[i].end <= text.length);
        if (i > 0) assert.ok(spans[i - 1].tokenEnd <= spans[i].tokenStart);
      }
    }),
    { numRuns: 500 },
  );
});

/** A token sequence with many repeats: few distinct texts and logprobs. */
const repetitiveTokens = fc.array(
  fc.record({
    token: fc.constantFrom('a', 'b', ' ', '\n', 'ha'),
    logprob: fc.constantFrom(0, -0.5, -Infinity),
  }),
  { minLength: 1, maxLength: 12 },
);
/** Cut points splitting n tokens into chunks of at least one token. */
const chunking = (n) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: Math.max(1, n - 1) }), { maxLength: n - 1 })
    .map((cuts) => [0, ...cuts.filter((c) => c < n).sort((a, b) => a - b), n]);
const pieces = (tokens, bounds) => bounds.slice(1).map((end, i) => tokens.slice(bounds[i], end));
const spell = (tokens) => tokens.map((t) => t.token).join('');

test('streams merge to the tokens of the whole response, however chunked, with or without a repeating final event', () => {
  const sample = repetitiveTokens.chain((tokens) =>
    fc.tuple(fc.constant(tokens), chunking(tokens.length), fc.boolean(), fc.boolean()),
  );
  fc.assert(
    fc.property(sample, ([tokens, bounds, repeatAll, withCount]) => {
      const parts = pieces(tokens, bounds);
      const entry = (t) => ({ token: t.token, logprob: t.logprob, top_logprobs: [] });
      const expected = tokens.map((t) => [t.token, t.logprob]);
      const read = (input) =>
        parseLogprobs(input).choices[0].tokens.map((t) => [t.token, t.logprob]);
      let done = 0;
      // llama.cpp: partials, then a final stop event (the old format repeats every entry).
      const llama = parts.map((part) => {
        done += part.length;
        return {
          content: spell(part),
          stop: false,
          ...(withCount ? { tokens_predicted: done } : {}),
          completion_probabilities: part.map(entry),
        };
      });
      llama.push({
        content: '',
        stop: true,
        tokens_predicted: tokens.length,
        ...(repeatAll ? { completion_probabilities: tokens.map(entry) } : {}),
      });
      assert.deepEqual(read(llama), expected);
      // SGLang: cumulative or incremental lists, placed by completion_tokens.
      done = 0;
      const sglang = parts.map((part) => {
        done += part.length;
        const list = (repeatAll ? tokens.slice(0, done) : part).map((t, i) => [
          t.logprob,
          i,
          t.token,
        ]);
        return {
          text: '',
          meta_info: { id: 'r', output_token_logprobs: list, completion_tokens: done },
        };
      });
      assert.deepEqual(read(sglang), expected);
      // OpenAI chat: the last chunk carries finish_reason and either its own tokens or all of them.
      const chat = parts.map((part, i) => {
        const last = i === parts.length - 1;
        const own = !(last && repeatAll);
        return {
          object: 'chat.completion.chunk',
          choices: [
            {
              index: 0,
              delta: own ? { content: spell(part) } : {},
              logprobs: { content: (own ? part : tokens).map(entry) },
              finish_reason: last ? 'stop' : null,
            },
          ],
        };
      });
      assert.deepEqual(read(chat), expected);
    }),
    { numRuns: 400 },
  );
});

test("OpenAI's escaped tokens: literal text and \\xNN escapes of high bytes decode to their bytes", () => {
  const literal = fc.string({ maxLength: 4 }).filter((s) => !s.includes('\\'));
  const segment = fc.oneof(
    literal.map((text) => ({ text, bytes: [...Buffer.from(text, 'utf8')] })),
    fc.integer({ min: 0x80, max: 0xff }).chain((byte) =>
      fc.boolean().map((upper) => {
        const hex = byte.toString(16);
        return { text: `\\x${upper ? hex.toUpperCase() : hex}`, bytes: [byte] };
      }),
    ),
  );
  fc.assert(
    fc.property(
      fc.array(segment, { minLength: 1, maxLength: 6 }),
      fc.boolean(),
      (segments, prefix) => {
        const escaped = segments.map((s) => s.text).join('');
        const bytes = segments.flatMap((s) => s.bytes);
        const hasEscape = segments.some((s) => s.text.startsWith('\\x'));
        const token = (prefix ? 'bytes:' : '') + escaped;
        const response = {
          object: 'text_completion',
          choices: [{ index: 0, logprobs: { tokens: [token], token_logprobs: [-1] } }],
        };
        const [read] = parseLogprobs(response).choices[0].tokens;
        if (hasEscape) assert.deepEqual(read.bytes, bytes);
        else assert.equal(read.bytes, undefined);
      },
    ),
    { numRuns: 500 },
  );
});

test('Cohere items and vLLM token-id placeholders: ids, logprobs and text survive any split', () => {
  // One text chunk: its token ids (1..3 of them), their logprobs, and its text (or none).
  const item = fc.record({
    ids: fc.array(fc.nat({ max: 200000 }), { minLength: 1, maxLength: 3 }),
    text: fc.option(fc.string({ maxLength: 4 }), { nil: undefined }),
    logprob: fc.double({ min: -30, max: 0, noNaN: true }),
  });
  fc.assert(
    fc.property(fc.array(item, { maxLength: 8 }), fc.boolean(), (items, streamed) => {
      const cohereItems = items.map((it) => ({
        token_ids: it.ids,
        ...(it.text === undefined ? {} : { text: it.text }),
        logprobs: it.ids.map(() => it.logprob),
      }));
      const message = { role: 'assistant', content: [{ type: 'text', text: '' }] };
      const input = streamed
        ? [{ type: 'message-start', id: 'c' }].concat(
            cohereItems.map((logprobs) => ({ type: 'content-delta', index: 0, logprobs })),
          )
        : [{ id: 'c', finish_reason: 'COMPLETE', message, logprobs: cohereItems }];
      const parsed = parseLogprobs(input);
      assert.equal(parsed.provider, 'cohere');
      const [choice] = parsed.choices;
      const ids = items.flatMap((it) => it.ids);
      assert.deepEqual(
        choice.tokens.map((t) => t.id),
        ids,
      );
      assert.equal(choice.text, items.map((it) => it.text ?? '').join(''));
      assert.deepEqual(
        choice.tokens.map((t) => t.textUnknown === true),
        items.flatMap((it) => it.ids.map(() => it.text === undefined)),
      );
      // The same tokens from vLLM with --return-tokens-as-token-ids: chat (bytes) and legacy.
      const bytes = (it, i) =>
        i === it.ids.length - 1 ? [...Buffer.from(it.text ?? '', 'utf8')] : [];
      const chat = {
        object: 'chat.completion',
        choices: [
          {
            index: 0,
            logprobs: {
              content: items.flatMap((it) =>
                it.ids.map((id, i) => ({
                  token: `token_id:${id}`,
                  bytes: bytes(it, i),
                  logprob: it.logprob,
                  top_logprobs: [],
                })),
              ),
            },
          },
        ],
      };
      const [fromChat] = parseLogprobs(chat).choices;
      assert.deepEqual(
        fromChat.tokens.map((t) => t.id),
        ids,
      );
      assert.equal(fromChat.text, choice.text);
      assert.equal(sequenceLogprob(fromChat), sequenceLogprob(choice));
      const legacy = {
        object: 'text_completion',
        choices: [
          {
            index: 0,
            logprobs: {
              tokens: ids.map((id) => `token_id:${id}`),
              token_logprobs: items.flatMap((it) => it.ids.map(() => it.logprob)),
            },
          },
        ],
      };
      const [fromLegacy] = parseLogprobs(legacy).choices;
      assert.deepEqual(
        fromLegacy.tokens.map((t) => [t.id, t.token, t.textUnknown]),
        ids.map((id) => [id, '', true]),
      );
      assert.equal(fromLegacy.text, '');
    }),
    { numRuns: 300 },
  );
});
