import { UserError } from '../../core/errors';
import type { Db, Project, Scene } from '../../db/client';
import { createPlanVersion, getLatestPlanVersion, type PlanVersionView } from '../../db/repos/planVersions';
import { addPlanCost, createProject, getProject, type ProjectOwner } from '../../db/repos/projects';
import type { ProjectStatus } from '../../db/status';
import { fitPlan, type FittedPlan } from './fit';
import type { ProjectOptions } from './input';
import { SCRIPT_TEMPLATES, getPack, type ScriptTemplateId, type VisualStyle } from './packs';
import type { PlanContext, Planner, SceneDraft } from './planner';
import { layoutScenes } from './sceneLayout';
import { beatsFor } from './templates';
import { readTopic } from './topic';
import { hookPreference, preferHooks } from '../stats/learn';

export interface PlanDeps {
  db: Db;
  planner: Planner;
}

export interface PlanState {
  project: Project;
  plan: PlanVersionView;
}

/** Statuses in which the plan may change; APPROVED and RENDERING wait for the render. */
const EDITABLE: ProjectStatus[] = ['DRAFT_PLAN', 'PLAN_READY', 'DONE', 'FAILED'];

function templateOf(project: Project, plan?: PlanVersionView | null): ScriptTemplateId {
  const stored = plan?.scriptTemplateId;
  return stored && (SCRIPT_TEMPLATES as readonly string[]).includes(stored) ? (stored as ScriptTemplateId) : getPack(project.nichePackId).defaultTemplate;
}

async function contextFor(db: Db, project: Project, plan: PlanVersionView | null): Promise<PlanContext> {
  const variant = await db.planVersion.count({ where: { projectId: project.id } });
  return {
    topic: project.topic,
    pack: getPack(project.nichePackId),
    template: templateOf(project, plan),
    targetLengthSec: project.targetLengthSec,
    tempo: project.tempo,
    language: project.language,
    visualStyle: (project.visualStylePreset as VisualStyle | null) ?? null,
    variant,
    projectId: project.id,
  };
}

/** Loads the project and its latest plan, refusing if someone changed it since `expectedPlanId`. */
async function loadForEdit(db: Db, projectId: string, expectedPlanId?: string): Promise<{ project: Project; plan: PlanVersionView }> {
  const project = await getProject(db, projectId);
  if (!EDITABLE.includes(project.status as ProjectStatus)) {
    throw new UserError('plan_busy', 'This plan is approved and rendering. Cancel the render to change it.');
  }
  const plan = await getLatestPlanVersion(db, projectId);
  if (!plan) throw new UserError('no_plan', 'This project has no plan yet. Start again with /video create.');
  if (expectedPlanId && plan.id !== expectedPlanId) {
    throw new UserError('stale_plan', 'This plan has changed since you opened it. Here is the latest version.');
  }
  return { project, plan };
}

type Validation = PlanVersionView['validation'];

/** A plan's checks with the planner's fallback warning added (when there is one). */
const withNote = (v: Validation, note: string | undefined): Validation => (note ? { ...v, warnings: [note, ...v.warnings.filter((w) => w !== note)] } : v);

/** A plan's checks without an earlier fallback warning (new hooks, no scenes yet, from a planner that answered). */
const withoutNotes = (v: Validation): Validation => ({ ...v, warnings: v.warnings.filter((w) => !w.startsWith('Written offline:')) });

const toDraft = (s: Scene): SceneDraft & { isLocked: boolean } => ({
  narrationText: s.narrationText, onScreenText: s.onScreenText, visualPrompt: s.visualPrompt, negativePrompt: s.negativePrompt,
  effectPreset: s.effectPreset, durationTargetSec: s.durationTargetSec, isLocked: s.isLocked,
  ...(s.footageSkip ? { footageSkip: s.footageSkip } : {}),
});

async function save(deps: PlanDeps, project: Project, base: { hookOptions: string[]; hookSelected: string; outline: string; template: ScriptTemplateId }, fitted: FittedPlan, extraCost: number): Promise<PlanState> {
  const plan = await createPlanVersion(
    deps.db,
    project.id,
    {
      hookOptions: base.hookOptions,
      hookSelected: base.hookSelected,
      outline: base.outline,
      scriptFull: fitted.scenes.map((s) => s.narrationText).join('\n\n'),
      scriptTemplateId: base.template,
      estimates: fitted.estimates,
      validation: fitted.validation,
      scenes: fitted.scenes,
    },
    'PLAN_READY',
    EDITABLE,
  );
  await addPlanCost(deps.db, project.id, fitted.costMicros + extraCost);
  return { project: await getProject(deps.db, project.id), plan };
}

