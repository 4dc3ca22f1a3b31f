import { UserError } from '../core/errors';
import type { Project } from '../db/client';
import { getChatSettings, type ChatSettingsView } from '../db/repos/chatSettings';
import { getProjectInChat, listProjectsInChat } from '../db/repos/projects';
import { listLinkedAccounts } from '../db/repos/accounts';
import {
  listPendingInChat, listProjectPublications, postNow, reschedulePending, schedulePublications, startUploadsNow, unschedulePublications,
  type ChatPublication, type TargetChoice,
} from '../db/repos/publications';
import { getLatestRun, runView, type RunView } from '../db/repos/runs';
import { parseTargetWords, type TargetWord } from '../pipeline/publish/targets';
import { describeTime, parseWhen } from '../pipeline/schedule/when';
import { buttonId, type ButtonRef } from './buttonIds';
import type { CommandContext, CommandDeps } from './context';
import { requireApprover } from './permissions';
import { clip, notice, type View } from './view';

/** Button and form actions of scheduling. */
export const SCHEDULE_ACTIONS = ['schedule', 'scheduled', 'postnow', 'reschedule', 'unschedule'] as const;

const WHEN_FIELD = { key: 'when', label: 'When? e.g. tomorrow 18:00, fri 9am, in 2h, now', maxLength: 100, required: true };

/** The project's newest finished run (or the one asked for), or a refusal that says why there is none. */
async function finishedRun(deps: CommandDeps, project: Project, runId?: string): Promise<RunView> {
  const run = await deps.db.run.findFirst({ where: { projectId: project.id, status: 'done', ...(runId ? { id: runId } : {}) }, orderBy: { createdAt: 'desc' } });
  if (run) return runView(run);
  const latest = runId ? runView((await deps.db.run.findUniqueOrThrow({ where: { id: runId } }))) : await getLatestRun(deps.db, project.id);
  const why = !latest ? 'it has not been rendered yet' : latest.status === 'queued' || latest.status === 'running' ? 'it is still rendering' : `its render ${latest.status === 'canceled' ? 'was canceled' : 'failed'}`;
  throw new UserError('not_done', `“${clip(project.title, 80)}” cannot be scheduled: ${why}. Only a finished video can be posted.`);
}

/** The places a chat posts to when nobody names any: every one it has set up. */
function defaultTargets(deps: CommandDeps, settings: ChatSettingsView, linked: { provider: string }[]): TargetWord[] {
  const words: TargetWord[] = [];
  if (settings.publishChannelId) words.push({ kind: 'chat' });
  if (settings.webhookUrl || deps.config.publish.webhookUrl) words.push({ kind: 'webhook' });
  if (deps.config.publish.dir) words.push({ kind: 'folder' });
  for (const a of linked) words.push({ kind: a.provider as 'tiktok' | 'youtube' });
  return words;
}

/** Turns what the person chose into stored targets, refusing (and changing nothing) when one cannot work. */
async function resolveTargets(deps: CommandDeps, ctx: CommandContext, project: Project, settings: ChatSettingsView, text: string, notes: string[] = [], durationSec = project.targetLengthSec): Promise<TargetChoice[]> {
  const words = text.trim()
    ? parseTargetWords(text, { allowRefs: ctx.platform === 'cli' })
    : defaultTargets(deps, settings, await listLinkedAccounts(deps.db, project.platform, project.chatId));
  if (!words.length) {
    throw new UserError('no_targets', ctx.platform === 'cli'
      ? 'Say where to post: --target folder:/some/dir or --target webhook:https://…'
      : `There is nowhere to post yet. A manager sets a publish channel (${ctx.platform === 'discord' ? '/video settings publish_channel:#channel' : '/settings publish:@channel'}) or a webhook (webhook:https://…).`);
  }
  const choices: TargetChoice[] = [];
  for (const word of words) {
    const target = deps.targets.get(word.kind);
    const targetRef = await target.prepare({ project, settings, ref: word.ref });
    if (word.kind === 'chat') await checkChannel(deps, ctx, targetRef, project.guildId ?? undefined);
    const note = await target.scheduleNote?.(targetRef, project, durationSec);
    if (note) notes.push(note);
    choices.push({ target: word.kind, targetRef });
  }
  return choices;
}

