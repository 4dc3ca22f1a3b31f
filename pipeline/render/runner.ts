import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { UserError } from '../../core/errors';
import { transitionProject } from '../../db/repos/projects';
import { appendRunLog, claimNextRun, getRun, transitionRun } from '../../db/repos/runs';
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
}

export interface RunnerEvents {
  progress: [ProgressEvent];
  done: [{ runId: string; projectId: string }];
  failed: [{ runId: string; projectId: string; reason: string; qa: boolean }];
  canceled: [{ runId: string; projectId: string }];
}

/**
 * The render queue's worker: claims queued runs from the database (any number of these may run
 * in any number of processes), executes them, heartbeats, honours cancel requests from any
 * process within a second, and on start-up puts runs orphaned by a crash back in the queue so
 * they resume from their last finished step.
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

  constructor(private readonly services: RenderServices, opts: RunnerOptions = {}) {
    super();
    this.concurrency = opts.concurrency ?? services.config.render.concurrency;
    this.pollMs = opts.pollMs ?? 1000;
    this.staleAfterMs = opts.staleAfterMs ?? 30_000;
    this.workerId = opts.workerId ?? `${hostname()}:${process.pid}`;
  }

  /** Recovers orphaned runs, then starts polling for work. */
  async start(): Promise<void> {
    await this.recoverOrphans();
    this.lastRecovery = Date.now();
    this.timer = setInterval(() => void this.pump(), this.pollMs);
    this.heartbeat = setInterval(() => void this.beat(), 1000);
    void this.pump();
  }

  /** Wakes the runner now (after a run was queued in this process). */
  poke(): void {
    void this.pump();
  }

  /** Runs currently executing here. */
  get busy(): number {
    return this.active.size;
  }

  private async recoverOrphans(): Promise<void> {
    const { db } = this.services;
    const stale = new Date(Date.now() - this.staleAfterMs);
    const orphans = await db.run.findMany({
      where: { status: 'running', id: { notIn: [...this.active.keys()] }, OR: [{ heartbeatAt: null }, { heartbeatAt: { lt: stale } }] },
    });
    for (const run of orphans) {
      await db.run.updateMany({ where: { id: run.id, status: 'running' }, data: { status: 'queued', claimedBy: null } });
      await appendRunLog(db, run.id, { level: 'warn', message: 'The worker stopped unexpectedly; the run resumes from its last finished step.' });
      this.services.log.warn({ runId: run.id }, 'requeued orphaned run');
    }
  }

  private async pump(): Promise<void> {
    if (this.stopping || this.pumping) return;
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
      await db.run.updateMany({ where: { id: { in: ids }, status: 'running' }, data: { heartbeatAt: new Date() } });
      const canceled = await db.run.findMany({ where: { id: { in: ids }, cancelRequested: true }, select: { id: true } });
      for (const { id } of canceled) this.active.get(id)?.abort(new Error('canceled'));
    } catch (err) {
      this.services.log.warn({ err }, 'heartbeat failed');
    }
  }

  private async execute(runId: string, projectId: string): Promise<void> {
    const { db } = this.services;
    const controller = new AbortController();
    this.active.set(runId, controller);
    try {
      await transitionProject(db, projectId, 'RENDERING').catch(() => undefined);
      await executeRun(this.services, runId, { signal: controller.signal, onProgress: (e) => this.emit('progress', e) });
      await transitionRun(db, runId, 'done', { progress: 100, currentStep: 'finalize_artifacts' });
      await transitionProject(db, projectId, 'DONE');
      this.emit('done', { runId, projectId });
    } catch (err) {
      await this.settleFailure(runId, projectId, err, controller.signal);
    } finally {
      this.active.delete(runId);
      void this.pump();
    }
  }

  private async settleFailure(runId: string, projectId: string, err: unknown, signal: AbortSignal): Promise<void> {
    const { db, log } = this.services;
    const run = await getRun(db, runId).catch(() => null);
    if (!run) return; // deleted while rendering
    if (signal.aborted && this.stopping && !run.cancelRequested) {
      await transitionRun(db, runId, 'queued', { claimedBy: null }).catch(() => undefined);
      await appendRunLog(db, runId, { level: 'info', message: 'Worker shutting down: the run will continue from its last finished step.' });
      return;
    }
    if (run.cancelRequested || (signal.aborted && isAbortError(err))) {
      cleanPartials(runDir(this.services.config.dataDir, runId), { finishedParts: true });
      await transitionRun(db, runId, 'canceled', { failureReason: 'Canceled.' }).catch(() => undefined);
      await transitionProject(db, projectId, 'PLAN_READY').catch(() => undefined);
      await appendRunLog(db, runId, { level: 'info', message: 'Canceled.' });
      this.emit('canceled', { runId, projectId });
      return;
    }
    const qa = err instanceof QaError;
    const reason = err instanceof UserError || qa ? (err as Error).message : `Rendering failed: ${(err as Error).message}`.slice(0, 900);
    log.error({ err, runId, projectId }, 'render failed');
    await transitionRun(db, runId, qa ? 'qa_failed' : 'failed', { failureReason: reason }).catch(() => undefined);
    await transitionProject(db, projectId, 'FAILED').catch(() => undefined);
    await appendRunLog(db, runId, { level: 'error', message: reason });
    this.emit('failed', { runId, projectId, reason, qa });
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

/** Puts a failed run back in the queue; it continues from the step that failed. */
export async function retryRun(services: Pick<RenderServices, 'db'>, runId: string): Promise<void> {
  const { db } = services;
  const run = await getRun(db, runId);
  await transitionRun(db, runId, 'queued', { failureReason: null, claimedBy: null, cancelRequested: false });
  await transitionProject(db, run.projectId, 'APPROVED').catch(() => undefined);
}
