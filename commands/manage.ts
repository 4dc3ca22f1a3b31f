import { UserError } from '../core/errors';
import { chatSettingsPatchSchema, getChatSettings, updateChatSettings, type ChatSettingsPatch } from '../db/repos/chatSettings';
import { getProjectInChat, listProjectsInChat } from '../db/repos/projects';
import { getLatestRun } from '../db/repos/runs';
import { PACK_IDS } from '../pipeline/plan/packs';
import { isWebhookUrl, pingWebhook, webhookHost } from '../pipeline/publish/targets/webhook';
import { canonicalZone, describeTime } from '../pipeline/schedule/when';
import { buttonId } from './buttonIds';
import type { CommandContext, CommandDeps } from './context';
import { requireManager } from './permissions';
import { clip, type View } from './view';

const STATUS_LABEL: Record<string, string> = {
  DRAFT_PLAN: 'picking a hook', PLAN_READY: 'plan ready for review', APPROVED: 'approved, queued', RENDERING: 'rendering', DONE: 'done', FAILED: 'failed',
};

/** `/video list`: the chat's recent projects with a button to open each. */
export async function listProjects(deps: CommandDeps, ctx: CommandContext): Promise<View> {
  const projects = await listProjectsInChat(deps.db, ctx.platform, ctx.chatId, 10);
  if (!projects.length) return { text: 'No videos in this chat yet. Start one with /video create.', ephemeral: true };
  return {
    title: 'Videos in this chat',
    text: projects.map((p, i) => `${i + 1}. ${clip(p.title, 70)} — ${STATUS_LABEL[p.status] ?? p.status} (${p.createdAt.toISOString().slice(0, 10)})`).join('\n'),
    buttons: [projects.slice(0, 5).map((p, i) => ({ id: buttonId('plan', p.id), label: `Open ${i + 1}`, style: 'secondary' as const }))],
    ephemeral: true,
  };
}

/** `/video status [project]`: where the newest (or a given) project stands. */
export async function projectStatus(deps: CommandDeps, ctx: CommandContext, projectId?: string): Promise<View> {
  const project = projectId
    ? await getProjectInChat(deps.db, projectId, ctx.platform, ctx.chatId)
    : (await listProjectsInChat(deps.db, ctx.platform, ctx.chatId, 1))[0];
  if (!project) return { text: 'No videos in this chat yet. Start one with /video create.', ephemeral: true };
  const run = await getLatestRun(deps.db, project.id);
  const settings = await getChatSettings(deps.db, ctx.platform, ctx.chatId);
  const lines = [`${project.title}: ${STATUS_LABEL[project.status] ?? project.status}.`];
  if (run) {
    lines.push(`Last render: ${run.status}${run.status === 'running' ? ` — ${run.progress}% (${run.currentStep})` : ''}.`);
    if (run.failureReason) lines.push(`Reason: ${clip(run.failureReason, 500)}`);
    if (run.publishedAt) lines.push(`Published: ${describeTime(run.publishedAt, settings.timezone).local}.`);
    else if (run.scheduledPublishAt) lines.push(`Scheduled for ${describeTime(run.scheduledPublishAt, settings.timezone).local}${run.postedAt ? ' (partly posted)' : ''}. See /video scheduled.`);
  }
  return { text: lines.join('\n'), ephemeral: true, buttons: [[{ id: buttonId('plan', project.id), label: '📝 Open', style: 'secondary' }]] };
}

export { chatStats } from './stats';

