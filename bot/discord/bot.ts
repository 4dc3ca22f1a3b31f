import {
  Client, Events, GatewayIntentBits, MessageFlags, PermissionFlagsBits,
  type AutocompleteInteraction, type ButtonInteraction, type ChatInputCommandInteraction, type Interaction, type ModalSubmitInteraction,
} from 'discord.js';
import type { CommandContext, CommandDeps } from '../../commands/context';
import { runCommand } from '../../commands/dispatch';
import { chatSettings, chatStats, helpView, listProjects, projectStatus } from '../../commands/manage';
import { recordStats } from '../../commands/stats';
import { createVideo, handleButton, handleForm } from '../../commands/video';
import { listScheduled, scheduleLatest } from '../../commands/schedule';
import { connectAccount } from '../../commands/connect';
import type { ChatPublisher } from '../../commands/delivery';
import type { View } from '../../commands/view';
import { getRun, setRunMessageRefs } from '../../db/repos/runs';
import { voiceSuggestions } from '../../pipeline/providers/speech/voices';
import { toModal, toPayload } from './render';

/** Button actions that answer with a form: Discord needs the modal as the first response. */
const FORM_ACTIONS = new Set(['edit', 'lock', 'regenscene', 'swapclip', 'schedule', 'reschedule']);

export interface DiscordBotOptions {
  token: string;
  apiUrl?: string;
  publisher: ChatPublisher;
  /** Per-channel upload limits learnt from interactions (boost tier dependent). */
  uploadLimits: Map<string, number>;
}

function contextOf(i: Interaction, uploadLimits: Map<string, number>): CommandContext {
  const roles = i.member && 'roles' in i.member ? (Array.isArray(i.member.roles) ? i.member.roles : [...i.member.roles.cache.keys()]) : [];
  const limit = (i as { attachmentSizeLimit?: number }).attachmentSizeLimit;
  if (limit && i.channelId) uploadLimits.set(i.channelId, limit);
  return {
    platform: 'discord',
    chatId: i.channelId ?? i.user.id,
    guildId: i.guildId ?? undefined,
    userId: i.user.id,
    userName: i.user.username,
    isDM: !i.guildId,
    canManage: !i.guildId || Boolean(i.memberPermissions?.has(PermissionFlagsBits.ManageGuild)),
    roleIds: roles,
    uploadLimit: limit,
  };
}

/**
 * The Discord adapter: acknowledges every interaction within Discord's 3 s (defer, then edit),
 * answers refusals ephemerally, opens modals for scene edits, and posts render progress as an
 * ordinary channel message (through the publisher) so it outlives the interaction token.
 */
