import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError } from './errors';

const optionalString = z
  .string()
  .optional()
  .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

const url = (name: string) =>
  optionalString.refine((v) => v === undefined || /^https?:\/\/[^\s]+$/.test(v), {
    message: `${name} must be an http(s) URL`,
  });

const positiveInt = (fallback: number) =>
  optionalString
    .refine((v) => v === undefined || /^[1-9]\d*$/.test(v), { message: 'must be a positive whole number' })
    .transform((v) => (v === undefined ? fallback : Number(v)));

/** Every environment variable shortsmith reads, with its default. README's table mirrors this. */
const envSchema = z.object({
  DATA_DIR: optionalString,
  DATABASE_URL: optionalString.refine(
    (v) => v === undefined || /^(file:|postgres(ql)?:\/\/)/.test(v),
    { message: 'DATABASE_URL must start with file: (SQLite) or postgresql:// (PostgreSQL)' },
  ),
  LOG_LEVEL: optionalString.pipe(
    z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).optional(),
  ),
  OPENAI_API_KEY: optionalString,
  OPENAI_BASE_URL: url('OPENAI_BASE_URL'),
  OPENAI_MODEL: optionalString,
  OPENAI_TIMEOUT_MS: positiveInt(60_000),
  PLANNER_ENGINE: optionalString.pipe(z.enum(['offline', 'openai']).optional()),
  PLANNER_BASE_URL: url('PLANNER_BASE_URL'),
  PLANNER_API_KEY: optionalString,
  PLANNER_MODEL: optionalString,
  VOICE_ENGINE: optionalString.pipe(z.enum(['offline', 'espeak', 'openai', 'edge', 'sherpa', 'festival']).optional()),
  VOICE_BASE_URL: url('VOICE_BASE_URL'),
  VOICE_API_KEY: optionalString,
  VOICE_MODEL: optionalString,
  SHERPA_MODEL_DIR: optionalString,
  SHERPA_THREADS: positiveInt(2),
  FESTIVAL_PATH: optionalString,
  TRANSCRIBE_ENGINE: optionalString.pipe(z.enum(['offline', 'openai']).optional()),
  TRANSCRIBE_BASE_URL: url('TRANSCRIBE_BASE_URL'),
  TRANSCRIBE_API_KEY: optionalString,
  TRANSCRIBE_MODEL: optionalString,
  IMAGE_ENGINE: optionalString.pipe(z.enum(['offline', 'openai']).optional()),
  IMAGE_BASE_URL: url('IMAGE_BASE_URL'),
  IMAGE_API_KEY: optionalString,
  IMAGE_MODEL: optionalString,
  VISUALS: optionalString.pipe(z.enum(['stock', 'ai', 'offline']).optional()),
  PEXELS_API_KEY: optionalString,
  PEXELS_BASE_URL: url('PEXELS_BASE_URL'),
  PIXABAY_API_KEY: optionalString,
  PIXABAY_BASE_URL: url('PIXABAY_BASE_URL'),
  STOCK_CACHE_MB: positiveInt(2048),
  STOCK_CLIP_MAX_MB: positiveInt(150),
  STOCK_TIMEOUT_MS: positiveInt(60_000),
  DISCORD_TOKEN: optionalString,
  DISCORD_API_URL: url('DISCORD_API_URL'),
  DISCORD_DEV_GUILD_ID: optionalString.refine((v) => v === undefined || /^\d{5,25}$/.test(v), { message: 'must be a Discord server id' }),
  TELEGRAM_BOT_TOKEN: optionalString,
  TELEGRAM_API_ROOT: url('TELEGRAM_API_ROOT'),
  TELEGRAM_WEBHOOK_URL: url('TELEGRAM_WEBHOOK_URL'),
  TELEGRAM_WEBHOOK_SECRET: optionalString.refine((v) => v === undefined || /^[A-Za-z0-9_-]{1,256}$/.test(v), { message: 'may contain only A-Z, a-z, 0-9, _ and -' }),
  PORT: positiveInt(8080),
  FFMPEG_PATH: optionalString,
  FFPROBE_PATH: optionalString,
  RENDER_CONCURRENCY: positiveInt(1),
  RENDER_SIZE: optionalString.refine((v) => v === undefined || /^\d{2,4}x\d{2,4}$/.test(v), { message: 'must look like 1080x1920' }),
  RENDER_PRESET: optionalString.pipe(z.enum(['ultrafast', 'superfast', 'veryfast', 'faster', 'fast', 'medium', 'slow']).optional()),
  RENDER_CRF: optionalString.refine((v) => v === undefined || (/^\d+$/.test(v) && Number(v) <= 51), { message: 'must be 0–51' }),
  MUSIC_DIR: optionalString,
  PUBLISH_DIR: optionalString,
  WEBHOOK_URL: url('WEBHOOK_URL'),
  PUBLIC_URL: url('PUBLIC_URL'),
  SECRET_KEY: optionalString.refine((v) => v === undefined || v.length >= 32, { message: 'must be at least 32 characters (it encrypts linked accounts\' tokens)' }),
  TIKTOK_CLIENT_KEY: optionalString,
  TIKTOK_CLIENT_SECRET: optionalString,
  TIKTOK_AUTH_URL: url('TIKTOK_AUTH_URL'),
  TIKTOK_API_URL: url('TIKTOK_API_URL'),
  TIKTOK_PKCE_ENCODING: optionalString.pipe(z.enum(['base64url', 'hex']).optional()),
  GOOGLE_CLIENT_ID: optionalString,
  GOOGLE_CLIENT_SECRET: optionalString,
  GOOGLE_OAUTH_URL: url('GOOGLE_OAUTH_URL'),
  GOOGLE_TOKEN_URL: url('GOOGLE_TOKEN_URL'),
  YOUTUBE_API_URL: url('YOUTUBE_API_URL'),
  YOUTUBE_CATEGORY_ID: optionalString.refine((v) => v === undefined || /^\d{1,3}$/.test(v), { message: 'must be a YouTube category number, e.g. 22' }),
  WEBHOOK_ALLOW_PRIVATE: optionalString.pipe(z.enum(['true', 'false', '1', '0', 'yes', 'no']).optional()),
  WEBHOOK_SECRET: optionalString.refine((v) => v === undefined || v.length >= 16, { message: 'must be at least 16 characters (it signs every webhook post)' }),
});

