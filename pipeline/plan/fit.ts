import { autofitDurations } from './autofit';
import { countWords, estimatePlan, wordBudget } from './estimates';
import { pacingFor } from './packs';
import type { PlanContext, Planner, SceneDraft } from './planner';
import type { Beat } from './templates';
import { validatePlan } from './validate';
import type { Estimates, Validation } from '../../db/json';

export interface FittedPlan {
  scenes: (SceneDraft & { isLocked: boolean })[];
  estimates: Estimates;
  validation: Validation;
  costMicros: number;
}

/**
 * Fits scene durations to the target (autofit) and, when narration is too long to fit, asks the
 * planner to shorten the offending unlocked scenes, up to three rounds. Then validates.
 */
export async function fitPlan(
  planner: Planner,
  ctx: PlanContext,
  beats: Beat[],
  drafts: SceneDraft[],
  locked: boolean[],
): Promise<FittedPlan> {
  const pacing = pacingFor(ctx.pack, ctx.targetLengthSec);
  let scenes = drafts.map((d, i) => ({ ...d, isLocked: locked[i] ?? false }));
  let costMicros = 0;
  for (let round = 0; round < 6; round++) {
    const fit = autofitDurations(scenes, pacing, ctx.targetLengthSec, ctx.tempo);
    scenes = scenes.map((s, i) => ({ ...s, durationTargetSec: fit.durations[i]! }));
    // Word limits for scenes that must get shorter: ones that cannot fit their longest allowed
    // duration, or, when the whole script runs long, the wordiest ones sharing the excess.
    const limits = new Map<number, number>();
    for (const idx of fit.tooLong) limits.set(idx, wordBudget(pacing.maxSceneSec, ctx.tempo));
    if (fit.overTarget && limits.size === 0) {
      const words = scenes.map((s) => countWords(s.narrationText));
      const excess = words.reduce((a, b) => a + b, 0) - wordBudget(ctx.targetLengthSec * 0.98, ctx.tempo);
      const wordiest = scenes.map((_, i) => i).filter((i) => !scenes[i]!.isLocked).sort((a, b) => words[b]! - words[a]!).slice(0, 1);
      for (const i of wordiest) limits.set(i, Math.max(4, words[i]! - Math.ceil(excess / wordiest.length)));
    }
    if (limits.size === 0 || round === 5) break;
    for (const [idx, maxWords] of limits) {
      const shorter = await planner.shorten(ctx, { scene: scenes[idx]!, idx, beat: beats[idx]!, maxWords });
      costMicros += shorter.costMicros;
      scenes[idx] = { ...shorter.value, durationTargetSec: scenes[idx]!.durationTargetSec, isLocked: false };
    }
  }
  return {
    scenes,
    estimates: estimatePlan(scenes, ctx.tempo),
    validation: validatePlan(scenes, ctx.pack, ctx.targetLengthSec, ctx.tempo),
    costMicros,
  };
}
