import { UserError } from '../../../core/errors';
import type { Sealer } from '../../../core/seal';
import type { Db, LinkedAccount, Project } from '../../../db/client';
import { getLinkedAccount } from '../../../db/repos/accounts';
import type { OAuthProvider } from '../accounts/providers';
import { accessTokenFor, RelinkNeeded } from '../accounts/tokens';
import { PublishError } from './types';

export interface AccountTargetOptions {
  db: Db;
  sealer: Sealer | null;
  provider: OAuthProvider;
}

/** The chat's linked account for a provider, or a refusal that says how to link one. */
export async function prepareLinkedAccount(opts: AccountTargetOptions, project: Project): Promise<string> {
  const name = opts.provider.name;
  const account = await getLinkedAccount(opts.db, project.platform, project.chatId, opts.provider.id);
  if (!account) {
    throw new UserError('no_account', project.platform === 'cli'
      ? `No ${name} account is linked for the terminal: run shortsmith connect ${opts.provider.id}.`
      : `No ${name} account is linked to this chat. A manager links one with /video connect ${opts.provider.id}.`);
  }
  if (!opts.sealer) throw new UserError('linking_off', `${name} posting is off on this server: the bot owner sets SECRET_KEY.`);
  return account.id;
}

/**
 * The account a publication names, and a way to get its access token — only if it belongs to the
 * publication's chat (an id from elsewhere is never used). Token problems become the errors a
 * team can act on.
 */
export async function accountFor(opts: AccountTargetOptions, project: Project, accountId: string): Promise<{ account: LinkedAccount; token: (force?: boolean) => Promise<string> }> {
  const name = opts.provider.name;
  const account = await opts.db.linkedAccount.findUnique({ where: { id: accountId } });
  if (!account || account.platform !== project.platform || account.chatId !== project.chatId || account.provider !== opts.provider.id) {
    throw new PublishError(`the ${name} account this post was scheduled for is no longer linked to this chat`, false, `Link one with /video connect ${opts.provider.id}, then schedule the post again.`);
  }
  if (!opts.sealer) throw new PublishError('SECRET_KEY is not set on this worker', true, 'Set SECRET_KEY on every worker; it will be tried again.');
  const sealer = opts.sealer;
  const token = async (force = false) => {
    try {
      return await accessTokenFor({ db: opts.db, sealer }, opts.provider, account.id, { force });
    } catch (err) {
      if (err instanceof RelinkNeeded) throw new PublishError(`${err.message}`, false, `Link the account again with /video connect ${opts.provider.id}, then press Post now.`);
      throw new PublishError((err as Error).message, true, 'It will be tried again.');
    }
  };
  return { account, token };
}