export type Env = Record<string, string | undefined>;

/** An OpenAI-compatible server one engine talks to. The key is optional: local servers need none. */
export interface ServerConfig {
  baseURL?: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
}

export type VoiceEngine = 'offline' | 'espeak' | 'openai' | 'edge' | 'sherpa' | 'festival';

/** Each engine chosen on its own; see `engineConfig`. */
export interface EngineConfig {
  planner: { kind: 'offline' | 'openai' } & ServerConfig;
  voice: { kind: VoiceEngine; sherpaModelDir?: string; sherpaThreads: number; festivalPath?: string } & ServerConfig;
  /** Word timings when the voice engine gives none: Whisper-compatible transcription, else aligned offline. */
  transcribe: { kind: 'offline' | 'openai' } & ServerConfig;
  images: { kind: 'offline' | 'openai' } & ServerConfig;
}

/** Scene visuals: stock footage (falling back to pictures per scene), AI pictures, or offline art. */
export type VisualSource = 'stock' | 'ai' | 'offline';
export const VISUAL_SOURCES: VisualSource[] = ['stock', 'ai', 'offline'];

/** The stock footage libraries this deployment may search (each turned on by its key). */
export interface StockConfig {
  pexels?: { apiKey: string; baseUrl: string };
  pixabay?: { apiKey: string; baseUrl: string };
  cacheBytes: number;
  clipMaxBytes: number;
  timeoutMs: number;
}

/**
 * What a project's scenes show: its own choice, else its chat's default, else VISUALS; footage
 * needs a library key (without one, pictures).
 */
export function visualsFor(project: { visuals?: string | null }, config: Pick<Config, 'visuals' | 'stock'>, chatDefault?: string | null): VisualSource {
  const pick = [project.visuals, chatDefault].find((v): v is VisualSource => (VISUAL_SOURCES as (string | null | undefined)[]).includes(v));
  const chosen = pick ?? config.visuals;
  return chosen === 'stock' && !config.stock.pexels && !config.stock.pixabay ? 'ai' : chosen;
}

