import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../core/errors';
import { getChatSettings } from '../db/repos/chatSettings';
import { addReading, chatVideos, STAT_PLATFORMS, type ChatVideo, type StatPlatform } from '../db/repos/stats';
import { writeAtomic } from '../pipeline/render/files';
import { statsChartPng } from '../pipeline/stats/chart';
import { compact, insights, summarize, type VideoFacts } from '../pipeline/stats/summary';
import type { CommandContext, CommandDeps } from './context';
import { requireApprover } from './permissions';
import { clip, type View } from './view';

const PLATFORM_NAMES: Record<string, string> = { tiktok: 'TikTok', youtube: 'YouTube', instagram: 'Instagram', chat: 'the chat', other: 'elsewhere' };

/** The latest reading per platform, and the totals across them (a video's numbers now). */
function latest(video: ChatVideo): { views: number; likes: number; platforms: string[]; at: Date | null } {
  const newest = new Map<string, ChatVideo['readings'][number]>();
  for (const r of video.readings) newest.set(r.platform, r);
  const rows = [...newest.values()];
  return {
    views: rows.reduce((n, r) => n + r.views, 0), likes: rows.reduce((n, r) => n + r.likes, 0),
    platforms: rows.map((r) => PLATFORM_NAMES[r.platform] ?? r.platform), at: rows.length ? new Date(Math.max(...rows.map((r) => r.at.getTime()))) : null,
  };
}

/** Views gained since the day before the newest reading (across platforms), or null without an earlier reading. */
function growth(video: ChatVideo): number | null {
  if (video.readings.length < 2) return null;
  const newestAt = video.readings.at(-1)!.at.getTime();
  const before = video.readings.filter((r) => r.at.getTime() <= newestAt - 20 * 3600_000);
  if (!before.length) return null;
  const then = new Map<string, number>();
  for (const r of before) then.set(r.platform, r.views);
  return latest(video).views - [...then.values()].reduce((n, v) => n + v, 0);
}

/**
 * `/video stats`: this chat's videos with their latest numbers and growth, then what wins here —
 * hook styles, templates, niches, lengths, posting times, each with how many videos it rests on —
 * and the same as a chart sized for a phone.
 */
export async function chatStats(deps: CommandDeps, ctx: CommandContext): Promise<View> {
  const settings = await getChatSettings(deps.db, ctx.platform, ctx.chatId);
  const videos = await chatVideos(deps.db, ctx.platform, ctx.chatId);
  const usage = await renderUsage(deps, ctx);
  if (!videos.length) return { title: 'Stats for this chat', text: `${usage}\nNo finished videos yet. Make one with /video create.`, ephemeral: true };
  const measured = videos.filter((v) => v.readings.length);
  const lines = videos.slice(0, 10).map((v, i) => {
    if (!v.readings.length) return `${i + 1}. ${clip(v.title, 60)} — no numbers yet`;
    const now = latest(v);
    const up = growth(v);
    return `${i + 1}. ${clip(v.title, 60)} — ${compact(now.views)} views${up ? ` (+${compact(up)} in a day)` : ''}, ${compact(now.likes)} likes · ${now.platforms.join(', ')}`;
  });
  if (!measured.length) {
    lines.push('', usage, 'Numbers come back by themselves from TikTok and YouTube posts; for anything else record them: /video stats views:1200 likes:80 platform:instagram (Telegram: /stats set views:1200 likes:80 platform:instagram).');
    return { title: 'Stats for this chat', text: lines.join('\n'), ephemeral: true };
  }
  const facts: VideoFacts[] = measured.map((v) => ({ ...latest(v), hook: v.hook, template: v.template, nichePackId: v.nichePackId, lengthSec: v.targetLengthSec, postedAt: v.postedAt }));
  const dims = summarize(facts, settings.timezone);
  const png = await statsChartPng(dims);
  const path = join(deps.config.dataDir, 'stats', `${createHash('sha256').update(png).digest('hex').slice(0, 24)}.png`);
  if (!existsSync(path)) writeAtomic(path, png);
  return {
    title: 'Stats for this chat',
    text: [
      `Your videos (${measured.length} with numbers, of ${videos.length}):`, ...lines, '',
      `What wins here (times in ${settings.timezone}):`, ...insights(dims).map((s) => `• ${s}`), '', usage,
    ].join('\n'),
    image: { path, name: 'stats.png' },
    ephemeral: true,
  };
}

