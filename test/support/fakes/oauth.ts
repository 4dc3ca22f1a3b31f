import { createHash, randomBytes } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { sendJson, startFakeServer, type FakeServer, type RecordedRequest } from './http';

export interface FakeOAuthOptions {
  clientId: string;
  clientSecret: string;
  /** How the server checks the PKCE challenge. */
  pkce?: 'base64url' | 'hex';
  /** Extra fields in token responses (TikTok's open_id, refresh_expires_in). */
  tokenExtras?: Record<string, unknown>;
  accessTtlSec?: number;
  /** Where the token endpoint is (TikTok: /v2/oauth/token/). */
  tokenPath?: string;
  /** The provider's API, given the request and whether its bearer token is valid. */
  api?: (req: RecordedRequest, res: ServerResponse, authorized: boolean) => boolean | Promise<boolean>;
}

export interface FakeOAuth extends FakeServer {
  authorizeUrl: string;
  tokenUrl: string;
  /** Every token request, decoded. */
  tokenRequests: Record<string, string>[];
  /** Refresh grants answered with new tokens. */
  refreshes: number;
  /** The access tokens that currently work. */
  validAccess: Set<string>;
  /** Revokes everything (the user removed the app). */
  revokeAll(): void;
}

/**
 * An OAuth 2.0 authorization server on 127.0.0.1 like TikTok's and Google's: /authorize redirects
 * back with a one-time code bound to the PKCE challenge and redirect URI; /token checks the client,
 * the code, the redirect URI and the verifier, and rotates refresh tokens (an old one stops
 * working the moment a new one is issued).
 */
export async function startFakeOAuth(opts: FakeOAuthOptions): Promise<FakeOAuth> {
  const codes = new Map<string, { challenge: string; redirect: string; scope: string }>();
  const validAccess = new Set<string>();
  const validRefresh = new Set<string>();
  const tokenRequests: Record<string, string>[] = [];
  let refreshes = 0;
  const issue = (scope: string) => {
    const access = `at-${randomBytes(12).toString('hex')}`;
    const refresh = `rt-${randomBytes(12).toString('hex')}`;
    validAccess.add(access);
    validRefresh.add(refresh);
    return { access_token: access, refresh_token: refresh, token_type: 'Bearer', expires_in: opts.accessTtlSec ?? 3600, scope, ...opts.tokenExtras };
  };
  const challengeOf = (verifier: string) => createHash('sha256').update(verifier).digest(opts.pkce === 'hex' ? 'hex' : 'base64url');
  const server = await startFakeServer(async (req, res) => {
    const url = new URL(req.path, 'http://x');
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const q = url.searchParams;
      if ((q.get('client_id') ?? q.get('client_key')) !== opts.clientId || q.get('code_challenge_method') !== 'S256' || !q.get('code_challenge')) return sendJson(res, 400, { error: 'invalid_request' });
      const code = `code-${randomBytes(8).toString('hex')}`;
      codes.set(code, { challenge: q.get('code_challenge')!, redirect: q.get('redirect_uri')!, scope: q.get('scope') ?? '' });
      const back = new URL(q.get('redirect_uri')!);
      back.searchParams.set('code', code);
      back.searchParams.set('state', q.get('state') ?? '');
      res.writeHead(302, { location: back.toString() });
      res.end();
      return;
    }
    if (req.method === 'POST' && url.pathname === (opts.tokenPath ?? '/token')) {
      const form = Object.fromEntries(new URLSearchParams(req.body.toString('utf8')));
      tokenRequests.push(form);
      if ((form.client_id ?? form.client_key) !== opts.clientId || form.client_secret !== opts.clientSecret) return sendJson(res, 401, { error: 'invalid_client' });
      if (form.grant_type === 'authorization_code') {
        const grant = codes.get(form.code ?? '');
        codes.delete(form.code ?? '');
        if (!grant || grant.redirect !== form.redirect_uri) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'bad code or redirect_uri' });
        if (challengeOf(form.code_verifier ?? '') !== grant.challenge) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'code_verifier does not match' });
        return sendJson(res, 200, issue(grant.scope));
      }
      if (form.grant_type === 'refresh_token') {
        if (!validRefresh.delete(form.refresh_token ?? '')) return sendJson(res, 400, { error: 'invalid_grant', error_description: 'refresh token expired or rotated' });
        refreshes++;
        return sendJson(res, 200, issue('rotated'));
      }
      return sendJson(res, 400, { error: 'unsupported_grant_type' });
    }
    const token = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
    if (opts.api && (await opts.api(req, res, validAccess.has(token)))) return;
    sendJson(res, 404, { error: `no fake for ${req.method} ${url.pathname}` });
  });
  return {
    ...server,
    authorizeUrl: `${server.url}/authorize`,
    tokenUrl: `${server.url}${opts.tokenPath ?? '/token'}`,
    tokenRequests,
    get refreshes() {
      return refreshes;
    },
    validAccess,
    revokeAll() {
      validAccess.clear();
      validRefresh.clear();
    },
  };
}
