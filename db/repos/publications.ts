import { z } from 'zod';
import { UserError } from '../../core/errors';
import type { Db, Project, Publication } from '../client';
import { parseJson, toJson } from '../json';
import { runView, type RunView } from './runs';

/** Publication statuses: scheduled → posting → posted | failed | canceled (posting → scheduled on a retry). */
export const PUBLICATION_STATUSES = ['scheduled', 'posting', 'posted', 'failed', 'canceled'] as const;
export type PublicationStatus = (typeof PUBLICATION_STATUSES)[number];

/** What a target recorded before and after its irreversible step (message id, upload session). */
export const handoffSchema = z.record(z.string(), z.unknown());
export type Handoff = z.infer<typeof handoffSchema>;

export type PublicationView = Publication & { handoff: Handoff };
export type ClaimedPublication = PublicationView & { run: RunView; project: Project };

export function publicationView(p: Publication): PublicationView {
  return { ...p, handoff: parseJson(handoffSchema, p.handoffJson, 'Publication.handoffJson') };
}

/** One place to post to: a target kind and where within it. */
export interface TargetChoice {
  target: string;
  targetRef: string;
}

export interface ScheduleOutcome {
  scheduled: TargetChoice[];
  /** Already posted there: a run goes to each target once. */
  alreadyPosted: TargetChoice[];
  /** Being posted right now: left alone. */
  busy: TargetChoice[];
}

/**
 * Schedules a finished run for `targets` at `at`, all in one transaction. A target the run was
 * posted to is left alone (once per target, ever), as is one being posted right now; any other
 * row (scheduled, failed, canceled) moves to the new time with its attempts reset.
 */
export async function schedulePublications(
  db: Db,
  input: { runId: string; targets: TargetChoice[]; at: Date; requestedByUserId: string },
): Promise<ScheduleOutcome> {
  const out: ScheduleOutcome = { scheduled: [], alreadyPosted: [], busy: [] };
  await db.$transaction(async (tx) => {
    const run = await tx.run.findUnique({ where: { id: input.runId }, select: { status: true } });
    if (!run || run.status !== 'done') {
      throw new UserError('not_done', 'Only a finished video can be scheduled. Wait for the render to finish (or retry it), then schedule it.');
    }
    for (const choice of input.targets) {
      const existing = await tx.publication.findUnique({ where: { runId_target: { runId: input.runId, target: choice.target } } });
      if (existing?.status === 'posted') {
        out.alreadyPosted.push(choice);
        continue;
      }
      if (existing?.status === 'posting') {
        out.busy.push(choice);
        continue;
      }
      const data = {
        status: 'scheduled', targetRef: choice.targetRef, dueAt: input.at, nextAttemptAt: input.at, attempts: 0, lastError: null,
        claimedBy: null, leaseUntil: null, requestedByUserId: input.requestedByUserId,
      };
      if (existing) {
        // Guarded on the status just read: a claim that slipped in between wins.
        const { count } = await tx.publication.updateMany({ where: { id: existing.id, status: existing.status }, data });
        if (count !== 1) {
          out.busy.push(choice);
          continue;
        }
      } else {
        await tx.publication.create({ data: { runId: input.runId, target: choice.target, ...data } });
      }
      out.scheduled.push(choice);
    }
    if (out.scheduled.length) await tx.run.update({ where: { id: input.runId }, data: { scheduledPublishAt: input.at } });
  });
  return out;
}

/**
 * Keeps a run's publish times true: `postedAt` is its first post, `publishedAt` the moment every
 * target it was scheduled for (canceled ones aside) is posted; with nothing left scheduled at all
 * (everything canceled) `scheduledPublishAt` is cleared.
 */
async function settleRun(db: Db, runId: string): Promise<void> {
  const rows = await db.publication.findMany({ where: { runId, status: { not: 'canceled' } }, select: { status: true, postedAt: true } });
  const posted = rows.filter((r) => r.status === 'posted').map((r) => r.postedAt!.getTime());
  await db.run.update({
    where: { id: runId },
    data: {
      postedAt: posted.length ? new Date(Math.min(...posted)) : null,
      publishedAt: rows.length && posted.length === rows.length ? new Date(Math.max(...posted)) : null,
      ...(rows.length ? {} : { scheduledPublishAt: null }),
    },
  });
}

