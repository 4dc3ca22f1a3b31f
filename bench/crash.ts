import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Database } from '../db/client';
import { queueRunForPlan } from '../db/repos/runs';
import { makeOfflinePlanner } from '../pipeline/plan/offline/offlinePlanner';
import { parseProjectOptions } from '../pipeline/plan/input';
import { chooseHook, startProject } from '../pipeline/plan/service';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function worker(dataDir: string): ChildProcess {
  return spawn(process.execPath, ['bin/shortsmith.js', 'start', '--role', 'worker'], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: `file:${join(dataDir, 'crash.db')}`, PORT: '18499', LOG_LEVEL: 'warn', OPENAI_API_KEY: '', RENDER_SIZE: '1080x1920' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/** One full-size minute in a fresh data folder (no cache shared between the two cases). */
async function renderMinute(crashAt: number | null): Promise<{ totalSec: number; redoneSec?: number }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-bench-crash-'));
  let db: Database | null = null;
  const procs: ChildProcess[] = [];
  try {
    db = await openDatabase(`file:${join(dataDir, 'crash.db')}`);
    const deps = { db: db.prisma, planner: makeOfflinePlanner() };
    const draft = await startProject(deps, { platform: 'bench', chatId: 'b', ownerUserId: 'b' }, parseProjectOptions({ topic: 'why octopuses have three hearts', niche: 'science' }));
    const { project, plan } = await chooseHook(deps, draft.project.id, 0);
    procs.push(worker(dataDir));
    await sleep(4000); // the worker warms its engines, as a running one would be
    const t0 = performance.now();
    const run = await queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: plan.id, requestedByUserId: 'b' });
    let killedAt = 0;
    for (;;) {
      const r = await db.prisma.run.findUniqueOrThrow({ where: { id: run.id }, select: { status: true, progress: true } });
      if (r.status === 'done') break;
      if (r.status === 'failed' || r.status === 'qa_failed') throw new Error(`the bench render failed: ${r.status}`);
      if (crashAt !== null && !killedAt && r.progress >= crashAt) {
        procs[0]!.kill('SIGKILL');
        killedAt = performance.now();
        procs.push(worker(dataDir));
      }
      await sleep(50);
    }
    return { totalSec: (performance.now() - t0) / 1000, ...(killedAt ? { redoneSec: (performance.now() - killedAt) / 1000 } : {}) };
  } finally {
    for (const p of procs) p.kill('SIGKILL');
    await db?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * `npm run bench -- crash`: what a worker killed during the encode costs the person waiting. A
 * full-size minute renders once undisturbed, then once with its worker SIGKILLed at 77% and a
 * new worker started at once on the same host (it takes the dead one's run back immediately).
 */
export async function benchCrash(): Promise<void> {
  console.log('\n# a worker killed during the encode (60 s, 1080x1920, SQLite, `start --role worker`)');
  const clean = await renderMinute(null);
  const crashed = await renderMinute(77);
  console.log(`  undisturbed ${clean.totalSec.toFixed(1)} s · killed at 77% and replaced: ${crashed.totalSec.toFixed(1)} s (${(crashed.totalSec - clean.totalSec).toFixed(1)} s later; ${crashed.redoneSec!.toFixed(1)} s from the kill to the mp4)`);
}
