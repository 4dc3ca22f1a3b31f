import type { Db } from '../../db/client';
import type { RunQueuedHook } from '../../db/repos/runs';

/**
 * The signal that there is work, given inside the transaction that writes the work's row, so
 * the two can never disagree. The row stays the product's state; a job only says "work on it".
 * On SQLite the row is the whole signal (the in-process runner polls it); on PostgreSQL it is a
 * graphile-worker job.
 */
export interface JobSignals {
  engine: 'local' | 'graphile';
  /** A run was queued (approve, re-render, retry, a dead worker's run handed back); called in its transaction. */
  runQueued: RunQueuedHook;
  /**
   * Publications were scheduled, moved, posted, failed or canceled: each waiting one gets a job
   * due at its next attempt, every other one loses its job.
   */
  publicationsChanged(db: Db, ids: string[]): Promise<void>;
}

/** SQLite: the Run row is the job. */
export const localSignals: JobSignals = { engine: 'local', runQueued: async () => undefined, publicationsChanged: async () => undefined };

/** Tries per run job before graphile-worker gives up (only passing failures are retried). */
export const RENDER_MAX_ATTEMPTS = 5;

/** The graphile-worker queue a chat's runs go to: its runs one at a time, chats side by side. */
export const chatQueueName = (platform: string, chatId: string): string => `chat:${platform}:${chatId}`.slice(0, 200);

/**
 * PostgreSQL: `graphile_worker.add_job` in the caller's transaction, keyed by the run id so a
 * run is never queued twice (a second add replaces the waiting job instead of adding one).
 */
export const graphileSignals: JobSignals = {
  engine: 'graphile',
  async runQueued(sql, job) {
    await sql.$executeRaw`SELECT graphile_worker.add_job('render', json_build_object('runId', ${job.runId}::text), queue_name => ${chatQueueName(job.platform, job.chatId)}::text, job_key => ${job.runId}::text, max_attempts => ${RENDER_MAX_ATTEMPTS}::int)`;
  },
  async publicationsChanged(db, ids) {
    if (!ids.length) return;
    const rows = await db.publication.findMany({ where: { id: { in: ids } }, select: { id: true, status: true, nextAttemptAt: true } });
    for (const p of rows) {
      // The publication's own retries and leases decide; the job only wakes a worker at the right time.
      if (p.status === 'scheduled') {
        await db.$executeRaw`SELECT graphile_worker.add_job('publish', json_build_object('publicationId', ${p.id}::text), run_at => ${p.nextAttemptAt}::timestamptz, job_key => ${p.id}::text, max_attempts => 3)`;
      } else if (p.status !== 'posting') {
        await db.$executeRaw`SELECT graphile_worker.remove_job(${p.id}::text)`;
      }
    }
  },
};
