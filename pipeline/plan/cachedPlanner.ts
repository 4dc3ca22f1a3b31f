import { z } from 'zod';
import type { Db } from '../../db/client';
import { cacheKey, getCached, putCached } from '../../db/repos/cache';
import type { PlanContext, Planner, Priced } from './planner';

const anyJson = z.unknown();

/** The parts of a context that shape a result (the pack by id: its content is versioned with prompts). */
const contextKey = ({ projectId: _projectId, ...ctx }: PlanContext) => ({ ...ctx, pack: ctx.pack.id });

/**
 * Wraps a planner so every result is stored in Cache (kind `llm`) under a hash of the planner id
 * (provider, model, prompt version), the method and all inputs. A repeat costs nothing and makes
 * no request.
 */
export function withPlanCache(db: Db, inner: Planner): Planner {
  async function cached<T>(method: string, ctx: PlanContext, args: unknown, call: () => Promise<Priced<T>>): Promise<Priced<T>> {
    const key = cacheKey('llm', { planner: inner.id, method, ctx: contextKey(ctx), args });
    const hit = await getCached(db, key, anyJson);
    if (hit) return { value: hit.result as T, costMicros: 0, cached: true };
    const fresh = await call();
    await putCached(db, 'llm', key, fresh.value);
    return fresh;
  }
  return {
    id: inner.id,
    hooks: (ctx) => cached('hooks', ctx, null, () => inner.hooks(ctx)),
    outline: (ctx, hook, beats) => cached('outline', ctx, { hook, beats }, () => inner.outline(ctx, hook, beats)),
    scenes: (ctx, req) => cached('scenes', ctx, req, () => inner.scenes(ctx, req)),
    scene: (ctx, req) => cached('scene', ctx, req, () => inner.scene(ctx, req)),
    shorten: (ctx, req) => cached('shorten', ctx, req, () => inner.shorten(ctx, req)),
  };
}
