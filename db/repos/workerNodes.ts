import type { Db, WorkerNode } from '../client';

/** Records (or refreshes) this worker process as alive. */
export async function registerWorkerNode(db: Db, node: { id: string; host: string; pid: number; jobPoolId?: string | null; listenPort?: number | null }): Promise<void> {
  const now = new Date();
  const data = { host: node.host, pid: node.pid, jobPoolId: node.jobPoolId ?? null, listenPort: node.listenPort ?? null, startedAt: now, heartbeatAt: now };
  await db.workerNode.upsert({ where: { id: node.id }, create: { id: node.id, ...data }, update: data });
}

/** Says this worker is still alive. */
export async function beatWorkerNode(db: Db, id: string): Promise<void> {
  await db.workerNode.updateMany({ where: { id }, data: { heartbeatAt: new Date() } });
}

/** Every known worker process, silent ones included. */
export function listWorkerNodes(db: Db): Promise<WorkerNode[]> {
  return db.workerNode.findMany({ orderBy: { startedAt: 'asc' } });
}

/** Forgets a worker (it stopped, or its work was taken back). */
export async function removeWorkerNode(db: Db, id: string): Promise<void> {
  await db.workerNode.deleteMany({ where: { id } });
}
