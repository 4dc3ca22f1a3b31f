import * as oidc from 'openid-client';
import type { Sealer } from '../../../core/seal';
import type { Db, LinkedAccount } from '../../../db/client';
import { clientConfig, oauthReason, sealTokens } from './oauth';
import type { OAuthProvider } from './providers';

/** The account's tokens no longer work (revoked, expired, rotated away): a person must link again. */
export class RelinkNeeded extends Error {
  override readonly name = 'RelinkNeeded';
}

/** Refresh this long before the access token runs out, so an upload never starts on a dying one. */
const EARLY_MS = 5 * 60_000;
/** How long one process may hold an account's refresh before others may take over. */
const REFRESH_LEASE_MS = 30_000;

/**
 * A valid access token for a linked account, refreshed when it is about to run out. Refreshes
 * are one at a time per account across every process (a lease on the row): two concurrent
 * refreshes of a rotating refresh token would invalidate each other. The new refresh token is
 * stored, with the access token it came with, before either is used.
 */
export async function accessTokenFor(deps: { db: Db; sealer: Sealer; now?: () => Date }, provider: OAuthProvider, accountId: string, opts: { force?: boolean } = {}): Promise<string> {
  const now = () => deps.now?.() ?? new Date();
  for (let waited = 0; ; waited++) {
    const account = await deps.db.linkedAccount.findUnique({ where: { id: accountId } });
    if (!account) throw new RelinkNeeded(`the ${provider.name} account was unlinked`);
    const fresh = !account.accessExpiresAt || account.accessExpiresAt.getTime() - now().getTime() > EARLY_MS;
    if (fresh && !opts.force) return deps.sealer.open(account.accessTokenSealed);
    if (!account.refreshTokenSealed) throw new RelinkNeeded(`the ${provider.name} login has expired`);
    const lease = await deps.db.linkedAccount.updateMany({
      where: { id: accountId, updatedAt: account.updatedAt, OR: [{ refreshingUntil: null }, { refreshingUntil: { lt: now() } }] },
      data: { refreshingUntil: new Date(now().getTime() + REFRESH_LEASE_MS) },
    });
    if (lease.count === 1) return refresh(deps, provider, account, now());
    // Another process is refreshing (or just did): wait for its result.
    if (waited > 60) throw new Error(`refreshing the ${provider.name} token is taking too long`);
    await new Promise((r) => setTimeout(r, 500));
    opts = {};
  }
}

async function refresh(deps: { db: Db; sealer: Sealer }, provider: OAuthProvider, account: LinkedAccount, now: Date): Promise<string> {
  let tokens: Awaited<ReturnType<typeof oidc.refreshTokenGrant>>;
  try {
    tokens = await oidc.refreshTokenGrant(clientConfig(provider), deps.sealer.open(account.refreshTokenSealed!), provider.tokenParams);
  } catch (err) {
    await deps.db.linkedAccount.updateMany({ where: { id: account.id }, data: { refreshingUntil: null } });
    const reason = oauthReason(err);
    if (/invalid_grant|invalid_client|unauthorized_client|access_denied/.test(reason)) throw new RelinkNeeded(`${provider.name} refused the saved login (${reason})`);
    throw new Error(`refreshing the ${provider.name} login failed (${reason})`);
  }
  const sealed = sealTokens(deps.sealer, tokens, now, account.refreshTokenSealed);
  await deps.db.linkedAccount.update({ where: { id: account.id }, data: { ...sealed, scope: sealed.scope || account.scope, refreshingUntil: null } });
  return tokens.access_token;
}
