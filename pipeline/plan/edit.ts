import { z } from 'zod';
import { UserError } from '../../core/errors';
import { fitPlan } from './fit';
import { isEngineVoiceName } from '../providers/speech/voices';
import { EFFECT_PRESETS, TARGET_LENGTHS, TEMPOS, VISUAL_STYLES, VOICES } from './packs';
import { estimatePlan } from './estimates';
import { HIDDEN_CHARS } from './input';
import { validatePlan } from './validate';
import { beatsFor } from './templates';
import { contextFor, loadForEdit, regenerateScript, save, toDraft, type PlanDeps, type PlanState } from './service';
import { getProject, updateProjectRow } from '../../db/repos/projects';

const plainText = (max: number, what: string) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').replace(/[\t\r\n]+/g, ' ').replace(/ {2,}/g, ' ').trim())
    .refine((s) => !HIDDEN_CHARS.test(s), { message: `${what} contains invisible control characters` })
    .refine((s) => [...s].length <= max, { message: `${what} is longer than ${max} characters` });

/** What a user may change on one scene. Text is stored as typed; renderers escape it. */
export const scenePatchSchema = z
  .object({
    narrationText: plainText(1000, 'Narration').refine((s) => s.length > 0, { message: 'Narration cannot be empty' }),
    onScreenText: plainText(60, 'On-screen text'),
    visualPrompt: plainText(1000, 'Visual prompt').refine((s) => s.length > 0, { message: 'Visual prompt cannot be empty' }),
    effectPreset: z.enum(EFFECT_PRESETS, { message: `Effect must be one of: ${EFFECT_PRESETS.join(', ')}` }),
    durationTargetSec: z.number().min(1, 'Duration must be at least 1 s').max(30, 'Duration must be at most 30 s'),
  })
  .partial();
export type ScenePatch = z.input<typeof scenePatchSchema>;

function parsePatch(patch: unknown): z.output<typeof scenePatchSchema> {
  const parsed = scenePatchSchema.safeParse(patch);
  if (!parsed.success) throw new UserError('bad_scene_edit', parsed.error.issues.map((i) => i.message).join('; ') + '.');
  return parsed.data;
}

/** Applies a user's edit to one scene as a new plan version; the rest stays, then re-validates. */
export async function editScene(deps: PlanDeps, projectId: string, idx: number, patch: unknown, expectedPlanId?: string): Promise<PlanState> {
  const changes = parsePatch(patch);
  const { project, plan } = await loadForEdit(deps.db, projectId, expectedPlanId);
  if (!plan.scenes[idx]) throw new UserError('unknown_scene', `There is no scene ${idx + 1}; this plan has ${plan.scenes.length}.`);
  const ctx = await contextFor(deps.db, project, plan);
  const scenes = plan.scenes.map(toDraft);
  scenes[idx] = { ...scenes[idx]!, ...changes };
  return save(deps, project, { hookOptions: plan.hookOptions, hookSelected: plan.hookSelected, outline: plan.outline, template: ctx.template }, {
    scenes,
    estimates: estimatePlan(scenes, ctx.tempo),
    validation: validatePlan(scenes, ctx.pack, ctx.targetLengthSec, ctx.tempo),
    costMicros: 0,
  }, 0);
}

/** Locks or unlocks a scene (locked scenes survive every regeneration unchanged). */
export async function setSceneLock(deps: PlanDeps, projectId: string, idx: number, locked: boolean, expectedPlanId?: string): Promise<PlanState> {
  const { project, plan } = await loadForEdit(deps.db, projectId, expectedPlanId);
  if (!plan.scenes[idx]) throw new UserError('unknown_scene', `There is no scene ${idx + 1}; this plan has ${plan.scenes.length}.`);
  const ctx = await contextFor(deps.db, project, plan);
  const scenes = plan.scenes.map(toDraft);
  scenes[idx] = { ...scenes[idx]!, isLocked: locked };
  return save(deps, project, { hookOptions: plan.hookOptions, hookSelected: plan.hookSelected, outline: plan.outline, template: ctx.template }, {
    scenes, estimates: plan.estimates, validation: plan.validation, costMicros: 0,
  }, 0);
}

