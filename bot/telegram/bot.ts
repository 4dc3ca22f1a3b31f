import { UserError } from '../../core/errors';
import { Bot, type Context } from 'grammy';
import { autoRetry } from '@grammyjs/auto-retry';
import { sequentialize } from '@grammyjs/runner';
import type { UserFromGetMe } from 'grammy/types';
import type { CommandContext, CommandDeps } from '../../commands/context';
import { runCommand } from '../../commands/dispatch';
import { chatSettings, chatStats, helpView, listProjects, projectStatus } from '../../commands/manage';
import { recordStats } from '../../commands/stats';
import { createVideo, handleButton, handleForm } from '../../commands/video';
import { listScheduled, scheduleLatest } from '../../commands/schedule';
import { connectAccount } from '../../commands/connect';
import type { View, ViewForm } from '../../commands/view';
import { setRunMessageRefs, getRun } from '../../db/repos/runs';
import { sendView } from './publisher';
import { keyboard, viewText } from './render';

export interface TelegramBotOptions {
  token: string;
  apiRoot?: string;
  /** Skips getMe (tests, or when the identity is known). */
  botInfo?: UserFromGetMe;
}

const ADMIN_TTL_MS = 60_000;
/** A tap is acknowledged (the client's spinner stops) this soon, however long the work takes. */
const TAP_ACK_MS = 250;

/** Answers a callback query once: with a pop-up when the answer is ready in time, else empty. */
interface TapAnswer {
  answered: boolean;
  answer(opts?: { text: string; show_alert: boolean }): Promise<void>;
}

/** `/video why cats purr niche:science length:90` → topic and options. */
export function parseVideoCommand(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const rest: string[] = [];
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const m = /^(niche|length|tempo|voice|language|style|visuals):(\S+)$/i.exec(token);
    if (m) out[m[1]!.toLowerCase()] = m[2]!;
    else rest.push(token);
  }
  out.topic = rest.join(' ');
  return out;
}

/**
 * The Telegram adapter: translates commands, callback queries and replies into `commands/` calls
 * and views into messages. Every callback is answered; forms become a reply prompt.
 */