/** `/video settings`: shows the chat's settings; managers may change them. */
export async function chatSettings(deps: CommandDeps, ctx: CommandContext, raw: Record<string, unknown> | null): Promise<View> {
  if (raw && Object.keys(raw).length) {
    requireManager(ctx);
    const parsed = chatSettingsPatchSchema.safeParse(raw);
    if (!parsed.success) {
      throw new UserError('bad_settings', `Those settings are not valid: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}.`);
    }
    const patch = parsed.data;
    if (patch.defaultNichePackId && !PACK_IDS.includes(patch.defaultNichePackId)) {
      throw new UserError('unknown_niche', `Unknown niche. Choose one of: ${PACK_IDS.join(', ')}.`);
    }
    await checkPublishSettings(deps, ctx, patch);
    await updateChatSettings(deps.db, ctx.platform, ctx.chatId, patch);
  }
  const s = await getChatSettings(deps.db, ctx.platform, ctx.chatId);
  const approvers = [
    ...s.approverRoleIds.map((r) => (ctx.platform === 'discord' ? `role ${r}` : r)),
    ...s.approverUserIds.map((u) => `user ${u}`),
  ];
  return {
    title: 'Settings for this chat',
    text: [
      `Approvers: ${approvers.length ? approvers.join(', ') : 'people who can manage this server/chat'}`,
      `Defaults: niche ${s.defaultNichePackId ?? 'facts'}, ${s.defaultTargetLengthSec ?? 60}s, tempo ${s.defaultTempo ?? 'normal'}, voice ${s.defaultVoicePreset ?? 'alloy'}, language ${s.defaultLanguage ?? 'en'}, visuals ${s.defaultVisuals ?? `${deps.config.visuals} (the server's default)`}`,
      `Renders per day: ${s.dailyRenderQuota} · Plans in progress per person: ${s.maxDraftsPerUser}`,
      `Time zone: ${s.timezone} (scheduled times are read in it)`,
      `Publish channel: ${s.publishChannelId ?? 'not set'}`,
      `Webhook: ${s.webhookUrl ? webhookHost(s.webhookUrl) : deps.config.publish.webhookUrl ? 'the server’s default' : 'not set'}`,
      `Folder posts: ${deps.config.publish.dir ? 'on' : 'off (the bot owner sets PUBLISH_DIR)'}`,
    ].join('\n'),
    ephemeral: true,
  };
}

/**
 * Publishing settings are tried before they are saved: the time zone must be a real one, the
 * bot must be able to post in the publish channel (and the person setting it must manage that
 * channel), and the webhook must answer a signed test event with 2xx.
 */
async function checkPublishSettings(deps: CommandDeps, ctx: CommandContext, patch: ChatSettingsPatch): Promise<void> {
  if (patch.timezone !== undefined) patch.timezone = canonicalZone(patch.timezone) ?? patch.timezone;
  if (patch.publishChannelId) {
    const access = ctx.platform === 'cli' ? undefined : deps.channelAccess?.[ctx.platform];
    if (access) {
      const report = await access.check(patch.publishChannelId, { asUserId: ctx.userId, guildId: ctx.guildId });
      if (report.problems.length) throw new UserError('channel_rights', `${report.name} cannot be the publish channel: ${report.problems.join('; ')}. Nothing was changed.`);
      patch.publishChannelId = report.id;
    }
  }
  if (patch.webhookUrl) {
    if (!isWebhookUrl(patch.webhookUrl)) throw new UserError('webhook_url', 'The webhook must be an http(s) URL, e.g. https://n8n.example.com/webhook/shorts. Nothing was changed.');
    const secret = deps.config.publish.webhookSecret;
    if (!secret) throw new UserError('no_webhook_secret', 'Webhooks are off on this server: the bot owner sets WEBHOOK_SECRET, which signs every post. Nothing was changed.');
    await pingWebhook(patch.webhookUrl, secret, { allowPrivate: deps.config.publish.webhookAllowPrivate });
  }
}

/** `/video help`. */
export function helpView(platform: CommandContext['platform']): View {
  const create = platform === 'telegram' ? '/video <topic>' : '/video create topic:<text> [niche] [length] [tempo] [voice] [language]';
  return {
    title: 'shortsmith — topic in, vertical video out',
    text: [
      `1. ${create} — you get five hooks as buttons.`,
      '2. Pick one: the bot writes the plan (scenes, narration, on-screen text, effects) with a storyboard.',
      '3. Edit scenes, lock the ones you like (they survive regeneration), change voice or length.',
      '4. An approver presses Approve & render: progress appears here, then the mp4 with a ready caption.',
      `5. Schedule it (the button, or ${platform === 'telegram' ? '/schedule tomorrow 18:00' : '/video schedule when:tomorrow 18:00'}): at that time it is posted to the publish channel, a webhook (n8n, Zapier, Make) or a folder — once each.`,
      '',
      `Other commands: ${platform === 'telegram' ? '/scheduled, /list, /status, /stats, /settings, /help' : '/video scheduled, list, status, stats, settings, help'}.`,
      `Settings for publishing: ${platform === 'telegram' ? '/settings publish:@channel tz:Europe/Berlin webhook:https://…' : '/video settings publish_channel timezone webhook'}.`,
      `Niches: ${PACK_IDS.join(', ')}. Lengths: 60, 90, 120, 180 s.`,
      `Voices: alloy, echo, fable, onyx, nova, shimmer — or the voice engine's own name${platform === 'telegram' ? ' (e.g. voice:en-GB-SoniaNeural with Edge)' : ' (type in the voice option to see them)'}.`,
    ].join('\n'),
    ephemeral: true,
  };
}
