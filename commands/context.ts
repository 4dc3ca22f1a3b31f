import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import type { Db } from '../db/client';
import type { Planner } from '../pipeline/plan/planner';
import type { Targets } from '../pipeline/publish/targets';
import type { JobSignals } from '../pipeline/queue/jobs';
import type { Sealer } from '../core/seal';
import type { OAuthProvider, ProviderId } from '../pipeline/publish/accounts/providers';
import type { WorkerPool } from '../pipeline/render/workers/pool';

/** Who is acting, where. Adapters fill it from the platform event; commands trust nothing else. */
export interface CommandContext {
  platform: 'discord' | 'telegram' | 'cli';
  /** Discord channel id / Telegram chat id. */
  chatId: string;
  guildId?: string;
  userId: string;
  userName: string;
  /** A private chat with the bot. */
  isDM: boolean;
  /** Can manage the server/chat (Discord Manage Guild, Telegram chat admin). */
  canManage: boolean;
  /** Discord role ids of the member (empty elsewhere). */
  roleIds: string[];
  /** Largest upload this chat accepts, when the platform says (Discord: per guild boost tier). */
  uploadLimit?: number;
  /** The terminal's time zone (chats use their setting). */
  timeZone?: string;
}

/** What the bot may do in a channel someone named (the publish channel), for people. */
export interface ChannelReport {
  /** The channel's canonical id (a Telegram @name resolves to its numeric id). */
  id: string;
  /** "#videos", "@teamchannel" — how to name it in chat. */
  name: string;
  /** What is missing, e.g. "Attach Files"; empty when the bot can post there. */
  problems: string[];
}

/** Checks a channel on one platform (the adapters implement it with their clients). */
export interface ChannelAccess {
  /** `asUserId`: also require that this person may manage the channel (they are making it a publish channel). */
  check(channelRef: string, opts?: { asUserId?: string; guildId?: string }): Promise<ChannelReport>;
}

/** What commands need from the rest of the system. */
export interface CommandDeps {
  db: Db;
  config: Config;
  log: Logger;
  planner: Planner;
  /** Draws storyboards before approval (offline art, small size). */
  pool: WorkerPool;
  /** Tells the render worker there is new work (no-op when workers run elsewhere). */
  pokeQueue(): void;
  /** How queued work reaches the workers: the Run row alone (SQLite) or also a job (PostgreSQL). */
  jobs: JobSignals;
  /** Asks a running render to stop (kills its ffmpeg when it runs in this process). */
  abortLocal(runId: string): void;
  /** Where finished videos can be posted (chat channel, folder, webhook). */
  targets: Targets;
  /** Tells the publish scheduler there is a post due now (no-op when it runs elsewhere). */
  pokeScheduler(): void;
  /** The time now (tests move it). */
  clock(): Date;
  /** Linking TikTok and YouTube accounts: the token sealer (null without SECRET_KEY) and the providers. */
  accounts: { sealer: Sealer | null; providers: Record<ProviderId, OAuthProvider> };
  /** Channel checks per platform, where this process runs that platform's adapter. */
  channelAccess?: Partial<Record<'discord' | 'telegram', ChannelAccess>>;
}
