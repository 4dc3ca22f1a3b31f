import { UserError } from '../../../core/errors';
import { fitToLimit } from '../../render/fitSize';
import { PublishError, type PostMeta, type PublishTarget } from './types';

/** What a chat channel is sent: the caption and the video (already fitted to the channel). */
export interface ChannelPost {
  caption: string;
  video: { path: string; width: number; height: number; durationSec: number; thumbPath?: string };
}

/** The platform refused the post outright (no rights, unknown channel): nothing was posted. */
export class ChannelRefusedError extends Error {
  override readonly name = 'ChannelRefusedError';
}

/** The platform could not be reached at all (DNS, connection refused): nothing was posted. */
export class ChannelUnreachableError extends Error {
  override readonly name = 'ChannelUnreachableError';
}

/**
 * How the chat target reaches a platform (the adapters implement it over their REST APIs, so
 * it works in a worker process with no gateway). `send` throws ChannelRefusedError or
 * ChannelUnreachableError when it knows nothing was posted, anything else when it cannot tell.
 */
export interface ChannelSender {
  platform: 'discord' | 'telegram';
  /** Whether a repeated send with the same nonce is dropped by the platform (Discord: for a few minutes). */
  dedupesByNonce: boolean;
  send(channelId: string, post: ChannelPost, opts: { nonce: string; guildId?: string }): Promise<{ messageId: string; url?: string }>;
  uploadLimit(channelId: string): Promise<number>;
}

export interface ChatTargetOptions {
  /** Read when posting, so a process can add its platforms after making the targets. */
  senders: readonly ChannelSender[];
  ffmpeg: string;
  format: { width: number; height: number };
  now?: () => number;
}

/** How long after a send a repeat with the same nonce is surely dropped (Discord: "the past few minutes"). */
const NONCE_WINDOW_MS = 2 * 60_000;

/** Discord nonces are at most 25 characters. */
export const nonceFor = (publicationId: string): string => publicationId.replace(/-/g, '').slice(0, 25);

const platformName = (p: string) => (p === 'discord' ? 'Discord' : 'Telegram');

/**
 * Posts the video with its caption to the chat's publish channel (`/video settings`), fitted
 * to the channel's upload limit. The send is recorded before it starts and its message id
 * right after, so an attempt resumed after a crash never sends blindly: on Discord a repeat
 * within the nonce window is dropped by Discord itself; past that window, and on Telegram
 * (which has no such key), a send that was started but never confirmed is not repeated — the
 * chat is asked to look and press Post now.
 */
export function makeChatTarget(opts: ChatTargetOptions): PublishTarget {
  const now = opts.now ?? Date.now;
  const fitted = async (meta: PostMeta, limit: number) => {
    try {
      return await fitToLimit(opts.ffmpeg, meta.videoPath, limit, meta.durationSec, opts.format.width, opts.format.height);
    } catch (err) {
      throw new PublishError(`the video does not fit the channel's upload limit (${(err as Error).message})`, false, 'Post it to a folder or webhook instead, or make a shorter video.');
    }
  };
  return {
    kind: 'chat',
    label: (channelId) => `the publish channel (${channelId})`,
    async prepare({ project, settings }) {
      if (project.platform === 'cli') throw new UserError('no_chat', 'A video made in the terminal has no chat channel: use --target folder:<dir> or webhook:<url>.');
      if (!settings.publishChannelId) {
        const how = project.platform === 'discord' ? '/video settings publish_channel:#channel' : '/settings publish:@yourchannel';
        throw new UserError('no_publish_channel', `No publish channel is set for this chat. A manager sets one with ${how}.`);
      }
      return settings.publishChannelId;
    },
    async publish(item, channelId) {
      const sender = opts.senders.find((s) => s.platform === item.project.platform);
      if (!sender) throw new PublishError(`this worker cannot post to ${item.project.platform} (its bot token is not set here)`, true, 'Set the bot token on the worker; it will be tried again.');
      if (typeof item.handoff.messageId === 'string') {
        // Sent and recorded; only the confirmation was lost.
        return { externalId: item.handoff.messageId, url: typeof item.handoff.url === 'string' ? item.handoff.url : undefined };
      }
      const startedAt = typeof item.handoff.sentAt === 'number' ? item.handoff.sentAt : null;
      if (startedAt !== null && !(sender.dedupesByNonce && now() - startedAt < NONCE_WINDOW_MS)) {
        throw new PublishError('the bot stopped while this video was being sent, so it may already be in the channel', false,
          'Look in the publish channel: if the video is not there, press Post now to send it.');
      }
      const path = await fitted(item.meta, await sender.uploadLimit(channelId));
      await item.saveHandoff({ sentAt: startedAt ?? now() });
      let sent: { messageId: string; url?: string };
      try {
        sent = await sender.send(channelId, {
          caption: item.meta.caption,
          video: { path, width: opts.format.width, height: opts.format.height, durationSec: item.meta.durationSec, thumbPath: item.meta.thumbPath },
        }, { nonce: nonceFor(item.publication.id), guildId: item.project.guildId ?? undefined });
      } catch (err) {
        const name = platformName(sender.platform);
        if (err instanceof ChannelRefusedError || err instanceof ChannelUnreachableError) {
          await item.saveHandoff({});
          if (err instanceof ChannelUnreachableError) throw new PublishError(`${name} could not be reached (${err.message})`, true, 'It will be tried again.');
          throw new PublishError(`${name} refused the post (${err.message})`, false,
            'Check that the bot may see, send and attach files in the publish channel (/video settings), then press Post now.');
        }
        if (sender.dedupesByNonce) throw new PublishError(`sending to ${name} failed (${(err as Error).message})`, true, 'It will be tried again.');
        throw new PublishError(`sending to ${name} failed midway (${(err as Error).message}), so the video may or may not be in the channel`, false,
          'Look in the publish channel: if the video is not there, press Post now to send it.');
      }
      await item.saveHandoff({ sentAt: startedAt ?? now(), messageId: sent.messageId, ...(sent.url ? { url: sent.url } : {}) });
      return { externalId: sent.messageId, url: sent.url };
    },
  };
}
