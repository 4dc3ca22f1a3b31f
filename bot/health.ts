import type { IncomingMessage, ServerResponse } from 'node:http';
import { hostname } from 'node:os';
import type { Db } from '../db/client';
import { listWorkerNodes } from '../db/repos/workerNodes';
import { isDeadLocalWorker } from '../pipeline/render/runner';
import type { App } from './app';

export type Role = 'all' | 'bot' | 'worker';

export interface HealthCheck {
  ok: boolean;
  detail: string;
}

export interface HealthReport {
  ok: boolean;
  role: Role;
  checks: Record<string, HealthCheck>;
}

/** What the process knows about its own chat connections (filled by `start`). */
export interface AdapterState {
  /** False until the process has started everything its role runs. */
  started: boolean;
  telegram: 'off' | 'polling' | 'webhook';
  telegramRunning(): boolean;
}

async function checkDatabase(db: Db): Promise<HealthCheck> {
  try {
    await Promise.race([db.$queryRaw`SELECT 1`, new Promise((_, reject) => setTimeout(() => reject(new Error('no answer in 2 s')), 2000))]);
    return { ok: true, detail: 'reachable' };
  } catch (err) {
    return { ok: false, detail: (err as Error).message.slice(0, 200) };
  }
}

/** The process's own view of each part its role runs: database, chat adapters, worker, scheduler. */
export async function collectHealth(app: App, role: Role, adapters: AdapterState): Promise<HealthReport> {
  const checks: Record<string, HealthCheck> = { database: await checkDatabase(app.db.prisma) };
  if (!adapters.started) checks.startup = { ok: false, detail: 'still starting' };
  if (role !== 'worker') {
    if (app.discord) checks.discord = app.discord.isReady() ? { ok: true, detail: `connected as ${app.discord.user?.tag ?? '?'}` } : { ok: false, detail: 'not connected to the gateway' };
    if (adapters.telegram !== 'off') {
      checks.telegram = adapters.telegram === 'webhook' || adapters.telegramRunning()
        ? { ok: true, detail: adapters.telegram } : { ok: false, detail: 'long polling stopped' };
    }
  }
  if (role !== 'bot') {
    const beat = app.presence?.lastBeatAt;
    const age = beat ? Date.now() - beat.getTime() : Infinity;
    checks.worker = age < 5000
      ? { ok: true, detail: `${app.runner?.busy ?? 0} rendering, ${app.queue ? 'graphile-worker' : 'in-process'} queue, heartbeat ${Math.round(age / 100) / 10} s ago` }
      : { ok: false, detail: beat ? `last heartbeat ${Math.round(age / 1000)} s ago` : 'not started' };
    const tick = app.scheduler?.lastTickAt;
    const tickAge = tick ? Date.now() - tick.getTime() : Infinity;
    checks.scheduler = tickAge < 150_000 ? { ok: true, detail: `last tick ${Math.round(tickAge / 1000)} s ago` } : { ok: false, detail: tick ? `no tick for ${Math.round(tickAge / 1000)} s` : 'no tick yet' };
  }
  return { ok: Object.values(checks).every((c) => c.ok), role, checks };
}

/** `GET /healthz`: 200 with the report when every part is fine, 503 with it otherwise. */
export function healthRoute(report: () => Promise<HealthReport>) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/healthz') return false;
    void report().then((r) => {
      res.writeHead(r.ok ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(r));
    }, (err: unknown) => {
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: (err as Error).message }));
    });
    return true;
  };
}

/**
 * Nothing answered on `port`: the worker that owns that port is down. Only workers that run
 * without a listener (their port was taken) are judged from their heartbeat rows instead —
 * alive when the process exists and wrote within 10 s.
 */
export async function localWorkersFromDatabase(db: Db, port: number): Promise<HealthCheck> {
  const mine = (await listWorkerNodes(db)).filter((n) => n.host === hostname());
  const owner = mine.find((n) => n.listenPort === port);
  if (owner) return { ok: false, detail: `the worker on port ${port} (pid ${owner.pid}) does not answer` };
  const live = mine.filter((n) => n.listenPort === null && Date.now() - n.heartbeatAt.getTime() < 10_000 && !isDeadLocalWorker(n.id, ''));
  return live.length
    ? { ok: true, detail: `${live.length} worker process${live.length === 1 ? '' : 'es'} on ${hostname()} (pid ${live.map((n) => n.pid).join(', ')})` }
    : { ok: false, detail: `no live worker process on ${hostname()} answers on port ${port}${mine.length ? ` (${mine.length} known here)` : ''}` };
}
