import { hostname } from 'node:os';
import type { Logger } from '../../core/logger';
import type { Db } from '../../db/client';
import { beatWorkerNode, listWorkerNodes, registerWorkerNode, removeWorkerNode } from '../../db/repos/workerNodes';
import { isDeadLocalWorker } from '../render/runner';

/**
 * A worker process's WorkerNode row, refreshed every second: how peers tell it is alive (and
 * take its work back when it is not), and what `shortsmith health` reads. Rows a crashed
 * predecessor on this host left behind are cleared when it starts.
 */
export class WorkerPresence {
  private timer?: NodeJS.Timeout;
  /** When the last heartbeat reached the database. */
  lastBeatAt: Date | null = null;

  /** The port this process's /healthz answers on, when it has a listener (set before start). */
  listenPort: number | null = null;

  constructor(private readonly db: Db, readonly id: string, private readonly log: Logger) {}

  async start(jobPoolId?: string | null): Promise<void> {
    await registerWorkerNode(this.db, { id: this.id, host: hostname(), pid: process.pid, jobPoolId, listenPort: this.listenPort });
    this.lastBeatAt = new Date();
    this.timer = setInterval(() => {
      void beatWorkerNode(this.db, this.id)
        .then(() => (this.lastBeatAt = new Date()))
        .catch((err: unknown) => this.log.warn({ err }, 'worker heartbeat failed'));
    }, 1000);
  }

  /** Forgets predecessors on this host whose process is gone (after their work was taken back). */
  async forgetDeadLocal(): Promise<void> {
    for (const node of await listWorkerNodes(this.db)) {
      if (isDeadLocalWorker(node.id, this.id)) await removeWorkerNode(this.db, node.id);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await removeWorkerNode(this.db, this.id).catch(() => undefined);
  }
}
