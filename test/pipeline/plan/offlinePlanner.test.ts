import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestDatabase, type TestDatabase } from '../../support/database';
import { makeOfflinePlanner } from '../../../pipeline/plan/offline/offlinePlanner';
import { parseProjectOptions } from '../../../pipeline/plan/input';
import { PACK_IDS, TARGET_LENGTHS, pacingFor, getPack } from '../../../pipeline/plan/packs';
import {
  autofitPlan, chooseHook, regenerateHooks, regenerateOutline, regenerateScene, regenerateScript, startProject, type PlanDeps,
} from '../../../pipeline/plan/service';
import { editScene, setSceneLock, updatePlanSettings } from '../../../pipeline/plan/edit';
import { countWords } from '../../../pipeline/plan/estimates';
import { listPlanVersions } from '../../../db/repos/planVersions';

let db: TestDatabase;
let deps: PlanDeps;
const owner = { platform: 'telegram', chatId: '42', ownerUserId: '7' };

beforeAll(async () => {
  db = await makeTestDatabase();
  deps = { db: db.prisma, planner: makeOfflinePlanner() };
});
afterAll(async () => {
  await db.dispose();
});

async function planFor(topic: string, niche = 'science', length = 60, hook = 0) {
  const draft = await startProject(deps, owner, parseProjectOptions({ topic, niche, length: String(length) }));
  return chooseHook(deps, draft.project.id, hook);
}

