import OpenAI from 'openai';
import type { ServerConfig } from '../../core/config';

/**
 * A client for one engine's OpenAI-compatible server. Local servers (Ollama, llama.cpp, LM Studio,
 * Kokoro-FastAPI) need no key: a placeholder is sent, which they ignore. One retry by default:
 * engines with an offline fallback should fall back quickly rather than keep a render waiting.
 */
export function makeOpenAIClient(server: ServerConfig, maxRetries = 1): OpenAI {
  return new OpenAI({ apiKey: server.apiKey ?? 'no-key', baseURL: server.baseURL, timeout: server.timeoutMs, maxRetries });
}