export function makeDiscordBot(deps: CommandDeps, opts: DiscordBotOptions): Client {
  const client = new Client({
    intents: [GatewayIntentBits.Guilds],
    rest: opts.apiUrl ? { api: opts.apiUrl } : undefined,
    allowedMentions: { parse: [] },
  });

  async function deliver(i: ChatInputCommandInteraction | ButtonInteraction | ModalSubmitInteraction, ctx: CommandContext, view: View): Promise<void> {
    if (view.ephemeral) {
      await i.followUp({ ...toPayload(view), flags: MessageFlags.Ephemeral });
      return;
    }
    if (view.progressOfRunId) {
      // Progress lives in a channel message the worker can edit for as long as the render takes.
      const id = await opts.publisher.send(ctx.chatId, view);
      const run = await getRun(deps.db, view.progressOfRunId);
      await setRunMessageRefs(deps.db, run.id, { ...run.messageRefs, channelId: ctx.chatId, progressMessageId: id });
      if (i.isChatInputCommand()) await i.deleteReply().catch(() => undefined);
      return;
    }
    if (view.replace && !i.isChatInputCommand()) {
      await i.editReply(toPayload(view));
      return;
    }
    if (i.isChatInputCommand()) await i.editReply(toPayload(view));
    else await i.followUp(toPayload(view));
  }

  async function onCommand(i: ChatInputCommandInteraction): Promise<void> {
    const ctx = contextOf(i, opts.uploadLimits);
    const sub = i.options.getSubcommand();
    if (sub === 'schedule' && !i.options.getString('when')) {
      // No time given: the form must be Discord's first answer, so nothing is deferred.
      const view = await runCommand(deps, ctx, sub, () => scheduleLatest(deps, ctx));
      if (view.form) await i.showModal(toModal(view));
      else await i.reply({ ...toPayload(view), flags: MessageFlags.Ephemeral });
      return;
    }
    const publicReply = sub === 'create' || sub === 'schedule';
    await i.deferReply(publicReply ? {} : { flags: MessageFlags.Ephemeral });
    const view = await runCommand(deps, ctx, sub, () => {
      switch (sub) {
        case 'create':
          return createVideo(deps, ctx, {
            topic: i.options.getString('topic', true), niche: i.options.getString('niche') ?? undefined, length: i.options.getInteger('length') ?? undefined,
            tempo: i.options.getString('tempo') ?? undefined, voice: i.options.getString('voice') ?? undefined, language: i.options.getString('language') ?? undefined, visuals: i.options.getString('visuals') ?? undefined,
          });
        case 'schedule': return scheduleLatest(deps, ctx, i.options.getString('when') ?? '', i.options.getString('targets') ?? '');
        case 'scheduled': return listScheduled(deps, ctx);
        case 'connect': return connectAccount(deps, ctx, i.options.getString('platform') ?? undefined);
        case 'list': return listProjects(deps, ctx);
        case 'status': return projectStatus(deps, ctx);
        case 'stats': {
          const raw = Object.fromEntries(['views', 'likes', 'comments', 'shares', 'platform'].map((k) => [k, i.options.getString(k) ?? undefined]));
          const video = i.options.getInteger('video');
          return raw.views === undefined && Object.values(raw).every((v) => v === undefined) && video === null
            ? chatStats(deps, ctx)
            : recordStats(deps, ctx, { ...raw, ...(video !== null ? { video } : {}) });
        }
        case 'settings': {
          const patch: Record<string, unknown> = {};
          const role = i.options.getRole('approver_role');
          if (role) patch.approverRoleIds = [role.id];
          const niche = i.options.getString('niche');
          if (niche) patch.defaultNichePackId = niche;
          const length = i.options.getInteger('length');
          if (length) patch.defaultTargetLengthSec = length;
          const visuals = i.options.getString('visuals');
          if (visuals) patch.defaultVisuals = visuals;
          const quota = i.options.getInteger('quota');
          if (quota !== null) patch.dailyRenderQuota = quota;
          const drafts = i.options.getInteger('drafts');
          if (drafts !== null) patch.maxDraftsPerUser = drafts;
          const channel = i.options.getChannel('publish_channel');
          if (channel) patch.publishChannelId = channel.id;
          if (i.options.getBoolean('clear_publish_channel')) patch.publishChannelId = null;
          const timezone = i.options.getString('timezone');
          if (timezone) patch.timezone = timezone.trim();
          const webhook = i.options.getString('webhook');
          if (webhook) patch.webhookUrl = /^(off|none|remove)$/i.test(webhook.trim()) ? null : webhook.trim();
          return chatSettings(deps, ctx, Object.keys(patch).length ? patch : null);
        }
        default: return helpView('discord');
      }
    });
    if (view.ephemeral && publicReply) {
      // The public "thinking…" reply becomes the refusal; nobody else needs to see it.
      await i.deleteReply().catch(() => undefined);
      await i.followUp({ ...toPayload(view), flags: MessageFlags.Ephemeral });
      return;
    }
    if (view.ephemeral) await i.editReply(toPayload(view));
    else await deliver(i, ctx, view);
  }

  async function onButton(i: ButtonInteraction): Promise<void> {
    const ctx = contextOf(i, opts.uploadLimits);
    const action = i.customId.split('|')[1] ?? '';
    if (FORM_ACTIONS.has(action)) {
      const view = await runCommand(deps, ctx, 'button', () => handleButton(deps, ctx, i.customId));
      if (view.form) await i.showModal(toModal(view));
      else await i.reply({ ...toPayload(view), flags: MessageFlags.Ephemeral });
      return;
    }
    await i.deferUpdate();
    await deliver(i, ctx, await runCommand(deps, ctx, 'button', () => handleButton(deps, ctx, i.customId)));
  }

  async function onModal(i: ModalSubmitInteraction): Promise<void> {
    const ctx = contextOf(i, opts.uploadLimits);
    const values = Object.fromEntries(i.fields.fields.map((f) => [f.customId, 'value' in f ? String(f.value) : '']));
    // A scene edit replaces the plan message it came from; a schedule answers in a new message
    // (the video it came from stays as it is), as does a form opened by a slash command.
    const action = i.customId.split('|')[1] ?? '';
    const newMessage = !i.isFromMessage() || action === 'schedule' || action === 'reschedule';
    if (newMessage) await i.deferReply();
    else await i.deferUpdate();
    const view = await runCommand(deps, ctx, 'form', () => handleForm(deps, ctx, i.customId, values));
    if (view.ephemeral && newMessage) {
      await i.deleteReply().catch(() => undefined);
      await i.followUp({ ...toPayload(view), flags: MessageFlags.Ephemeral });
      return;
    }
    await deliver(i, ctx, { ...view, replace: !view.ephemeral });
  }

  /** Voice names as a person types: the presets, then the configured engine's own voices. */
  async function onAutocomplete(i: AutocompleteInteraction): Promise<void> {
    const focused = i.options.getFocused(true);
    if (focused.name !== 'voice') return i.respond([]);
    const { kind, model } = deps.config.engines.voice;
    await i.respond(voiceSuggestions(kind, model, String(focused.value)).map((v) => ({ name: v, value: v })));
  }

  client.on(Events.InteractionCreate, (i) => {
    if (i.isAutocomplete()) return void onAutocomplete(i).catch((err: unknown) => deps.log.warn({ err, interaction: i.id }, 'discord autocomplete failed'));
    const handled = i.isChatInputCommand() ? onCommand(i) : i.isButton() ? onButton(i) : i.isModalSubmit() ? onModal(i) : Promise.resolve();
    handled.catch((err: unknown) => deps.log.error({ err, interaction: i.id }, 'discord interaction failed'));
  });
  client.on(Events.Error, (err) => deps.log.error({ err }, 'discord client error'));
  return client;
}