/**
 * Targets that upload ahead (YouTube publishes at the chosen time itself) start now: their posts
 * keep `dueAt` (the time the platform publishes) but become due for upload at once.
 */
export async function startUploadsNow(db: Db, projectId: string, targets: string[], now: Date): Promise<void> {
  if (!targets.length) return;
  await db.publication.updateMany({ where: { run: { projectId }, target: { in: targets }, status: 'scheduled', nextAttemptAt: { gt: now } }, data: { nextAttemptAt: now } });
}

/** Cancels every post of a project's runs that has not started; returns what it did. */
export async function unschedulePublications(db: Db, projectId: string): Promise<{ canceled: number; busy: number }> {
  const runs = await db.publication.findMany({ where: { run: { projectId }, status: { in: ['scheduled', 'failed'] } }, select: { runId: true } });
  const { count } = await db.publication.updateMany({ where: { run: { projectId }, status: { in: ['scheduled', 'failed'] } }, data: { status: 'canceled' } });
  const busy = await db.publication.count({ where: { run: { projectId }, status: 'posting' } });
  for (const runId of new Set(runs.map((r) => r.runId))) await settleRun(db, runId);
  return { canceled: count, busy };
}

/**
 * Makes a project's waiting and failed posts due at `now`. A person asked for it, so an
 * unconfirmed hand-off ("it may already be in the channel") is cleared: they checked.
 */
export async function postNow(db: Db, projectId: string, now: Date): Promise<number> {
  const { count } = await db.publication.updateMany({
    where: { run: { projectId }, status: { in: ['scheduled', 'failed'] } },
    data: { status: 'scheduled', nextAttemptAt: now, attempts: 0, lastError: null, handoffJson: '{}' },
  });
  return count;
}

/** A project's pending posts, rescheduled to `at`; returns how many moved. */
export async function reschedulePending(db: Db, projectId: string, at: Date): Promise<number> {
  const rows = await db.publication.findMany({ where: { run: { projectId }, status: { in: ['scheduled', 'failed'] } }, select: { runId: true } });
  const { count } = await db.publication.updateMany({
    where: { run: { projectId }, status: { in: ['scheduled', 'failed'] } },
    data: { status: 'scheduled', dueAt: at, nextAttemptAt: at, attempts: 0, lastError: null },
  });
  for (const runId of new Set(rows.map((r) => r.runId))) await db.run.update({ where: { id: runId }, data: { scheduledPublishAt: at } });
  return count;
}

export type ChatPublication = PublicationView & { run: RunView; project: Project };

/** A chat's posts that have not gone out yet (waiting, being posted, or failed), soonest first. */
export async function listPendingInChat(db: Db, platform: string, chatId: string, limit = 20): Promise<ChatPublication[]> {
  const rows = await db.publication.findMany({
    where: { status: { in: ['scheduled', 'posting', 'failed'] }, run: { project: { platform, chatId } } },
    include: { run: { include: { project: true } } },
    orderBy: { dueAt: 'asc' },
    take: limit,
  });
  return rows.map((r) => ({ ...publicationView(r), run: runView(r.run), project: r.run.project }));
}

/** All posts of a project's runs, oldest first. */
export async function listProjectPublications(db: Db, projectId: string): Promise<PublicationView[]> {
  const rows = await db.publication.findMany({ where: { run: { projectId } }, orderBy: { createdAt: 'asc' } });
  return rows.map(publicationView);
}

/** All posts of a run. */
export async function listRunPublications(db: Db, runId: string): Promise<PublicationView[]> {
  const rows = await db.publication.findMany({ where: { runId }, orderBy: { createdAt: 'asc' } });
  return rows.map(publicationView);
}

/**
 * Claims up to `limit` due posts for `workerId`: scheduled ones whose time has come, and ones
 * whose publisher died (its lease ran out). Each claim is one conditional UPDATE guarded on the
 * row's status, lease and attempt count, so of any number of racing processes one wins each post.
 */
