import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestDatabase, testProvider, type TestDatabase } from '../support/database';
import { createProject, deleteProject, getProjectInChat } from '../../db/repos/projects';
import { createPlanVersion, getPlanVersion, listPlanVersions } from '../../db/repos/planVersions';
import { getRun, queueRunForPlan, saveRunState, appendRunLog } from '../../db/repos/runs';
import { cacheKey, getCached, putCached } from '../../db/repos/cache';
import { getChatSettings, updateChatSettings } from '../../db/repos/chatSettings';
import { z } from 'zod';

let db: TestDatabase;
beforeAll(async () => {
  db = await makeTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

const owner = { platform: 'discord', chatId: 'c1', guildId: 'g1', ownerUserId: 'u1' };

async function projectWithPlan(topic = 'why octopuses have three hearts') {
  const project = await createProject(db.prisma, { ...owner, title: 'Octopus hearts', topic, nichePackId: 'science' });
  const pv = await createPlanVersion(
    db.prisma,
    project.id,
    {
      hookOptions: ['a', 'b', 'c', 'd', 'e'],
      hookSelected: 'a',
      outline: 'o',
      scriptFull: 's',
      scriptTemplateId: 'storytime',
      estimates: { wpm: 150, estimatedLengthSec: 61.5 },
      validation: { errors: [], warnings: ['w'], suggestions: [] },
      scenes: [
        { narrationText: 'one', durationTargetSec: 4.5, effectPreset: 'pan_left', isLocked: true },
        { narrationText: 'two', durationTargetSec: 5.25, onScreenText: 'Two!' },
      ],
    },
    'PLAN_READY',
  );
  return { project, pv };
}

describe(`data model on ${testProvider}`, () => {
  it('round-trips every model with the seed defaults', async () => {
    const { project, pv } = await projectWithPlan();
    expect(project).toMatchObject({ language: 'en', targetLengthSec: 60, tempo: 'normal', voicePreset: 'alloy', status: 'DRAFT_PLAN' });
    const fresh = await getProjectInChat(db.prisma, project.id, 'discord', 'c1');
    expect(fresh.status).toBe('PLAN_READY');
    expect(fresh.latestPlanVersionId).toBe(pv.id);

    const loaded = await getPlanVersion(db.prisma, pv.id);
    expect(loaded.hookOptions).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(loaded.estimates).toEqual({ wpm: 150, estimatedLengthSec: 61.5 });
    expect(loaded.validation.warnings).toEqual(['w']);
    expect(loaded.scenes.map((s) => [s.idx, s.startTimeSec, s.endTimeSec, s.isLocked, s.effectPreset])).toEqual([
      [0, 0, 4.5, true, 'pan_left'],
      [1, 4.5, 9.75, false, 'slow_zoom_in'],
    ]);
    expect(loaded.scenes[1]).toMatchObject({ onScreenText: 'Two!', negativePrompt: '', projectId: project.id });

    const run = await queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: pv.id, requestedByUserId: 'u1', messageRefs: { channelId: 'c1' } });
    expect(run).toMatchObject({ status: 'queued', progress: 0, currentStep: '', views: null, scheduledPublishAt: null });
    await saveRunState(db.prisma, run.id, {
      artifacts: { mp4Path: 'runs/x/final.mp4' },
      resumeState: { lastCompletedStep: 'tts_generate', steps: { tts_generate: { inputHash: 'h', finishedAt: 'now', outputs: {} } } },
      addCostMicros: 1234,
    });
    await appendRunLog(db.prisma, run.id, { level: 'info', step: 'tts_generate', message: 'voice ready' });
    const r = await getRun(db.prisma, run.id);
    expect(r.artifacts.mp4Path).toBe('runs/x/final.mp4');
    expect(r.resumeState.lastCompletedStep).toBe('tts_generate');
    expect(r.costMicros).toBe(1234);
    expect(r.logs).toHaveLength(1);
    expect(r.messageRefs.channelId).toBe('c1');

    const settings = await updateChatSettings(db.prisma, 'discord', 'c1', { approverRoleIds: ['123'], dailyRenderQuota: 3 });
    expect(settings.approverRoleIds).toEqual(['123']);
    expect((await getChatSettings(db.prisma, 'discord', 'c1')).dailyRenderQuota).toBe(3);
    expect((await getChatSettings(db.prisma, 'telegram', 'other')).dailyRenderQuota).toBe(20);
  });

  it('does not show a project to another chat', async () => {
    const { project } = await projectWithPlan();
    await expect(getProjectInChat(db.prisma, project.id, 'discord', 'c2')).rejects.toMatchObject({ code: 'not_found' });
    await expect(getProjectInChat(db.prisma, project.id, 'telegram', 'c1')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('deleting a project cascades to plan versions, scenes and runs', async () => {
    const { project, pv } = await projectWithPlan();
    await queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: pv.id, requestedByUserId: 'u1' });
    await deleteProject(db.prisma, project.id);
    expect(await db.prisma.planVersion.count({ where: { projectId: project.id } })).toBe(0);
    expect(await db.prisma.scene.count({ where: { projectId: project.id } })).toBe(0);
    expect(await db.prisma.run.count({ where: { projectId: project.id } })).toBe(0);
  });

  it('deleting a plan version cascades to its scenes and runs', async () => {
    const { project, pv } = await projectWithPlan();
    await queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: pv.id, requestedByUserId: 'u1' });
    await db.prisma.planVersion.delete({ where: { id: pv.id } });
    expect(await db.prisma.scene.count({ where: { planVersionId: pv.id } })).toBe(0);
    expect(await db.prisma.run.count({ where: { planVersionId: pv.id } })).toBe(0);
    expect(await db.prisma.project.count({ where: { id: project.id } })).toBe(1);
  });

  it('keeps every plan version as an immutable snapshot', async () => {
    const { project } = await projectWithPlan();
    await createPlanVersion(db.prisma, project.id, { hookOptions: ['x'], scenes: [{ narrationText: 'new', durationTargetSec: 3 }] }, 'PLAN_READY');
    const versions = await listPlanVersions(db.prisma, project.id);
    expect(versions).toHaveLength(2);
    expect(versions[0]?.scenes.map((s) => s.narrationText)).toEqual(['one', 'two']);
    expect(versions[1]?.scenes.map((s) => s.narrationText)).toEqual(['new']);
  });

  it('holds the cache key unique and reads typed results', async () => {
    const key = cacheKey('llm', { model: 'm', prompt: 'p', inputs: { b: 1, a: 2 } });
    expect(cacheKey('llm', { inputs: { a: 2, b: 1 }, prompt: 'p', model: 'm' })).toBe(key);
    await putCached(db.prisma, 'llm', key, { hooks: ['h'] });
    await putCached(db.prisma, 'llm', key, { hooks: ['h2'] });
    expect(await db.prisma.cache.count({ where: { hashKey: key } })).toBe(1);
    const hit = await getCached(db.prisma, key, z.object({ hooks: z.array(z.string()) }));
    expect(hit?.result.hooks).toEqual(['h2']);
    await expect(db.prisma.cache.create({ data: { kind: 'llm', hashKey: key } })).rejects.toMatchObject({ code: 'P2002' });
    expect(await getCached(db.prisma, key, z.object({ other: z.string() }))).toBeNull();
  });
});
