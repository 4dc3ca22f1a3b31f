import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import { UserError } from '../../../core/errors';
import { makeSealer } from '../../../core/seal';
import { completeLink, startLink } from '../../../pipeline/publish/accounts/oauth';
import { makeProviders } from '../../../pipeline/publish/accounts/providers';
import { accessTokenFor, RelinkNeeded } from '../../../pipeline/publish/accounts/tokens';
import { makeTestDatabase, type TestDatabase } from '../../support/database';
import { sendJson } from '../../support/fakes/http';
import { startFakeOAuth, type FakeOAuth } from '../../support/fakes/oauth';

const KEY = 'k'.repeat(40);
const sealer = makeSealer(KEY);
let db: TestDatabase;
let google: FakeOAuth;
let providers: ReturnType<typeof makeProviders>;
const who = { platform: 'telegram', chatId: '-100', userId: '11' };
const REDIRECT = 'https://bot.example.test/oauth/callback/youtube';

/** What the browser does: open the link, let the provider redirect back; returns where it lands. */
async function consent(url: URL): Promise<URL> {
  const res = await fetch(url, { redirect: 'manual' });
  expect(res.status).toBe(302);
  return new URL(res.headers.get('location')!);
}

beforeAll(async () => {
  db = await makeTestDatabase();
  google = await startFakeOAuth({
    clientId: 'google-client', clientSecret: 'google-secret',
    api: (req, res, authorized) => {
      if (!req.path.startsWith('/youtube/v3/channels')) return false;
      if (!authorized) sendJson(res, 401, { error: { code: 401, message: 'Invalid Credentials' } });
      else sendJson(res, 200, { items: [{ id: 'UC123', snippet: { title: 'Octo Facts', customUrl: '@octofacts' } }] });
      return true;
    },
  });
  providers = makeProviders(loadConfig({ GOOGLE_CLIENT_ID: 'google-client', GOOGLE_CLIENT_SECRET: 'google-secret', GOOGLE_OAUTH_URL: google.authorizeUrl, GOOGLE_TOKEN_URL: google.tokenUrl, YOUTUBE_API_URL: google.url }));
});
afterAll(async () => {
  await google.close();
  await db.dispose();
});

const deps = () => ({ db: db.prisma, sealer });

describe('linking an account (OAuth 2.0 code flow with PKCE, openid-client)', () => {
  it('links with a single-use state bound to the chat; the tokens are sealed in the database', async () => {
    const link = await startLink(deps(), providers.youtube, who, REDIRECT);
    expect(link.searchParams.get('code_challenge_method')).toBe('S256');
    expect(link.searchParams.get('access_type')).toBe('offline');
    const back = await consent(link);
    const linked = await completeLink(deps(), providers.youtube, back);
    expect(linked).toMatchObject({ platform: 'telegram', chatId: '-100', userId: '11', account: { accountId: 'UC123', displayName: '@octofacts', provider: 'youtube' } });
    const row = await db.prisma.linkedAccount.findFirstOrThrow();
    const access = [...google.validAccess][0]!;
    expect(JSON.stringify(row)).not.toContain(access);
    expect(() => makeSealer('another key entirely, also forty characters').open(row.accessTokenSealed)).toThrow();
    expect(sealer.open(row.accessTokenSealed)).toBe(access);
    // The same redirect again (a reload, a replay) is refused: the state was used.
    await expect(completeLink(deps(), providers.youtube, back)).rejects.toThrow(/not valid any more/);
  });

  it('refuses an unknown or expired state, a denied consent and a wrong PKCE verifier', async () => {
    await expect(completeLink(deps(), providers.youtube, new URL(`${REDIRECT}?code=x&state=forged`))).rejects.toBeInstanceOf(UserError);
    const old = await startLink({ ...deps(), now: () => new Date(Date.now() - 11 * 60_000) }, providers.youtube, who, REDIRECT);
    await expect(completeLink(deps(), providers.youtube, await consent(old))).rejects.toThrow(/not valid any more/);
    const denied = await startLink(deps(), providers.youtube, who, REDIRECT);
    await expect(completeLink(deps(), providers.youtube, new URL(`${REDIRECT}?error=access_denied&state=${denied.searchParams.get('state')}`))).rejects.toThrow(/did not grant access/);
    const link = await startLink(deps(), providers.youtube, who, REDIRECT);
    await db.prisma.oAuthState.update({ where: { id: link.searchParams.get('state')! }, data: { codeVerifierSealed: sealer.seal('a-verifier-the-provider-never-saw-0123456789abcdef') } });
    await expect(completeLink(deps(), providers.youtube, await consent(link))).rejects.toThrow(/refused the link \(invalid_grant: code_verifier does not match\)/);
  });

  it('refreshes one at a time across callers and keeps the rotated refresh token', async () => {
    const account = await db.prisma.linkedAccount.findFirstOrThrow();
    await db.prisma.linkedAccount.update({ where: { id: account.id }, data: { accessExpiresAt: new Date(Date.now() - 1000) } });
    const before = google.refreshes;
    const tokens = await Promise.all(Array.from({ length: 5 }, () => accessTokenFor(deps(), providers.youtube, account.id)));
    expect(google.refreshes - before).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    expect(google.validAccess.has(tokens[0]!)).toBe(true);
    const after = await db.prisma.linkedAccount.findFirstOrThrow();
    expect(after.refreshTokenSealed).not.toBe(account.refreshTokenSealed);
    expect(after.accessExpiresAt!.getTime()).toBeGreaterThan(Date.now());
    // A revoked login asks for relinking, clearly.
    google.revokeAll();
    await expect(accessTokenFor(deps(), providers.youtube, account.id, { force: true })).rejects.toBeInstanceOf(RelinkNeeded);
  });
});
