import { errorReference, UserError } from '../core/errors';
import type { CommandContext, CommandDeps } from './context';
import { notice, type View } from './view';

/**
 * Runs a command and turns failures into views: a UserError's message as is (shown only to the
 * clicker), anything else logged with a short reference the user can quote.
 */
export async function runCommand(deps: CommandDeps, ctx: CommandContext, name: string, fn: () => Promise<View> | View): Promise<View> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UserError) return notice(err.message);
    const ref = errorReference();
    deps.log.error({ err, ref, command: name, platform: ctx.platform, chatId: ctx.chatId, userId: ctx.userId }, 'command failed');
    return notice(`Something went wrong on our side (reference ${ref}). Try again; if it keeps happening, share the reference with the bot owner.`);
  }
}
