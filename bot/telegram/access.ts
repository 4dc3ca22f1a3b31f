import { GrammyError, type Api } from 'grammy';
import type { ChannelAccess, ChannelReport } from '../../commands/context';

const ADMIN = new Set(['creator', 'administrator']);

/**
 * Checks a Telegram channel or group given as `@username` or a numeric id: the bot must be an
 * admin allowed to post in a channel (a member allowed to send videos in a group), and the
 * person making it a publish channel must be one of its admins — so no chat can point the bot
 * at someone else's channel.
 */
export function makeTelegramChannelAccess(api: Api): ChannelAccess {
  let botId: number | undefined;
  return {
    async check(ref, opts): Promise<ChannelReport> {
      const fail = (problem: string): ChannelReport => ({ id: ref, name: ref, problems: [problem] });
      if (!/^(@[A-Za-z][A-Za-z0-9_]{3,31}|-?\d{1,20})$/.test(ref)) return fail('give the channel as @username or its numeric id');
      try {
        botId ??= (await api.getMe()).id;
        const chat = await api.getChat(/^@/.test(ref) ? ref : Number(ref));
        const name = 'username' in chat && chat.username ? `@${chat.username}` : 'title' in chat && chat.title ? chat.title : ref;
        const report: ChannelReport = { id: String(chat.id), name, problems: [] };
        if (chat.type === 'private') return { ...report, problems: ['that is a private chat, not a channel or group'] };
        const me = await api.getChatMember(chat.id, botId);
        if (chat.type === 'channel') {
          if (me.status !== 'administrator' || !me.can_post_messages) report.problems.push('the bot must be an admin of the channel allowed to post messages');
        } else if (me.status === 'left' || me.status === 'kicked') {
          report.problems.push('the bot is not a member of that group');
        } else if (me.status === 'restricted' && (!me.can_send_messages || !me.can_send_videos)) {
          report.problems.push('the bot may not send videos in that group');
        }
        if (opts?.asUserId) {
          const person = await api.getChatMember(chat.id, Number(opts.asUserId)).catch(() => null);
          if (!person || !ADMIN.has(person.status)) report.problems.push(`you must be an admin of ${name} to make it this chat's publish channel`);
        }
        return report;
      } catch (err) {
        if (err instanceof GrammyError && err.error_code === 400) return fail('the bot cannot find it: add the bot to the channel as an admin first');
        if (err instanceof GrammyError && err.error_code === 403) return fail('the bot was removed from it');
        return fail(`Telegram did not answer the check (${(err as Error).message})`);
      }
    },
  };
}
