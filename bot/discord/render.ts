import { ActionRowBuilder, AttachmentBuilder, ButtonBuilder, ButtonStyle, EmbedBuilder, ModalBuilder, TextInputBuilder, TextInputStyle, escapeMarkdown } from 'discord.js';
import { clip, type View } from '../../commands/view';

const STYLE = { primary: ButtonStyle.Primary, secondary: ButtonStyle.Secondary, success: ButtonStyle.Success, danger: ButtonStyle.Danger };

/** Plain view text shown literally on Discord: markdown escaped, mentions never parsed. */
const safe = (text: string) => escapeMarkdown(text);

export interface DiscordPayload {
  content?: string;
  embeds: EmbedBuilder[];
  components: ActionRowBuilder<ButtonBuilder>[];
  files: AttachmentBuilder[];
  allowedMentions: { parse: [] };
}

/** A view as a Discord message: one embed (text, fields, storyboard), buttons, files. */
export function toPayload(view: View): DiscordPayload {
  const embed = new EmbedBuilder().setDescription(clip(safe(view.text), 4096)).setColor(0x4cc9f0);
  if (view.title) embed.setTitle(clip(safe(view.title), 256));
  for (const f of (view.fields ?? []).slice(0, 10)) embed.addFields({ name: clip(safe(f.name), 256), value: clip(safe(f.value), 1024) || '—' });
  if (view.image) embed.setImage(`attachment://${view.image.name}`);
  const cover = coverOf(view);
  if (cover) embed.setThumbnail(`attachment://${cover.name}`);
  const files = viewAttachments(view).map((f) => new AttachmentBuilder(f.path, { name: f.name }));
  const components = (view.buttons ?? []).slice(0, 5).map((row) =>
    new ActionRowBuilder<ButtonBuilder>().addComponents(
      row.slice(0, 5).map((b) => (b.url
        ? new ButtonBuilder().setURL(b.url).setLabel(clip(b.label, 80)).setStyle(ButtonStyle.Link)
        : new ButtonBuilder().setCustomId(b.id).setLabel(clip(b.label, 80)).setStyle(STYLE[b.style ?? 'secondary']))),
    ));
  return { embeds: [embed], components, files, allowedMentions: { parse: [] } };
}

/** A video's cover, shown as the embed's thumbnail beside the caption. */
const coverOf = (view: View) => {
  const thumb = view.files?.find((f) => f.kind === 'video' && f.thumbPath)?.thumbPath;
  return thumb ? { path: thumb, name: 'cover.jpg' } : undefined;
};

/** Every file a view's message carries: its picture, its files, and a video's cover. */
export function viewAttachments(view: View): { path: string; name: string }[] {
  const cover = coverOf(view);
  return [...(view.image ? [view.image] : []), ...(view.files ?? []), ...(cover ? [cover] : [])];
}

/** A view's form as a Discord modal (at most five text inputs). */
export function toModal(view: View): ModalBuilder {
  const form = view.form!;
  const modal = new ModalBuilder().setCustomId(form.id).setTitle(clip(form.title, 45));
  for (const f of form.fields.slice(0, 5)) {
    const input = new TextInputBuilder().setCustomId(f.key).setLabel(clip(f.label, 45)).setMaxLength(f.maxLength).setRequired(Boolean(f.required))
      .setStyle(f.long ? TextInputStyle.Paragraph : TextInputStyle.Short);
    if (f.value) input.setValue(f.value);
    modal.addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
  }
  return modal;
}
