import { PermissionFlagsBits, PermissionsBitField, type Client, type PermissionResolvable } from 'discord.js';
import type { ChannelAccess, ChannelReport } from '../../commands/context';

/** What the bot needs to post a video with its caption card. */
const NEEDED: [PermissionResolvable, string][] = [
  [PermissionFlagsBits.ViewChannel, 'View Channel'],
  [PermissionFlagsBits.SendMessages, 'Send Messages'],
  [PermissionFlagsBits.EmbedLinks, 'Embed Links'],
  [PermissionFlagsBits.AttachFiles, 'Attach Files'],
];

/**
 * Checks a Discord channel with discord.js's own permission logic (roles, then channel
 * overwrites): fetched fresh each time, since rights change. The channel must be a text channel
 * of the same server as the chat naming it.
 */
export function makeDiscordChannelAccess(client: Client): ChannelAccess {
  return {
    async check(channelId, opts): Promise<ChannelReport> {
      const fail = (problem: string): ChannelReport => ({ id: channelId, name: `channel ${channelId}`, problems: [problem] });
      if (!/^\d{5,25}$/.test(channelId)) return fail('that is not a Discord channel');
      if (!opts?.guildId) return fail('a publish channel must be a channel of a server');
      try {
        const guild = await client.guilds.fetch({ guild: opts.guildId, force: true });
        const channel = await guild.channels.fetch(channelId, { force: true }).catch(() => null);
        if (!channel) return fail('it is not a channel of this server, or the bot cannot see it');
        const name = `#${channel.name}`;
        if (!channel.isTextBased()) return { id: channel.id, name, problems: ['it is not a text channel'] };
        const me = await guild.members.fetchMe({ force: true });
        const has = channel.permissionsFor(me) ?? new PermissionsBitField();
        const missing = NEEDED.filter(([flag]) => !has.has(flag)).map(([, label]) => label);
        return { id: channel.id, name, problems: missing.length ? [`the bot is missing ${missing.join(', ')} there`] : [] };
      } catch (err) {
        return fail(`Discord did not answer the check (${(err as Error).message})`);
      }
    },
  };
}
