import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { UserError } from '../../core/errors';
import type { Db } from '../../db/client';
import { transitionProject } from '../../db/repos/projects';
import { appendRunLog, claimNextRun, getRun, transitionRun, type RunQueuedHook } from '../../db/repos/runs';
import type { RenderServices } from './context';
import { executeRun, type ProgressEvent } from './execute';
import { cleanPartials, runDir } from './files';
import { isAbortError } from './ffmpeg';
import { QaError } from './steps/finalizeArtifacts';

export interface RunnerOptions {
  concurrency?: number;
  pollMs?: number;
  /** A `running` run whose heartbeat is older than this was orphaned by a crash. */
  staleAfterMs?: number;
  workerId?: string;
  /**
   * `poll` (SQLite): the runner claims queued runs itself. `jobs` (PostgreSQL): a job queue
   * hands it runs through `runJob`, and finds dead peers itself.
   */
  mode?: 'poll' | 'jobs';
}

export interface RunnerEvents {
  progress: [ProgressEvent];
  done: [{ runId: string; projectId: string }];
  failed: [{ runId: string; projectId: string; reason: string; qa: boolean }];
  canceled: [{ runId: string; projectId: string }];
}

/**
 * How a run ended here: finished; failed for good; canceled; handed back to the queue (this
 * worker is stopping); to be tried again (a failure that can pass, in job mode); taken over by
 * another worker (this one was thought dead); or not ours to run at all.
 */
export type RunOutcome = 'done' | 'failed' | 'canceled' | 'handed_back' | 'retry' | 'lost' | 'skipped';

/** `host:pid` — what a worker writes in Run.claimedBy, so a restarted one on the same host knows a dead predecessor's runs. */
export const workerIdentity = (): string => `${hostname()}:${process.pid}`;

