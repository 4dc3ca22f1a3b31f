import type { Logger } from '../../core/logger';
import { UserError } from '../../core/errors';
import type { Planner, Priced } from './planner';

/** What the AI planner's failures say, turned into the warning a plan shows. */
const REASONS: Record<string, string> = {
  llm_timeout: 'did not answer in time',
  llm_unreachable: 'could not be reached',
  llm_rate_limited: 'was busy (rate limited)',
  llm_error: 'failed',
  llm_invalid: 'returned unusable answers twice',
  llm_auth: 'refused the key (the bot owner should check PLANNER_API_KEY)',
};

/**
 * Wraps the AI planner so a chat is never left without a draft: when a call still fails after
 * the client's own retries and one repair round, the same step is written by the offline planner
 * and the result carries a warning the plan shows ("Written offline: …"). The failure itself was
 * logged by the client; this logs the fallback once.
 */
export function withOfflineFallback(primary: Planner, offline: Planner, log?: Logger): Planner {
  async function call<T>(method: string, projectId: string | undefined, ai: () => Promise<Priced<T>>, local: () => Promise<Priced<T>>): Promise<Priced<T>> {
    try {
      return await ai();
    } catch (err) {
      if (!(err instanceof UserError) || !(err.code in REASONS)) throw err;
      log?.warn({ projectId, engine: 'planner', call: method, code: err.code, to: 'offline' }, 'planner fell back to the offline writer');
      const r = await local();
      return { ...r, fellBack: `Written offline: the AI planner ${REASONS[err.code]}. Press New script (or New hooks) to ask it again.` };
    }
  }
  return {
    id: primary.id,
    hooks: (ctx) => call('hooks', ctx.projectId, () => primary.hooks(ctx), () => offline.hooks(ctx)),
    outline: (ctx, hook, beats) => call('outline', ctx.projectId, () => primary.outline(ctx, hook, beats), () => offline.outline(ctx, hook, beats)),
    scenes: (ctx, req) => call('scenes', ctx.projectId, () => primary.scenes(ctx, req), () => offline.scenes(ctx, req)),
    scene: (ctx, req) => call('scene', ctx.projectId, () => primary.scene(ctx, req), () => offline.scene(ctx, req)),
    shorten: (ctx, req) => call('shorten', ctx.projectId, () => primary.shorten(ctx, req), () => offline.shorten(ctx, req)),
  };
}
