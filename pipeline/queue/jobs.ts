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
}

/** SQLite: the Run row is the job. */
export const localSignals: JobSignals = { engine: 'local', runQueued: async () => undefined };

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
};
