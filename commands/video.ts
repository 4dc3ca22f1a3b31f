import { visualsFor, type VisualSource } from '../core/config';
import { UserError } from '../core/errors';
import { countRendersSince, getChatSettings } from '../db/repos/chatSettings';
import { getLatestPlanVersion } from '../db/repos/planVersions';
import { countOpenDrafts, deleteProject, getProjectInChat } from '../db/repos/projects';
import { getLatestRun, queueRunForPlan } from '../db/repos/runs';
import type { Project } from '../db/client';
import { editScene, setSceneLock, swapSceneClip, updatePlanSettings } from '../pipeline/plan/edit';
import { parseProjectOptions, type RawOptions } from '../pipeline/plan/input';
import { PACKS, TARGET_LENGTHS, TEMPOS, VOICES } from '../pipeline/plan/packs';
import { changeNiche, chooseHook, regenerateHooks, regenerateScene, regenerateScript, startProject } from '../pipeline/plan/service';
import { requestCancel, retryRun } from '../pipeline/render/runner';
import { buttonId, parseButtonId, type ButtonRef } from './buttonIds';
import type { CommandContext, CommandDeps } from './context';
import { requireApprover } from './permissions';
import { handleScheduleButton, handleScheduleForm, SCHEDULE_ACTIONS } from './schedule';
import { handleConnectButton } from './connect';
import { hooksView, nicheView, planView } from './planView';
import { progressView } from './runViews';
import { planStoryboard } from './storyboard';
import { notice, type View } from './view';

const planDeps = (deps: CommandDeps) => ({ db: deps.db, planner: deps.planner });

/** Where the worker posts this run's progress and video, from any process. */
const refsFor = (ctx: CommandContext) => ({ channelId: ctx.chatId, ...(ctx.uploadLimit ? { uploadLimit: String(ctx.uploadLimit) } : {}) });

/** `/video create`: checks the topic and limits, writes the project and shows five hooks. */
export async function createVideo(deps: CommandDeps, ctx: CommandContext, raw: RawOptions): Promise<View> {
  const settings = await getChatSettings(deps.db, ctx.platform, ctx.chatId);
  const options = parseProjectOptions(raw, {
    nichePackId: settings.defaultNichePackId ?? undefined,
    targetLengthSec: settings.defaultTargetLengthSec ?? undefined,
    tempo: (settings.defaultTempo as 'normal' | null) ?? undefined,
    voicePreset: (settings.defaultVoicePreset as 'alloy' | null) ?? undefined,
    language: (settings.defaultLanguage as 'en' | null) ?? undefined,
    visuals: (settings.defaultVisuals as VisualSource | null) ?? undefined,
  });
  // Limits protect shared chats; the local terminal is one person's own machine.
  const drafts = ctx.platform === 'cli' ? 0 : await countOpenDrafts(deps.db, ctx.platform, ctx.userId);
  if (drafts >= settings.maxDraftsPerUser) {
    throw new UserError('too_many_drafts', `You have ${drafts} plans in progress (the limit here is ${settings.maxDraftsPerUser}). Approve or discard one first: /video list.`);
  }
  const { project, plan } = await startProject(planDeps(deps), { platform: ctx.platform, chatId: ctx.chatId, guildId: ctx.guildId ?? null, ownerUserId: ctx.userId }, options);
  return hooksView(project, plan);
}

async function showPlan(deps: CommandDeps, project: Project, prefix = ''): Promise<View> {
  const plan = await getLatestPlanVersion(deps.db, project.id);
  if (!plan) throw new UserError('no_plan', 'This project has no plan yet.');
  if (!plan.scenes.length) return { ...hooksView(project, plan), text: `${prefix}${hooksView(project, plan).text}` };
  const view = planView(project, plan, await planStoryboard(deps, project, plan), { footage: await footageOn(deps, project) });
  return prefix ? { ...view, text: `${prefix}${view.text}` } : view;
}