export function makeTelegramBot(deps: CommandDeps, opts: TelegramBotOptions): Bot {
  const bot = new Bot(opts.token, { client: opts.apiRoot ? { apiRoot: opts.apiRoot } : undefined, botInfo: opts.botInfo });
  bot.api.config.use(autoRetry({ maxRetryAttempts: 5, maxDelaySeconds: 60 }));
  const taps = new WeakMap<Context, TapAnswer>();
  // Before the per-chat queue: a tap waiting behind a slow update of its chat (a plan being
  // written) is still acknowledged at once; the work and its message follow.
  bot.use(async (ctx, next) => {
    if (!ctx.callbackQuery) return next();
    const tap: TapAnswer = {
      answered: false,
      async answer(o) {
        if (tap.answered) return;
        tap.answered = true;
        await ctx.answerCallbackQuery(o).catch((err: unknown) => deps.log.warn({ err }, 'answerCallbackQuery failed'));
      },
    };
    taps.set(ctx, tap);
    const timer = setTimeout(() => void tap.answer(), TAP_ACK_MS);
    try {
      await next();
    } finally {
      clearTimeout(timer);
      await tap.answer();
    }
  });
  // Updates of one chat are handled in order (under @grammyjs/runner); different chats in parallel.
  bot.use(sequentialize((ctx) => String(ctx.chat?.id ?? ctx.from?.id ?? '')));
  const admins = new Map<string, { at: number; ids: Set<string> }>();
  const forms = new Map<string, ViewForm>();

  async function context(ctx: Context): Promise<CommandContext> {
    const chat = ctx.chat!;
    const userId = String(ctx.from?.id ?? '');
    const isDM = chat.type === 'private';
    let canManage = isDM;
    if (!isDM) {
      const key = String(chat.id);
      let cached = admins.get(key);
      if (!cached || Date.now() - cached.at > ADMIN_TTL_MS) {
        const list = await ctx.api.getChatAdministrators(chat.id).catch(() => []);
        cached = { at: Date.now(), ids: new Set(list.map((a) => String(a.user.id))) };
        admins.set(key, cached);
      }
      canManage = cached.ids.has(userId);
    }
    return { platform: 'telegram', chatId: String(chat.id), userId, userName: ctx.from?.first_name ?? '', isDM, canManage, roleIds: [] };
  }

  async function reply(ctx: Context, cc: CommandContext, view: View, replaceMessageId?: number): Promise<void> {
    if (view.ephemeral && !cc.isDM && view.buttons?.flat().some((b) => b.url)) {
      // A private link (an account link) must not sit in a group where anyone could open it first.
      try {
        await sendView(ctx.api, cc.userId, view);
        await ctx.api.sendMessage(cc.chatId, `${ctx.from?.first_name ?? 'You'}: I sent you the link in a private message.`);
      } catch {
        await ctx.api.sendMessage(cc.chatId, `I could not message you privately. Open a chat with @${ctx.me.username} and press Start, then ask again here.`);
      }
      return;
    }
    if (view.form) {
      forms.set(`${cc.chatId}:${cc.userId}`, view.form);
      const hint = view.form.fields.map((f) => f.label).join(' | ');
      await ctx.api.sendMessage(cc.chatId, `${view.form.title}: reply to this message as\n${hint}`, { reply_markup: { force_reply: true, selective: true } });
      return;
    }
    if (replaceMessageId && view.replace && !view.image && !view.files?.length) {
      await ctx.api.editMessageText(cc.chatId, replaceMessageId, viewText(view), { reply_markup: keyboard(view) }).catch(async () => {
        await sendView(ctx.api, cc.chatId, view);
      });
      return;
    }
    const id = await sendView(ctx.api, cc.chatId, view);
    if (view.progressOfRunId) {
      const run = await getRun(deps.db, view.progressOfRunId);
      await setRunMessageRefs(deps.db, run.id, { ...run.messageRefs, channelId: cc.chatId, progressMessageId: id });
    }
  }

  bot.command('video', async (ctx) => {
    const cc = await context(ctx);
    await ctx.api.sendChatAction(cc.chatId, 'typing').catch(() => undefined);
    const args = parseVideoCommand(ctx.match);
    const view = await runCommand(deps, cc, 'create', () =>
      args.topic ? createVideo(deps, cc, { ...args, topic: args.topic }) : helpView('telegram'));
    await reply(ctx, cc, view);
  });
  bot.command(['schedule'], async (ctx) => {
    const cc = await context(ctx);
    const [when, targets] = ctx.match.split('|').map((p) => p.trim());
    await reply(ctx, cc, await runCommand(deps, cc, 'schedule', () => scheduleLatest(deps, cc, when ?? '', targets ?? '')));
  });
  bot.command(['connect'], async (ctx) => {
    const cc = await context(ctx);
    await reply(ctx, cc, await runCommand(deps, cc, 'connect', () => connectAccount(deps, cc, ctx.match.trim() || undefined)));
  });
  bot.command(['scheduled'], async (ctx) => {
    const cc = await context(ctx);
    await reply(ctx, cc, await runCommand(deps, cc, 'scheduled', () => listScheduled(deps, cc)));
  });
  bot.command(['list'], async (ctx) => {
    const cc = await context(ctx);
    await reply(ctx, cc, await runCommand(deps, cc, 'list', () => listProjects(deps, cc)));
  });
  bot.command(['status'], async (ctx) => {
    const cc = await context(ctx);
    await reply(ctx, cc, await runCommand(deps, cc, 'status', () => projectStatus(deps, cc, ctx.match.trim() || undefined)));
  });
  bot.command(['stats'], async (ctx) => {
    const cc = await context(ctx);
    await reply(ctx, cc, await runCommand(deps, cc, 'stats', () => {
      const set = parseStatsSet(ctx.match);
      return set ? recordStats(deps, cc, set) : chatStats(deps, cc);
    }));
  });
  bot.command(['settings'], async (ctx) => {
    const cc = await context(ctx);
    await reply(ctx, cc, await runCommand(deps, cc, 'settings', () => chatSettings(deps, cc, parseSettings(ctx.match))));
  });
  bot.command(['help', 'start'], async (ctx) => {
    const cc = await context(ctx);
    await reply(ctx, cc, helpView('telegram'));
  });

  bot.on('callback_query:data', async (ctx) => {
    const cc = await context(ctx);
    const view = await runCommand(deps, cc, 'button', () => handleButton(deps, cc, ctx.callbackQuery.data));
    const tap = taps.get(ctx);
    if (view.ephemeral && !view.form && !view.buttons?.length && tap && !tap.answered && view.text.length <= 200) {
      // Refusals and notices: the small pop-up only the clicker sees, while it can still be shown.
      await tap.answer({ text: viewText(view, 200), show_alert: view.text.length > 60 });
      return;
    }
    await tap?.answer();
    await reply(ctx, cc, view, ctx.callbackQuery.message?.message_id);
  });

  bot.on('message:text', async (ctx) => {
    const cc = await context(ctx);
    const form = forms.get(`${cc.chatId}:${cc.userId}`);
    if (!form || !ctx.message.reply_to_message || ctx.message.reply_to_message.from?.id !== ctx.me.id) return;
    forms.delete(`${cc.chatId}:${cc.userId}`);
    const parts = ctx.message.text.split('|').map((s) => s.trim());
    const values = Object.fromEntries(form.fields.map((f, i) => [f.key, parts[i] ?? '']));
    await reply(ctx, cc, await runCommand(deps, cc, 'form', () => handleForm(deps, cc, form.id, values)));
  });

  bot.catch((err) => deps.log.error({ err: err.error, update: err.ctx.update.update_id }, 'telegram handler failed'));
  return bot;
}

