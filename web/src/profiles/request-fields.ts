/**
 * OpenAI request-body fields that never change the next-token distribution, as the API reference
 * of Chat Completions, Completions and Responses defines them: the conversation and its template,
 * lengths and stopping, streaming, tools, storage, routing and billing, reasoning effort (which
 * model runs, not how a step samples), and output modalities. Every OpenAI-compatible server
 * (llama.cpp's, vLLM's) accepts them in the same body, so each profile lists them in `ignored`.
 *
 * Fields a profile reads or refuses are not here: the sampling fields, `logprobs` /
 * `top_logprobs`, `response_format` and the Responses API's `text` (structured outputs), and `n`,
 * `echo`, `best_of`, `suffix`, which some servers refuse.
 */
export const OPENAI_REQUEST_FIELDS: readonly string[] = [
  // Chat Completions
  'model',
  'messages',
  'stream',
  'stream_options',
  'stop',
  'max_tokens',
  'max_completion_tokens',
  'user',
  'metadata',
  'store',
  'service_tier',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'functions',
  'function_call',
  'modalities',
  'audio',
  'prediction',
  'reasoning_effort',
  'verbosity',
  'web_search_options',
  'safety_identifier',
  'prompt_cache_key',
  'prompt_cache_retention',
  // Responses
  'input',
  'instructions',
  'max_output_tokens',
  'max_tool_calls',
  'previous_response_id',
  'conversation',
  'include',
  'truncation',
  'background',
  'reasoning',
];

/** Whether a `response_format` (or a Responses `text.format`) is plain text, `{ "type": "text" }`. */
export function isTextFormat(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as { type?: unknown }).type === 'text'
  );
}
