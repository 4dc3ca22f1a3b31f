import { InlineKeyboard } from 'grammy';
import { clip, type View } from '../../commands/view';

/**
 * Stops Telegram from turning user text into pings: `@name` gets an invisible joiner. An `@`
 * inside a link (`tiktok.com/@name/…`) or an address is left alone, or the link would break.
 */
export function defuseMentions(text: string): string {
  return text.replace(/(^|[^\w/.:@])@(?=\w)/g, '$1@\u2060');
}

/** The view as one plain-text message (no parse mode: user text can never become markup). */
export function viewText(view: View, max = 4096): string {
  const parts = [view.title, view.text, ...(view.fields ?? []).map((f) => `${f.name}: ${f.value}`)].filter(Boolean);
  return clip(defuseMentions(parts.join('\n\n')), max);
}

/** Rows of buttons as an inline keyboard (callback_data is the button id, ≤ 64 bytes). */
export function keyboard(view: View): InlineKeyboard | undefined {
  if (!view.buttons?.length) return undefined;
  const kb = new InlineKeyboard();
  view.buttons.forEach((row, i) => {
    for (const b of row) {
      if (b.url) kb.url(b.label, b.url);
      else kb.text(b.label, b.id);
    }
    if (i < view.buttons!.length - 1) kb.row();
  });
  return kb;
}
