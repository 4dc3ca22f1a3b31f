import type { Config } from '../../core/config';
import type { Db } from '../../db/client';
import { makeJsonChat } from '../providers/llm/jsonChat';
import { withPlanCache } from './cachedPlanner';
import { makeLlmPlanner } from './llmPlanner';
import { makeOfflinePlanner } from './offline/offlinePlanner';
import type { Planner } from './planner';

/** The planner the configuration asks for: OpenAI-compatible (cached) with a key, else offline. */
export function makePlanner(config: Config, db: Db): Planner {
  if (!config.openai.apiKey) return makeOfflinePlanner();
  const chat = makeJsonChat({
    apiKey: config.openai.apiKey,
    baseURL: config.openai.baseURL,
    model: config.openai.model,
    timeoutMs: config.openai.timeoutMs,
  });
  return withPlanCache(db, makeLlmPlanner(chat));
}
