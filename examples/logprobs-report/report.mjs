#!/usr/bin/env node
// Confidence report for a saved LLM API response with logprobs (any provider logitkit/logprobs
// reads: OpenAI, Gemini, Ollama, llama.cpp, vLLM, SGLang, TGI; plain JSON, chunk arrays, SSE or
// NDJSON).
//
//   node examples/logprobs-report/report.mjs examples/logprobs-report/sample-openai.json [threshold]
//
// `threshold` (default 0.5) is the token probability below which a word is flagged.
import { readFileSync } from 'node:fs';
import { parseLogprobs, confidenceSummary, LogprobsParseError } from 'logitkit/logprobs';

const [file, thresholdArg = '0.5'] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node report.mjs <response.json|.sse|.ndjson> [threshold]');
  process.exit(2);
}
const threshold = Number(thresholdArg);

let parsed;
try {
  parsed = parseLogprobs(readFileSync(file, 'utf8'));
} catch (error) {
  if (!(error instanceof LogprobsParseError)) throw error;
  console.error(`cannot read ${file}: ${error.message}`);
  process.exit(1);
}

const fixed = (x, digits = 3) => (x === null ? 'n/a' : x.toFixed(digits));
const quote = (s) => JSON.stringify(s);

console.log(`Confidence report: ${file}`);
console.log(`provider ${parsed.provider}, ${parsed.choices.length} choice(s)`);
for (const choice of parsed.choices) {
  const s = confidenceSummary(choice, { threshold });
  console.log('');
  console.log(
    `Choice ${choice.index}: ${s.tokenCount} tokens (${s.scoredCount} scored, ${s.belowTopNCount} below top-N, ${s.absentCount} absent)`,
  );
  console.log(`  text              ${quote(choice.text)}`);
  console.log(`  perplexity        ${fixed(s.perplexity)}`);
  console.log(`  mean logprob      ${fixed(s.meanLogprob)}`);
  console.log(`  sequence logprob  ${fixed(s.sequenceLogprob)}`);
  console.log(`  mean probability  ${fixed(s.meanProbability)}`);
  console.log(`  mean margin       ${fixed(s.meanMargin)}`);
  if (s.meanEntropy !== null) {
    console.log(
      `  mean entropy      ${fixed(s.meanEntropy.lower)} .. ${fixed(s.meanEntropy.upper)} nats (bounds, ${s.meanEntropy.positions} positions)`,
    );
  }
  if (s.lowest !== null)
    console.log(
      `  least likely      ${quote(s.lowest.token)} p=${fixed(s.lowest.probability)} (token ${s.lowest.index})`,
    );
  console.log(`  low-confidence spans (p < ${threshold}): ${s.lowConfidenceSpans.length}`);
  const lowest = [...s.lowConfidenceSpans]
    .sort((a, b) => (a.minProbability ?? 0) - (b.minProbability ?? 0))
    .slice(0, 10);
  for (const span of lowest) {
    console.log(
      `    ${quote(span.text).padEnd(16)} min p=${fixed(span.minProbability)}  joint p=${fixed(span.probability)}  chars ${span.start}-${span.end}`,
    );
  }
}
