import type { Validation } from '../../db/json';
import { speechSeconds } from './estimates';
import { EFFECT_PRESETS, pacingFor, type NichePack } from './packs';

export interface SceneLike {
  narrationText: string;
  onScreenText: string;
  visualPrompt: string;
  effectPreset: string;
  durationTargetSec: number;
}

const fmt = (n: number) => `${Math.round(n * 10) / 10}s`;

/**
 * Checks a plan against its pack and target. Errors block approval; warnings are shown; the
 * suggestions say what to do (often: autofit).
 */
export function validatePlan(scenes: SceneLike[], pack: NichePack, targetLengthSec: number, tempo: string): Validation {
  const errors: string[] = [];
  const warnings: string[] = [];
  const suggestions: string[] = [];
  const pacing = pacingFor(pack, targetLengthSec);

  if (scenes.length === 0) errors.push('The plan has no scenes.');
  if (scenes.length > 0 && (scenes.length < pacing.minScenes || scenes.length > pacing.maxScenes)) {
    warnings.push(`${scenes.length} scenes; ${pack.name} videos of ${targetLengthSec}s work best with ${pacing.minScenes}–${pacing.maxScenes}.`);
  }

  let total = 0;
  let speech = 0;
  scenes.forEach((s, i) => {
    const n = i + 1;
    total += s.durationTargetSec;
    const spoken = speechSeconds(s.narrationText, tempo);
    speech += spoken;
    if (!s.narrationText.trim()) errors.push(`Scene ${n} has no narration.`);
    if (!s.visualPrompt.trim()) errors.push(`Scene ${n} has no visual prompt.`);
    if (!(EFFECT_PRESETS as readonly string[]).includes(s.effectPreset)) {
      errors.push(`Scene ${n} uses unknown effect "${s.effectPreset}" (valid: ${EFFECT_PRESETS.join(', ')}).`);
    } else if (!(pack.allowedEffects as string[]).includes(s.effectPreset)) {
      warnings.push(`Scene ${n} uses ${s.effectPreset}, which is not in the ${pack.name} style.`);
    }
    if (!(s.durationTargetSec > 0)) errors.push(`Scene ${n} has no duration.`);
    else if (s.durationTargetSec < pacing.minSceneSec - 0.05 || s.durationTargetSec > pacing.maxSceneSec + 0.05) {
      warnings.push(`Scene ${n} lasts ${fmt(s.durationTargetSec)}; keep scenes between ${pacing.minSceneSec}s and ${pacing.maxSceneSec}s.`);
    }
    if (s.durationTargetSec > 0 && spoken > s.durationTargetSec * 1.1) {
      warnings.push(`Scene ${n}'s narration needs about ${fmt(spoken)} but the scene lasts ${fmt(s.durationTargetSec)}.`);
      suggestions.push(`Shorten scene ${n}'s narration or run autofit.`);
    }
  });

  if (scenes.length > 0) {
    if (Math.abs(total - targetLengthSec) > targetLengthSec * 0.1) {
      warnings.push(`Scenes add up to ${fmt(total)}; the target is ${targetLengthSec}s.`);
      suggestions.push('Run autofit to fit scene durations to the target.');
    }
    if (Math.abs(speech - targetLengthSec) > targetLengthSec * 0.1) {
      warnings.push(`The narration takes about ${fmt(speech)} to speak; the target is ${targetLengthSec}s.`);
      suggestions.push(speech > targetLengthSec ? 'Regenerate the script shorter, or choose a faster tempo.' : 'Regenerate the script, or choose a slower tempo.');
    }
  }
  if (scenes.some((s) => !s.onScreenText.trim())) suggestions.push('Scenes without on-screen text rely on captions alone.');
  return { errors, warnings, suggestions: [...new Set(suggestions)] };
}