/** Whether `claimedBy` names a process on this host that no longer runs (a crashed predecessor). */
export function isDeadLocalWorker(claimedBy: string | null, self: string): boolean {
  const m = /^(.*):(\d+)$/.exec(claimedBy ?? '');
  if (!m || m[1] !== hostname() || claimedBy === self) return false;
  try {
    process.kill(Number(m[2]), 0);
    return false;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Failures that can pass on their own: a provider's 5xx or rate limit, a dropped connection, an
 * offline engine that crashed twice (its process is started afresh next time). Optional engines
 * fall back inside the render instead, so their failures rarely get this far.
 */
export function isPassingFailure(err: unknown): boolean {
  const e = err as { status?: number; code?: string; name?: string; cause?: { code?: string } };
  if (e.name === 'EngineUnavailableError') return true;
  if (typeof e.status === 'number' && (e.status >= 500 || e.status === 429)) return true;
  const code = e.code ?? e.cause?.code;
  return e.name === 'APIConnectionError' || e.name === 'APIConnectionTimeoutError'
    || ['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EPIPE', 'UND_ERR_SOCKET'].includes(code ?? '');
}

class LostClaim extends Error {}

/**
 * The render worker. It claims runs (itself from the database when polling, or handed one by a
 * job queue), executes them, heartbeats each second, honours cancel requests from any process
 * within a second, and stops a render at once when another worker took the run over. Runs
 * orphaned by a crash resume from their last finished step: at once when the dead worker was
 * on this host, after `staleAfterMs` of silence otherwise.
 */
export class RenderRunner extends EventEmitter<RunnerEvents> {
  readonly workerId: string;
  private active = new Map<string, AbortController>();
  private timer?: NodeJS.Timeout;
  private heartbeat?: NodeJS.Timeout;
  private stopping = false;
  private pumping = false;
  private lastRecovery = 0;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly staleAfterMs: number;
  private readonly mode: 'poll' | 'jobs';

  constructor(private readonly services: RenderServices, opts: RunnerOptions = {}) {
    super();
    this.concurrency = opts.concurrency ?? services.config.render.concurrency;
    this.pollMs = opts.pollMs ?? 1000;
    this.staleAfterMs = opts.staleAfterMs ?? 30_000;
    this.workerId = opts.workerId ?? workerIdentity();
    this.mode = opts.mode ?? 'poll';
  }

  /** Starts heartbeating; when polling, recovers orphaned runs and starts claiming work. */
  async start(): Promise<void> {
    this.stopping = false;
    this.heartbeat = setInterval(() => void this.beat(), 1000);
    if (this.mode === 'jobs') return;
    await this.recoverOrphans();
    this.lastRecovery = Date.now();
    this.timer = setInterval(() => void this.pump(), this.pollMs);
    void this.pump();
  }

  /** Wakes the runner now (after a run was queued in this process). */
  poke(): void {
    if (this.mode === 'poll') void this.pump();
  }

  /** Runs currently executing here. */
  get busy(): number {
    return this.active.size;
  }

  /**
   * Runs the given run here if it is waiting (job mode): one conditional UPDATE claims it, so of
   * any number of workers handed the same run exactly one renders it. Resolves when it ends.
   */
  async runJob(runId: string): Promise<RunOutcome> {
    if (this.stopping) return 'handed_back';
    const { count } = await this.services.db.run.updateMany({
      where: { id: runId, status: 'queued' },
      data: { status: 'running', claimedBy: this.workerId, heartbeatAt: new Date(), attempt: { increment: 1 } },
    });
    if (count !== 1) return 'skipped';
    const run = await getRun(this.services.db, runId);
    return this.execute(run.id, run.projectId);
  }

  /** Hands runs of dead workers back to the queue; returns the ids handed back. */
  async recoverOrphans(): Promise<string[]> {
    const { db } = this.services;
    const stale = new Date(Date.now() - this.staleAfterMs);
    const running = await db.run.findMany({ where: { status: 'running', id: { notIn: [...this.active.keys()] } }, select: { id: true, claimedBy: true, heartbeatAt: true } });
    const orphans = running.filter((r) => !r.heartbeatAt || r.heartbeatAt < stale || isDeadLocalWorker(r.claimedBy, this.workerId));
    const back: string[] = [];
    for (const run of orphans) {
      const { count } = await db.run.updateMany({ where: { id: run.id, status: 'running', claimedBy: run.claimedBy }, data: { status: 'queued', claimedBy: null } });
      if (count !== 1) continue;
      back.push(run.id);
      await appendRunLog(db, run.id, { level: 'warn', message: 'The worker stopped unexpectedly; the run resumes from its last finished step.' });
      this.services.log.warn({ runId: run.id, worker: run.claimedBy }, 'requeued orphaned run');
    }
    return back;
  }

  private async pump(): Promise<void> {
    // In job mode the queue hands out runs; claiming here would bypass its per-chat order.
    if (this.mode === 'jobs' || this.stopping || this.pumping) return;
    this.pumping = true;
    try {
      // A worker on another machine may have died: its runs stop heartbeating and are re-queued.
      if (Date.now() - this.lastRecovery > this.staleAfterMs / 2) {
        this.lastRecovery = Date.now();
        await this.recoverOrphans();
      }
      while (!this.stopping && this.active.size < this.concurrency) {
        const run = await claimNextRun(this.services.db, this.workerId);
        if (!run) break;
        void this.execute(run.id, run.projectId);
      }
    } catch (err) {
      this.services.log.error({ err }, 'render queue poll failed');
    } finally {
      this.pumping = false;
    }
  }

  private async beat(): Promise<void> {
    if (!this.active.size) return;
    const { db } = this.services;
    const ids = [...this.active.keys()];
    try {
      await db.run.updateMany({ where: { id: { in: ids }, status: 'running', claimedBy: this.workerId }, data: { heartbeatAt: new Date() } });
      const rows = await db.run.findMany({ where: { id: { in: ids } }, select: { id: true, cancelRequested: true, claimedBy: true, status: true } });
      for (const row of rows) {
        if (row.claimedBy !== this.workerId || row.status !== 'running') this.active.get(row.id)?.abort(new LostClaim('another worker took this run over'));
        else if (row.cancelRequested) this.active.get(row.id)?.abort(new Error('canceled'));
      }
    } catch (err) {
      this.services.log.warn({ err }, 'heartbeat failed');
    }
  }

  private async execute(runId: string, projectId: string): Promise<RunOutcome> {
    const { db } = this.services;
    const controller = new AbortController();
    this.active.set(runId, controller);
    try {
      await transitionProject(db, projectId, 'RENDERING').catch(() => undefined);
      await executeRun(this.services, runId, { signal: controller.signal, onProgress: (e) => this.emit('progress', e) });
      const { count } = await db.run.updateMany({
        where: { id: runId, status: 'running', claimedBy: this.workerId },
        data: { status: 'done', progress: 100, currentStep: 'finalize_artifacts' },
      });
      if (count !== 1) return await this.settleFailure(runId, projectId, new LostClaim('another worker took this run over'), controller.signal);
      await transitionProject(db, projectId, 'DONE');
      this.emit('done', { runId, projectId });
      return 'done';
    } catch (err) {
      try {
        return await this.settleFailure(runId, projectId, err, controller.signal);
      } catch (settleErr) {
        // Recording the outcome failed (the database is gone for a moment): the run stays
        // `running` without a heartbeat, so a worker hands it back and it resumes.
        this.services.log.error({ err: settleErr, runId }, 'could not record how the run ended');
        return 'lost';
      }
    } finally {
      this.active.delete(runId);
      void this.pump();
    }
  }

  private async settleFailure(runId: string, projectId: string, err: unknown, signal: AbortSignal): Promise<RunOutcome> {
    const { db, log } = this.services;
    const run = await getRun(db, runId).catch(() => null);
    if (!run) return 'failed'; // deleted while rendering
    if (signal.reason instanceof LostClaim || err instanceof LostClaim || run.claimedBy !== this.workerId) {
      log.warn({ runId, now: run.claimedBy }, 'another worker took this run over; stopped here');
      return 'lost';
    }
    if (signal.aborted && this.stopping && !run.cancelRequested) {
      await transitionRun(db, runId, 'queued', { claimedBy: null }).catch(() => undefined);
      await appendRunLog(db, runId, { level: 'info', message: 'Worker shutting down: the run will continue from its last finished step.' });
      return 'handed_back';
    }
    if (run.cancelRequested || (signal.aborted && isAbortError(err))) {
      cleanPartials(runDir(this.services.config.dataDir, runId), { finishedParts: true });
      await transitionRun(db, runId, 'canceled', { failureReason: 'Canceled.' }).catch(() => undefined);
      await transitionProject(db, projectId, 'PLAN_READY').catch(() => undefined);
      await appendRunLog(db, runId, { level: 'info', message: 'Canceled.' });
      this.emit('canceled', { runId, projectId });
      return 'canceled';
    }
    if (this.mode === 'jobs' && isPassingFailure(err)) {
      // The job queue tries again with backoff; the run waits, keeping every finished step.
      await transitionRun(db, runId, 'queued', { claimedBy: null }).catch(() => undefined);
      await appendRunLog(db, runId, { level: 'warn', message: `A service failed (${(err as Error).message.slice(0, 200)}); trying again shortly.` });
      log.warn({ err, runId }, 'render failed for a reason that can pass; the job will retry');
      return 'retry';
    }
    const qa = err instanceof QaError;
    const reason = err instanceof UserError || qa ? (err as Error).message : `Rendering failed: ${(err as Error).message}`.slice(0, 900);
    log.error({ err, runId, projectId }, 'render failed');
    await transitionRun(db, runId, qa ? 'qa_failed' : 'failed', { failureReason: reason }).catch(() => undefined);
    await transitionProject(db, projectId, 'FAILED').catch(() => undefined);
    await appendRunLog(db, runId, { level: 'error', message: reason });
    this.emit('failed', { runId, projectId, reason, qa });
    return 'failed';
  }

  /** Cancels a run here if it executes here (others see the flag within a second). */
  abortLocal(runId: string): void {
    this.active.get(runId)?.abort(new Error('canceled'));
  }

  /** Stops claiming work; runs in progress are handed back to the queue (resumable). */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    clearInterval(this.heartbeat);
    const pending = [...this.active.values()];
    for (const c of pending) c.abort(new Error('shutdown'));
    const deadline = Date.now() + 5000;
    while (this.active.size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Asks for a run to stop. A queued run is canceled at once; a running one is flagged, and its
 * worker (in any process) kills ffmpeg and cleans up within about a second.
 */
export async function requestCancel(services: Pick<RenderServices, 'db'>, runId: string, runner?: RenderRunner): Promise<'canceled' | 'stopping'> {
  const { db } = services;
  const run = await getRun(db, runId);
  if (run.status === 'queued') {
    await transitionRun(db, runId, 'canceled', { failureReason: 'Canceled before it started.', cancelRequested: true });
    await transitionProject(db, run.projectId, 'PLAN_READY').catch(() => undefined);
    return 'canceled';
  }
  if (run.status !== 'running') throw new UserError('not_running', `This render is already ${run.status}.`);
  await db.run.update({ where: { id: runId }, data: { cancelRequested: true } });
  runner?.abortLocal(runId);
  return 'stopping';
}

/** Puts a failed run back in the queue (with its job, in one transaction); it continues from the step that failed. */
export async function retryRun(services: Pick<RenderServices, 'db'>, runId: string, onQueued?: RunQueuedHook): Promise<void> {
  const { db } = services;
  const run = await getRun(db, runId);
  await db.$transaction(async (tx) => {
    await transitionRun(tx as unknown as Db, runId, 'queued', { failureReason: null, claimedBy: null, cancelRequested: false });
    const project = await tx.project.findUniqueOrThrow({ where: { id: run.projectId }, select: { platform: true, chatId: true } });
    await onQueued?.(tx, { runId, platform: project.platform, chatId: project.chatId });
  });
  await transitionProject(db, run.projectId, 'APPROVED').catch(() => undefined);
}