/** Refuses, before anything is rendered or written, targets that cannot work for this project. */
export async function checkTargets(deps: CommandDeps, ctx: CommandContext, project: Project, targetText: string): Promise<void> {
  const settings = await getChatSettings(deps.db, project.platform, project.chatId);
  await resolveTargets(deps, ctx, project, settings, targetText);
}

/** The bot must still be able to post in the publish channel (rights change). */
async function checkChannel(deps: CommandDeps, ctx: CommandContext, channelId: string, guildId?: string): Promise<void> {
  const access = ctx.platform === 'cli' ? undefined : deps.channelAccess?.[ctx.platform];
  if (!access) return;
  const report = await access.check(channelId, { guildId });
  if (report.problems.length) throw new UserError('channel_rights', `I cannot post in ${report.name}: ${report.problems.join('; ')}. Fix that, or have a manager pick another publish channel.`);
}

const labels = (deps: CommandDeps, choices: { target: string; targetRef: string }[]) => choices.map((c) => deps.targets.label(c.target, c.targetRef)).join(', ');

/** The buttons under a scheduled video. */
function manageButtons(project: Project): View['buttons'] {
  return [[
    { id: buttonId('postnow', project.id), label: '📤 Post now', style: 'primary' },
    { id: buttonId('reschedule', project.id), label: '🗓 Reschedule', style: 'secondary' },
    { id: buttonId('unschedule', project.id), label: '✖ Unschedule', style: 'danger' },
    { id: buttonId('scheduled', project.id), label: '📋 Scheduled posts', style: 'secondary' },
  ]];
}

/** The form that asks when (and where) to post a project's video. */
export function scheduleForm(project: Project, action: 'schedule' | 'reschedule' = 'schedule'): View {
  const fields = action === 'schedule'
    ? [WHEN_FIELD, { key: 'targets', label: 'Where? empty = everywhere set up (chat, webhook, folder)', maxLength: 60 }]
    : [WHEN_FIELD];
  const title = `${action === 'schedule' ? 'Schedule' : 'Reschedule'} “${clip(project.title, 30)}”`;
  return { text: title, ephemeral: true, form: { id: buttonId(action, project.id), title, fields } };
}

/** `/video schedule [when]`: the newest finished video of this chat, scheduled now or through the form. */
export async function scheduleLatest(deps: CommandDeps, ctx: CommandContext, when?: string, targets = ''): Promise<View> {
  const projects = await listProjectsInChat(deps.db, ctx.platform, ctx.chatId, 20);
  const project = projects.find((p) => p.status === 'DONE');
  if (!project) throw new UserError('nothing_done', 'There is no finished video in this chat yet. Make one with /video create, then schedule it.');
  const settings = await getChatSettings(deps.db, ctx.platform, ctx.chatId);
  requireApprover(ctx, settings, project);
  if (!when?.trim()) return scheduleForm(project);
  return scheduleProject(deps, ctx, project, when, targets);
}

/**
 * Schedules a project's finished video (its newest, or `runId`): parses the time in the chat's
 * zone, checks every target, then writes — all or nothing.
 */
