import type { Db } from '../client';

export const STAT_PLATFORMS = ['tiktok', 'youtube', 'instagram', 'chat', 'other'] as const;
export type StatPlatform = (typeof STAT_PLATFORMS)[number];

export interface NewReading {
  runId: string;
  publicationId?: string | null;
  platform: StatPlatform;
  source: 'api' | 'manual';
  at: Date;
  views: number;
  likes: number;
  comments?: number | null;
  shares?: number | null;
  recordedBy?: string;
}

/**
 * Stores one reading and sets the run's views and likes to the latest totals: for each platform
 * its newest reading, summed. Nothing is overwritten: readings accumulate.
 */
export async function addReading(db: Db, reading: NewReading): Promise<void> {
  await db.$transaction(async (tx) => {
    await tx.statReading.create({ data: { ...reading, recordedBy: reading.recordedBy ?? '' } });
    const rows = await tx.statReading.findMany({ where: { runId: reading.runId }, orderBy: { at: 'desc' } });
    const latest = new Map<string, (typeof rows)[number]>();
    for (const r of rows) if (!latest.has(r.platform)) latest.set(r.platform, r);
    const views = [...latest.values()].reduce((n, r) => n + r.views, 0);
    const likes = [...latest.values()].reduce((n, r) => n + r.likes, 0);
    await tx.run.update({ where: { id: reading.runId }, data: { views, likes } });
  });
}

/** A finished video of a chat with what the summary groups it by, and its readings (oldest first). */
export interface ChatVideo {
  runId: string;
  projectId: string;
  title: string;
  nichePackId: string;
  targetLengthSec: number;
  hook: string;
  template: string;
  /** When it went out (first post), else when it was made. */
  postedAt: Date;
  views: number | null;
  likes: number | null;
  readings: { platform: string; at: Date; views: number; likes: number; comments: number | null; shares: number | null }[];
}

/** The chat's finished videos, newest first. */
export async function chatVideos(db: Db, platform: string, chatId: string, limit = 200): Promise<ChatVideo[]> {
  const runs = await db.run.findMany({
    where: { status: 'done', project: { platform, chatId } },
    orderBy: { createdAt: 'desc' },
    take: limit,
    include: {
      project: { select: { id: true, title: true, nichePackId: true, targetLengthSec: true } },
      planVersion: { select: { hookSelected: true, scriptTemplateId: true } },
      publications: { select: { postedAt: true } },
      readings: { orderBy: { at: 'asc' } },
    },
  });
  return runs.map((r) => {
    const posted = r.publications.map((p) => p.postedAt).filter((d): d is Date => !!d).sort((a, b) => a.getTime() - b.getTime())[0];
    return {
      runId: r.id, projectId: r.project.id, title: r.project.title, nichePackId: r.project.nichePackId, targetLengthSec: r.project.targetLengthSec,
      hook: r.planVersion.hookSelected, template: r.planVersion.scriptTemplateId ?? '', postedAt: posted ?? r.publishedAt ?? r.createdAt,
      views: r.views, likes: r.likes,
      readings: r.readings.map((x) => ({ platform: x.platform, at: x.at, views: x.views, likes: x.likes, comments: x.comments, shares: x.shares })),
    };
  });
}
