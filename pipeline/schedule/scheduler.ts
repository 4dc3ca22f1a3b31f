import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from '../../core/logger';
import type { Db } from '../../db/client';
import {
  claimDuePublications, claimPublication, markPosted, markPublicationFailed, markPublicationRetry, renewPublicationLease,
  savePublicationHandoff, type ClaimedPublication,
} from '../../db/repos/publications';
import type { Targets } from '../publish/targets';
import type { JobSignals } from '../queue/jobs';
import { postMetaFor, PublishError, type PublishReceipt } from '../publish/targets/types';

export interface SchedulerDeps {
  db: Db;
  log: Logger;
  targets: Targets;
  /** The clock (tests move it by hand). */
  now?: () => Date;
  workerId?: string;
  /** Keeps the job queue's wake-up calls in step with the rows (PostgreSQL: a job per waiting post). */
  jobs?: Pick<JobSignals, 'publicationsChanged'>;
}

export interface SchedulerOptions {
  /** How long a claim lasts unrenewed; a dead publisher's post is taken over after it. */
  leaseMs?: number;
  /** Tries in all before a post fails for good (each retry waits per `RETRY_DELAYS_MS`). */
  maxAttempts?: number;
  /** Posts later than this are reported as late. */
  lateAfterMs?: number;
  /** Posts one process sends at once. */
  concurrency?: number;
  /** node-cron expression of the tick (default: every minute). */
  cronExpression?: string;
}

interface Settled {
  publication: ClaimedPublication;
  /** "the webhook at n8n.example.com" */
  label: string;
}

export interface SchedulerEvents {
  posted: [Settled & { receipt: PublishReceipt; lateMs: number }];
  retry: [Settled & { reason: string; nextAttemptAt: Date }];
  failed: [Settled & { reason: string; advice: string }];
}

/** The waits before the 2nd, 3rd and 4th try. */
export const RETRY_DELAYS_MS = [60_000, 5 * 60_000, 30 * 60_000];

class LostClaim extends Error {}

/**
 * Posts due publications, once per target. node-cron only triggers it — every minute, and once
 * at start-up so posts missed while no worker ran go out (late, and the chat is told by how
 * much); what is due lives in the database, so any number of processes may run it. A post is
 * claimed with a lease its publisher renews while it works; a dead publisher's lease runs out
 * and another process resumes the post from the hand-off its target recorded.
 */
export class PublishScheduler extends EventEmitter<SchedulerEvents> {
  readonly workerId: string;
  private readonly now: () => Date;
  private readonly leaseMs: number;
  private readonly maxAttempts: number;
  private readonly lateAfterMs: number;
  private readonly concurrency: number;
  private task: ScheduledTask | null = null;
  private ticking: Promise<void> | null = null;
  private again = false;
  /** Pokes do nothing until start(): a process that only schedules (the terminal) must not post. */
  private started = false;
  private stopping = false;
  private readonly inFlight = new Map<string, AbortController>();
  /** When the last tick finished looking (health: a stuck scheduler stops updating it). */
  lastTickAt: Date | null = null;

  constructor(private readonly deps: SchedulerDeps, private readonly opts: SchedulerOptions = {}) {
    super();
    this.now = deps.now ?? (() => new Date());
    this.workerId = deps.workerId ?? `${hostname()}:${process.pid}:publish`;
    this.leaseMs = opts.leaseMs ?? 30_000;
    this.maxAttempts = opts.maxAttempts ?? RETRY_DELAYS_MS.length + 1;
    this.lateAfterMs = opts.lateAfterMs ?? 2 * 60_000;
    this.concurrency = opts.concurrency ?? 2;
  }

  /** Starts the minute tick; the first tick (the catch-up after downtime) runs at once. */
  start(): void {
    if (this.task) return;
    this.started = true;
    this.stopping = false;
    this.task = cron.schedule(this.opts.cronExpression ?? '* * * * *', () => this.poke(), { name: 'publish', noOverlap: true });
    this.poke();
  }

  /** Runs a tick soon ("Post now"); ticks never overlap: a poke during one runs another after it. */
  poke(): void {
    if (!this.started || this.stopping) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    this.ticking = (async () => {
      do {
        this.again = false;
        await this.tick().catch((err: unknown) => this.deps.log.error({ err }, 'publish tick failed'));
      } while (this.again && !this.stopping);
    })().finally(() => {
      this.ticking = null;
    });
  }

  /** Claims and posts everything due now; resolves with how many posts it settled. */
  async tick(): Promise<number> {
    let settled = 0;
    while (!this.stopping) {
      const claimed = await claimDuePublications(this.deps.db, this.workerId, this.now(), this.leaseMs, this.concurrency);
      if (!claimed.length) break;
      await Promise.all(claimed.map((c) => this.publishOne(c)));
      settled += claimed.length;
    }
    this.lastTickAt = new Date();
    return settled;
  }

