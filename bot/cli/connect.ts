import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { loadConfig } from '../../core/config';
import { UserError } from '../../core/errors';
import { makeSealer } from '../../core/seal';
import { openDatabase } from '../../db/client';
import { callbackPath } from '../../commands/connect';
import { completeLink, LINK_TTL_MS, requireLinking, startLink } from '../../pipeline/publish/accounts/oauth';
import { makeProviders, PROVIDERS, type ProviderId } from '../../pipeline/publish/accounts/providers';

/**
 * `shortsmith connect tiktok|youtube [--chat telegram:<id>|discord:<channel id>] [--port N]`:
 * links an account from the terminal — for the terminal's own videos, or for a chat named by
 * the operator. A callback server listens on 127.0.0.1 until the browser comes back (register
 * `http://127.0.0.1:<port>/oauth/callback/<platform>` as a redirect URI; Google's desktop
 * clients accept any loopback port).
 */
export async function connectCommand(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { chat: { type: 'string' }, port: { type: 'string' } } });
  const provider = positionals[0] as ProviderId;
  if (!(PROVIDERS as readonly string[]).includes(provider ?? '')) throw new UserError('usage', 'Usage: shortsmith connect tiktok|youtube [--chat telegram:<chat id>|discord:<channel id>] [--port 8765]');
  const chat = values.chat ? /^(telegram|discord):(-?\w+)$/.exec(values.chat) : null;
  if (values.chat && !chat) throw new UserError('usage', '--chat must look like telegram:-1001234 or discord:123456789012345678');
  const config = loadConfig();
  const p = makeProviders(config)[provider];
  const deps = { db: (await openDatabase(config.database.url)).prisma, sealer: config.secretKey ? makeSealer(config.secretKey) : null };
  const server = createServer();
  await new Promise<void>((r) => server.listen(Number(values.port ?? 0), '127.0.0.1', r));
  try {
    const redirect = `http://127.0.0.1:${(server.address() as AddressInfo).port}${callbackPath(provider)}`;
    requireLinking(p, deps, redirect);
    const who = { platform: chat?.[1] ?? 'cli', chatId: chat?.[2] ?? 'terminal', userId: process.env.USER ?? 'local' };
    const url = await startLink(deps, p, who, redirect);
    process.stderr.write(`Open this link in a browser on this machine and allow posting (it works once, for 10 minutes):\n\n${url.toString()}\n\nWaiting for ${p.name}…\n`);
    const done = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new UserError('link_timeout', 'No answer from the browser within 10 minutes. Run shortsmith connect again.')), LINK_TTL_MS);
      server.on('request', (req, res) => {
        if (!(req.url ?? '').startsWith(callbackPath(provider))) return void res.writeHead(404).end();
        completeLink(deps, p, new URL(req.url!, redirect)).then((linked) => {
          res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(`${p.name} ${linked.account.displayName} is linked. You can close this tab.`);
          clearTimeout(timer);
          resolve(linked.account.displayName);
        }, (err: Error) => {
          res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end(err.message);
          clearTimeout(timer);
          reject(err);
        });
      });
    });
    process.stdout.write(`Linked ${p.name} ${done} for ${who.platform === 'cli' ? 'the terminal' : `${who.platform} chat ${who.chatId}`}.\n`);
    return 0;
  } finally {
    server.closeAllConnections();
    server.close();
    await deps.db.$disconnect();
  }
}
