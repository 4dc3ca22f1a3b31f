import { createServer, type Server } from 'node:http';
import { parseArgs } from 'node:util';
import { webhookCallback } from 'grammy';
import { run } from '@grammyjs/runner';
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { makeApp } from '../app';
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
  if (role !== 'bot') await app.startWorker();

  let telegramRunner: ReturnType<typeof run> | null = null;
  let webhookServer: Server | null = null;
  if (app.telegram) {
    const bot = app.telegram;
    await bot.init();
    await bot.api.setMyCommands(TELEGRAM_COMMANDS).catch((err: unknown) => log.warn({ err }, 'setMyCommands failed'));
    if (config.telegram.webhookUrl) {
      // Production: Telegram pushes updates to us; no long polling.
      const secretToken = config.telegram.webhookSecret;
      await bot.api.setWebhook(config.telegram.webhookUrl, secretToken ? { secret_token: secretToken } : {});
      webhookServer = createServer(webhookCallback(bot, 'http', { secretToken }));
      await new Promise<void>((r) => webhookServer!.listen(config.port, r));
      log.info({ username: bot.botInfo.username, port: config.port }, 'telegram webhook listening');
    } else {
      telegramRunner = run(bot);
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

  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      log.info({ signal }, 'shutting down');
      resolve();
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  await telegramRunner?.stop();
  await new Promise<void>((r) => (webhookServer ? webhookServer.close(() => r()) : r()));
  await app.stop();
  log.info('stopped');
  return 0;
}
