import { GrammyError, HttpError, InputFile, type Api } from 'grammy';
import type { ChatPublisher } from '../../commands/delivery';
import type { View } from '../../commands/view';
import { ChannelRefusedError, ChannelUnreachableError } from '../../pipeline/publish/targets/chat';
import { keyboard, viewText } from './render';

/** Bots may upload 50 MB through the public Bot API (2000 MB through a local Bot API server). */
export const TELEGRAM_UPLOAD_LIMIT = 50 * 1000 * 1000;

/** Sends a view's video with its text as the caption; returns the message. */
function sendVideoView(api: Api, chatId: string, view: View, video: NonNullable<View['files']>[number]) {
  return api.sendVideo(chatId, new InputFile(video.path, video.name), {
    caption: viewText(view, 1024), reply_markup: keyboard(view), supports_streaming: true,
    width: video.width, height: video.height, duration: video.durationSec ? Math.round(video.durationSec) : undefined,
    thumbnail: video.thumbPath ? new InputFile(video.thumbPath, 'thumb.jpg') : undefined,
  });
}

/** Sends a view as the right kind of Telegram message; returns the message id. */
export async function sendView(api: Api, chatId: string, view: View): Promise<string> {
  const reply_markup = keyboard(view);
  const video = view.files?.find((f) => f.kind === 'video');
  if (video) return String((await sendVideoView(api, chatId, view, video)).message_id);
  if (view.image) {
    const full = viewText(view);
    if (full.length <= 1024) {
      const m = await api.sendPhoto(chatId, new InputFile(view.image.path, view.image.name), { caption: full, reply_markup });
      return String(m.message_id);
    }
    // Captions stop at 1024 characters: the picture goes first, the whole text with the
    // buttons right after it.
    await api.sendPhoto(chatId, new InputFile(view.image.path, view.image.name), { caption: viewText({ text: view.title ?? '' }, 1024) });
    const m = await api.sendMessage(chatId, full, { reply_markup, link_preview_options: { is_disabled: true } });
    return String(m.message_id);
  }
  const m = await api.sendMessage(chatId, viewText(view), { reply_markup, link_preview_options: { is_disabled: true } });
  return String(m.message_id);
}

/** Posts and edits progress and results in Telegram chats. */
export function makeTelegramPublisher(api: Api, uploadLimit = TELEGRAM_UPLOAD_LIMIT): ChatPublisher {
  return {
    platform: 'telegram',
    minEditIntervalMs: 3000,
    send: (chatId, view) => sendView(api, chatId, view),
    async edit(chatId, messageId, view) {
      try {
        await api.editMessageText(chatId, Number(messageId), viewText(view), { reply_markup: keyboard(view) });
      } catch (err) {
        // Editing to identical content is refused; that is fine.
        if (!String((err as Error).message).includes('message is not modified')) throw err;
      }
    },
    uploadLimit: async () => uploadLimit,
    async post(chatId, view) {
      const video = view.files?.find((f) => f.kind === 'video');
      try {
        const m = video ? await sendVideoView(api, chatId, view, video) : await api.sendMessage(chatId, viewText(view));
        return { messageId: String(m.message_id), url: messageLink(m.chat, m.message_id) };
      } catch (err) {
        if (err instanceof GrammyError && err.error_code >= 400 && err.error_code < 500 && err.error_code !== 429) throw new ChannelRefusedError(err.description);
        const code = err instanceof HttpError ? (err.error as { cause?: { code?: string } }).cause?.code : undefined;
        if (code && UNREACHABLE.has(code)) throw new ChannelUnreachableError(code);
        throw err;
      }
    },
  };
}

/** Connection failures where the request surely never reached Telegram. */
const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** A message's link: public chats by username, private supergroups and channels by their t.me/c path. */
function messageLink(chat: { id: number; username?: string }, messageId: number): string | undefined {
  if (chat.username) return `https://t.me/${chat.username}/${messageId}`;
  const id = String(chat.id);
  return id.startsWith('-100') ? `https://t.me/c/${id.slice(4)}/${messageId}` : undefined;
}
