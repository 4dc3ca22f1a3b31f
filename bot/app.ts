import type { Bot } from 'grammy';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import type { CommandDeps } from '../commands/context';
import { attachRunReporter, type ChatPublisher } from '../commands/delivery';
import { openDatabase, type Database } from '../db/client';
import { makePlanner } from '../pipeline/plan/makePlanner';
import type { RenderServices } from '../pipeline/render/context';
import { RenderRunner } from '../pipeline/render/runner';
import { makeRenderServices } from '../pipeline/render/services';
import { makeTelegramBot } from './telegram/bot';
import { makeTelegramPublisher } from './telegram/publisher';
import type { UserFromGetMe } from 'grammy/types';
import type { Client } from 'discord.js';
import { makeDiscordBot } from './discord/bot';
import { makeDiscordPublisher, makeDiscordRest } from './discord/publisher';

export interface App {
  db: Database;
  deps: CommandDeps;
  services: RenderServices;
  runner: RenderRunner | null;
  telegram: Bot | null;
  discord: Client | null;
  publishers: ChatPublisher[];
  stop(): Promise<void>;
}

export interface AppOptions {
  /** Run the render worker in this process (default true). */
  worker?: boolean;
  /** Listen to chat platforms in this process (default true). A worker-only process still posts through their REST APIs. */
  adapters?: boolean;
  telegramBotInfo?: UserFromGetMe;
  runnerPollMs?: number;
}

/**
 * Wires one process: database, planner, render services, the render worker (optional) and the
 * chat adapters whose tokens are configured, with render events flowing back into the chats.
 */
export async function makeApp(config: Config, log: Logger, opts: AppOptions = {}): Promise<App> {
  const db = await openDatabase(config.database.url);
  const services = await makeRenderServices(config, db.prisma, log);
  const runner = opts.worker === false ? null : new RenderRunner(services, { pollMs: opts.runnerPollMs });
  const deps: CommandDeps = {
    db: db.prisma,
    config,
    log,
    planner: makePlanner(config, db.prisma),
    pool: services.pool,
    pokeQueue: () => runner?.poke(),
    abortLocal: (runId) => runner?.abortLocal(runId),
  };
  const publishers: ChatPublisher[] = [];
  let discord: Client | null = null;
  if (config.discord.token) {
    const uploadLimits = new Map<string, number>();
    const publisher = makeDiscordPublisher(makeDiscordRest(config.discord.token, config.discord.apiUrl), uploadLimits);
    publishers.push(publisher);
    if (opts.adapters !== false) discord = makeDiscordBot(deps, { token: config.discord.token, apiUrl: config.discord.apiUrl, publisher, uploadLimits });
  }
  let telegram: Bot | null = null;
  if (config.telegram.token) {
    // The bot object is cheap and offline until started; its api is the REST client publishers use.
    const bot = makeTelegramBot(deps, { token: config.telegram.token, apiRoot: config.telegram.apiRoot, botInfo: opts.telegramBotInfo });
    publishers.push(makeTelegramPublisher(bot.api));
    if (opts.adapters !== false) telegram = bot;
  }
  const detach = runner ? attachRunReporter({ ...deps, ffmpeg: services.bins.ffmpeg, format: services.format }, runner, publishers) : () => undefined;
  return {
    db, deps, services, runner, telegram, discord, publishers,
    async stop() {
      detach();
      await discord?.destroy();
      await runner?.stop();
      await services.pool.close();
      await db.close();
    },
  };
}
