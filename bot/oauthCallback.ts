import type { IncomingMessage, ServerResponse } from 'node:http';
import { UserError } from '../core/errors';
import { completeLink, requireLinking } from '../pipeline/publish/accounts/oauth';
import { PROVIDERS, type ProviderId } from '../pipeline/publish/accounts/providers';
import type { App } from './app';

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function page(res: ServerResponse, status: number, title: string, text: string): void {
  res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
  res.end(`<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>${escapeHtml(title)}</title>`
    + `<body style="font:16px system-ui;max-width:32em;margin:4em auto;padding:0 1em"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></body>`);
}

/**
 * `GET /oauth/callback/<tiktok|youtube>`: where TikTok and Google send a person back after
 * consent. Completes the link (state, PKCE, sealed tokens), shows a plain page, and tells the
 * chat that asked. Nothing from the query is echoed back but the outcome.
 */
export function oauthCallbackRoute(app: App) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const m = /^\/oauth\/callback\/([a-z]+)(\?|$)/.exec(req.url ?? '');
    if (req.method !== 'GET' || !m) return false;
    const provider = m[1]!;
    if (!(PROVIDERS as readonly string[]).includes(provider)) {
      page(res, 404, 'Not found', 'There is nothing to link here.');
      return true;
    }
    void (async () => {
      const { deps } = app;
      const p = deps.accounts.providers[provider as ProviderId];
      const linkDeps = { db: deps.db, sealer: deps.accounts.sealer };
      try {
        requireLinking(p, linkDeps, deps.config.publicUrl);
        const linked = await completeLink(linkDeps, p, new URL(req.url!, deps.config.publicUrl));
        page(res, 200, `${p.name} linked`, `${linked.account.displayName} is linked to the chat. You can close this tab and schedule posts to ${p.name} there.`);
        const publisher = app.publishers.find((x) => x.platform === linked.platform);
        await publisher?.send(linked.chatId, { text: `🔗 ${p.name} account ${linked.account.displayName} is linked to this chat. Scheduled posts can go there now (target “${p.id}”).` })
          .catch((err: unknown) => deps.log.warn({ err }, 'could not tell the chat about a linked account'));
      } catch (err) {
        if (err instanceof UserError) return page(res, 400, `${p.name} not linked`, err.message);
        deps.log.error({ err, provider }, 'linking an account failed');
        page(res, 500, `${p.name} not linked`, 'Something went wrong on our side. Ask for a new link with /video connect and try again.');
      }
    })();
    return true;
  };
}
