import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { parseArgs } from 'node:util';
import { webhookCallback } from 'grammy';
import { run } from '@grammyjs/runner';
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { makeApp } from '../app';
import { collectHealth, healthRoute, type AdapterState, type Role } from '../health';
import { oauthCallbackRoute } from '../oauthCallback';
import { TELEGRAM_COMMANDS } from '../telegram/bot';
import { ensureGlobalCommands, registerDiscordCommands } from '../discord/register';

/**
 * `shortsmith start [--role all|bot|worker]`: the chat adapters whose tokens are set, the render
 * worker, or both (default). SIGTERM/SIGINT stop taking work, hand running renders back to the
 * queue (they resume from their last finished step) and close connections.
 */
export async function startCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { role: { type: 'string', default: 'all' } } });
  const role = values.role;
  if (!['all', 'bot', 'worker'].includes(role ?? '')) {
    process.stderr.write('--role must be all, bot or worker.\n');
    return 2;
  }
  const config = loadConfig();
  const log = makeLogger(config.logLevel);
  const app = await makeApp(config, log, { worker: role !== 'bot', adapters: role !== 'worker' });
  log.info({ role, database: config.database.provider, telegram: Boolean(app.telegram), discord: Boolean(app.discord), worker: Boolean(app.runner) }, 'shortsmith starting');
  if (!app.telegram && role !== 'worker') log.warn('No chat platform configured: set TELEGRAM_BOT_TOKEN (and/or DISCORD_TOKEN). The worker still runs.');
  let telegramRunner: ReturnType<typeof run> | null = null;
  const adapters: AdapterState = { started: false, telegram: 'off', telegramRunning: () => Boolean(telegramRunner?.isRunning()) };
  // One listener per process: GET /healthz for every role, and the Telegram webhook in webhook mode.
  const health = healthRoute(() => collectHealth(app, role as Role, adapters));
  let webhook: ((req: IncomingMessage, res: ServerResponse) => unknown) | null = null;
  const oauth = role === 'worker' ? () => false : oauthCallbackRoute(app);
  const server: Server = createServer((req, res) => {
    if (health(req, res) || oauth(req, res)) return;
    if (webhook) return void webhook(req, res);
    res.writeHead(404).end();
  });
  const listening = await new Promise<boolean>((resolve) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      log.warn({ port: config.port, code: err.code }, `no HTTP listener (port ${config.port} is taken): /healthz is off here; give each process its own PORT`);
      resolve(false);
    });
    server.listen(config.port, () => resolve(true));
  });
  if (app.presence && listening) app.presence.listenPort = config.port;
  if (role !== 'bot') await app.startWorker();
  if (app.telegram) {
    const bot = app.telegram;
    await bot.init();
    await bot.api.setMyCommands(TELEGRAM_COMMANDS).catch((err: unknown) => log.warn({ err }, 'setMyCommands failed'));
    if (config.telegram.webhookUrl) {
      // Production: Telegram pushes updates to us; no long polling.
      const secretToken = config.telegram.webhookSecret;
      if (!listening) throw new Error(`Port ${config.port} is taken: the Telegram webhook needs it (set PORT).`);
      await bot.api.setWebhook(config.telegram.webhookUrl, secretToken ? { secret_token: secretToken } : {});
      webhook = webhookCallback(bot, 'http', { secretToken });
      adapters.telegram = 'webhook';
      log.info({ username: bot.botInfo.username, port: config.port }, 'telegram webhook listening');
    } else {
      telegramRunner = run(bot);
      adapters.telegram = 'polling';
      log.info({ username: bot.botInfo.username }, 'telegram polling');
    }
  }

  if (app.discord) {
    const client = app.discord;
    client.once('clientReady', () => {
      log.info({ user: client.user?.tag }, 'discord connected');
      if (config.discord.devGuildId) void registerDiscordCommands(config, config.discord.devGuildId).catch((err: unknown) => log.warn({ err }, 'registering guild commands failed'));
      else {
        void ensureGlobalCommands(config)
          .then((done) => log.info({ commands: done }, done === 'registered' ? 'registered /video globally (Discord may take a while to show it everywhere)' : '/video is registered'))
          .catch((err: unknown) => log.warn({ err }, 'checking the global /video command failed; run shortsmith register-commands'));
      }
    });
    await client.login(config.discord.token);
  }
  adapters.started = true;

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await telegramRunner?.stop();
  server.closeAllConnections();
  await new Promise<void>((r) => (listening ? server.close(() => r()) : r()));
  await app.stop();
  log.info('stopped');
  return 0;
}
