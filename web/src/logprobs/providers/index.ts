/** Registry of provider parsers by id. */
import { gemini } from './gemini.js';
import { llamacpp } from './llamacpp.js';
import { ollama } from './ollama.js';
import { openaiChat } from './openai-chat.js';
import { openaiCompletions } from './openai-completions.js';
import { openaiResponses } from './openai-responses.js';
import type { ProviderParser } from './provider.js';
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
});