/** A plan-bound click must be on the current plan version; otherwise the current one is shown. */
async function currentPlanId(deps: CommandDeps, project: Project, ref: ButtonRef): Promise<string | null> {
  const plan = await getLatestPlanVersion(deps.db, project.id);
  if (!plan) return null;
  return ref.plan && !plan.id.startsWith(ref.plan) ? null : plan.id;
}

async function checkQuota(deps: CommandDeps, ctx: CommandContext): Promise<void> {
  if (ctx.platform === 'cli') return;
  const settings = await getChatSettings(deps.db, ctx.platform, ctx.chatId);
  const today = new Date();
  today.setUTCHours(0, 0, 0, 0);
  const used = await countRendersSince(deps.db, ctx.platform, ctx.chatId, today);
  if (used >= settings.dailyRenderQuota) {
    throw new UserError('quota', `This chat has used its ${settings.dailyRenderQuota} renders for today (UTC). Try again tomorrow, or ask an admin to raise the quota in /video settings.`);
  }
}

/** Whether this project's scenes are stock footage (then the plan offers Swap clip). */
async function footageOn(deps: CommandDeps, project: Project): Promise<boolean> {
  const settings = await getChatSettings(deps.db, project.platform, project.chatId);
  return visualsFor(project, deps.config, settings.defaultVisuals) === 'stock';
}

function formFor(action: 'edit' | 'lock' | 'regenscene' | 'swapclip', project: Project, planId: string, sceneCount: number): View {
  const id = buttonId(action, project.id, planId);
  const scene = { key: 'scene', label: `Scene number (1–${sceneCount})`, maxLength: 3, required: true };
  if (action === 'edit') {
    return { text: 'Edit a scene', ephemeral: true, form: { id, title: 'Edit a scene', fields: [scene,
      { key: 'narration', label: 'Narration (leave empty to keep)', long: true, maxLength: 1000 },
      { key: 'onscreen', label: 'On-screen text (leave empty to keep)', maxLength: 60 }] } };
  }
  const title = action === 'lock' ? 'Lock or unlock scenes' : action === 'swapclip' ? 'Swap the clip of scenes' : 'Write one scene again';
  const many = action === 'lock' || action === 'swapclip';
  return { text: title, ephemeral: true, form: { id, title, fields: [many ? { ...scene, label: 'Scene numbers, e.g. 2 5', maxLength: 60 } : scene] } };
}

function sceneNumbers(raw: string | undefined, count: number): number[] {
  const nums = (raw ?? '').split(/[\s,;]+/).filter(Boolean).map(Number);
  if (!nums.length || nums.some((n) => !Number.isInteger(n) || n < 1 || n > count)) {
    throw new UserError('bad_scene_number', `Give scene numbers between 1 and ${count}.`);
  }
  return [...new Set(nums)].map((n) => n - 1);
}

