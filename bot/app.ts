import type { Bot } from 'grammy';
import type { UserFromGetMe } from 'grammy/types';
import type { Client } from 'discord.js';
import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import type { CommandDeps } from '../commands/context';
import { attachRunReporter, type ChatPublisher } from '../commands/delivery';
import { attachPublishReporter, channelSenders } from '../commands/publishReport';
import { openDatabase, type Database } from '../db/client';
import { makePlanner } from '../pipeline/plan/makePlanner';
import { makeTargets } from '../pipeline/publish/targets';
import type { ChannelSender } from '../pipeline/publish/targets/chat';
import type { RenderServices } from '../pipeline/render/context';
import { RenderRunner } from '../pipeline/render/runner';
import { makeRenderServices } from '../pipeline/render/services';
import { PublishScheduler } from '../pipeline/schedule/scheduler';
import { StatsCollector, statsSources } from '../pipeline/stats/collect';
import { GraphileQueue, migrateJobQueue } from '../pipeline/queue/graphile';
import { graphileSignals, localSignals } from '../pipeline/queue/jobs';
import { WorkerPresence } from '../pipeline/queue/presence';
import { makeSealer } from '../core/seal';
import { makeProviders } from '../pipeline/publish/accounts/providers';
import { makeDiscordChannelAccess } from './discord/access';
import { makeDiscordBot } from './discord/bot';
import { makeDiscordPublisher, makeDiscordRest } from './discord/publisher';
import { makeTelegramChannelAccess } from './telegram/access';
import { makeTelegramBot } from './telegram/bot';
import { makeTelegramPublisher } from './telegram/publisher';

export interface App {
  db: Database;
  deps: CommandDeps;
  services: RenderServices;
  runner: RenderRunner | null;
  /** Posts due publications; runs wherever the worker runs. */
  scheduler: PublishScheduler | null;
  /** PostgreSQL: the graphile-worker queue that hands this process its renders. */
  queue: GraphileQueue | null;
  /** The worker role's heartbeat row (peers and `shortsmith health` read it). */
  presence: WorkerPresence | null;
  /** Starts the worker role: renders (polled on SQLite, from jobs on PostgreSQL) and, unless told not to, the publish scheduler. */
  startWorker(opts?: { publish?: boolean }): Promise<void>;
  telegram: Bot | null;
  discord: Client | null;
  publishers: ChatPublisher[];
  stop(): Promise<void>;
}

export interface AppOptions {
  /** Run the render worker and the publish scheduler in this process (default true). */
  worker?: boolean;
  /** Listen to chat platforms in this process (default true). A worker-only process still posts through their REST APIs. */
  adapters?: boolean;
  telegramBotInfo?: UserFromGetMe;
  runnerPollMs?: number;
  /** The clock scheduling reads (tests move it). */
  clock?: () => Date;
}

/**
 * Wires one process: database, planner, render services, the render worker and publish
 * scheduler (optional) and the chat adapters whose tokens are configured, with render and
 * publishing events flowing back into the chats.
 */
