// Benchmark of logitkit/logprobs on a synthetic 10,000-token OpenAI Chat Completions response
// with 20 top alternatives per token (about 17 MB of JSON text, bytes arrays included). Each step runs `repeats` times;
// the median is reported in microseconds.
//
//   node bench/logprobs-bench.mjs          prints a table
//   import { benchLogprobs } from './bench/logprobs-bench.mjs'   returns [{ name, microseconds }]
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import {
  parseLogprobs,
  sequenceLogprob,
  meanLogprob,
  perplexity,
  tokenProbabilities,
  margin,
  entropyEstimate,
  lowConfidenceSpans,
  classifyLabels,
  confidenceSummary,
} from '../dist/logprobs/index.js';

const WORDS = [
  ' the',
  ' model',
  ' token',
  ' probability',
  ' is',
  ' a',
  ' word',
  ',',
  '.',
  ' con',
  'fidence',
  ' über',
  ' 日本',
  ' emoji',
];

/** A deterministic OpenAI chat response (JSON text) with `tokens` tokens and `alternatives` alternatives each. */
export function syntheticOpenAIResponse(tokens = 10_000, alternatives = 20) {
  let state = 0x2545f491;
  const random = () => (state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const content = [];
  for (let i = 0; i < tokens; i++) {
    // Alternatives: a descending set of probabilities summing to < 1; the chosen one is among them.
    let rest = 1;
    const top = [];
    for (let k = 0; k < alternatives; k++) {
      const p = rest * (0.3 + 0.6 * random());
      rest -= p;
      const token = WORDS[(i + k) % WORDS.length] + (k === 0 ? '' : String(k));
      top.push({ token, logprob: Math.log(p), bytes: [...Buffer.from(token)] });
    }
    const chosen = top[Math.floor(random() * random() * 3)];
    content.push({
      token: chosen.token,
      logprob: chosen.logprob,
      bytes: chosen.bytes,
      top_logprobs: top,
    });
  }
  return JSON.stringify({
    id: 'chatcmpl-bench',
    object: 'chat.completion',
    created: 0,
    model: 'bench',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: '' },
        logprobs: { content, refusal: null },
        finish_reason: 'length',
      },
    ],
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function time(name, repeats, fn) {
  fn(); // warm-up
  const samples = [];
  for (let r = 0; r < repeats; r++) {
    const start = performance.now();
    fn();
    samples.push((performance.now() - start) * 1000);
  }
  return { name, microseconds: Math.round(median(samples)) };
}

/**
 * Times parsing and every analysis function; returns `[{ name, microseconds }]` (medians).
 * Options exist so tests can run a small instance; the defaults are the documented benchmark.
 */
export async function benchLogprobs({ tokens = 10_000, alternatives = 20, repeats = 15 } = {}) {
  const text = syntheticOpenAIResponse(tokens, alternatives);
  const object = JSON.parse(text);
  const choice = parseLogprobs(text).choices[0];
  const all = choice.tokens;
  return [
    time(`JSON.parse alone (baseline, ${(text.length / 1e6).toFixed(1)} MB)`, repeats, () =>
      JSON.parse(text),
    ),
    time('parseLogprobs(JSON text)', repeats, () => parseLogprobs(text)),
    time('parseLogprobs(parsed object)', repeats, () => parseLogprobs(object)),
    time('sequenceLogprob', repeats, () => sequenceLogprob(choice)),
    time('meanLogprob', repeats, () => meanLogprob(choice)),
    time('perplexity', repeats, () => perplexity(choice)),
    time('tokenProbabilities', repeats, () => tokenProbabilities(choice)),
    time('margin (every token)', repeats, () => all.forEach((t) => margin(t))),
    time('entropyEstimate (every token)', repeats, () => all.forEach((t) => entropyEstimate(t))),
    time('lowConfidenceSpans(0.5)', repeats, () => lowConfidenceSpans(choice, 0.5)),
    time('classifyLabels (first token)', repeats, () =>
      classifyLabels(choice, [' the', ' model', ' token']),
    ),
    time('confidenceSummary', repeats, () => confidenceSummary(choice)),
  ];
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchLogprobs();
  const width = Math.max(...rows.map((r) => r.name.length));
  console.log(
    `logitkit/logprobs, 10,000 tokens x 20 alternatives, median of 15 (Node ${process.versions.node})`,
  );
  for (const { name, microseconds } of rows)
    console.log(`${name.padEnd(width)}  ${String(microseconds).padStart(9)} µs`);
}
