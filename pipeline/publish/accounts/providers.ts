import type { Config } from '../../../core/config';

export const PROVIDERS = ['tiktok', 'youtube'] as const;
export type ProviderId = (typeof PROVIDERS)[number];

/** Who the linked account is at the provider. */
export interface AccountIdentity {
  accountId: string;
  displayName: string;
}

/** One platform's OAuth 2.0 endpoints, client and the quirks of its requests. */
export interface OAuthProvider {
  id: ProviderId;
  name: string;
  clientId?: string;
  clientSecret?: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  scopes: string[];
  /** Added to the authorization URL (TikTok's client_key; Google's offline access). */
  authParams: Record<string, string>;
  /** Added to every token request (TikTok wants client_key beside client_id). */
  tokenParams: Record<string, string>;
  /** How the PKCE challenge is written (TikTok is reported to want hex on some apps). */
  pkceEncoding: 'base64url' | 'hex';
  /** What to set for linking to work, when something is missing. */
  missing: string[];
  /** Asks the provider who the token belongs to. */
  identify(accessToken: string): Promise<AccountIdentity>;
}

async function getJson(url: string, init: RequestInit): Promise<Record<string, unknown>> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(15_000) });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
  return body;
}

/** TikTok Login Kit + Content Posting (Direct Post). */
export function tiktokProvider(config: Config): OAuthProvider {
  const t = config.tiktok;
  return {
    id: 'tiktok',
    name: 'TikTok',
    clientId: t.clientKey,
    clientSecret: t.clientSecret,
    authorizationEndpoint: t.authUrl,
    tokenEndpoint: `${t.apiUrl}/v2/oauth/token/`,
    // video.list: the published videos' view, like, comment and share counts come back (stats).
    scopes: ['user.info.basic', 'video.publish', 'video.list'],
    authParams: t.clientKey ? { client_key: t.clientKey } : {},
    tokenParams: t.clientKey ? { client_key: t.clientKey } : {},
    pkceEncoding: t.pkceEncoding,
    missing: [...(t.clientKey ? [] : ['TIKTOK_CLIENT_KEY']), ...(t.clientSecret ? [] : ['TIKTOK_CLIENT_SECRET'])],
    async identify(accessToken) {
      const body = await getJson(`${t.apiUrl}/v2/post/publish/creator_info/query/`, { method: 'POST', headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json; charset=UTF-8' }, body: '{}' });
      const data = (body.data ?? {}) as { creator_username?: string; creator_nickname?: string };
      const user = await getJson(`${t.apiUrl}/v2/user/info/?fields=open_id,display_name`, { headers: { authorization: `Bearer ${accessToken}` } }).catch(() => ({}));
      const info = ((user as { data?: { user?: { open_id?: string; display_name?: string } } }).data?.user ?? {});
      return { accountId: info.open_id ?? data.creator_username ?? 'unknown', displayName: data.creator_username ? `@${data.creator_username}` : info.display_name ?? data.creator_nickname ?? 'TikTok account' };
    },
  };
}

/** Google OAuth for the YouTube Data API (uploads). */
export function youtubeProvider(config: Config): OAuthProvider {
  const g = config.google;
  return {
    id: 'youtube',
    name: 'YouTube',
    clientId: g.clientId,
    clientSecret: g.clientSecret,
    authorizationEndpoint: g.authUrl,
    tokenEndpoint: g.tokenUrl,
    scopes: ['https://www.googleapis.com/auth/youtube.upload', 'https://www.googleapis.com/auth/youtube.readonly'],
    // A refresh token is only issued with offline access, and again only with consent.
    authParams: { access_type: 'offline', prompt: 'consent', include_granted_scopes: 'true' },
    tokenParams: {},
    pkceEncoding: 'base64url',
    missing: [...(g.clientId ? [] : ['GOOGLE_CLIENT_ID']), ...(g.clientSecret ? [] : ['GOOGLE_CLIENT_SECRET'])],
    async identify(accessToken) {
      const body = await getJson(`${g.youtubeApiUrl}/youtube/v3/channels?part=snippet&mine=true`, { headers: { authorization: `Bearer ${accessToken}` } });
      const channel = ((body.items ?? []) as { id: string; snippet?: { title?: string; customUrl?: string } }[])[0];
      if (!channel) throw new Error('this Google account has no YouTube channel');
      return { accountId: channel.id, displayName: channel.snippet?.customUrl ?? channel.snippet?.title ?? channel.id };
    },
  };
}

export function makeProviders(config: Config): Record<ProviderId, OAuthProvider> {
  return { tiktok: tiktokProvider(config), youtube: youtubeProvider(config) };
}
