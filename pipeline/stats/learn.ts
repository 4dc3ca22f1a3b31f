import type { Db } from '../../db/client';
import { chatVideos } from '../../db/repos/stats';
import { compact, hookStyle, summarize, type HookStyle } from './summary';

/** The hook style a chat's numbers favour, with its best video's views. */
export interface HookPreference {
  style: HookStyle;
  bestViews: number;
  /** How many videos of that style the preference rests on. */
  videos: number;
}

const A_STYLE: Record<HookStyle, string> = { question: 'a question hook', number: 'a number hook', you: 'a "you" hook', claim: 'a statement hook' };

/**
 * What the chat's published numbers say about hooks: the style with the best median views among
 * those with enough videos to tell. Null with no numbers or too few of a kind: hooks stay as the
 * planner ordered them.
 */
export async function hookPreference(db: Db, platform: string, chatId: string): Promise<HookPreference | null> {
  const measured = (await chatVideos(db, platform, chatId)).filter((v) => v.readings.length && v.views !== null);
  if (!measured.length) return null;
  const facts = measured.map((v) => ({ views: v.views ?? 0, likes: v.likes ?? 0, hook: v.hook, template: v.template, nichePackId: v.nichePackId, lengthSec: v.targetLengthSec, postedAt: v.postedAt }));
  const best = summarize(facts, 'UTC').find((d) => d.name === 'hook')?.best;
  if (!best) return null;
  const style = best.key as HookStyle;
  return { style, bestViews: Math.max(...facts.filter((f) => hookStyle(f.hook) === style).map((f) => f.views)), videos: best.videos };
}

/**
 * Puts the hooks in the winning style first (their order kept) and says so: "★ Hooks 1 and 2 are in
 * the style of your best video (a question hook, 12.4k views)." Unchanged, with no note, when none
 * is in that style.
 */
export function preferHooks(hooks: string[], pref: HookPreference | null): { hooks: string[]; note?: string } {
  if (!pref) return { hooks };
  const matching = hooks.filter((h) => hookStyle(h) === pref.style);
  if (!matching.length) return { hooks };
  const numbers = matching.map((_h, i) => i + 1);
  const which = numbers.length === 1 ? 'Hook 1 is' : `Hooks ${numbers.slice(0, -1).join(', ')} and ${numbers.at(-1)} are`;
  return {
    hooks: [...matching, ...hooks.filter((h) => hookStyle(h) !== pref.style)],
    note: `★ ${which} in the style of your best video (${A_STYLE[pref.style]}, ${compact(pref.bestViews)} views).`,
  };
}