export async function scheduleProject(deps: CommandDeps, ctx: CommandContext, project: Project, when: string, targetText = '', runId?: string): Promise<View> {
  const settings = await getChatSettings(deps.db, project.platform, project.chatId);
  requireApprover(ctx, settings, project);
  const run = await finishedRun(deps, project, runId);
  const zone = ctx.platform === 'cli' ? ctx.timeZone ?? settings.timezone : settings.timezone;
  const parsed = parseWhen(when, zone, deps.clock());
  const notes: string[] = [];
  const choices = await resolveTargets(deps, ctx, project, settings, targetText, notes, Number(run.resumeState.steps.ffmpeg_render?.outputs.durationSec ?? project.targetLengthSec));
  const outcome = await schedulePublications(deps.db, { runId: run.id, targets: choices, at: parsed.at, requestedByUserId: ctx.userId });
  const ahead = choices.map((c) => c.target).filter((t) => deps.targets.uploadingAhead().includes(t));
  await startUploadsNow(deps.db, project.id, ahead, deps.clock());
  await syncJobs(deps, project);
  if (ahead.length) deps.pokeScheduler();
  const now = parsed.at.getTime() <= deps.clock().getTime();
  if (now) deps.pokeScheduler();
  const lines: string[] = [];
  if (outcome.scheduled.length) {
    lines.push(now ? `Posting now to ${labels(deps, outcome.scheduled)}.` : `Posts on ${parsed.local} — ${parsed.utc}.`);
    if (!now) lines.push(`To: ${labels(deps, outcome.scheduled)}.`);
  }
  if (parsed.note) lines.push(parsed.note);
  lines.push(...notes);
  if (!now && ahead.some((t) => outcome.scheduled.some((s) => s.target === t))) lines.push(`${ahead.map((t) => deps.targets.label(t, '')).join(' and ')} get${ahead.length === 1 ? 's' : ''} it now as a private video and publish${ahead.length === 1 ? 'es' : ''} it at that time.`);
  if (outcome.alreadyPosted.length) lines.push(`Already posted to ${labels(deps, outcome.alreadyPosted)}: a video goes to each place once.`);
  if (outcome.busy.length) lines.push(`Being posted to ${labels(deps, outcome.busy)} right now: left as it is.`);
  if (!outcome.scheduled.length) return { ...notice(lines.join('\n')) };
  return { title: `${now ? 'Posting' : 'Scheduled'} — ${clip(project.title, 200)}`, text: lines.join('\n'), buttons: manageButtons(project) };
}

/** `/video scheduled`: what this chat will post, soonest first, each with its actions. */
export async function listScheduled(deps: CommandDeps, ctx: CommandContext): Promise<View> {
  const settings = await getChatSettings(deps.db, ctx.platform, ctx.chatId);
  const rows = await listPendingInChat(deps.db, ctx.platform, ctx.chatId, 50);
  if (!rows.length) return { text: 'Nothing is scheduled in this chat. Press Schedule under a finished video, or use /video schedule.', ephemeral: true };
  const byProject = new Map<string, ChatPublication[]>();
  for (const r of rows) byProject.set(r.project.id, [...(byProject.get(r.project.id) ?? []), r]);
  const zone = ctx.platform === 'cli' ? ctx.timeZone ?? settings.timezone : settings.timezone;
  const entries = [...byProject.values()].slice(0, 10);
  const text = entries.map((pubs, i) => {
    const due = describeTime(pubs[0]!.dueAt, zone);
    const where = pubs.map((p) => `${deps.targets.label(p.target, p.targetRef)}${p.status === 'failed' ? ` (failed: ${clip(p.lastError ?? '', 120)})` : p.status === 'posting' ? ' (posting now)' : p.lastError ? ` (retrying: ${clip(p.lastError, 80)})` : ''}`);
    return `${i + 1}. ${clip(pubs[0]!.project.title, 70)}\n   ${due.local} — ${due.utc}\n   → ${where.join(', ')}`;
  }).join('\n');
  const buttons = entries.slice(0, 5).map((pubs, i) => [
    { id: buttonId('postnow', pubs[0]!.project.id), label: `📤 Post ${i + 1} now`, style: 'primary' as const },
    { id: buttonId('reschedule', pubs[0]!.project.id), label: `🗓 Reschedule ${i + 1}`, style: 'secondary' as const },
    { id: buttonId('unschedule', pubs[0]!.project.id), label: `✖ Unschedule ${i + 1}`, style: 'danger' as const },
  ]);
  return { title: 'Scheduled posts in this chat', text: `${text}${byProject.size > 10 ? `\n…and ${byProject.size - 10} more.` : ''}`, buttons, ephemeral: true };
}

