import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { PlanVersionView } from '../db/repos/planVersions';
import type { Project } from '../db/client';
import { getPack } from '../pipeline/plan/packs';
import { makeOfflineImages } from '../pipeline/providers/images/offline';
import { writeAtomic } from '../pipeline/render/files';
import { makeSceneImages } from '../pipeline/render/steps/imagesGenerate';
import { getChatSettings } from '../db/repos/chatSettings';
import { visualsFor } from '../core/config';
import { findBinaries } from '../pipeline/render/binaries';
import { findSceneFootage, type SceneClip } from '../pipeline/render/footage';
import { makeFootage } from '../pipeline/render/services';
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

/**
 * With footage on, the clips the render will use (the same searches in the same order, at the
 * render's size, so the render finds them in the cache): their first frames go on the
 * storyboard. Searching and fetching may take a while, so it has a time limit; a scene without a
 * clip in time keeps its sketch.
 */
async function previewFootage(deps: CommandDeps, project: Project, plan: PlanVersionView): Promise<(SceneClip | null)[]> {
  const none = plan.scenes.map(() => null);
  const settings = await getChatSettings(deps.db, project.platform, project.chatId);
  const footage = visualsFor(project, deps.config, settings.defaultVisuals) === 'stock' ? makeFootage(deps.config) : null;
  if (!footage) return none;
  const scenes = plan.scenes.map((s) => ({ visualPrompt: s.visualPrompt, onScreenText: s.onScreenText, durationSec: s.durationTargetSec, skip: s.footageSkip }));
  const ctx = { log: deps.log, projectId: project.id, signal: AbortSignal.timeout(FOOTAGE_PREVIEW_MS) };
  try {
    const { width, height } = deps.config.render;
    return (await findSceneFootage(scenes, project.topic, { ...footage, bins: findBinaries(deps.config.ffmpeg), format: { width, height } }, ctx)).clips;
  } catch (err) {
    deps.log.warn({ err, projectId: project.id }, 'storyboard footage preview stopped');
    return none;
  }
}

/** How long a plan's storyboard may spend finding footage. */
const FOOTAGE_PREVIEW_MS = 45_000;

async function drawStoryboard(deps: CommandDeps, project: Project, plan: PlanVersionView): Promise<string> {
  const path = join(deps.config.dataDir, 'storyboards', `${plan.id}.png`);
  if (existsSync(path)) return path;
  const art = makeOfflineImages((req, signal) => deps.pool.run('art', req, signal));
  const services = { config: deps.config, db: deps.db, log: deps.log, images: art, offlineImages: art, format: { ...PREVIEW, fps: 30, preset: 'superfast', crf: 23 } };
  const job = { project, plan, pack: getPack(project.nichePackId) };
  const clips = await previewFootage(deps, project, plan);
  const skip = new Set(clips.flatMap((c, i) => (c ? [i] : [])));
  const { paths } = await makeSceneImages(job, services, { signal: AbortSignal.timeout(60_000), lanes: 2, skip });
  const images = plan.scenes.map((_s, i) => clips[i]?.firstFrame ?? paths[i]!);
  const png = await deps.pool.run('storyboard', {
    images,
    title: project.title,
    labels: plan.scenes.map((s) => `${s.durationTargetSec.toFixed(1)}s · ${s.effectPreset}${s.isLocked ? ' · locked' : ''}`),
    lines: plan.scenes.map((s) => s.narrationText),
  });
  writeAtomic(path, png);
  return path;
}
