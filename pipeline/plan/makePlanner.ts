import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import type { Db } from '../../db/client';
import { makeJsonChat } from '../providers/llm/jsonChat';
import { withPlanCache } from './cachedPlanner';
import { withOfflineFallback } from './fallbackPlanner';
import { makeLlmPlanner } from './llmPlanner';
import { makeOfflinePlanner } from './offline/offlinePlanner';
import type { Planner } from './planner';

/**
 * The planner the configuration asks for (PLANNER_ENGINE): an OpenAI-compatible chat model on its
 * own server — OpenAI, or a local one such as Ollama — with results cached and the offline
 * writer standing in when it fails; else offline.
 */
export function makePlanner(config: Config, db: Db, log?: Logger): Planner {
  const p = config.engines.planner;
  if (p.kind === 'offline') return makeOfflinePlanner();
  const chat = makeJsonChat({ apiKey: p.apiKey, baseURL: p.baseURL, model: p.model, timeoutMs: p.timeoutMs, log });
  return withOfflineFallback(withPlanCache(db, makeLlmPlanner(chat)), makeOfflinePlanner(), log);
}