/** Creates a project and its five hook options (status DRAFT_PLAN). */
export async function startProject(deps: PlanDeps, owner: ProjectOwner, options: ProjectOptions): Promise<PlanState> {
  const reading = readTopic(options.topic);
  const pack = getPack(options.nichePackId);
  const ctx: PlanContext = {
    topic: options.topic, pack, template: pack.defaultTemplate, targetLengthSec: options.targetLengthSec, tempo: options.tempo,
    language: options.language, visualStyle: options.visualStylePreset, variant: 0,
  };
  // What the chat's published videos say about hooks (nothing until there are numbers).
  const pref = await hookPreference(deps.db, owner.platform, owner.chatId);
  if (pref) ctx.preferredHookStyle = pref.style;
  // Ask the planner before writing anything: a refusal leaves no half-made project behind.
  const hooks = await deps.planner.hooks(ctx);
  const preferred = preferHooks(hooks.value, pref);
  const project = await createProject(deps.db, {
    ...owner,
    title: reading.headline.slice(0, 80),
    topic: options.topic,
    nichePackId: options.nichePackId,
    language: options.language,
    targetLengthSec: options.targetLengthSec,
    tempo: options.tempo,
    voicePreset: options.voicePreset,
    visualStylePreset: options.visualStylePreset,
    visuals: options.visuals,
    seoKeywords: reading.contentWords.slice(0, 8).join(','),
  });
  const plan = await createPlanVersion(deps.db, project.id, {
    hookOptions: preferred.hooks,
    ...(hooks.fellBack || preferred.note ? { validation: { errors: [], warnings: hooks.fellBack ? [hooks.fellBack] : [], suggestions: preferred.note ? [preferred.note] : [] } } : {}),
  }, 'DRAFT_PLAN');
  await addPlanCost(deps.db, project.id, hooks.costMicros);
  return { project: await getProject(deps.db, project.id), plan };
}

/** Offers five new hooks; the current plan (if any) stays until a hook is picked. */
export async function regenerateHooks(deps: PlanDeps, projectId: string, expectedPlanId?: string): Promise<PlanState> {
  const { project, plan } = await loadForEdit(deps.db, projectId, expectedPlanId);
  const ctx = await contextFor(deps.db, project, plan);
  const pref = await hookPreference(deps.db, project.platform, project.chatId);
  if (pref) ctx.preferredHookStyle = pref.style;
  const hooks = await deps.planner.hooks(ctx);
  const preferred = preferHooks(hooks.value, pref);
  const base = withNote(plan.scenes.length ? plan.validation : withoutNotes(plan.validation), hooks.fellBack);
  const validation = { ...base, suggestions: [...base.suggestions.filter((s) => !s.startsWith('★')), ...(preferred.note ? [preferred.note] : [])] };
  const next = await createPlanVersion(
    deps.db,
    project.id,
    {
      hookOptions: preferred.hooks, hookSelected: plan.hookSelected, outline: plan.outline, scriptFull: plan.scriptFull,
      scriptTemplateId: plan.scriptTemplateId, estimates: plan.estimates, validation, scenes: plan.scenes.map(toDraft),
    },
    plan.scenes.length ? 'PLAN_READY' : 'DRAFT_PLAN',
    EDITABLE,
  );
  await addPlanCost(deps.db, project.id, hooks.costMicros);
  return { project: await getProject(deps.db, project.id), plan: next };
}

/** Switches the project to another niche pack and offers five hooks in its style. */
export async function changeNiche(deps: PlanDeps, projectId: string, nichePackId: string, expectedPlanId?: string): Promise<PlanState> {
  getPack(nichePackId);
  await loadForEdit(deps.db, projectId, expectedPlanId);
  await deps.db.project.update({ where: { id: projectId }, data: { nichePackId } });
  return regenerateHooks(deps, projectId);
}

/**
 * Builds (or rebuilds) outline and scenes. Locked scenes of the current plan are kept as they
 * are, at their positions. `keepOutline` rewrites only the script.
 */
