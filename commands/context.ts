import type { Config } from '../core/config';
import type { Logger } from '../core/logger';
import type { Db } from '../db/client';
import type { Planner } from '../pipeline/plan/planner';
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
  /** Asks a running render to stop (kills its ffmpeg when it runs in this process). */
  abortLocal(runId: string): void;
}