export async function claimDuePublications(db: Db, workerId: string, now: Date, leaseMs: number, limit = 10): Promise<ClaimedPublication[]> {
  const due = {
    OR: [
      { status: 'scheduled', nextAttemptAt: { lte: now } },
      { status: 'posting', leaseUntil: { lt: now } },
    ],
  };
  const candidates = await db.publication.findMany({
    where: { ...due, run: { status: 'done' } }, orderBy: { nextAttemptAt: 'asc' }, take: limit * 3, select: { id: true, attempts: true },
  });
  const claimed: ClaimedPublication[] = [];
  for (const c of candidates) {
    if (claimed.length >= limit) break;
    const { count } = await db.publication.updateMany({
      where: { id: c.id, attempts: c.attempts, ...due },
      data: { status: 'posting', claimedBy: workerId, leaseUntil: new Date(now.getTime() + leaseMs), attempts: { increment: 1 } },
    });
    if (count !== 1) continue;
    const row = await db.publication.findUniqueOrThrow({ where: { id: c.id }, include: { run: { include: { project: true } } } });
    claimed.push({ ...publicationView(row), run: runView(row.run), project: row.run.project });
  }
  return claimed;
}

/** Claims one post if it is due (a job for it came), as `claimDuePublications` would. */
export async function claimPublication(db: Db, id: string, workerId: string, now: Date, leaseMs: number): Promise<ClaimedPublication | null> {
  const row = await db.publication.findFirst({ where: { id, run: { status: 'done' } }, select: { attempts: true } });
  if (!row) return null;
  const { count } = await db.publication.updateMany({
    where: { id, attempts: row.attempts, OR: [{ status: 'scheduled', nextAttemptAt: { lte: now } }, { status: 'posting', leaseUntil: { lt: now } }] },
    data: { status: 'posting', claimedBy: workerId, leaseUntil: new Date(now.getTime() + leaseMs), attempts: { increment: 1 } },
  });
  if (count !== 1) return null;
  const claimed = await db.publication.findUniqueOrThrow({ where: { id }, include: { run: { include: { project: true } } } });
  return { ...publicationView(claimed), run: runView(claimed.run), project: claimed.run.project };
}

const held = (id: string, workerId: string) => ({ id, claimedBy: workerId, status: 'posting' });

/** Extends a claim; false when another process took the post over (this one must stop). */
export async function renewPublicationLease(db: Db, id: string, workerId: string, until: Date): Promise<boolean> {
  const { count } = await db.publication.updateMany({ where: held(id, workerId), data: { leaseUntil: until } });
  return count === 1;
}

/** Records a target's hand-off state; false when the claim is lost. */
export async function savePublicationHandoff(db: Db, id: string, workerId: string, handoff: Handoff): Promise<boolean> {
  const { count } = await db.publication.updateMany({ where: held(id, workerId), data: { handoffJson: toJson(handoffSchema, handoff) } });
  return count === 1;
}

/** Marks a post done, and the run published when it was the last of its targets. */
export async function markPosted(
  db: Db, id: string, workerId: string, receipt: { externalId?: string; url?: string; at: Date },
): Promise<boolean> {
  return db.$transaction(async (tx) => {
    const { count } = await tx.publication.updateMany({
      where: held(id, workerId),
      data: { status: 'posted', postedAt: receipt.at, externalId: receipt.externalId ?? null, externalUrl: receipt.url ?? null, lastError: null, leaseUntil: null },
    });
    if (count !== 1) return false;
    const { runId } = await tx.publication.findUniqueOrThrow({ where: { id }, select: { runId: true } });
    await settleRun(tx as unknown as Db, runId);
    return true;
  });
}

/** Hands a failed attempt back for another try at `nextAttemptAt`. */
export async function markPublicationRetry(db: Db, id: string, workerId: string, error: string, nextAttemptAt: Date): Promise<boolean> {
  const { count } = await db.publication.updateMany({ where: held(id, workerId), data: { status: 'scheduled', lastError: error, nextAttemptAt, leaseUntil: null, claimedBy: null } });
  return count === 1;
}

/** Gives up on a post (the chat is told why and what to do). */
export async function markPublicationFailed(db: Db, id: string, workerId: string, error: string): Promise<boolean> {
  const { count } = await db.publication.updateMany({ where: held(id, workerId), data: { status: 'failed', lastError: error, leaseUntil: null } });
  return count === 1;
}
