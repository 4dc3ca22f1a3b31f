import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../../core/config';
import type { Logger } from '../../core/logger';
import type { Sealer } from '../../core/seal';
import type { Db } from '../../db/client';
import { addReading } from '../../db/repos/stats';
import { describeFailure, failureText, HttpError } from '../providers/failure';
import type { OAuthProvider, ProviderId } from '../publish/accounts/providers';
import { accessTokenFor, RelinkNeeded } from '../publish/accounts/tokens';

/** One post's public counts as a platform reports them. */
export interface PostCounts {
  views: number;
  likes: number;
  comments: number | null;
  shares: number | null;
}

/** A platform's statistics endpoint: counts for up to `batch` posts per call; a post missing from the answer is gone. */
export interface StatsSource {
  provider: ProviderId;
  batch: number;
  fetch(token: string, ids: string[], signal?: AbortSignal): Promise<Map<string, PostCounts>>;
}

async function answer(res: Response, what: string): Promise<Record<string, unknown>> {
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // a proxy's HTML page: reported by status below
  }
  if (!res.ok) {
    const err = body.error as { code?: string | number; message?: string; errors?: { reason?: string }[] } | undefined;
    const reason = err?.errors?.[0]?.reason ?? (typeof err?.code === 'string' ? err.code : undefined) ?? err?.message ?? res.statusText;
    const retry = Number(res.headers.get('retry-after') ?? NaN);
    throw new HttpError(res.status, `${what}: ${reason}`, Number.isFinite(retry) ? retry : undefined);
  }
  return body;
}

/** TikTok's video query (`POST /v2/video/query/`, scope video.list): 20 ids a call. */
export function tiktokStats(apiUrl: string): StatsSource {
  return {
    provider: 'tiktok',
    batch: 20,
    async fetch(token, ids, signal) {
      const res = await fetch(`${apiUrl}/v2/video/query/?fields=id,view_count,like_count,comment_count,share_count`, {
        method: 'POST', signal,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json; charset=UTF-8' },
        body: JSON.stringify({ filters: { video_ids: ids } }),
      });
      const body = await answer(res, 'TikTok video query');
      const videos = ((body.data as { videos?: Record<string, unknown>[] } | undefined)?.videos ?? []);
      return new Map(videos.map((v) => [String(v.id), { views: Number(v.view_count ?? 0), likes: Number(v.like_count ?? 0), comments: Number(v.comment_count ?? 0), shares: Number(v.share_count ?? 0) }]));
    },
  };
}

/** YouTube's `videos.list?part=statistics` (1 quota unit): 50 ids a call; no share count. */
export function youtubeStats(apiUrl: string): StatsSource {
  return {
    provider: 'youtube',
    batch: 50,
    async fetch(token, ids, signal) {
      const res = await fetch(`${apiUrl}/youtube/v3/videos?part=statistics&id=${ids.map(encodeURIComponent).join(',')}`, { signal, headers: { authorization: `Bearer ${token}` } });
      const body = await answer(res, 'YouTube videos.list');
      const items = (body.items ?? []) as { id: string; statistics?: Record<string, string> }[];
      return new Map(items.map((i) => [i.id, {
        views: Number(i.statistics?.viewCount ?? 0), likes: Number(i.statistics?.likeCount ?? 0),
        comments: i.statistics?.commentCount === undefined ? null : Number(i.statistics.commentCount), shares: null,
      }]));
    },
  };
}

/** How long a round may hold the posts it reads (a round that dies mid-way lets go by then); a finished round lets go at once. */
const LEASE_MS = 9 * 60_000;

/** How often a post is read: hourly in its first two days, then daily, for 30 days. */
export const CADENCE = { hourlyForMs: 48 * 3600_000, hourMs: 3600_000, dayMs: 24 * 3600_000, forMs: 30 * 24 * 3600_000, slackMs: 5 * 60_000 };

/** Whether a post published at `postedAt`, last read at `lastAt`, is due for a reading at `now`. */
export function isDue(postedAt: Date, lastAt: Date | null, now: Date): boolean {
  const age = now.getTime() - postedAt.getTime();
  if (age < 0 || age > CADENCE.forMs) return false;
  if (!lastAt) return true;
  const every = age < CADENCE.hourlyForMs ? CADENCE.hourMs : CADENCE.dayMs;
  return now.getTime() - lastAt.getTime() >= every - CADENCE.slackMs;
}

export interface CollectDeps {
  db: Db;
  log: Logger;
  sealer: Sealer | null;
  providers: Record<ProviderId, OAuthProvider>;
  sources: StatsSource[];
  now: () => Date;
  signal?: AbortSignal;
}

export interface CollectReport {
  read: number;
  /** Posts left for the next round, with why (a deleted post, a revoked login, a rate limit, a quota). */
  skipped: { publicationId: string; reason: string }[];
}

/**
 * One round of collection: every TikTok and YouTube post of the last 30 days that is due
 * (`isDue`) is read, batched per linked account and platform, and each answer stored as a reading
 * (the run's totals follow). A post missing from the answer, a login that no longer works, a
 * 429 or a quota error is logged and skipped — never written as zeros — and tried again next round.
 */