  /**
   * Posts one publication if it is due (a job queue's wake-up for it); resolves when settled.
   * Whatever found it due first — this, or the minute tick — posts it; the other finds nothing.
   */
  async publishById(id: string): Promise<boolean> {
    // The job's clock is the database's: when it comes a moment before ours, wait that moment.
    const row = await this.deps.db.publication.findUnique({ where: { id }, select: { status: true, nextAttemptAt: true } });
    const early = row?.status === 'scheduled' ? row.nextAttemptAt.getTime() - this.now().getTime() : 0;
    if (early > 0 && early < 10_000) await new Promise((r) => setTimeout(r, early));
    const claimed = await claimPublication(this.deps.db, id, this.workerId, this.now(), this.leaseMs);
    if (!claimed) return false;
    await this.publishOne(claimed);
    return true;
  }

  /** Waits for the tick in progress, if any. */
  async idle(): Promise<void> {
    while (this.ticking) await this.ticking;
  }

  /** Stops ticking and abandons posts in flight: their leases run out and a process resumes them. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.started = false;
    await this.task?.destroy();
    this.task = null;
    for (const c of this.inFlight.values()) c.abort(new Error('shutting down'));
    await this.ticking;
  }

  private async publishOne(c: ClaimedPublication): Promise<void> {
    const { db, log, targets } = this.deps;
    const abort = new AbortController();
    this.inFlight.set(c.id, abort);
    const renew = setInterval(() => {
      void renewPublicationLease(db, c.id, this.workerId, new Date(this.now().getTime() + this.leaseMs))
        .then((held) => { if (!held) abort.abort(new LostClaim('claim lost')); })
        .catch(() => undefined);
    }, Math.max(100, this.leaseMs / 3));
    const label = this.label(c);
    try {
      const target = targets.get(c.target);
      const receipt = await target.publish({
        publication: c, project: c.project, run: c.run, meta: postMetaFor(c.project, c.run), handoff: c.handoff, signal: abort.signal,
        saveHandoff: async (state) => {
          if (!(await savePublicationHandoff(db, c.id, this.workerId, state))) throw new LostClaim('claim lost');
        },
      }, c.targetRef);
      const at = this.now();
      if (!(await markPosted(db, c.id, this.workerId, { externalId: receipt.externalId, url: receipt.url, at }))) throw new LostClaim('claim lost');
      const lateMs = at.getTime() - c.dueAt.getTime();
      log.info({ publicationId: c.id, runId: c.runId, target: c.target, externalId: receipt.externalId, lateMs }, 'posted');
      this.emit('posted', { publication: c, label, receipt, lateMs: lateMs > this.lateAfterMs ? lateMs : 0 });
    } catch (err) {
      if (err instanceof LostClaim || abort.signal.reason instanceof LostClaim) {
        log.warn({ publicationId: c.id }, 'another process took this post over');
      } else if (!abort.signal.aborted) {
        await this.failed(c, label, err);
      }
    } finally {
      clearInterval(renew);
      this.inFlight.delete(c.id);
      await this.deps.jobs?.publicationsChanged(db, [c.id]).catch((err: unknown) => log.warn({ err, publicationId: c.id }, 'could not update the post’s job'));
    }
  }

  private label(c: ClaimedPublication): string {
    try {
      return this.deps.targets.label(c.target, c.targetRef);
    } catch {
      return c.target;
    }
  }

  private async failed(c: ClaimedPublication, label: string, err: unknown): Promise<void> {
    const { db, log } = this.deps;
    const known = err instanceof PublishError;
    if (!known) log.error({ err, publicationId: c.id, target: c.target }, 'posting failed unexpectedly');
    const reason = known ? err.message : 'an unexpected error on our side (see the server log)';
    const retryable = known ? err.retryable : true;
    if (retryable && c.attempts < this.maxAttempts) {
      const wait = known && err.retryAfterMs ? err.retryAfterMs : RETRY_DELAYS_MS[Math.min(c.attempts, RETRY_DELAYS_MS.length) - 1]!;
      const nextAttemptAt = new Date(this.now().getTime() + wait);
      if (await markPublicationRetry(db, c.id, this.workerId, reason, nextAttemptAt)) {
        log.warn({ publicationId: c.id, target: c.target, reason, nextAttemptAt }, 'posting failed; will retry');
        this.emit('retry', { publication: c, label, reason, nextAttemptAt });
      }
      return;
    }
    if (!(await markPublicationFailed(db, c.id, this.workerId, reason))) return;
    log.warn({ publicationId: c.id, target: c.target, reason, attempts: c.attempts }, 'posting gave up');
    // A retryable error's own advice ("it will be tried again") no longer holds after the last try.
    const advice = retryable ? 'Press Post now to try again once the cause is fixed.' : (known && err.advice) || 'Press Post now to try again.';
    this.emit('failed', { publication: c, label, reason: retryable ? `${reason} (after ${c.attempts} tries)` : reason, advice });
  }
}