export interface Config {
  dataDir: string;
  /** What a project's scenes show unless it chose otherwise. */
  visuals: VisualSource;
  stock: StockConfig;
  database: { provider: 'sqlite' | 'postgresql'; url: string };
  logLevel: string;
  openai: { apiKey?: string; baseURL?: string; model: string; timeoutMs: number };
  engines: EngineConfig;
  discord: { token?: string; apiUrl?: string; devGuildId?: string };
  telegram: { token?: string; apiRoot?: string; webhookUrl?: string; webhookSecret?: string };
  port: number;
  ffmpeg: { ffmpegPath?: string; ffprobePath?: string };
  render: { concurrency: number; width: number; height: number; preset: string; crf: number; musicDir?: string };
  /** The address the outside world reaches this process's listener at (OAuth callbacks). */
  publicUrl?: string;
  /** Encrypts linked accounts' tokens (AES-256-GCM); without it linking is refused. */
  secretKey?: string;
  tiktok: { clientKey?: string; clientSecret?: string; authUrl: string; apiUrl: string; pkceEncoding: 'base64url' | 'hex' };
  google: { clientId?: string; clientSecret?: string; authUrl: string; tokenUrl: string; youtubeApiUrl: string; categoryId: string };
  /** Where finished videos may be posted besides chats: a folder (one sub-folder per chat) and a default webhook. */
  publish: { dir?: string; webhookUrl?: string; webhookSecret?: string; webhookAllowPrivate: boolean };
}

/** Parses the environment once; throws ConfigError naming every bad variable. */
export function loadConfig(env: Env = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR ?? 'data');
  const dbUrl = e.DATABASE_URL ?? `file:${resolve(dataDir, 'shortsmith.db')}`;
  const stock: StockConfig = {
    ...(e.PEXELS_API_KEY ? { pexels: { apiKey: e.PEXELS_API_KEY, baseUrl: e.PEXELS_BASE_URL ?? 'https://api.pexels.com' } } : {}),
    ...(e.PIXABAY_API_KEY ? { pixabay: { apiKey: e.PIXABAY_API_KEY, baseUrl: e.PIXABAY_BASE_URL ?? 'https://pixabay.com' } } : {}),
    cacheBytes: e.STOCK_CACHE_MB * 2 ** 20, clipMaxBytes: e.STOCK_CLIP_MAX_MB * 2 ** 20, timeoutMs: e.STOCK_TIMEOUT_MS,
  };
  return {
    dataDir,
    // Footage is the default once a library's key is set; otherwise pictures from the image engine.
    visuals: e.VISUALS ?? (stock.pexels || stock.pixabay ? 'stock' : 'ai'),
    stock,
    database: { provider: dbUrl.startsWith('file:') ? 'sqlite' : 'postgresql', url: dbUrl },
    logLevel: e.LOG_LEVEL ?? 'info',
    openai: { apiKey: e.OPENAI_API_KEY, baseURL: e.OPENAI_BASE_URL, model: e.OPENAI_MODEL ?? 'gpt-4o-mini', timeoutMs: e.OPENAI_TIMEOUT_MS },
    engines: engineConfig(e),
    discord: { token: e.DISCORD_TOKEN, apiUrl: e.DISCORD_API_URL, devGuildId: e.DISCORD_DEV_GUILD_ID },
    telegram: { token: e.TELEGRAM_BOT_TOKEN, apiRoot: e.TELEGRAM_API_ROOT, webhookUrl: e.TELEGRAM_WEBHOOK_URL, webhookSecret: e.TELEGRAM_WEBHOOK_SECRET },
    port: e.PORT,
    ffmpeg: { ffmpegPath: e.FFMPEG_PATH, ffprobePath: e.FFPROBE_PATH },
    render: {
      concurrency: e.RENDER_CONCURRENCY,
      width: Number((e.RENDER_SIZE ?? '1080x1920').split('x')[0]),
      height: Number((e.RENDER_SIZE ?? '1080x1920').split('x')[1]),
      preset: e.RENDER_PRESET ?? 'superfast',
      crf: e.RENDER_CRF === undefined ? 21 : Number(e.RENDER_CRF),
      musicDir: e.MUSIC_DIR ? resolve(e.MUSIC_DIR) : undefined,
    },
    publicUrl: e.PUBLIC_URL?.replace(/\/$/, ''),
    secretKey: e.SECRET_KEY,
    tiktok: {
      clientKey: e.TIKTOK_CLIENT_KEY, clientSecret: e.TIKTOK_CLIENT_SECRET,
      authUrl: e.TIKTOK_AUTH_URL ?? 'https://www.tiktok.com/v2/auth/authorize/', apiUrl: (e.TIKTOK_API_URL ?? 'https://open.tiktokapis.com').replace(/\/$/, ''),
      pkceEncoding: e.TIKTOK_PKCE_ENCODING ?? 'base64url',
    },
    google: {
      clientId: e.GOOGLE_CLIENT_ID, clientSecret: e.GOOGLE_CLIENT_SECRET,
      authUrl: e.GOOGLE_OAUTH_URL ?? 'https://accounts.google.com/o/oauth2/v2/auth', tokenUrl: e.GOOGLE_TOKEN_URL ?? 'https://oauth2.googleapis.com/token',
      youtubeApiUrl: (e.YOUTUBE_API_URL ?? 'https://www.googleapis.com').replace(/\/$/, ''), categoryId: e.YOUTUBE_CATEGORY_ID ?? '22',
    },
    publish: { dir: e.PUBLISH_DIR ? resolve(e.PUBLISH_DIR) : undefined, webhookUrl: e.WEBHOOK_URL, webhookSecret: e.WEBHOOK_SECRET, webhookAllowPrivate: ['true', '1', 'yes'].includes(e.WEBHOOK_ALLOW_PRIVATE ?? '') },
  };
}

