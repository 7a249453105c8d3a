// What the API mode says when a pasted body is not a response with logprobs: how to ask each
// provider for them, the API's own error message, and the shapes the page can read. The page has
// no provider option, so nothing here tells the user to "pass" one.
import { html } from './dom.js';

/** Each provider's name as the page shows it. Every value of logitkit/logprobs' PROVIDERS has one. */
export const PROVIDER_NAMES = {
  'openai-chat': 'OpenAI Chat Completions',
  'openai-completions': 'OpenAI Completions (legacy)',
  'openai-responses': 'OpenAI Responses',
  gemini: 'Google Gemini',
  ollama: 'Ollama',
  llamacpp: 'llama.cpp server',
  vllm: 'vLLM',
  sglang: 'SGLang /generate',
  tgi: 'Hugging Face TGI /generate',
  cohere: 'Cohere Chat v2',
};

/** How to request logprobs, per provider: the fields of the request body. */
export const REQUEST_LOGPROBS = {
  'openai-chat': '"logprobs": true, "top_logprobs": 5',
  'openai-completions': '"logprobs": 5',
  'openai-responses': '"include": ["message.output_text.logprobs"], "top_logprobs": 5',
  gemini: '"generationConfig": { "responseLogprobs": true, "logprobs": 5 }',
  ollama: '"logprobs": true, "top_logprobs": 5',
  llamacpp: '"n_probs": 5',
  vllm: '"logprobs": true, "top_logprobs": 5 (chat) or "logprobs": 5 (completions)',
  sglang: '"return_logprob": true, "top_logprobs_num": 5, "return_text_in_logprobs": true',
  tgi: '"parameters": { "details": true, "top_n_tokens": 5 }',
  cohere: '"logprobs": true',
};

/** The response layouts the page reads, as a learner would recognise them. */
export const KNOWN_SHAPES = [
  ['OpenAI Chat Completions (and vLLM)', 'choices[].logprobs.content[]'],
  ['OpenAI Completions (legacy)', 'choices[].logprobs.tokens / token_logprobs'],
  ['OpenAI Responses', 'output[].content[].logprobs'],
  ['Google Gemini', 'candidates[].logprobsResult'],
  ['Ollama', 'logprobs[] beside message / response'],
  ['llama.cpp server', 'completion_probabilities[]'],
  ['vLLM with prompt logprobs', 'choices[].prompt_logprobs'],
  ['SGLang /generate', 'meta_info.output_token_logprobs[]'],
  ['Hugging Face TGI /generate', "details.tokens[] (a stream: each event's token)"],
  ['Cohere Chat v2', 'logprobs[] of { token_ids, text, logprobs }'],
];

/** "This response has no logprobs", with the request fields for `provider` (a PROVIDER_NAMES key). */
export function noLogprobsMessage(provider, providerName) {
  return [
    html('strong', {}, `This ${providerName} response has no logprobs`),
    ': the API sends them only when the request asks. Add ',
    html('code', {}, REQUEST_LOGPROBS[provider]),
    ' to the request body and paste the new response.',
  ];
}

/** The message of an API error body ({"error": {"message": ...}} or {"error": "..."}), or null. */
export function apiErrorMessage(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  const error = body?.error;
  if (typeof error === 'string') return error;
  if (error && typeof error === 'object') {
    const parts = [error.message, error.status ?? error.type, error.code].filter(
      (part) => typeof part === 'string' || typeof part === 'number',
    );
    if (parts.length > 0) return parts.map(String).join(' — ');
  }
  return null;
}

/** A list of the known shapes, for a body that matches none. */
export function knownShapesList() {
  return html(
    'ul',
    { class: 'known-shapes' },
    KNOWN_SHAPES.map(([name, path]) => html('li', {}, `${name}: `, html('code', {}, path))),
  );
}