/** A button click: re-checks chat, plan version and rights, then acts. */
export async function handleButton(deps: CommandDeps, ctx: CommandContext, rawId: string): Promise<View> {
  const ref = parseButtonId(rawId);
  if (isScheduleAction(ref.action)) return handleScheduleButton(deps, ctx, ref);
  if (ref.action === 'connect' || ref.action === 'unlink') return handleConnectButton(deps, ctx, ref.action, ref.arg);
  const project = await getProjectInChat(deps.db, ref.projectId, ctx.platform, ctx.chatId);
  const settings = await getChatSettings(deps.db, ctx.platform, ctx.chatId);
  const planBound = !['cancel', 'status', 'plan', 'retry'].includes(ref.action);
  const planId = await currentPlanId(deps, project, ref);
  if (planBound && !planId) return { ...(await showPlan(deps, project, 'This plan changed since that message; here is the latest.\n\n')), replace: false };
  const id = planId ?? undefined;
  const pd = planDeps(deps);
  switch (ref.action) {
    case 'hook': {
      const state = await chooseHook(pd, project.id, Number(ref.arg), id);
      return { ...planView(state.project, state.plan, await planStoryboard(deps, state.project, state.plan), { footage: await footageOn(deps, state.project) }), replace: true };
    }
    case 'newhooks': {
      const state = await regenerateHooks(pd, project.id, id);
      return { ...hooksView(state.project, state.plan), replace: true };
    }
    case 'regen':
      return { ...(await showAfter(deps, regenerateScript(pd, project.id, id))), replace: true };
    case 'edit':
    case 'lock':
    case 'swapclip':
    case 'regenscene': {
      const plan = await getLatestPlanVersion(deps.db, project.id);
      return formFor(ref.action, project, plan!.id, plan!.scenes.length);
    }
    case 'voice':
      return voiceView(project, planId!);
    case 'niche':
      return nicheView(project, planId!);
    case 'setniche': {
      const pack = PACKS[Number(ref.arg)];
      if (!pack) throw new UserError('bad_button', 'That button is not valid.');
      const state = await changeNiche(pd, project.id, pack.id, id);
      return { ...hooksView(state.project, state.plan), replace: false };
    }
    case 'setvoice':
      return { ...(await showAfter(deps, updatePlanSettings(pd, project.id, { voicePreset: ref.arg }, id))), replace: true };
    case 'settempo':
      return { ...(await showAfter(deps, updatePlanSettings(pd, project.id, { tempo: ref.arg }, id))), replace: true };
    case 'setlen':
      return { ...(await showAfter(deps, updatePlanSettings(pd, project.id, { targetLengthSec: Number(ref.arg) }, id))), replace: true };
    case 'discard': {
      if (project.ownerUserId !== ctx.userId) requireApprover(ctx, settings, project);
      const run = await getLatestRun(deps.db, project.id);
      if (run && (run.status === 'queued' || run.status === 'running')) throw new UserError('busy', 'This project is rendering. Cancel the render first.');
      await deleteProject(deps.db, project.id);
      return { text: `Discarded “${project.title}”.`, replace: true };
    }
    case 'approve': {
      requireApprover(ctx, settings, project);
      const plan = await getLatestPlanVersion(deps.db, project.id);
      if (plan?.validation.errors.length) throw new UserError('plan_invalid', `Fix these first: ${plan.validation.errors.join(' ')}`);
      await checkQuota(deps, ctx);
      const run = await queueRunForPlan(deps.db, { projectId: project.id, planVersionId: planId!, requestedByUserId: ctx.userId, messageRefs: refsFor(ctx) }, undefined, deps.jobs.runQueued);
      deps.pokeQueue();
      return { ...progressView(project, run, null), progressOfRunId: run.id };
    }
    case 'rerender': {
      requireApprover(ctx, settings, project);
      await checkQuota(deps, ctx);
      const run = await queueRunForPlan(deps.db, { projectId: project.id, planVersionId: planId!, requestedByUserId: ctx.userId, messageRefs: refsFor(ctx) }, ['DONE', 'FAILED', 'PLAN_READY'], deps.jobs.runQueued);
      deps.pokeQueue();
      return { ...progressView(project, run, null), progressOfRunId: run.id };
    }
    case 'cancel': {
      const run = await getLatestRun(deps.db, project.id);
      if (!run || (run.status !== 'queued' && run.status !== 'running')) throw new UserError('not_running', 'Nothing is rendering for this project.');
      if (run.requestedByUserId !== ctx.userId) requireApprover(ctx, settings, project);
      const outcome = await requestCancel({ db: deps.db }, run.id);
      if (outcome === 'stopping') deps.abortLocal(run.id);
      return notice(outcome === 'canceled' ? 'Canceled before it started.' : 'Stopping the render…');
    }
    case 'retry': {
      requireApprover(ctx, settings, project);
      const run = await getLatestRun(deps.db, project.id);
      if (!run || (run.status !== 'failed' && run.status !== 'qa_failed')) throw new UserError('not_failed', 'There is no failed render to retry.');
      await retryRun({ db: deps.db }, run.id, deps.jobs.runQueued);
      deps.pokeQueue();
      return { ...progressView(project, run, null), progressOfRunId: run.id };
    }
    case 'plan':
    case 'status':
      return showPlan(deps, project);
  }
}

