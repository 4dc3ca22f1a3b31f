import { DateTime } from 'luxon';
import { getPack } from '../plan/packs';

/**
 * What a team can act on from its videos' numbers: which kinds of hook, script templates,
 * niches, lengths and posting hours do best, each figure with how many videos it rests on.
 * Pure: the commands and the chart read it.
 */

export type HookStyle = 'question' | 'number' | 'you' | 'claim';

export const HOOK_STYLES: Record<HookStyle, string> = {
  question: 'question hooks', number: 'number hooks', you: '"you" hooks', claim: 'statement hooks',
};

/**
 * A hook's style from its first sentence: a question ("Why do cats purr?"), a number or list
 * ("Five facts about…", "3 ways…"), one that speaks to the viewer ("You have been told…"), or a
 * statement.
 */
export function hookStyle(hook: string): HookStyle {
  const first = hook.trim().split(/(?<=[.!?])\s+/)[0] ?? '';
  if (/\?$/.test(first)) return 'question';
  if (/^(\d+|one|two|three|four|five|six|seven|eight|nine|ten|top|number)\b/i.test(first)) return 'number';
  if (/\byou(r|'re|’re)?\b/i.test(first)) return 'you';
  return 'claim';
}

/** A video as the summary reads it. */
export interface VideoFacts {
  views: number;
  likes: number;
  hook: string;
  template: string;
  nichePackId: string;
  lengthSec: number;
  postedAt: Date;
}

export interface Group {
  key: string;
  label: string;
  videos: number;
  medianViews: number;
  /** Likes per view, over the group's videos. */
  likeRate: number;
}

export type DimensionName = 'hook' | 'template' | 'niche' | 'length' | 'hour';

export interface Dimension {
  name: DimensionName;
  title: string;
  groups: Group[];
  /** The group with the most median views among those with enough videos; null when none has. */
  best: Group | null;
}

/** Videos a group needs before its figure is worth acting on. */
export const MIN_VIDEOS = 3;

const TEMPLATE_LABELS: Record<string, string> = { top5: 'countdowns', myth_vs_fact: 'myth vs fact', storytime: 'stories', free_form: 'explainers' };

/** Posting times in three-hour windows of the chat's time zone ("18:00–21:00"). */
function hourWindow(at: Date, zone: string): { key: string; label: string } {
  const hour = DateTime.fromJSDate(at, { zone }).hour;
  const start = Math.floor(hour / 3) * 3;
  const pad = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
  return { key: String(start).padStart(2, '0'), label: `${pad(start)}–${pad(start + 3)}` };
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

function groupBy(videos: VideoFacts[], keyOf: (v: VideoFacts) => { key: string; label: string }): Group[] {
  const groups = new Map<string, { label: string; items: VideoFacts[] }>();
  for (const v of videos) {
    const { key, label } = keyOf(v);
    const g = groups.get(key) ?? { label, items: [] };
    g.items.push(v);
    groups.set(key, g);
  }
  return [...groups].map(([key, g]) => {
    const views = g.items.reduce((n, v) => n + v.views, 0);
    return { key, label: g.label, videos: g.items.length, medianViews: median(g.items.map((v) => v.views)), likeRate: views ? g.items.reduce((n, v) => n + v.likes, 0) / views : 0 };
  }).sort((a, b) => b.medianViews - a.medianViews || b.videos - a.videos || a.key.localeCompare(b.key));
}

/** Groups the videos by each dimension; `zone` is the chat's time zone for posting hours. */
export function summarize(videos: VideoFacts[], zone: string): Dimension[] {
  const dims: [DimensionName, string, (v: VideoFacts) => { key: string; label: string }][] = [
    ['hook', 'Hooks', (v) => ({ key: hookStyle(v.hook), label: HOOK_STYLES[hookStyle(v.hook)] })],
    ['template', 'Script templates', (v) => ({ key: v.template || 'unknown', label: TEMPLATE_LABELS[v.template] ?? (v.template || 'unknown') })],
    ['niche', 'Niches', (v) => ({ key: v.nichePackId, label: nicheName(v.nichePackId) })],
    ['length', 'Lengths', (v) => ({ key: String(v.lengthSec), label: `${v.lengthSec} s videos` })],
    ['hour', 'Posting times', (v) => hourWindow(v.postedAt, zone)],
  ];
  return dims.map(([name, title, keyOf]) => {
    const groups = groupBy(videos, keyOf);
    return { name, title, groups, best: groups.find((g) => g.videos >= MIN_VIDEOS) ?? null };
  });
}

function nicheName(id: string): string {
  try {
    return getPack(id).name;
  } catch {
    return id;
  }
}

/** 950, 12.4k, 1.2M */
export function compact(n: number): string {
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0).replace(/\.0$/, '')}k`;
  return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0).replace(/\.0$/, '')}M`;
}

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

/**
 * One sentence per dimension: the winner and the runner-up with how many videos each rests on,
 * or — when no kind has enough videos — that it is too early to tell and what there is.
 */
export function insights(dims: Dimension[]): string[] {
  return dims.map((d) => {
    if (!d.groups.length) return `${d.title}: no numbers yet.`;
    if (!d.best) {
      const have = d.groups.map((g) => `${g.label}: ${g.videos}`).join(', ');
      return `${d.title}: too few videos to tell yet (${have}; ${MIN_VIDEOS} of a kind needed).`;
    }
    const next = d.groups.find((g) => g !== d.best && g.videos >= MIN_VIDEOS) ?? d.groups.find((g) => g !== d.best);
    const vs = next ? ` (${next.label}: ${compact(next.medianViews)} over ${plural(next.videos, 'video')}${next.videos < MIN_VIDEOS ? ', too few to compare' : ''})` : '';
    const label = d.best.label[0]!.toUpperCase() + d.best.label.slice(1);
    return `${label} do best: a median of ${compact(d.best.medianViews)} views over ${plural(d.best.videos, 'video')}${vs}.`;
  });
}