async function buildPlan(deps: PlanDeps, project: Project, plan: PlanVersionView, hook: string, keepOutline: boolean): Promise<PlanState> {
  const ctx = await contextFor(deps.db, project, plan);
  const lockedIdx = plan.scenes.filter((s) => s.isLocked).map((s) => s.idx);
  const layout = layoutScenes(ctx.pack, ctx.template, ctx.targetLengthSec, lockedIdx.length ? Math.max(...lockedIdx) + 1 : 0);
  const locked = layout.beats.map((_, i) => {
    const s = plan.scenes.find((x) => x.idx === i && x.isLocked);
    return s ? toDraft(s) : null;
  });
  let cost = 0;
  let outline = plan.outline;
  let note: string | undefined;
  if (!keepOutline || !outline) {
    const o = await deps.planner.outline(ctx, hook, layout.beats);
    outline = o.value;
    cost += o.costMicros;
    note = o.fellBack;
  }
  const drafts = await deps.planner.scenes(ctx, { hook, outline, beats: layout.beats, seconds: layout.seconds, locked });
  cost += drafts.costMicros;
  const value = drafts.value.map((d, i) => locked[i] ?? d);
  const fitted = await fitPlan(deps.planner, ctx, layout.beats, value, locked.map((l) => l !== null));
  return save(deps, project, { hookOptions: plan.hookOptions, hookSelected: hook, outline, template: ctx.template }, { ...fitted, validation: withNote(fitted.validation, note ?? drafts.fellBack) }, cost);
}

/** Picks hook `index` (0–4) and writes outline, script and scenes (→ PLAN_READY). */
export async function chooseHook(deps: PlanDeps, projectId: string, index: number, expectedPlanId?: string): Promise<PlanState> {
  const { project, plan } = await loadForEdit(deps.db, projectId, expectedPlanId);
  const hook = plan.hookOptions[index];
  if (hook === undefined) throw new UserError('unknown_hook', `There is no hook ${index + 1}; choose 1–${plan.hookOptions.length}.`);
  return buildPlan(deps, project, plan, hook, false);
}

/** Rewrites the outline and every unlocked scene. */
export async function regenerateOutline(deps: PlanDeps, projectId: string, expectedPlanId?: string): Promise<PlanState> {
  const { project, plan } = await loadForEdit(deps.db, projectId, expectedPlanId);
  if (!plan.hookSelected) throw new UserError('no_hook', 'Pick a hook first.');
  return buildPlan(deps, project, plan, plan.hookSelected, false);
}

/** Rewrites every unlocked scene, keeping the outline. */
export async function regenerateScript(deps: PlanDeps, projectId: string, expectedPlanId?: string): Promise<PlanState> {
  const { project, plan } = await loadForEdit(deps.db, projectId, expectedPlanId);
  if (!plan.hookSelected) throw new UserError('no_hook', 'Pick a hook first.');
  return buildPlan(deps, project, plan, plan.hookSelected, true);
}

function sceneAt(plan: PlanVersionView, idx: number): Scene {
  const scene = plan.scenes[idx];
  if (!scene) throw new UserError('unknown_scene', `There is no scene ${idx + 1}; this plan has ${plan.scenes.length}.`);
  return scene;
}

/** Rewrites one scene (refused for a locked one). */
export async function regenerateScene(deps: PlanDeps, projectId: string, idx: number, expectedPlanId?: string): Promise<PlanState> {
  const { project, plan } = await loadForEdit(deps.db, projectId, expectedPlanId);
  if (sceneAt(plan, idx).isLocked) throw new UserError('scene_locked', `Scene ${idx + 1} is locked. Unlock it to regenerate it.`);
  const ctx = await contextFor(deps.db, project, plan);
  const beats = beatsFor(ctx.template, plan.scenes.length);
  const drafts = plan.scenes.map(toDraft);
  const one = await deps.planner.scene(ctx, {
    hook: plan.hookSelected, outline: plan.outline, beats, seconds: drafts.map((d) => d.durationTargetSec), scenes: drafts, idx,
  });
  drafts[idx] = { ...one.value, isLocked: false };
  const fitted = await fitPlan(deps.planner, ctx, beats, drafts, drafts.map((d) => d.isLocked));
  return save(deps, project, { hookOptions: plan.hookOptions, hookSelected: plan.hookSelected, outline: plan.outline, template: ctx.template }, { ...fitted, validation: withNote(fitted.validation, one.fellBack) }, one.costMicros);
}

/** Re-fits durations (and shortens over-long narration) without rewriting anything else. */
export async function autofitPlan(deps: PlanDeps, projectId: string, expectedPlanId?: string): Promise<PlanState> {
  const { project, plan } = await loadForEdit(deps.db, projectId, expectedPlanId);
  const ctx = await contextFor(deps.db, project, plan);
  const drafts = plan.scenes.map(toDraft);
  const fitted = await fitPlan(deps.planner, ctx, beatsFor(ctx.template, drafts.length), drafts, drafts.map((d) => d.isLocked));
  return save(deps, project, { hookOptions: plan.hookOptions, hookSelected: plan.hookSelected, outline: plan.outline, template: ctx.template }, fitted, 0);
}

export { loadForEdit, toDraft, contextFor, save, EDITABLE };
