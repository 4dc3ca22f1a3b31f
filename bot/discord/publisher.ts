import { DiscordAPIError, REST, Routes, type RESTPostAPIChannelMessageJSONBody } from 'discord.js';
import { readFileSync } from 'node:fs';
import type { ChatPublisher } from '../../commands/delivery';
import type { View } from '../../commands/view';
import { ChannelRefusedError, ChannelUnreachableError } from '../../pipeline/publish/targets/chat';
import { toPayload, viewAttachments } from './render';

/** Discord's attachment limit without server boosts. */
export const DISCORD_DEFAULT_UPLOAD_LIMIT = 10 * 1024 * 1024;

/** The message body and files of a view, for REST calls. */
function restBody(view: View): { body: RESTPostAPIChannelMessageJSONBody; files: { name: string; data: Buffer }[] } {
  const p = toPayload(view);
  return {
    body: { embeds: p.embeds.map((e) => e.toJSON()), components: p.components.map((c) => c.toJSON()), allowed_mentions: { parse: [] } },
    files: viewAttachments(view).map((f) => ({ name: f.name, data: readFileSync(f.path) })),
  };
}

/** Connection failures where the request surely never reached Discord. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Posts and edits ordinary channel messages through Discord's REST API — usable from a worker
 * process with no gateway connection, and never tied to an interaction token (those die after
 * 15 minutes). discord.js's REST client queues and retries rate-limited requests itself.
 */
export function makeDiscordPublisher(rest: REST, uploadLimits: Map<string, number>): ChatPublisher {
  return {
    platform: 'discord',
    minEditIntervalMs: 2000,
    async send(channelId, view) {
      const { body, files } = restBody(view);
      const msg = (await rest.post(Routes.channelMessages(channelId), { body, files })) as { id: string };
      return msg.id;
    },
    async edit(channelId, messageId, view) {
      const { body } = restBody({ ...view, image: undefined, files: undefined });
      await rest.patch(Routes.channelMessage(channelId, messageId), { body });
    },
    uploadLimit: async (channelId) => uploadLimits.get(channelId) ?? DISCORD_DEFAULT_UPLOAD_LIMIT,
    async post(channelId, view, opts) {
      const { body, files } = restBody(view);
      // With enforce_nonce Discord returns the first message instead of posting a repeat.
      Object.assign(body, { nonce: opts.nonce, enforce_nonce: true });
      try {
        const msg = (await rest.post(Routes.channelMessages(channelId), { body, files })) as { id: string; guild_id?: string };
        return { messageId: msg.id, url: `https://discord.com/channels/${opts.guildId ?? msg.guild_id ?? '@me'}/${channelId}/${msg.id}` };
      } catch (err) {
        if (err instanceof DiscordAPIError && err.status >= 400 && err.status < 500) throw new ChannelRefusedError(err.message);
        const code = (err as { code?: string; cause?: { code?: string } }).cause?.code ?? (err as { code?: string }).code;
        if (code && UNREACHABLE.has(code)) throw new ChannelUnreachableError(code);
        throw err;
      }
    },
  };
}

/** A REST client for the configured API base (a proxy in production, a fake in tests). */
export function makeDiscordRest(token: string, apiUrl?: string): REST {
  return new REST({ version: '10', ...(apiUrl ? { api: apiUrl } : {}) }).setToken(token);
}
