import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { createPlanVersion } from '../../db/repos/planVersions';
import { createProject } from '../../db/repos/projects';
import { queueRunForPlan, type RunView } from '../../db/repos/runs';
import type { RenderServices } from '../../pipeline/render/context';
import { makeRenderServices } from '../../pipeline/render/services';
import { RenderRunner } from '../../pipeline/render/runner';
import { makeTestDatabase, type TestDatabase } from './database';

export interface RenderHarness {
  db: TestDatabase;
  config: Config;
  services: RenderServices;
  dataDir: string;
  dispose(): Promise<void>;
}

/** A small-format render setup on a fresh database and data folder (offline unless env says). */
export async function makeRenderHarness(env: Record<string, string> = {}): Promise<RenderHarness> {
  const dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-render-'));
  const db = await makeTestDatabase();
  const config = loadConfig({ FFMPEG_PATH: process.env.FFMPEG_PATH, FFPROBE_PATH: process.env.FFPROBE_PATH, DATA_DIR: dataDir, RENDER_SIZE: '270x480', RENDER_PRESET: 'superfast', ...env });
  const services = await makeRenderServices(config, db.prisma, makeLogger('silent'));
  return {
    db, config, services, dataDir,
    dispose: async () => {
      await services.pool.close();
      await db.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const SHORT_SCENES = [
  { narrationText: 'Octopuses have three hearts.', onScreenText: 'THREE HEARTS', effectPreset: 'slow_zoom_in' },
  { narrationText: 'Two pump blood to the gills.', onScreenText: '{\\an8} literal', effectPreset: 'pan_left' },
  { narrationText: 'The third feeds the body.', onScreenText: 'FACT', effectPreset: 'flash_cut' },
];

/** A PLAN_READY project with short scenes. */
export async function createShortPlan(h: RenderHarness, scenes = SHORT_SCENES, niche = 'science'): Promise<{ projectId: string; planVersionId: string }> {
  const project = await createProject(h.db.prisma, {
    platform: 'cli', chatId: 'test', ownerUserId: 'u', title: 'Octopus hearts', topic: 'why octopuses have three hearts', nichePackId: niche,
  });
  const plan = await createPlanVersion(h.db.prisma, project.id, {
    hookOptions: ['Octopuses have three hearts.'],
    hookSelected: 'Octopuses have three hearts.',
    scenes: scenes.map((s) => ({ ...s, visualPrompt: `picture of ${s.onScreenText}`, negativePrompt: 'text', durationTargetSec: 2 })),
  }, 'PLAN_READY');
  return { projectId: project.id, planVersionId: plan.id };
}

/** A PLAN_READY project with short scenes and a queued run for it. */
export async function queueShortRun(h: RenderHarness, scenes = SHORT_SCENES, niche = 'science'): Promise<RunView> {
  const ids = await createShortPlan(h, scenes, niche);
  return queueRunForPlan(h.db.prisma, { ...ids, requestedByUserId: 'u' });
}

/** Starts a runner on the harness, waits for the queued run to finish, stops it: 'done' or the failure reason. */
export async function renderQueued(h: RenderHarness): Promise<string> {
  const runner = new RenderRunner(h.services, { pollMs: 100 });
  const done = new Promise<string>((resolve) => {
    runner.on('done', () => resolve('done'));
    runner.on('failed', (e) => resolve(e.reason));
  });
  await runner.start();
  try {
    return await done;
  } finally {
    await runner.stop();
  }
}
