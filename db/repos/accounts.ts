import type { Db, LinkedAccount } from '../client';

/** The account a chat linked for a provider, if any. */
export function getLinkedAccount(db: Db, platform: string, chatId: string, provider: string): Promise<LinkedAccount | null> {
  return db.linkedAccount.findUnique({ where: { platform_chatId_provider: { platform, chatId, provider } } });
}

/** A chat's linked accounts. */
export function listLinkedAccounts(db: Db, platform: string, chatId: string): Promise<LinkedAccount[]> {
  return db.linkedAccount.findMany({ where: { platform, chatId }, orderBy: { provider: 'asc' } });
}

export interface SealedTokens {
  accessTokenSealed: string;
  refreshTokenSealed: string | null;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
  scope: string;
}

/** Links (or relinks) a chat's account for a provider: one per chat per provider. */
export function saveLinkedAccount(
  db: Db,
  input: { platform: string; chatId: string; provider: string; accountId: string; displayName: string; linkedByUserId: string } & SealedTokens,
): Promise<LinkedAccount> {
  const { platform, chatId, provider, ...rest } = input;
  return db.linkedAccount.upsert({
    where: { platform_chatId_provider: { platform, chatId, provider } },
    create: { platform, chatId, provider, ...rest },
    update: { ...rest, refreshingUntil: null },
  });
}

/** Unlinks; returns whether there was an account. */
export async function removeLinkedAccount(db: Db, platform: string, chatId: string, provider: string): Promise<boolean> {
  const { count } = await db.linkedAccount.deleteMany({ where: { platform, chatId, provider } });
  return count > 0;
}