export async function collectStats(deps: CollectDeps): Promise<CollectReport> {
  const now = deps.now();
  const report: CollectReport = { read: 0, skipped: [] };
  const posts = await deps.db.publication.findMany({
    where: { target: { in: deps.sources.map((s) => s.provider) }, status: 'posted', externalId: { not: null }, postedAt: { gte: new Date(now.getTime() - CADENCE.forMs) } },
    select: { id: true, runId: true, target: true, targetRef: true, externalId: true, postedAt: true },
  });
  const last = await deps.db.statReading.groupBy({ by: ['publicationId'], where: { publicationId: { in: posts.map((p) => p.id) } }, _max: { at: true } });
  const lastAt = new Map(last.map((l) => [l.publicationId, l._max.at]));
  // Each due post is claimed with one conditional UPDATE: of two workers' rounds, one reads it.
  const due: typeof posts = [];
  for (const p of posts.filter((x) => isDue(x.postedAt!, lastAt.get(x.id) ?? null, now))) {
    const { count } = await deps.db.publication.updateMany({
      where: { id: p.id, OR: [{ statsLeaseUntil: null }, { statsLeaseUntil: { lt: now } }] },
      data: { statsLeaseUntil: new Date(now.getTime() + LEASE_MS) },
    });
    if (count !== 1) continue;
    // Another round may have read it and let go since `last` was loaded: look again, holding it.
    const newest = await deps.db.statReading.findFirst({ where: { publicationId: p.id }, orderBy: { at: 'desc' }, select: { at: true } });
    if (isDue(p.postedAt!, newest?.at ?? null, now)) due.push(p);
    else await deps.db.publication.updateMany({ where: { id: p.id }, data: { statsLeaseUntil: null } });
  }
  const skip = (ids: string[], reason: string, extra: Record<string, unknown> = {}) => {
    for (const publicationId of ids) report.skipped.push({ publicationId, reason });
    deps.log.warn({ publications: ids.length, reason, ...extra }, 'stats reading skipped');
  };
  try {
    await readDue(deps, due, now, report, skip);
  } finally {
    // Let go: the readings now make these posts not due; skipped ones may be tried by the next round.
    if (due.length) await deps.db.publication.updateMany({ where: { id: { in: due.map((p) => p.id) } }, data: { statsLeaseUntil: null } });
  }
  return report;
}

type DuePost = { id: string; runId: string; target: string; targetRef: string; externalId: string | null; postedAt: Date | null };

async function readDue(deps: CollectDeps, due: DuePost[], now: Date, report: CollectReport, skip: (ids: string[], reason: string, extra?: Record<string, unknown>) => void): Promise<void> {
  for (const source of deps.sources) {
    const mine = due.filter((p) => p.target === source.provider);
    const byAccount = new Map<string, typeof mine>();
    for (const p of mine) byAccount.set(p.targetRef, [...(byAccount.get(p.targetRef) ?? []), p]);
    let stop: string | null = null;
    for (const [accountId, list] of byAccount) {
      if (stop) {
        skip(list.map((p) => p.id), stop, { provider: source.provider });
        continue;
      }
      let token: string;
      try {
        if (!deps.sealer) throw new RelinkNeeded('SECRET_KEY is not set, so linked logins cannot be opened');
        token = await accessTokenFor({ db: deps.db, sealer: deps.sealer, now: deps.now }, deps.providers[source.provider], accountId);
      } catch (err) {
        skip(list.map((p) => p.id), err instanceof RelinkNeeded ? `${err.message}: link the account again with /video connect ${source.provider}` : failureText(describeFailure(err)), { provider: source.provider, accountId });
        continue;
      }
      for (let i = 0; i < list.length && !stop; i += source.batch) {
        const batch = list.slice(i, i + source.batch);
        try {
          const counts = await source.fetch(token, batch.map((p) => p.externalId!), deps.signal);
          for (const p of batch) {
            const c = counts.get(p.externalId!);
            if (!c) {
              skip([p.id], `the ${source.provider === 'tiktok' ? 'TikTok' : 'YouTube'} post is gone or private (not in the answer)`, { provider: source.provider, externalId: p.externalId });
              continue;
            }
            await addReading(deps.db, { runId: p.runId, publicationId: p.id, platform: source.provider, source: 'api', at: now, ...c });
            report.read++;
          }
        } catch (err) {
          if (deps.signal?.aborted) throw err;
          const f = describeFailure(err);
          const why = failureText(f);
          // A rate limit or a quota stops this platform for the round: more calls would only be refused too.
          if (f.status === 429 || (f.status === 403 && /quota/i.test(f.reason))) stop = why;
          skip(list.slice(i).map((p) => p.id), why, { provider: source.provider, accountId });
          if (!stop) break;
        }
      }
    }
  }
}

/** The statistics endpoints this deployment can read (TikTok and YouTube, from their configured API URLs). */
export function statsSources(config: Config): StatsSource[] {
  return [tiktokStats(config.tiktok.apiUrl), youtubeStats(config.google.youtubeApiUrl)];
}

/**
 * Runs `collectStats` every ten minutes (node-cron, never overlapping itself) in the worker
 * process, next to the publish scheduler. A failed round is logged; the next one tries again.
 */
export class StatsCollector {
  private task: ScheduledTask | null = null;
  private running: Promise<unknown> | null = null;

  constructor(private readonly deps: CollectDeps, private readonly cronExpression = '*/10 * * * *') {}

  async start(): Promise<void> {
    this.task = cron.schedule(this.cronExpression, () => void this.round(), { name: 'stats', noOverlap: true });
  }

  /** One round now (also what the cron calls). */
  round(): Promise<unknown> {
    this.running ??= collectStats(this.deps)
      .then((r) => {
        if (r.read || r.skipped.length) this.deps.log.info({ read: r.read, skipped: r.skipped.length }, 'stats collected');
        return r;
      })
      .catch((err: unknown) => this.deps.log.warn({ reason: failureText(describeFailure(err)) }, 'stats round failed'))
      .finally(() => (this.running = null));
    return this.running;
  }

  async stop(): Promise<void> {
    await this.task?.stop();
    this.task = null;
    await this.running;
  }
}