/**
 * Picks each engine: its own *_ENGINE when set; else `openai` when the engine has its own base URL
 * (a local model server) or OPENAI_API_KEY is set; else offline. Base URL and key fall back to
 * OPENAI_BASE_URL and OPENAI_API_KEY, so one key still turns everything on, as before.
 */
function engineConfig(e: z.output<typeof envSchema>): EngineConfig {
  const server = (baseURL: string | undefined, apiKey: string | undefined, model: string) => ({
    baseURL: baseURL ?? e.OPENAI_BASE_URL, apiKey: apiKey ?? e.OPENAI_API_KEY, model, timeoutMs: e.OPENAI_TIMEOUT_MS,
  });
  const pick = <K extends string>(explicit: K | undefined, ownBase: string | undefined): K | 'offline' | 'openai' =>
    explicit ?? (ownBase || e.OPENAI_API_KEY ? 'openai' : 'offline');
  return {
    planner: { kind: pick(e.PLANNER_ENGINE, e.PLANNER_BASE_URL), ...server(e.PLANNER_BASE_URL, e.PLANNER_API_KEY, e.PLANNER_MODEL ?? e.OPENAI_MODEL ?? 'gpt-4o-mini') },
    voice: {
      kind: pick(e.VOICE_ENGINE, e.VOICE_BASE_URL), ...server(e.VOICE_BASE_URL, e.VOICE_API_KEY, e.VOICE_MODEL ?? 'tts-1'),
      sherpaModelDir: e.SHERPA_MODEL_DIR ? resolve(e.SHERPA_MODEL_DIR) : undefined, sherpaThreads: e.SHERPA_THREADS, festivalPath: e.FESTIVAL_PATH,
    },
    transcribe: { kind: pick(e.TRANSCRIBE_ENGINE, e.TRANSCRIBE_BASE_URL), ...server(e.TRANSCRIBE_BASE_URL, e.TRANSCRIBE_API_KEY, e.TRANSCRIBE_MODEL ?? 'whisper-1') },
    images: { kind: pick(e.IMAGE_ENGINE, e.IMAGE_BASE_URL), ...server(e.IMAGE_BASE_URL, e.IMAGE_API_KEY, e.IMAGE_MODEL ?? 'dall-e-3') },
  };
}

/** The SQLite file path behind a `file:` URL (relative paths resolve from the working directory). */
export function sqlitePath(databaseUrl: string): string {
  return resolve(databaseUrl.replace(/^file:/, '').split('?')[0] ?? '');
}

/** A database URL with its password masked, safe to print. */
export function redactUrl(databaseUrl: string): string {
  return databaseUrl.replace(/\/\/([^:/@]+):([^@]+)@/, '//$1:***@');
}