describe('offline planner', () => {
  it('gives every pack × length a valid plan within ±10% of the target', async () => {
    for (const niche of PACK_IDS) {
      for (const length of TARGET_LENGTHS) {
        const { plan } = await planFor('why octopuses have three hearts', niche, length);
        const label = `${niche} ${length}s`;
        expect(plan.validation.errors, label).toEqual([]);
        expect(plan.validation.warnings, label).toEqual([]);
        const total = plan.scenes.reduce((a, s) => a + s.durationTargetSec, 0);
        expect(Math.abs(total - length), `${label} durations ${total}`).toBeLessThanOrEqual(length * 0.1);
        expect(Math.abs(plan.estimates.estimatedLengthSec! - length), `${label} speech`).toBeLessThanOrEqual(length * 0.1);
        const pacing = pacingFor(getPack(niche), length);
        expect(plan.scenes.length).toBeGreaterThanOrEqual(pacing.minScenes);
        expect(plan.scenes.length).toBeLessThanOrEqual(pacing.maxScenes);
        for (const s of plan.scenes) {
          expect(getPack(niche).allowedEffects).toContain(s.effectPreset);
          expect(s.narrationText.length).toBeGreaterThan(0);
          expect(s.visualPrompt.length).toBeGreaterThan(0);
        }
        expect(plan.hookOptions).toHaveLength(5);
        expect(new Set(plan.hookOptions).size).toBe(5);
        for (const h of plan.hookOptions) expect(countWords(h)).toBeLessThanOrEqual(getPack(niche).hookRules.maxWords);
      }
    }
  });

  it('writes different hooks for 20 different topics', async () => {
    const topics = [
      'why octopuses have three hearts', 'the Dyatlov Pass incident', 'how to save money on groceries', 'why cats purr',
      'the fall of Rome', 'how black holes evaporate', 'the Mary Celeste', 'best budget mechanical keyboards',
      'why we procrastinate', 'is breakfast really the most important meal', 'speedrunning Super Mario 64', 'the history of coffee',
      'how vaccines train the immune system', 'compound interest for beginners', 'the Voynich manuscript', 'why the sky is blue',
      'the lost colony of Roanoke', 'how bees communicate', 'morning routines that work', 'the science of sleep',
    ];
    const sets = new Set<string>();
    for (const topic of topics) {
      const draft = await startProject(deps, owner, parseProjectOptions({ topic, niche: 'facts' }));
      sets.add(JSON.stringify(draft.plan.hookOptions));
      expect(draft.plan.hookOptions.some((h) => h.toLowerCase().includes(draft.project.topic.split(' ').at(-1)!.toLowerCase()) || h.includes(draft.project.topic))).toBe(true);
    }
    expect(sets.size).toBe(20);
  });

  it('is deterministic: the same topic and settings give the same plan', async () => {
    const a = await planFor('how bees communicate', 'science', 90);
    const b = await planFor('how bees communicate', 'science', 90);
    expect(b.plan.hookOptions).toEqual(a.plan.hookOptions);
    expect(b.plan.scenes.map((s) => [s.narrationText, s.effectPreset, s.durationTargetSec])).toEqual(
      a.plan.scenes.map((s) => [s.narrationText, s.effectPreset, s.durationTargetSec]),
    );
  });

  it('carries locked scenes unchanged through every regeneration', async () => {
    const first = await planFor('the Mary Celeste', 'mystery', 60);
    const id = first.project.id;
    const locked = await setSceneLock(deps, id, 2, true, first.plan.id);
    const keep = locked.plan.scenes[2]!;
    const check = (scenes: typeof locked.plan.scenes) => {
      const s = scenes[2]!;
      expect([s.narrationText, s.onScreenText, s.visualPrompt, s.effectPreset, s.durationTargetSec, s.isLocked]).toEqual([
        keep.narrationText, keep.onScreenText, keep.visualPrompt, keep.effectPreset, keep.durationTargetSec, true,
      ]);
    };
    const script = await regenerateScript(deps, id);
    check(script.plan.scenes);
    expect(script.plan.scenes.map((s) => s.narrationText)).not.toEqual(locked.plan.scenes.map((s) => s.narrationText));
    check((await regenerateOutline(deps, id)).plan.scenes);
    const hooks = await regenerateHooks(deps, id);
    check(hooks.plan.scenes);
    check((await chooseHook(deps, id, 4)).plan.scenes);
    check((await updatePlanSettings(deps, id, { targetLengthSec: 120 })).plan.scenes);
    await expect(regenerateScene(deps, id, 2)).rejects.toMatchObject({ code: 'scene_locked' });
  });

  it('regenerates one scene and leaves the others', async () => {
    const { project, plan } = await planFor('why cats purr', 'facts', 60);
    const next = await regenerateScene(deps, project.id, 3, plan.id);
    expect(next.plan.scenes[3]!.narrationText).not.toBe(plan.scenes[3]!.narrationText);
    for (const i of [0, 1, 2, 4, 5]) expect(next.plan.scenes[i]!.narrationText).toBe(plan.scenes[i]!.narrationText);
  });

  it('autofit converges: an over-long edited scene is shortened and the plan fits again', async () => {
    const { project, plan } = await planFor('the fall of Rome', 'history', 60);
    const long = Array.from({ length: 12 }, (_, i) => `This is sentence ${i + 1} about the long decline of an empire.`).join(' ');
    const edited = await editScene(deps, project.id, 1, { narrationText: long }, plan.id);
    expect(edited.plan.validation.warnings.join(' ')).toMatch(/narration needs about/);
    const fitted = await autofitPlan(deps, project.id, edited.plan.id);
    expect(fitted.plan.validation.errors).toEqual([]);
    expect(fitted.plan.validation.warnings.filter((w) => /narration needs/.test(w))).toEqual([]);
    const total = fitted.plan.scenes.reduce((a, s) => a + s.durationTargetSec, 0);
    expect(Math.abs(total - 60)).toBeLessThanOrEqual(6);
    expect(countWords(fitted.plan.scenes[1]!.narrationText)).toBeLessThan(countWords(long));
  });

  it('keeps every change as a new immutable version and refuses stale edits', async () => {
    const { project, plan } = await planFor('the history of coffee', 'history', 60);
    await editScene(deps, project.id, 0, { onScreenText: 'COFFEE!' }, plan.id);
    await expect(editScene(deps, project.id, 0, { onScreenText: 'again' }, plan.id)).rejects.toMatchObject({ code: 'stale_plan' });
    const versions = await listPlanVersions(db.prisma, project.id);
    expect(versions).toHaveLength(3);
    expect(versions[1]!.scenes[0]!.onScreenText).not.toBe('COFFEE!');
    expect(versions[2]!.scenes[0]!.onScreenText).toBe('COFFEE!');
  });

  it('explains bad scene edits and changes nothing', async () => {
    const { project, plan } = await planFor('why we dream', 'science', 60);
    await expect(editScene(deps, project.id, 0, { effectPreset: 'explode' }, plan.id)).rejects.toMatchObject({ code: 'bad_scene_edit' });
    await expect(editScene(deps, project.id, 0, { narrationText: '  ' }, plan.id)).rejects.toThrow(/Narration cannot be empty/);
    await expect(editScene(deps, project.id, 0, { onScreenText: 'x'.repeat(61) }, plan.id)).rejects.toThrow(/longer than 60/);
    await expect(editScene(deps, project.id, 0, { narrationText: 'hi\u0007there' }, plan.id)).rejects.toThrow(/control characters/);
    await expect(editScene(deps, project.id, 99, { onScreenText: 'x' }, plan.id)).rejects.toMatchObject({ code: 'unknown_scene' });
    await expect(updatePlanSettings(deps, project.id, { tempo: 'ludicrous' }, plan.id)).rejects.toThrow(/slow, normal, fast/);
    expect(await listPlanVersions(db.prisma, project.id)).toHaveLength(2);
  });

  it('honours the visual style preset and refuses offline plans in other languages without writing', async () => {
    const draft = await startProject(deps, owner, parseProjectOptions({ topic: 'neon cities', niche: 'facts', style: 'anime' }));
    const { plan } = await chooseHook(deps, draft.project.id, 0);
    expect(plan.scenes.every((s) => s.visualPrompt.includes('anime key visual'))).toBe(true);
    const before = await db.prisma.project.count();
    await expect(startProject(deps, owner, parseProjectOptions({ topic: 'los pulpos', language: 'es' }))).rejects.toMatchObject({ code: 'language_offline' });
    expect(await db.prisma.project.count()).toBe(before);
  });
});
