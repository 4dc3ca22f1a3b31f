import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanVersionView } from '../db/repos/planVersions';
import type { Project } from '../db/client';
import { getPack } from '../pipeline/plan/packs';
import { makeOfflineImages } from '../pipeline/providers/images/offline';
import { writeAtomic } from '../pipeline/render/files';
import { makeSceneImages } from '../pipeline/render/steps/imagesGenerate';
import type { CommandDeps } from './context';

const PREVIEW = { width: 360, height: 640 };

/**
 * The storyboard a team sees before approving: one small offline sketch per scene (never a paid
 * image call before approval), numbered, with timing and narration. Cached per plan version.
 */
export async function planStoryboard(deps: CommandDeps, project: Project, plan: PlanVersionView): Promise<string | null> {
  if (!plan.scenes.length) return null;
  try {
    return await drawStoryboard(deps, project, plan);
  } catch (err) {
    // The plan is still worth showing without its picture.
    deps.log.warn({ err, projectId: project.id, planVersionId: plan.id }, 'storyboard failed');
    return null;
  }
}

async function drawStoryboard(deps: CommandDeps, project: Project, plan: PlanVersionView): Promise<string> {
  const path = join(deps.config.dataDir, 'storyboards', `${plan.id}.png`);
  if (existsSync(path)) return path;
  const art = makeOfflineImages((req, signal) => deps.pool.run('art', req, signal));
  const services = { config: deps.config, db: deps.db, log: deps.log, images: art, offlineImages: art, format: { ...PREVIEW, fps: 30, preset: 'superfast', crf: 23 } };
  const job = { project, plan, pack: getPack(project.nichePackId) };
  const { paths: images } = await makeSceneImages(job, services, { signal: AbortSignal.timeout(60_000), lanes: 2 });
  const png = await deps.pool.run('storyboard', {
    images,
    title: project.title,
    labels: plan.scenes.map((s) => `${s.durationTargetSec.toFixed(1)}s · ${s.effectPreset}${s.isLocked ? ' · locked' : ''}`),
    lines: plan.scenes.map((s) => s.narrationText),
  });
  writeAtomic(path, png);
  return path;
}