export async function makeApp(config: Config, log: Logger, opts: AppOptions = {}): Promise<App> {
  const db = await openDatabase(config.database.url);
  const services = await makeRenderServices(config, db.prisma, log);
  const worker = opts.worker !== false;
  const onPostgres = db.provider === 'postgresql';
  // On PostgreSQL the queue is graphile-worker: every process enqueues, so every process needs its schema.
  if (onPostgres) await migrateJobQueue(db.pool!, log);
  const jobs = onPostgres ? graphileSignals : localSignals;
  const runner = worker ? new RenderRunner(services, { pollMs: opts.runnerPollMs, mode: onPostgres ? 'jobs' : 'poll' }) : null;

  const clock = opts.clock ?? (() => new Date());
  const publishers: ChatPublisher[] = [];
  // Filled once the adapters below exist; the chat target looks senders up when it posts.
  const senders: ChannelSender[] = [];
  const accounts = { sealer: config.secretKey ? makeSealer(config.secretKey) : null, providers: makeProviders(config) };
  const targets = makeTargets({
    accounts: { db: db.prisma, ...accounts },
    youtube: { apiUrl: config.google.youtubeApiUrl, categoryId: config.google.categoryId },
    tiktok: { apiUrl: config.tiktok.apiUrl },
    senders, ffmpeg: services.bins.ffmpeg, format: services.format, publishDir: config.publish.dir,
    webhook: { secret: config.publish.webhookSecret, defaultUrl: config.publish.webhookUrl, allowPrivate: config.publish.webhookAllowPrivate },
  });
  const scheduler = worker ? new PublishScheduler({ db: db.prisma, log, targets, now: clock, jobs }) : null;
  // Views and likes of TikTok and YouTube posts come back by themselves, next to the publisher.
  const collector = worker ? new StatsCollector({ db: db.prisma, log, sealer: accounts.sealer, providers: accounts.providers, sources: statsSources(config), now: clock }) : null;
  const queue = runner && onPostgres ? new GraphileQueue({ db: db.prisma, pool: db.pool!, runner, scheduler, log, concurrency: config.render.concurrency }) : null;
  const presence = queue ? queue.presence : runner ? new WorkerPresence(db.prisma, runner.workerId, log) : null;
  const deps: CommandDeps = {
    db: db.prisma,
    config,
    log,
    planner: makePlanner(config, db.prisma, log),
    pool: services.pool,
    pokeQueue: () => runner?.poke(),
    jobs,
    abortLocal: (runId) => runner?.abortLocal(runId),
    targets,
    pokeScheduler: () => scheduler?.poke(),
    clock,
    channelAccess: {},
    accounts,
  };
  let discord: Client | null = null;
  if (config.discord.token) {
    const uploadLimits = new Map<string, number>();
    const publisher = makeDiscordPublisher(makeDiscordRest(config.discord.token, config.discord.apiUrl), uploadLimits);
    publishers.push(publisher);
    if (opts.adapters !== false) {
      discord = makeDiscordBot(deps, { token: config.discord.token, apiUrl: config.discord.apiUrl, publisher, uploadLimits });
      deps.channelAccess!.discord = makeDiscordChannelAccess(discord);
    }
  }
  let telegram: Bot | null = null;
  if (config.telegram.token) {
    // The bot object is cheap and offline until started; its api is the REST client publishers use.
    const bot = makeTelegramBot(deps, { token: config.telegram.token, apiRoot: config.telegram.apiRoot, botInfo: opts.telegramBotInfo });
    publishers.push(makeTelegramPublisher(bot.api));
    deps.channelAccess!.telegram = makeTelegramChannelAccess(bot.api);
    if (opts.adapters !== false) telegram = bot;
  }
  senders.push(...channelSenders(publishers));
  const detachRuns = runner ? attachRunReporter({ ...deps, ffmpeg: services.bins.ffmpeg, format: services.format }, runner, publishers) : () => undefined;
  const detachPosts = scheduler ? attachPublishReporter(deps, scheduler, publishers) : () => undefined;
  return {
    db, deps, services, runner, scheduler, queue, presence, telegram, discord, publishers,
    async startWorker({ publish = true } = {}) {
      if (queue) await queue.start();
      else {
        await runner?.start();
        await presence?.forgetDeadLocal();
        await presence?.start();
      }
      // Due posts (and those missed while no worker ran) go out now, then every minute.
      if (publish) {
        scheduler?.start();
        await collector?.start();
      }
    },
    async stop() {
      detachRuns();
      detachPosts();
      await discord?.destroy();
      await scheduler?.stop();
      await collector?.stop();
      if (queue) await queue.stop();
      else {
        await runner?.stop();
        await presence?.stop();
      }
      await services.pool.close();
      await db.close();
    },
  };
}