const isScheduleAction = (a: string): a is (typeof SCHEDULE_ACTIONS)[number] => (SCHEDULE_ACTIONS as readonly string[]).includes(a);

async function showAfter(deps: CommandDeps, pending: Promise<{ project: Project }>): Promise<View> {
  const { project } = await pending;
  return showPlan(deps, project);
}

function voiceView(project: Project, planId: string): View {
  const b = (a: 'setvoice' | 'settempo' | 'setlen', v: string | number, label: string, current: boolean) =>
    ({ id: buttonId(a, project.id, planId, v), label: current ? `• ${label}` : label, style: current ? 'primary' as const : 'secondary' as const });
  return {
    text: `Voice ${project.voicePreset} · tempo ${project.tempo} · ${project.targetLengthSec}s. Changing length rewrites unlocked scenes; the rest re-times them.`,
    ephemeral: true,
    buttons: [
      VOICES.slice(0, 5).map((v) => b('setvoice', v, v, project.voicePreset === v)),
      [b('setvoice', VOICES[5], VOICES[5], project.voicePreset === VOICES[5]), ...TEMPOS.map((t) => b('settempo', t, t, project.tempo === t))],
      TARGET_LENGTHS.map((l) => b('setlen', l, `${l}s`, project.targetLengthSec === l)),
    ],
  };
}

/** A submitted form (Discord modal / Telegram reply): scene edits, locks, one-scene rewrites. */
export async function handleForm(deps: CommandDeps, ctx: CommandContext, rawId: string, values: Record<string, string>): Promise<View> {
  const ref = parseButtonId(rawId);
  if (ref.action === 'schedule' || ref.action === 'reschedule') return handleScheduleForm(deps, ctx, ref, values);
  const project = await getProjectInChat(deps.db, ref.projectId, ctx.platform, ctx.chatId);
  const planId = await currentPlanId(deps, project, ref);
  if (!planId) return showPlan(deps, project, 'This plan changed while you were typing; here is the latest. Nothing was changed.\n\n');
  const plan = await getLatestPlanVersion(deps.db, project.id);
  const count = plan!.scenes.length;
  const pd = planDeps(deps);
  if (ref.action === 'edit') {
    const [idx] = sceneNumbers(values.scene, count);
    const patch: Record<string, string> = {};
    if (values.narration?.trim()) patch.narrationText = values.narration;
    if (values.onscreen !== undefined && values.onscreen.trim()) patch.onScreenText = values.onscreen;
    if (!Object.keys(patch).length) throw new UserError('empty_edit', 'Nothing to change: give new narration or on-screen text.');
    return showAfter(deps, editScene(pd, project.id, idx!, patch, planId));
  }
  if (ref.action === 'lock') {
    let state: Promise<{ project: Project }> | undefined;
    let current = planId;
    for (const idx of sceneNumbers(values.scene, count)) {
      const latest = await getLatestPlanVersion(deps.db, project.id);
      const r = await setSceneLock(pd, project.id, idx, !latest!.scenes[idx]!.isLocked, current);
      current = r.plan.id;
      state = Promise.resolve(r);
    }
    return showAfter(deps, state!);
  }
  if (ref.action === 'swapclip') {
    let state: Promise<{ project: Project }> | undefined;
    let current = planId;
    for (const idx of sceneNumbers(values.scene, count)) {
      const r = await swapSceneClip(pd, project.id, idx, current);
      current = r.plan.id;
      state = Promise.resolve(r);
    }
    return showAfter(deps, state!);
  }
  if (ref.action === 'regenscene') {
    const [idx] = sceneNumbers(values.scene, count);
    return showAfter(deps, regenerateScene(pd, project.id, idx!, planId));
  }
  throw new UserError('bad_button', 'That form is not valid.');
}
