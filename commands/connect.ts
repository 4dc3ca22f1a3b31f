import { UserError } from '../core/errors';
import { listLinkedAccounts, removeLinkedAccount } from '../db/repos/accounts';
import { requireLinking, startLink } from '../pipeline/publish/accounts/oauth';
import { PROVIDERS, type ProviderId } from '../pipeline/publish/accounts/providers';
import { buttonId, CHAT_BUTTON } from './buttonIds';
import type { CommandContext, CommandDeps } from './context';
import { requireManager } from './permissions';
import { notice, type View } from './view';

const isProvider = (p: string): p is ProviderId => (PROVIDERS as readonly string[]).includes(p);

/** Where a provider sends people back after consent: this bot's listener. */
export const callbackPath = (provider: ProviderId): string => `/oauth/callback/${provider}`;

/**
 * `/video connect [tiktok|youtube]`: with a platform, a link (managers only) that lets this chat
 * post to that account — it works once, for 10 minutes, for this chat and this person; without
 * one, which accounts are linked, with Link and Unlink.
 */
export async function connectAccount(deps: CommandDeps, ctx: CommandContext, provider?: string): Promise<View> {
  if (!provider) return linkedAccountsView(deps, ctx);
  const id = provider.toLowerCase();
  if (!isProvider(id)) throw new UserError('unknown_provider', `I can link ${PROVIDERS.join(' or ')}, not “${provider.slice(0, 30)}”.`);
  requireManager(ctx);
  const p = deps.accounts.providers[id];
  const linkDeps = { db: deps.db, sealer: deps.accounts.sealer };
  requireLinking(p, linkDeps, deps.config.publicUrl);
  const url = await startLink(linkDeps, p, { platform: ctx.platform, chatId: ctx.chatId, userId: ctx.userId }, `${deps.config.publicUrl}${callbackPath(id)}`);
  const audit = id === 'tiktok' ? '\nUntil the TikTok app is audited, its posts are visible only to the linked account (SELF_ONLY).' : '';
  return {
    title: `Link ${p.name}`,
    text: `Open the link, sign in to ${p.name} and allow posting. It works once, for 10 minutes, and links the account to this chat only.${audit}`,
    buttons: [[{ id: '', url: url.toString(), label: `Link ${p.name}` }]],
    ephemeral: true,
  };
}

async function linkedAccountsView(deps: CommandDeps, ctx: CommandContext): Promise<View> {
  const accounts = await listLinkedAccounts(deps.db, ctx.platform, ctx.chatId);
  const byProvider = new Map(accounts.map((a) => [a.provider, a]));
  const lines = PROVIDERS.map((id) => {
    const a = byProvider.get(id);
    const name = deps.accounts.providers[id].name;
    return a ? `${name}: ${a.displayName}, linked ${a.createdAt.toISOString().slice(0, 10)} by user ${a.linkedByUserId}` : `${name}: not linked`;
  });
  return {
    title: 'Linked accounts',
    text: `${lines.join('\n')}\n\nScheduled posts go to a linked account when “tiktok” or “youtube” is among the targets (or no targets are named).`,
    buttons: [PROVIDERS.map((id) => byProvider.has(id)
      ? { id: buttonId('unlink', CHAT_BUTTON, '', id), label: `Unlink ${deps.accounts.providers[id].name}`, style: 'danger' as const }
      : { id: buttonId('connect', CHAT_BUTTON, '', id), label: `Link ${deps.accounts.providers[id].name}`, style: 'primary' as const })],
    ephemeral: true,
  };
}

/** The Link and Unlink buttons (managers only; the account is this chat's, whatever the button says). */
export async function handleConnectButton(deps: CommandDeps, ctx: CommandContext, action: 'connect' | 'unlink', provider: string): Promise<View> {
  if (!isProvider(provider)) throw new UserError('bad_button', 'That button is not valid.');
  if (action === 'connect') return connectAccount(deps, ctx, provider);
  requireManager(ctx);
  const removed = await removeLinkedAccount(deps.db, ctx.platform, ctx.chatId, provider);
  return notice(removed ? `Unlinked ${deps.accounts.providers[provider].name}. Posts scheduled to it will fail until it is linked again.` : 'That account was not linked.');
}