/**
 * Swap clip: the scene's footage becomes the next search result (the render passes over one more).
 * A locked scene keeps its clip, as it keeps everything else.
 */
export async function swapSceneClip(deps: PlanDeps, projectId: string, idx: number, expectedPlanId?: string): Promise<PlanState> {
  const { project, plan } = await loadForEdit(deps.db, projectId, expectedPlanId);
  const scene = plan.scenes[idx];
  if (!scene) throw new UserError('unknown_scene', `There is no scene ${idx + 1}; this plan has ${plan.scenes.length}.`);
  if (scene.isLocked) throw new UserError('scene_locked', `Scene ${idx + 1} is locked, and keeps its clip. Unlock it to swap the clip.`);
  const ctx = await contextFor(deps.db, project, plan);
  const scenes = plan.scenes.map(toDraft);
  scenes[idx] = { ...scenes[idx]!, footageSkip: (scene.footageSkip ?? 0) + 1 };
  return save(deps, project, { hookOptions: plan.hookOptions, hookSelected: plan.hookSelected, outline: plan.outline, template: ctx.template }, {
    scenes, estimates: plan.estimates, validation: plan.validation, costMicros: 0,
  }, 0);
}

export const settingsPatchSchema = z
  .object({
    voicePreset: z.string().refine((v) => (VOICES as readonly string[]).includes(v) || isEngineVoiceName(v), { message: `Voice must be one of: ${VOICES.join(', ')}, or a voice name of the bot's voice engine` }),
    tempo: z.enum(TEMPOS, { message: `Tempo must be one of: ${TEMPOS.join(', ')}` }),
    targetLengthSec: z.union(TARGET_LENGTHS.map((l) => z.literal(l)) as [z.ZodLiteral<60>, z.ZodLiteral<90>, z.ZodLiteral<120>, z.ZodLiteral<180>], {
      message: `Length must be one of: ${TARGET_LENGTHS.join(', ')}`,
    }),
    visualStylePreset: z.enum(Object.keys(VISUAL_STYLES) as [keyof typeof VISUAL_STYLES], { message: `Style must be one of: ${Object.keys(VISUAL_STYLES).join(', ')}` }).nullable(),
  })
  .partial();

/**
 * Changes voice, tempo, length or visual style and re-validates as a new plan version. A new
 * tempo refits durations; a new length re-lays the scenes (locked ones kept).
 */
export async function updatePlanSettings(deps: PlanDeps, projectId: string, patch: unknown, expectedPlanId?: string): Promise<PlanState> {
  const parsed = settingsPatchSchema.safeParse(patch);
  if (!parsed.success) throw new UserError('bad_settings', parsed.error.issues.map((i) => i.message).join('; ') + '.');
  const { project, plan } = await loadForEdit(deps.db, projectId, expectedPlanId);
  await updateProjectRow(deps.db, project.id, parsed.data);
  const updated = await getProject(deps.db, project.id);
  if (!plan.scenes.length) return { project: updated, plan };
  const lengthChanged = parsed.data.targetLengthSec !== undefined && parsed.data.targetLengthSec !== project.targetLengthSec;
  if (lengthChanged) {
    return regenerateScript(deps, project.id);
  }
  const ctx = await contextFor(deps.db, updated, plan);
  const drafts = plan.scenes.map(toDraft);
  const fitted = await fitPlan(deps.planner, ctx, beatsFor(ctx.template, drafts.length), drafts, drafts.map((d) => d.isLocked));
  return save(deps, updated, { hookOptions: plan.hookOptions, hookSelected: plan.hookSelected, outline: plan.outline, template: ctx.template }, fitted, 0);
}
