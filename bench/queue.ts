import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { makeLogger } from '../core/logger';
import { openDatabase, type Database } from '../db/client';
import { createPlanVersion } from '../db/repos/planVersions';
import { createProject } from '../db/repos/projects';
import { queueRunForPlan } from '../db/repos/runs';
import { migrateJobQueue } from '../pipeline/queue/graphile';
import { graphileSignals, localSignals, type JobSignals } from '../pipeline/queue/jobs';

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Worker processes exactly as production starts them: `shortsmith start --role worker`. */
function startWorkers(n: number, env: Record<string, string>): ChildProcess[] {
  return Array.from({ length: n }, (_, i) => spawn(process.execPath, ['bin/shortsmith.js', 'start', '--role', 'worker'], {
    env: { ...process.env, ...env, PORT: String(18_400 + i), LOG_LEVEL: 'warn', RENDER_SIZE: '270x480', RENDER_PRESET: 'superfast', OPENAI_API_KEY: '' },
    stdio: ['ignore', 'ignore', 'inherit'],
  }));
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(workers.map((w) => new Promise<void>((r) => {
    w.once('exit', () => r());
    w.kill('SIGTERM');
  })));
}

/** A one-scene plan in one of five chats: a small render (~1 s of video at 270x480). */
async function approve(db: Database, jobs: JobSignals, i: number) {
  const project = await createProject(db.prisma, { platform: 'bench', chatId: `chat${i % 5}`, ownerUserId: 'b', title: `Bench ${i}`, topic: 'why octopuses have three hearts', nichePackId: 'science' });
  const plan = await createPlanVersion(db.prisma, project.id, {
    hookOptions: ['Octopuses have three hearts.'], hookSelected: 'Octopuses have three hearts.',
    scenes: [{ narrationText: 'Octopuses have three hearts.', onScreenText: 'HEARTS', visualPrompt: 'an octopus', effectPreset: 'slow_zoom_in', durationTargetSec: 2 }],
  }, 'PLAN_READY');
  const at = performance.now();
  const run = await queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: plan.id, requestedByUserId: 'b' }, undefined, jobs.runQueued);
  return { id: run.id, at };
}

/** Waits until a run leaves `queued`, returning when it was first seen running (polled every 10 ms). */
async function startedAt(db: Database, id: string): Promise<number> {
  for (;;) {
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id }, select: { status: true } });
    if (run.status !== 'queued') return performance.now();
    await sleep(10);
  }
}

async function waitAllDone(db: Database, n: number): Promise<void> {
  while ((await db.prisma.run.count({ where: { status: { in: ['done', 'failed', 'qa_failed'] } } })) < n) await sleep(50);
}

/**
 * One engine: queue latency with idle workers (approve → the run is claimed, one at a time, p50
 * and p99), then throughput (a burst of small renders from five chats, drained by 1 and by 2
 * worker processes, in runs per minute).
 */
async function benchEngine(label: string, url: string, jobs: JobSignals, dataDir: string): Promise<void> {
  const env = { DATABASE_URL: url, DATA_DIR: dataDir };
  const db = await openDatabase(url);
  if (db.provider === 'postgresql') await migrateJobQueue(db.pool!, makeLogger('silent'));
  try {
    const one = startWorkers(1, env);
    await sleep(4000); // start-up: the worker threads warm their engines
    const latencies: number[] = [];
    for (let i = 0; i < 15; i++) {
      const run = await approve(db, jobs, i);
      latencies.push((await startedAt(db, run.id)) - run.at);
      await waitAllDone(db, i + 1);
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    console.log(`  ${label.padEnd(10)} approve → claimed, idle worker: p50 ${pct(sorted, 50).toFixed(0)} ms · p99 ${pct(sorted, 99).toFixed(0)} ms (${sorted.length} runs)`);
    for (const count of [1, 2]) {
      const workers = count === 1 ? one : [...one, ...startWorkers(1, { ...env })];
      if (count === 2) await sleep(4000);
      const before = await db.prisma.run.count();
      const burst = 20;
      const t0 = performance.now();
      for (let i = 0; i < burst; i++) await approve(db, jobs, before + i);
      await waitAllDone(db, before + burst);
      const minutes = (performance.now() - t0) / 60_000;
      console.log(`  ${label.padEnd(10)} ${count} worker process${count === 1 ? ' ' : 'es'}: ${burst} small renders from 5 chats in ${(minutes * 60).toFixed(1)} s = ${(burst / minutes).toFixed(1)} runs/min`);
      if (count === 2) await stopWorkers(workers);
    }
  } finally {
    await db.close();
  }
}

/** `npm run bench -- queue`: the SQLite runner, and graphile-worker when BENCH_POSTGRES_URL names a server. */
export async function benchQueue(): Promise<void> {
  console.log('\n# render queue (small renders, 270x480; `shortsmith start --role worker` processes)');
  const dir = mkdtempSync(join(tmpdir(), 'shortsmith-bench-q-'));
  try {
    await benchEngine('sqlite', `file:${join(dir, 'queue.db')}`, localSignals, join(dir, 'sqlite'));
    const admin = process.env.BENCH_POSTGRES_URL;
    if (!admin) {
      console.log('  postgresql skipped: set BENCH_POSTGRES_URL (an admin URL; a scratch database is made and dropped)');
      return;
    }
    const name = `shortsmith_bench_${process.pid}`;
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    await client.query(`CREATE DATABASE "${name}"`);
    try {
      const url = new URL(admin);
      url.pathname = `/${name}`;
      await benchEngine('postgresql', url.toString(), graphileSignals, join(dir, 'pg'));
    } finally {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.end();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
