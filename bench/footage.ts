/**
 * `npm run bench -- footage`: the 60 s demo with stock footage for every scene, full size, against
 * a local stand-in for Pexels serving 1080x1920 clips made by ffmpeg (no network here). Run twice:
 * with a cold clip cache (search, download, decode check, first frame) and a warm one (the clips
 * already on disk) — the render itself decodes and scales footage on every frame.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../core/config';
import { makeLogger } from '../core/logger';
import { openDatabase } from '../db/client';
import { getRun, queueRunForPlan } from '../db/repos/runs';
import { parseProjectOptions } from '../pipeline/plan/input';
import { makeOfflinePlanner } from '../pipeline/plan/offline/offlinePlanner';
import { chooseHook, startProject } from '../pipeline/plan/service';
import { findBinaries } from '../pipeline/render/binaries';
import { executeRun } from '../pipeline/render/execute';
import { makeRenderServices } from '../pipeline/render/services';
import { makeClipFiles, startFakeStock, type FakeClip } from '../test/support/fakes/stock';

const mib = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;

export async function benchFootage(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'shortsmith-bench-footage-'));
  const clipsDir = join(dir, 'clips');
  mkdirSync(clipsDir);
  const bins = findBinaries({ ffmpegPath: process.env.FFMPEG_PATH, ffprobePath: process.env.FFPROBE_PATH });
  const clips: FakeClip[] = Array.from({ length: 12 }, (_, i) => ({ name: `clip${i}`, width: 1080, height: 1920, durationSec: 6 + (i % 4) }));
  const t0 = performance.now();
  makeClipFiles(bins.ffmpeg, clipsDir, clips);
  console.log(`\n# footage: 12 portrait clips 1080x1920, 6–9 s each, made in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const stock = await startFakeStock(clipsDir, clips);
  stock.results.set('pexels:*', clips);
  const dataDir = join(dir, 'data');
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, DATABASE_URL: undefined, OPENAI_API_KEY: undefined, PEXELS_API_KEY: 'pexels-key', PEXELS_BASE_URL: stock.server.url, VISUALS: 'stock' });
  const db = await openDatabase(config.database.url);
  let ffmpegPeak = 0;
  const services = { ...(await makeRenderServices(config, db.prisma, makeLogger('warn'))), onFfmpegPeakRss: (b: number) => (ffmpegPeak = Math.max(ffmpegPeak, b)) };
  try {
    await services.warm;
    const deps = { db: db.prisma, planner: makeOfflinePlanner() };
    for (const cache of ['cold', 'warm']) {
      const draft = await startProject(deps, { platform: 'bench', chatId: 'b', ownerUserId: 'b' }, parseProjectOptions({ topic: 'why octopuses have three hearts', niche: 'science', length: 60 }));
      const { project, plan } = await chooseHook(deps, draft.project.id, 0);
      const run = await queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: plan.id, requestedByUserId: 'b' });
      const steps: string[] = [];
      const start = performance.now();
      const outputs = await executeRun(services, run.id, { signal: new AbortController().signal, onStepDone: (s, sec) => steps.push(`${s} ${sec.toFixed(2)} s`) });
      const total = (performance.now() - start) / 1000;
      const videoSec = Number(outputs.ffmpeg_render?.durationSec);
      const done = await getRun(db.prisma, run.id);
      const withClips = ((outputs.images_generate?.clips as unknown[]) ?? []).filter(Boolean).length;
      console.log(`  ${cache} cache: ${total.toFixed(2)} s for a ${videoSec.toFixed(1)} s video = ${(total / videoSec).toFixed(2)}× its length (realtime factor ${(videoSec / total).toFixed(2)}x); ${withClips} of ${plan.scenes.length} scenes footage; ${config.render.width}x${config.render.height}`);
      console.log(`    ${steps.join(' · ')}`);
      console.log(`    peak RSS node ${mib(process.resourceUsage().maxRSS * 1024)}, ffmpeg ${mib(ffmpegPeak)} · file ${mib(statSync(String(done.artifacts.mp4Path)).size)}`);
    }
  } finally {
    await services.pool.close();
    await db.close();
    await stock.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
