import { UserError } from '../core/errors';
import type { Project } from '../db/client';
import type { ChatSettingsView } from '../db/repos/chatSettings';
import type { CommandContext } from './context';

/**
 * May this person approve, schedule, re-render and delete here? In the terminal, yes. In a DM, the owner. In a group:
 * members holding one of the chat's approver roles or listed as approvers; when none are set,
 * people who can manage the server/chat.
 */
export function canApprove(ctx: CommandContext, settings: ChatSettingsView, project?: Project): boolean {
  // The terminal is the server's operator: every project on this machine is theirs to act on.
  if (ctx.platform === 'cli') return true;
  if (ctx.isDM) return !project || project.ownerUserId === ctx.userId;
  if (settings.approverUserIds.includes(ctx.userId)) return true;
  if (settings.approverRoleIds.some((r) => ctx.roleIds.includes(r))) return true;
  if (!settings.approverRoleIds.length && !settings.approverUserIds.length) return ctx.canManage;
  return false;
}

/** Precondition: approver rights, or a refusal that says who can. */
export function requireApprover(ctx: CommandContext, settings: ChatSettingsView, project?: Project): void {
  if (canApprove(ctx, settings, project)) return;
  const who = settings.approverRoleIds.length
    ? 'members with the approver role'
    : settings.approverUserIds.length ? 'the approvers listed in /video settings' : 'people who can manage this server or chat';
  throw new UserError('not_approver', `Only ${who} can do that. You can still edit the plan and suggest changes.`);
}

/** Precondition: may change this chat's settings. */
export function requireManager(ctx: CommandContext): void {
  if (ctx.isDM || ctx.canManage) return;
  throw new UserError('not_manager', 'Only people who can manage this server or chat can change its settings.');
}