/** What the chat has rendered and what it cost: "Renders: 12 (10 done, 1 failed) · Spent: $0.420". */
async function renderUsage(deps: CommandDeps, ctx: CommandContext): Promise<string> {
  const runs = await deps.db.run.findMany({ where: { project: { platform: ctx.platform, chatId: ctx.chatId } }, select: { status: true, costMicros: true } });
  const done = runs.filter((r) => r.status === 'done').length;
  const failed = runs.filter((r) => r.status === 'failed' || r.status === 'qa_failed').length;
  const spent = runs.reduce((n, r) => n + r.costMicros, 0);
  return `Renders: ${runs.length} (${done} done, ${failed} failed) · Spent: $${(spent / 1e6).toFixed(3)}`;
}

/** The largest count anyone could mean: more is a typo. */
const MAX_COUNT = 10_000_000_000;

function count(name: string, raw: unknown, required: boolean): number | null {
  if (raw === undefined || raw === null || raw === '') {
    if (required) throw new UserError('stats_missing', `Give the ${name}, e.g. views:1200 likes:80.`);
    return null;
  }
  const text = String(raw).trim().replace(/[,_\s]/g, '');
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text);
  if (!m) throw new UserError('stats_not_a_number', `${name[0]!.toUpperCase()}${name.slice(1)} must be a whole number (like 1200, 1.2k or 3M), not "${clip(String(raw), 20)}". Nothing was recorded.`);
  const value = Math.round(Number(m[1]) * (m[2]!.toLowerCase() === 'k' ? 1e3 : m[2]!.toLowerCase() === 'm' ? 1e6 : 1));
  if (value > MAX_COUNT) throw new UserError('stats_absurd', `${compact(value)} ${name} is more than any video has had: check the number. Nothing was recorded.`);
  return value;
}

/**
 * `/video stats views:… likes:… [comments] [shares] [platform] [video]`: records a video's numbers
 * by hand (Instagram, a chat channel — platforms without an API). `video` is its number in the
 * stats list (1, the newest, by default). Approvers only; a bad number changes nothing.
 */
export async function recordStats(deps: CommandDeps, ctx: CommandContext, raw: Record<string, unknown>): Promise<View> {
  const settings = await getChatSettings(deps.db, ctx.platform, ctx.chatId);
  requireApprover(ctx, settings);
  const views = count('views', raw.views, true)!;
  const likes = count('likes', raw.likes, false) ?? 0;
  const comments = count('comments', raw.comments, false);
  const shares = count('shares', raw.shares, false);
  if (likes > views) throw new UserError('stats_absurd', `${compact(likes)} likes is more than ${compact(views)} views: check the numbers. Nothing was recorded.`);
  const platform = String(raw.platform ?? 'other').toLowerCase();
  if (!(STAT_PLATFORMS as readonly string[]).includes(platform)) throw new UserError('stats_platform', `Platform must be one of: ${STAT_PLATFORMS.join(', ')}. Nothing was recorded.`);
  if (platform === 'tiktok' || platform === 'youtube') {
    // Those come back by themselves from linked accounts; a hand-typed number would be overwritten at the next reading.
    deps.log.info({ chatId: ctx.chatId, platform }, 'stats recorded by hand for a platform with an API');
  }
  const videos = await chatVideos(deps.db, ctx.platform, ctx.chatId, 50);
  const n = raw.video === undefined ? 1 : Number(raw.video);
  if (!videos.length) throw new UserError('stats_no_video', 'This chat has no finished video to record numbers for yet.');
  if (!Number.isInteger(n) || n < 1 || n > videos.length) throw new UserError('stats_video', `Video must be a number from 1 (the newest) to ${videos.length}, as /video stats lists them. Nothing was recorded.`);
  const video = videos[n - 1]!;
  const before = video.readings.filter((r) => r.platform === platform).at(-1);
  await addReading(deps.db, { runId: video.runId, platform: platform as StatPlatform, source: 'manual', at: deps.clock(), views, likes, comments, shares, recordedBy: ctx.userId });
  const run = await deps.db.run.findUniqueOrThrow({ where: { id: video.runId }, select: { views: true, likes: true } });
  return {
    text: [
      `Recorded for “${clip(video.title, 80)}” on ${PLATFORM_NAMES[platform]}: ${views.toLocaleString('en-US')} views, ${likes.toLocaleString('en-US')} likes${comments !== null ? `, ${comments.toLocaleString('en-US')} comments` : ''}${shares !== null ? `, ${shares.toLocaleString('en-US')} shares` : ''}${before ? ` (was ${before.views.toLocaleString('en-US')} views)` : ''}.`,
      `All platforms now: ${(run.views ?? 0).toLocaleString('en-US')} views, ${(run.likes ?? 0).toLocaleString('en-US')} likes. See /video stats.`,
    ].join('\n'),
    ephemeral: true,
  };
}
