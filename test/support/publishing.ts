import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../../db/client';
import { createPlanVersion } from '../../db/repos/planVersions';
import { createProject } from '../../db/repos/projects';
import { queueRunForPlan, type RunView, getRun } from '../../db/repos/runs';
import { artifactsSchema, toJson } from '../../db/json';

export interface FinishedRun {
  run: RunView;
  projectId: string;
  files: { mp4: string; thumb: string; srt: string; exportJson: string };
}

/**
 * A project with a run that finished rendering, its artifacts on disk: what publishing starts
 * from. The "video" is random bytes (folder and webhook targets never look inside it).
 */
export async function makeFinishedRun(db: Db, dir: string, owner: { platform?: string; chatId?: string; title?: string } = {}): Promise<FinishedRun> {
  const project = await createProject(db, {
    platform: owner.platform ?? 'cli', chatId: owner.chatId ?? 'terminal', ownerUserId: 'u1',
    title: owner.title ?? 'Why octopuses have three hearts', topic: 'why octopuses have three hearts', nichePackId: 'science',
  });
  const plan = await createPlanVersion(db, project.id, { hookOptions: ['Three hearts, one octopus.'], hookSelected: 'Three hearts, one octopus.', scenes: [{ narrationText: 'Octopuses have three hearts.', durationTargetSec: 2 }] }, 'PLAN_READY');
  const queued = await queueRunForPlan(db, { projectId: project.id, planVersionId: plan.id, requestedByUserId: 'u1' });
  const runDir = join(dir, 'runs', queued.id);
  mkdirSync(runDir, { recursive: true });
  const files = { mp4: join(runDir, 'video.mp4'), thumb: join(runDir, 'thumbnail.jpg'), srt: join(runDir, 'captions.srt'), exportJson: join(runDir, 'export.json') };
  writeFileSync(files.mp4, randomBytes(300_000));
  writeFileSync(files.thumb, randomBytes(2_000));
  writeFileSync(files.srt, '1\n00:00:00,000 --> 00:00:02,000\nOctopuses have three hearts.\n');
  writeFileSync(files.exportJson, JSON.stringify({ title: project.title, caption: 'Three hearts, one octopus.\n\n#octopus #science', hashtags: ['#octopus', '#science'], durationSec: 2 }));
  await db.run.update({
    where: { id: queued.id },
    data: { status: 'done', progress: 100, artifactsJson: toJson(artifactsSchema, { mp4Path: files.mp4, thumbPath: files.thumb, srtPath: files.srt, exportJsonPath: files.exportJson }) },
  });
  await db.project.update({ where: { id: project.id }, data: { status: 'DONE' } });
  return { run: await getRun(db, queued.id), projectId: project.id, files };
}
