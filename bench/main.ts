/**
 * `npm run bench`: measurements that do not belong in tests (wall time, throughput, memory).
 * Each section prints its own figures; later issues add the render and chat-latency sections.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase } from '../db/client';
import { createProject } from '../db/repos/projects';
import { createPlanVersion } from '../db/repos/planVersions';
import { queueRunForPlan } from '../db/repos/runs';
import { benchRender, type RenderBench } from './render';
import { benchLatency } from './latency';
import { benchQueue } from './queue';
import { benchCrash } from './crash';
import { benchVoices } from './voices';
import { benchFootage } from './footage';

async function benchDatabase(url: string, label: string): Promise<void> {
  const t0 = performance.now();
  const db = await openDatabase(url);
  const tMigrate = performance.now() - t0;
  const n = 200;
  const t1 = performance.now();
  for (let i = 0; i < n; i++) {
    const p = await createProject(db.prisma, { platform: 'bench', chatId: 'c', ownerUserId: 'u', title: `t${i}`, topic: 'bench topic', nichePackId: 'facts' });
    const pv = await createPlanVersion(db.prisma, p.id, {
      hookOptions: ['a', 'b', 'c', 'd', 'e'],
      scenes: Array.from({ length: 8 }, (_, k) => ({ narrationText: `scene ${k}`, durationTargetSec: 7.5 })),
    }, 'PLAN_READY');
    await Promise.allSettled(Array.from({ length: 5 }, () => queueRunForPlan(db.prisma, { projectId: p.id, planVersionId: pv.id, requestedByUserId: 'u' })));
  }
  const perPlan = (performance.now() - t1) / n;
  await db.close();
  console.log(`${label.padEnd(10)} open+migrate ${tMigrate.toFixed(0)} ms · plan(8 scenes)+5 racing approvals ${perPlan.toFixed(1)} ms each · rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB`);
}

const dir = mkdtempSync(join(tmpdir(), 'shortsmith-bench-'));
const only = process.argv[2];
try {
  console.log('# database');
  await benchDatabase(`file:${join(dir, 'bench.db')}`, 'sqlite');
  if (process.env.BENCH_POSTGRES_URL) await benchDatabase(process.env.BENCH_POSTGRES_URL, 'postgresql');
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (!only || only === 'render') {
  // A shared machine drifts by 5-10% between runs: the minute is rendered several times (each
  // with its own floor) and the ratios summarised by their median.
  const runs = Math.max(1, Number(process.env.BENCH_RUNS ?? 3));
  const minute: RenderBench[] = [];
  for (let i = 0; i < runs; i++) minute.push(await benchRender(60, 'why octopuses have three hearts', 'science', { breakdown: i === 0 }));
  if (runs > 1) {
    const summary = (label: string, ratios: number[]) => {
      const sorted = [...ratios].sort((a, b) => a - b);
      return `${label} median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(2)} (${sorted[0]!.toFixed(2)}–${sorted.at(-1)!.toFixed(2)})`;
    };
    console.log(`\n# 60 s over ${runs} runs: ${summary('total/floor', minute.map((r) => r.totalSec / r.floorSec))} · ${summary('ffmpeg_render/floor', minute.map((r) => r.renderSec / r.floorSec))}`);
  }
  if (!process.env.BENCH_QUICK) await benchRender(180, 'the lost colony of Roanoke', 'mystery');
}
if (!only || only === 'latency') await benchLatency();
if (!only || only === 'queue') await benchQueue();
if (!only || only === 'crash') await benchCrash();
if (!only || only === 'voices') await benchVoices();
if (!only || only === 'footage') await benchFootage();
