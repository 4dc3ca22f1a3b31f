import { z } from 'zod';
import { UserError } from '../core/errors';

/**
 * Button ids: `1|<action>|<projectId>|<planVersion prefix>|<arg>`. Short (≤ 64 bytes, Telegram's
 * callback_data limit; Discord allows 100), versioned, and carrying no trust: the handler
 * re-checks the project's chat, the plan version and the clicker's rights on every click.
 */
export const ACTIONS = [
  'hook', 'newhooks', 'approve', 'edit', 'lock', 'regen', 'regenscene', 'voice', 'setvoice', 'settempo', 'setlen',
  'discard', 'cancel', 'retry', 'rerender', 'plan', 'status', 'niche', 'setniche',
  'schedule', 'scheduled', 'postnow', 'reschedule', 'unschedule', 'connect', 'unlink', 'swapclip',
] as const;

/** The project slot of buttons about the chat rather than a project (linked accounts). */
export const CHAT_BUTTON = '00000000-0000-4000-8000-000000000000';
export type Action = (typeof ACTIONS)[number];

const VERSION = '1';
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const parsedSchema = z.object({
  action: z.enum(ACTIONS),
  projectId: z.string().regex(uuid),
  plan: z.string().regex(/^[0-9a-f]{0,8}$/),
  arg: z.string().regex(/^[a-z0-9_]{0,12}$/),
});
export type ButtonRef = z.infer<typeof parsedSchema>;

/** Encodes a button id. */
export function buttonId(action: Action, projectId: string, planVersionId = '', arg: string | number = ''): string {
  const id = [VERSION, action, projectId, planVersionId.slice(0, 8), String(arg)].join('|');
  if (Buffer.byteLength(id) > 64) throw new Error(`button id too long: ${id}`);
  return id;
}

/** Decodes a button id; anything malformed, foreign or from an old version is refused. */
export function parseButtonId(raw: string): ButtonRef {
  const parts = raw.split('|');
  if (parts.length !== 5 || parts[0] !== VERSION) {
    throw new UserError('stale_button', 'That button is from an older version of this message. Use /video list to open the project again.');
  }
  const parsed = parsedSchema.safeParse({ action: parts[1], projectId: parts[2], plan: parts[3], arg: parts[4] });
  if (!parsed.success) throw new UserError('bad_button', 'That button is not valid. Use /video list to open the project again.');
  return parsed.data;
}
