import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { UserError } from '../../../core/errors';
import type { Sealer } from '../../../core/seal';
import type { Db, LinkedAccount } from '../../../db/client';
import { saveLinkedAccount } from '../../../db/repos/accounts';
import type { OAuthProvider } from './providers';

/** How long a link from /video connect works. */
export const LINK_TTL_MS = 10 * 60_000;

/**
 * The provider's endpoints as openid-client configuration. Plain http is allowed only for a
 * server on this machine (the tests' fakes); the real endpoints are https.
 */
export function clientConfig(provider: OAuthProvider): oidc.Configuration {
  const auth = new URL(provider.authorizationEndpoint);
  const config = new oidc.Configuration(
    { issuer: auth.origin, authorization_endpoint: provider.authorizationEndpoint, token_endpoint: provider.tokenEndpoint },
    provider.clientId!, { client_secret: provider.clientSecret },
    oidc.ClientSecretPost(provider.clientSecret),
  );
  const local = (u: string) => ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(u).hostname);
  // openid-client refuses http unless told; only loopback fakes are ever plain http.
  if (local(provider.authorizationEndpoint) && local(provider.tokenEndpoint)) oidc.allowInsecureRequests(config);
  return config;
}

/** The PKCE challenge for a verifier, in the encoding the provider wants. */
async function challengeFor(provider: OAuthProvider, verifier: string): Promise<string> {
  return provider.pkceEncoding === 'hex' ? createHash('sha256').update(verifier).digest('hex') : oidc.calculatePKCECodeChallenge(verifier);
}

export interface LinkDeps {
  db: Db;
  sealer: Sealer | null;
  now?: () => Date;
}

/** Refuses when linking cannot work here, saying what the bot owner must set. */
export function requireLinking(provider: OAuthProvider, deps: LinkDeps, publicUrl?: string): asserts deps is LinkDeps & { sealer: Sealer } {
  const missing = [...provider.missing, ...(deps.sealer ? [] : ['SECRET_KEY']), ...(publicUrl ? [] : ['PUBLIC_URL'])];
  if (missing.length) throw new UserError('linking_off', `Linking ${provider.name} is not set up on this server: the bot owner sets ${missing.join(', ')} (see README).`);
}

/**
 * Starts linking a chat's account: a single-use `state` bound to the chat and the person,
 * good for 10 minutes, and a PKCE verifier kept sealed beside it. Returns the URL to open.
 */
export async function startLink(
  deps: LinkDeps & { sealer: Sealer },
  provider: OAuthProvider,
  who: { platform: string; chatId: string; userId: string },
  redirectUri: string,
): Promise<URL> {
  const state = oidc.randomState();
  const verifier = oidc.randomPKCECodeVerifier();
  const now = deps.now?.() ?? new Date();
  await deps.db.oAuthState.create({
    data: { id: state, ...who, provider: provider.id, codeVerifierSealed: deps.sealer.seal(verifier), redirectUri, expiresAt: new Date(now.getTime() + LINK_TTL_MS) },
  });
  // Old, unused links of anyone go: they can no longer be completed anyway.
  await deps.db.oAuthState.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - LINK_TTL_MS) } } });
  return oidc.buildAuthorizationUrl(clientConfig(provider), {
    redirect_uri: redirectUri, scope: provider.scopes.join(provider.id === 'tiktok' ? ',' : ' '), state,
    code_challenge: await challengeFor(provider, verifier), code_challenge_method: 'S256', ...provider.authParams,
  });
}

export interface LinkResult {
  account: LinkedAccount;
  platform: string;
  chatId: string;
  userId: string;
}

/**
 * Completes linking from the provider's redirect: the `state` must be one we issued for this
 * provider, unused and unexpired (it is used up here, whatever happens next); the code is
 * exchanged with the PKCE verifier; the tokens are sealed and stored for the chat.
 */
export async function completeLink(deps: LinkDeps & { sealer: Sealer }, provider: OAuthProvider, callback: URL): Promise<LinkResult> {
  const state = callback.searchParams.get('state') ?? '';
  const now = deps.now?.() ?? new Date();
  const row = state ? await deps.db.oAuthState.findUnique({ where: { id: state } }) : null;
  const { count } = row
    ? await deps.db.oAuthState.updateMany({ where: { id: state, provider: provider.id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } })
    : { count: 0 };
  if (!row || count !== 1) throw new UserError('link_stale', 'This link is not valid any more (links work once, for 10 minutes). Ask for a new one with /video connect in the chat.');
  const denied = callback.searchParams.get('error');
  if (denied) throw new UserError('link_denied', `${provider.name} did not grant access (${denied.slice(0, 80)}). Nothing was linked; try /video connect again.`);
  const redirect = new URL(row.redirectUri);
  redirect.search = callback.search;
  let tokens: Awaited<ReturnType<typeof oidc.authorizationCodeGrant>>;
  try {
    tokens = await oidc.authorizationCodeGrant(clientConfig(provider), redirect, { pkceCodeVerifier: deps.sealer.open(row.codeVerifierSealed), expectedState: state }, provider.tokenParams);
  } catch (err) {
    throw new UserError('link_failed', `${provider.name} refused the link (${oauthReason(err)}). Nothing was linked; try /video connect again.`);
  }
  const identity = await provider.identify(tokens.access_token);
  const account = await saveLinkedAccount(deps.db, {
    platform: row.platform, chatId: row.chatId, provider: provider.id, ...identity, linkedByUserId: row.userId, ...sealTokens(deps.sealer, tokens, now),
  });
  return { account, platform: row.platform, chatId: row.chatId, userId: row.userId };
}

/** A token response, sealed for storage, with its lifetimes as dates. */
export function sealTokens(sealer: Sealer, t: { access_token: string; refresh_token?: string; expires_in?: number; scope?: string } & Record<string, unknown>, now: Date, previousRefresh?: string | null) {
  const refreshIn = Number(t.refresh_expires_in ?? 0);
  return {
    accessTokenSealed: sealer.seal(t.access_token),
    // A server that rotates sends a new refresh token; one that does not keeps the old one valid.
    refreshTokenSealed: t.refresh_token ? sealer.seal(t.refresh_token) : previousRefresh ?? null,
    accessExpiresAt: t.expires_in ? new Date(now.getTime() + t.expires_in * 1000) : null,
    refreshExpiresAt: refreshIn > 0 ? new Date(now.getTime() + refreshIn * 1000) : null,
    scope: String(t.scope ?? ''),
  };
}

/** A short, token-free reason from an openid-client or provider error. */
export function oauthReason(err: unknown): string {
  const e = err as { error?: string; error_description?: string; code?: string; message?: string; cause?: { error?: string; error_description?: string } };
  const code = e.error ?? e.cause?.error;
  const description = e.error_description ?? e.cause?.error_description;
  return (code ? `${code}${description ? `: ${description}` : ''}` : e.message ?? 'unknown error').replace(/[\p{Cc}]/gu, ' ').slice(0, 200);
}