/** `/settings quota:10 drafts:3 niche:science approvers:123,456 tz:Europe/Berlin publish:@channel webhook:https://…` */
export function parseSettings(text: string): Record<string, unknown> | null {
  const patch: Record<string, unknown> = {};
  const off = (v: string) => /^(off|none|remove)$/i.test(v);
  for (const token of text.trim().split(/\s+/).filter(Boolean)) {
    const at = token.indexOf(':');
    if (at < 1 || at === token.length - 1) continue;
    const k = token.slice(0, at).toLowerCase();
    const v = token.slice(at + 1);
    if (k === 'quota') patch.dailyRenderQuota = Number(v);
    if (k === 'drafts') patch.maxDraftsPerUser = Number(v);
    if (k === 'niche') patch.defaultNichePackId = v;
    if (k === 'length') patch.defaultTargetLengthSec = Number(v);
    if (k === 'visuals') patch.defaultVisuals = off(v) ? null : v.toLowerCase();
    if (k === 'approvers') patch.approverUserIds = v.split(',');
    if (k === 'tz' || k === 'timezone') patch.timezone = v;
    if (k === 'publish') patch.publishChannelId = off(v) ? null : v;
    if (k === 'webhook') patch.webhookUrl = off(v) ? null : v;
  }
  return Object.keys(patch).length ? patch : null;
}

/** `/stats set views:1200 likes:80 platform:instagram video:2` → the numbers to record; null for plain `/stats`. */
export function parseStatsSet(text: string): Record<string, string> | null {
  const tokens = text.trim().split(/\s+/).filter(Boolean);
  if (tokens[0]?.toLowerCase() !== 'set') return null;
  const out: Record<string, string> = {};
  for (const token of tokens.slice(1)) {
    const m = /^(views|likes|comments|shares|platform|video):(\S+)$/i.exec(token);
    if (!m) throw new UserError('stats_usage', `I did not understand "${token.slice(0, 30)}". Use: /stats set views:1200 likes:80 [comments:5] [shares:3] [platform:instagram] [video:2]`);
    out[m[1]!.toLowerCase()] = m[2]!;
  }
  return out;
}

/** The command list shown in Telegram's menu. */
export const TELEGRAM_COMMANDS = [
  { command: 'video', description: 'Make a video: /video <topic>' },
  { command: 'schedule', description: 'Post the newest video later: /schedule tomorrow 18:00' },
  { command: 'scheduled', description: 'Posts waiting to go out' },
  { command: 'connect', description: 'Link TikTok or YouTube: /connect tiktok' },
  { command: 'list', description: 'Videos in this chat' },
  { command: 'status', description: 'Where the latest video stands' },
  { command: 'stats', description: 'Renders, views and likes' },
  { command: 'settings', description: 'Approvers, defaults and quotas' },
  { command: 'help', description: 'How it works' },
];
