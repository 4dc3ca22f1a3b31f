import type { Estimates } from '../../db/json';
import { WPM, type Tempo } from './packs';

/** Spoken words in a text (numbers and contractions count as one word each). */
export function countWords(text: string): number {
  return text.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w)).length;
}

/** Words per minute for a tempo. */
export const wpmFor = (tempo: string): number => WPM[tempo as Tempo] ?? WPM.normal;

/** Seconds a narration takes to speak at the given tempo. */
export function speechSeconds(text: string, tempo: string): number {
  return (countWords(text) / wpmFor(tempo)) * 60;
}

/** How many words fit in `seconds` at the tempo. */
export function wordBudget(seconds: number, tempo: string): number {
  return Math.max(1, Math.round((seconds * wpmFor(tempo)) / 60));
}

const round1 = (n: number) => Math.round(n * 10) / 10;

/** The seed's estimates: words per minute and the length the narration will take. */
export function estimatePlan(scenes: { narrationText: string; durationTargetSec: number }[], tempo: string): Estimates {
  const wordCount = scenes.reduce((n, s) => n + countWords(s.narrationText), 0);
  const wpm = wpmFor(tempo);
  return {
    wpm,
    wordCount,
    estimatedLengthSec: round1((wordCount / wpm) * 60),
    perSceneSec: scenes.map((s) => round1(s.durationTargetSec)),
  };
}