/** A scheduling button: re-checks the project's chat and the clicker's rights, then acts. */
export async function handleScheduleButton(deps: CommandDeps, ctx: CommandContext, ref: ButtonRef): Promise<View> {
  if (ref.action === 'scheduled') return listScheduled(deps, ctx);
  const project = await getProjectInChat(deps.db, ref.projectId, ctx.platform, ctx.chatId);
  const settings = await getChatSettings(deps.db, ctx.platform, ctx.chatId);
  requireApprover(ctx, settings, project);
  switch (ref.action) {
    case 'schedule':
      await finishedRun(deps, project);
      return scheduleForm(project);
    case 'reschedule':
      if (!(await pendingOf(deps, project)).length) throw new UserError('nothing_scheduled', 'Nothing is waiting to be posted for this video. Use Schedule to plan a post.');
      return scheduleForm(project, 'reschedule');
    case 'postnow': {
      const count = await postNow(deps.db, project.id, deps.clock());
      if (!count) return notice(await nothingPending(deps, project));
      await syncJobs(deps, project);
      deps.pokeScheduler();
      return notice(`Posting “${clip(project.title, 80)}” now. A message here says when it is out.`);
    }
    case 'unschedule': {
      const { canceled, busy } = await unschedulePublications(deps.db, project.id);
      await syncJobs(deps, project);
      if (!canceled && !busy) return notice(await nothingPending(deps, project));
      return notice(`${canceled ? `Unscheduled ${canceled} post${canceled === 1 ? '' : 's'} of “${clip(project.title, 80)}”.` : ''}${busy ? ` ${busy} being posted right now could not be stopped.` : ''}`.trim());
    }
    default:
      throw new UserError('bad_button', 'That button is not valid.');
  }
}

/** A submitted schedule or reschedule form. */
export async function handleScheduleForm(deps: CommandDeps, ctx: CommandContext, ref: ButtonRef, values: Record<string, string>): Promise<View> {
  const project = await getProjectInChat(deps.db, ref.projectId, ctx.platform, ctx.chatId);
  if (ref.action === 'schedule') return scheduleProject(deps, ctx, project, values.when ?? '', values.targets ?? '');
  const settings = await getChatSettings(deps.db, ctx.platform, ctx.chatId);
  requireApprover(ctx, settings, project);
  const parsed = parseWhen(values.when ?? '', settings.timezone, deps.clock());
  const moved = await reschedulePending(deps.db, project.id, parsed.at);
  if (!moved) return notice(await nothingPending(deps, project));
  await startUploadsNow(deps.db, project.id, deps.targets.uploadingAhead(), deps.clock());
  await syncJobs(deps, project);
  if (parsed.at.getTime() <= deps.clock().getTime()) deps.pokeScheduler();
  return {
    title: `Rescheduled — ${clip(project.title, 200)}`,
    text: [`Posts on ${parsed.local} — ${parsed.utc}.`, ...(parsed.note ? [parsed.note] : [])].join('\n'),
    buttons: manageButtons(project),
  };
}

/** The job queue learns what changed (PostgreSQL: each waiting post has a job due at its time). */
const syncJobs = async (deps: CommandDeps, project: Project) =>
  deps.jobs.publicationsChanged(deps.db, (await listProjectPublications(deps.db, project.id)).map((p) => p.id));

const pendingOf = async (deps: CommandDeps, project: Project) =>
  (await listProjectPublications(deps.db, project.id)).filter((p) => p.status === 'scheduled' || p.status === 'failed');

async function nothingPending(deps: CommandDeps, project: Project): Promise<string> {
  const pubs = await listProjectPublications(deps.db, project.id);
  const posted = pubs.filter((p) => p.status === 'posted');
  if (posted.length) return `“${clip(project.title, 80)}” is already posted to ${labels(deps, posted)}; nothing else is waiting.`;
  return `Nothing is waiting to be posted for “${clip(project.title, 80)}”. Use Schedule to plan a post.`;
}
