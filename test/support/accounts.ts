import type { Sealer } from '../../core/seal';
import type { Db } from '../../db/client';
import { completeLink, startLink } from '../../pipeline/publish/accounts/oauth';
import type { OAuthProvider } from '../../pipeline/publish/accounts/providers';

/**
 * Links an account for a chat the way a person does: the link from startLink, the provider's
 * consent redirect (a fake's /authorize answers at once), then the callback. Returns the account id.
 */
export async function linkAccount(db: Db, sealer: Sealer, provider: OAuthProvider, chat: { platform: string; chatId: string }): Promise<string> {
  const link = await startLink({ db, sealer }, provider, { ...chat, userId: '11' }, `https://bot.example.test/oauth/callback/${provider.id}`);
  const back = new URL((await fetch(link, { redirect: 'manual' })).headers.get('location')!);
  return (await completeLink({ db, sealer }, provider, back)).account.id;
}
