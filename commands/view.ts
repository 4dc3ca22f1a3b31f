/** A button a user can press; `id` comes from `buttonId()` and is re-checked on every click. */
export interface ViewButton {
  id: string;
  label: string;
  style?: 'primary' | 'secondary' | 'success' | 'danger';
  /** A link button: opens this address instead of sending a click back (`id` is ignored). */
  url?: string;
}

/** A file to attach. Adapters pick the platform's way to send each kind. */
export interface ViewFile {
  path: string;
  name: string;
  kind: 'video' | 'image' | 'document';
  width?: number;
  height?: number;
  durationSec?: number;
  thumbPath?: string;
}

/** What the user should be asked for in a form (Discord modal / Telegram reply prompt). */
export interface ViewForm {
  /** Button-style id the submission is routed back with. */
  id: string;
  title: string;
  fields: { key: string; label: string; value?: string; long?: boolean; maxLength: number; required?: boolean }[];
}

/**
 * A platform-neutral reply: text (plain, never markup), optional titled fields, an image, files,
 * rows of buttons, or a form to fill in. `ephemeral` replies are shown only to the clicker where
 * the platform allows it (Discord); refusals and errors are ephemeral.
 */
export interface View {
  title?: string;
  text: string;
  fields?: { name: string; value: string }[];
  image?: { path: string; name: string };
  files?: ViewFile[];
  buttons?: ViewButton[][];
  form?: ViewForm;
  ephemeral?: boolean;
  /** Replace the message the button was on (true) or post a new one (false). */
  replace?: boolean;
  /** This message is a run's progress message: the adapter records its id on the run. */
  progressOfRunId?: string;
}

/** A short refusal or error shown only to the person who caused it. */
export const notice = (text: string): View => ({ text, ephemeral: true });

/** Limits both platforms share (Discord's are the tighter ones). */
export const LIMITS = { buttonLabel: 80, rows: 5, perRow: 5, text: 3800, fieldValue: 1000, caption: 1000 };

/** Trims text to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return [...text].length <= max ? text : `${[...text].slice(0, max - 1).join('')}…`;
}
