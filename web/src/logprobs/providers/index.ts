/** Registry of provider parsers by id. */
import { cohere } from './cohere.js';
import { gemini } from './gemini.js';
import { llamacpp } from './llamacpp.js';
import { ollama } from './ollama.js';
import { openaiChat, openaiCompletions } from './openai-choices.js';
import { openaiResponses } from './openai-responses.js';
import type { ProviderParser } from './provider.js';
import { sglang } from './sglang.js';
import { tgi } from './tgi.js';
import { vllm } from './vllm.js';
import type { ProviderId } from '../types.js';

export const PARSERS: Readonly<Record<ProviderId, ProviderParser>> = Object.freeze({
  'openai-chat': openaiChat,
  'openai-completions': openaiCompletions,
  'openai-responses': openaiResponses,
  gemini,
  ollama,
  llamacpp,
  vllm,
  sglang,
  tgi,
  cohere,
});
