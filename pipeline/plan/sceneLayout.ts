import { MIN_SCENES, beatsFor, type Beat } from './templates';
import { pacingFor, type NichePack, type ScriptTemplateId } from './packs';

export interface SceneLayout {
  beats: Beat[];
  seconds: number[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/**
 * How many scenes a video gets and how long each is: an even rhythm inside the pack's pacing,
 * the hook and call to action a little shorter so the body has room. `atLeast` keeps room for
 * locked scenes at high indexes.
 */
export function layoutScenes(pack: NichePack, template: ScriptTemplateId, targetLengthSec: number, atLeast = 0): SceneLayout {
  const p = pacingFor(pack, targetLengthSec);
  const typical = p.minSceneSec + (p.maxSceneSec - p.minSceneSec) * 0.4;
  let count = Math.round(targetLengthSec / typical);
  count = Math.min(p.maxScenes, Math.max(p.minScenes, MIN_SCENES[template], atLeast, count));
  while (count > p.minScenes && targetLengthSec / count < p.minSceneSec) count--;
  while (count < p.maxScenes && targetLengthSec / count > p.maxSceneSec) count++;
  const beats = beatsFor(template, count);
  const n = beats.length;
  const edge = Math.max(p.minSceneSec, Math.min(p.maxSceneSec, (targetLengthSec / n) * 0.8));
  const body = n > 2 ? (targetLengthSec - 2 * edge) / (n - 2) : targetLengthSec / n;
  const seconds = beats.map((_, i) => round2(n > 2 && (i === 0 || i === n - 1) ? edge : body));
  return { beats, seconds };
}
