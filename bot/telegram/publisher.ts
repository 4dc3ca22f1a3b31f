import { InputFile, type Api } from 'grammy';
import type { ChatPublisher } from '../../commands/delivery';
import type { View } from '../../commands/view';
import { keyboard, viewText } from './render';

/** Bots may upload 50 MB through the public Bot API (2000 MB through a local Bot API server). */
export const TELEGRAM_UPLOAD_LIMIT = 50 * 1000 * 1000;

/** Sends a view as the right kind of Telegram message; returns the message id. */
export async function sendView(api: Api, chatId: string, view: View): Promise<string> {
  const reply_markup = keyboard(view);
  const video = view.files?.find((f) => f.kind === 'video');
  if (video) {
    const m = await api.sendVideo(chatId, new InputFile(video.path, video.name), {
      caption: viewText(view, 1024), reply_markup, supports_streaming: true,
      width: video.width, height: video.height, duration: video.durationSec ? Math.round(video.durationSec) : undefined,
      thumbnail: video.thumbPath ? new InputFile(video.thumbPath, 'thumb.jpg') : undefined,
    });
    return String(m.message_id);
  }
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
    // Public channels and groups have t.me links; private chats have none.
    messageUrl: (chatId, messageId) => (chatId.startsWith('@') ? `https://t.me/${chatId.slice(1)}/${messageId}` : undefined),
  };
}
