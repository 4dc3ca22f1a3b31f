import { speechSeconds } from './estimates';
import type { ScenePacing } from './packs';

export interface FitScene {
  narrationText: string;
  durationTargetSec: number;
  isLocked: boolean;
}

export interface FitResult {
  durations: number[];
  /** Scenes whose narration cannot fit even at the longest allowed duration: shorten these. */
  tooLong: number[];
  /** The narration as a whole is longer than the target (3% grace). */
  overTarget: boolean;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * Rescales unlocked scenes' durations so the video hits the target: each scene first gets what
 * its narration needs (plus a breath), then the remainder is shared out within the pack's
 * min/max seconds. Locked scenes keep their durations. Pure; the caller decides what to shorten.
 */
export function autofitDurations(scenes: FitScene[], pacing: ScenePacing, targetLengthSec: number, tempo: string): FitResult {
  const need = scenes.map((s) => speechSeconds(s.narrationText, tempo) + 0.35);
  const durations = scenes.map((s, i) => (s.isLocked ? s.durationTargetSec : clamp(need[i]!, pacing.minSceneSec, pacing.maxSceneSec)));
  const free = scenes.map((s, i) => !s.isLocked && i >= 0);

  // Water-filling: spread the difference over scenes that still have room, a few passes.
  for (let pass = 0; pass < 8; pass++) {
    const total = durations.reduce((a, b) => a + b, 0);
    const diff = targetLengthSec - total;
    if (Math.abs(diff) < 0.01) break;
    const open = durations.map((d, i) => i).filter((i) => free[i] && (diff > 0 ? durations[i]! < pacing.maxSceneSec : durations[i]! > Math.max(pacing.minSceneSec, need[i]!)));
    if (open.length === 0) break;
    const weight = open.reduce((a, i) => a + durations[i]!, 0);
    for (const i of open) {
      const floor = diff > 0 ? pacing.minSceneSec : Math.max(pacing.minSceneSec, Math.min(need[i]!, pacing.maxSceneSec));
      durations[i] = clamp(durations[i]! + (diff * durations[i]!) / weight, floor, pacing.maxSceneSec);
    }
  }
  const tooLong = scenes.map((_, i) => i).filter((i) => !scenes[i]!.isLocked && need[i]! - 0.35 > durations[i]! * 1.1);
  const speech = need.reduce((a, b) => a + b - 0.35, 0);
  return { durations: durations.map(round2), tooLong, overTarget: speech > targetLengthSec * 1.03 };
}
