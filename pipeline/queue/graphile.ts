import { EventEmitter } from 'node:events';
import { Logger as JobLogger, run, runMigrations, type Runner, type WorkerPool } from 'graphile-worker';
import type pg from 'pg';
import { z } from 'zod';
import type { Logger } from '../../core/logger';
import type { Db, WorkerNode } from '../../db/client';
import { appendRunLog } from '../../db/repos/runs';
import { listWorkerNodes, removeWorkerNode } from '../../db/repos/workerNodes';
import { isDeadLocalWorker, type RenderRunner } from '../render/runner';
import type { PublishScheduler } from '../schedule/scheduler';
import { graphileSignals } from './jobs';
import { WorkerPresence } from './presence';

/** graphile-worker's log lines, through our logger (its debug chatter at debug). */
function jobLogger(log: Logger): JobLogger {
  return new JobLogger((scope) => (level, message, meta) => {
    const fields = { queue: 'graphile-worker', ...(scope.workerId ? { jobWorker: scope.workerId } : {}), ...(scope.taskIdentifier ? { task: scope.taskIdentifier } : {}), ...(meta && typeof meta === 'object' ? { meta } : {}) };
    if (level === 'error') log.error(fields, message);
    else if (level === 'warning') log.warn(fields, message);
    else if (level === 'info') log.info(fields, message);
    else log.debug(fields, message);
  });
}

/** Installs or upgrades graphile-worker's schema (every process that enqueues needs `add_job`). */
export async function migrateJobQueue(pool: pg.Pool, log: Logger): Promise<void> {
  await runMigrations({ pgPool: pool, logger: jobLogger(log) });
}

const renderPayload = z.object({ runId: z.string().uuid() });
const publishPayload = z.object({ publicationId: z.string().uuid() });

export interface GraphileQueueOptions {
  db: Db;
  pool: pg.Pool;
  runner: RenderRunner;
  /** Posts publications when their jobs come due (the minute tick stays as the safety net). */
  scheduler?: PublishScheduler | null;
  log: Logger;
  /** Renders this process runs at once (RENDER_CONCURRENCY). */
  concurrency: number;
  /** A worker silent this long is dead: its runs go back to the queue and its jobs are unlocked. */
  staleAfterMs?: number;
  /** How often graphile-worker looks for jobs that became due (new ones arrive by LISTEN/NOTIFY). */
  pollIntervalMs?: number;
}

/**
 * The render queue on PostgreSQL: graphile-worker delivers "render run X" jobs (LISTEN/NOTIFY,
 * one queue per chat so a busy chat cannot starve the others, retries with backoff for failures
 * that can pass) to this process's RenderRunner, which claims the run and renders it. The Run
 * row stays the product's state. graphile-worker keeps a crashed worker's jobs locked for hours,
 * so each worker also heartbeats a WorkerNode row: a live one that finds a peer silent (or a
 * predecessor on its own host whose process is gone) hands the peer's runs back to the queue and
 * calls `force_unlock_workers`, and they resume elsewhere from their last finished step.
 */
export class GraphileQueue {
  private jobs: Runner | null = null;
  private jobPoolId: string | null = null;
  private sweepTimer?: NodeJS.Timeout;
  /** This process's heartbeat row. */
  readonly presence: WorkerPresence;
  private sweeping = false;
  private readonly staleAfterMs: number;

  constructor(private readonly opts: GraphileQueueOptions) {
    this.staleAfterMs = opts.staleAfterMs ?? 30_000;
    this.presence = new WorkerPresence(opts.db, opts.runner.workerId, opts.log);
  }

  /** Starts taking jobs, heartbeating and watching for dead peers. */
  async start(): Promise<void> {
    const { pool, runner, log } = this.opts;
    const events = new EventEmitter();
    events.on('pool:create', ({ workerPool }: { workerPool: WorkerPool }) => (this.jobPoolId = workerPool.id));
    await runner.start();
    this.jobs = await run({
      pgPool: pool, concurrency: this.opts.concurrency, noHandleSignals: true, pollInterval: this.opts.pollIntervalMs ?? 2000,
      crontab: '', logger: jobLogger(log), events: events as never,
      taskList: {
        render: (payload) => this.render(payload),
        publish: async (payload) => {
          await this.opts.scheduler?.publishById(publishPayload.parse(payload).publicationId);
        },
      },
    });
    await this.presence.start(this.jobPoolId);
    this.sweepTimer = setInterval(() => void this.sweep(), Math.min(5000, this.staleAfterMs / 3));
    // A predecessor on this host that crashed gets its runs taken back now, not in 30 s.
    await this.sweep();
  }

  private async render(payload: unknown): Promise<void> {
    const { runId } = renderPayload.parse(payload);
    const outcome = await this.opts.runner.runJob(runId);
    // Throwing hands the job back to graphile-worker, which tries again with backoff.
    if (outcome === 'retry') throw new Error(`run ${runId} failed for a reason that can pass; retrying`);
    if (outcome === 'handed_back') throw new Error(`run ${runId} handed back: this worker is stopping`);
  }

  /** Takes back the work of dead peers; returns the runs it handed back. */
  async sweep(): Promise<string[]> {
    if (this.sweeping) return [];
    this.sweeping = true;
    const { db, runner, log } = this.opts;
    const back: string[] = [];
    try {
      const stale = Date.now() - this.staleAfterMs;
      const dead = (await listWorkerNodes(db)).filter((n) => n.id !== runner.workerId && (n.heartbeatAt.getTime() < stale || isDeadLocalWorker(n.id, runner.workerId)));
      for (const node of dead) back.push(...await this.takeBack(node));
      // Runs whose worker left no record at all (it never registered, or was forgotten) go by their own heartbeat.
      for (const runId of await runner.recoverOrphans()) back.push(...await this.requeued([runId]));
    } catch (err) {
      log.warn({ err }, 'looking for dead workers failed');
    } finally {
      this.sweeping = false;
    }
    return back;
  }

  private async takeBack(node: WorkerNode): Promise<string[]> {
    const { db, log } = this.opts;
    const runs = await db.run.findMany({ where: { status: 'running', claimedBy: node.id }, select: { id: true } });
    const back: string[] = [];
    for (const { id } of runs) {
      const { count } = await db.run.updateMany({ where: { id, status: 'running', claimedBy: node.id }, data: { status: 'queued', claimedBy: null } });
      if (count !== 1) continue;
      back.push(id);
      await appendRunLog(db, id, { level: 'warn', message: 'The worker stopped unexpectedly; the run resumes from its last finished step.' });
    }
    if (node.jobPoolId) await db.$executeRaw`SELECT graphile_worker.force_unlock_workers(ARRAY[${node.jobPoolId}::text])`;
    await this.requeued(back);
    await removeWorkerNode(db, node.id);
    log.warn({ worker: node.id, runs: back }, 'a worker died; its runs were handed back');
    return back;
  }

  /** Makes sure each handed-back run has a job (the unlocked one, or a new one). */
  private async requeued(runIds: string[]): Promise<string[]> {
    const { db } = this.opts;
    for (const runId of runIds) {
      const project = await db.run.findUnique({ where: { id: runId }, select: { project: { select: { platform: true, chatId: true } } } });
      if (project) await graphileSignals.runQueued(db, { runId, ...project.project });
    }
    return runIds;
  }

  /** Stops taking jobs; renders in progress are handed back and resume elsewhere. */
  async stop(): Promise<void> {
    clearInterval(this.sweepTimer);
    await this.opts.runner.stop();
    await this.jobs?.stop();
    this.jobs = null;
    await this.presence.stop();
  }
}
