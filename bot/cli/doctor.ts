import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { redactUrl, type Config } from '../../core/config';
import { webhookHost } from '../../pipeline/publish/targets/webhook';
import { makeProviders } from '../../pipeline/publish/accounts/providers';
import { scrubSecrets } from '../../core/logger';
import { openDatabase } from '../../db/client';
import { findBinaries, probeCapabilities } from '../../pipeline/render/binaries';
import { bundledFonts, missingFonts } from '../../pipeline/media/fonts';
import { checkEngines } from './doctorEngines';

export type CheckState = 'ok' | 'off' | 'warn' | 'error';

export interface CheckRow {
  name: string;
  state: CheckState;
  detail: string;
  /** What to do about it; empty when nothing is needed. */
  advice: string;
}

const TIMEOUT_MS = 5000;

async function getJson(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const res = await fetch(url, { headers, signal: AbortSignal.timeout(TIMEOUT_MS) });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* keep text */
  }
  return { status: res.status, body };
}

function failure(err: unknown): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e.name === 'TimeoutError') return 'no answer within 5 s';
  if (e.cause?.code) return `cannot connect (${e.cause.code})`;
  return scrubSecrets(e.cause?.message ? `${e.message}: ${e.cause.message}` : e.message);
}

async function checkDatabase(config: Config): Promise<CheckRow[]> {
  const where = redactUrl(config.database.url);
  try {
    const db = await openDatabase(config.database.url);
    try {
      await db.prisma.project.count();
      const m = db.migrations;
      const rows: CheckRow[] = [
        { name: 'database', state: 'ok', detail: `${config.database.provider} ${where}`, advice: '' },
        {
          name: 'migrations',
          state: m.checksumMismatch.length || m.unknown.length ? 'warn' : 'ok',
          detail: `${m.alreadyApplied.length + m.applied.length} applied${m.applied.length ? ` (${m.applied.length} just now)` : ''}`
            + (m.checksumMismatch.length ? `; edited since applied: ${m.checksumMismatch.join(', ')}` : '')
            + (m.unknown.length ? `; unknown to this version: ${m.unknown.join(', ')}` : ''),
          advice: m.unknown.length ? 'The database is newer than this build: upgrade shortsmith.' : m.checksumMismatch.length ? 'Restore the shipped migration files; never edit applied ones.' : '',
        },
      ];
      return rows;
    } finally {
      await db.close();
    }
  } catch (err) {
    return [{
      name: 'database', state: 'error', detail: `${config.database.provider} ${where}: ${failure(err)}`,
      advice: config.database.provider === 'sqlite' ? 'Check that DATA_DIR is writable.' : 'Check DATABASE_URL and that PostgreSQL is running.',
    }];
  }
}

async function checkFfmpeg(config: Config): Promise<CheckRow> {
  try {
    const bins = findBinaries(config.ffmpeg);
    const caps = await probeCapabilities(bins.ffmpeg);
    return caps.missing.length
      ? { name: 'ffmpeg', state: 'error', detail: `${caps.version} lacks filters: ${caps.missing.join(', ')}`, advice: 'Install a full ffmpeg build (apt-get install ffmpeg) or set FFMPEG_PATH.' }
      : { name: 'ffmpeg', state: 'ok', detail: `${caps.version.split(' ')[0]} (${bins.source}: ${bins.ffmpeg})`, advice: bins.source === 'npm' ? 'A system ffmpeg (apt-get install ffmpeg) renders faster.' : '' };
  } catch (err) {
    return { name: 'ffmpeg', state: 'error', detail: failure(err), advice: 'Install ffmpeg (apt-get install ffmpeg) or set FFMPEG_PATH and FFPROBE_PATH.' };
  }
}

function checkFonts(): CheckRow {
  const missing = missingFonts();
  const fonts = bundledFonts();
  return missing.length
    ? { name: 'fonts', state: 'error', detail: `missing ${missing.join(', ')}`, advice: 'Run npm ci to restore the bundled fonts.' }
    : { name: 'fonts', state: 'ok', detail: `${fonts.caption.family}, ${fonts.display.family} (bundled)`, advice: '' };
}

async function checkDiscord(config: Config): Promise<CheckRow> {
  if (!config.discord.token) return { name: 'discord', state: 'off', detail: 'DISCORD_TOKEN not set', advice: 'Set DISCORD_TOKEN to run the Discord bot.' };
  const api = config.discord.apiUrl ?? 'https://discord.com/api';
  try {
    const { status, body } = await getJson(`${api}/v10/users/@me`, { Authorization: `Bot ${config.discord.token}` });
    if (status === 200) return { name: 'discord', state: 'ok', detail: `logged in as ${(body as { username?: string }).username ?? '?'}`, advice: '' };
    return { name: 'discord', state: 'error', detail: `token refused (HTTP ${status})`, advice: status === 401 ? 'Reset the bot token in the Discord Developer Portal and update DISCORD_TOKEN.' : 'Check DISCORD_API_URL.' };
  } catch (err) {
    return { name: 'discord', state: 'error', detail: `${api}: ${failure(err)}`, advice: 'Check the network or DISCORD_API_URL.' };
  }
}

async function checkTelegram(config: Config): Promise<CheckRow> {
  if (!config.telegram.token) return { name: 'telegram', state: 'off', detail: 'TELEGRAM_BOT_TOKEN not set', advice: 'Set TELEGRAM_BOT_TOKEN to run the Telegram bot.' };
  const root = config.telegram.apiRoot ?? 'https://api.telegram.org';
  try {
    const { status, body } = await getJson(`${root}/bot${config.telegram.token}/getMe`);
    const result = (body as { ok?: boolean; result?: { username?: string } }).result;
    if (status === 200 && result) return { name: 'telegram', state: 'ok', detail: `logged in as @${result.username ?? '?'}`, advice: '' };
    return { name: 'telegram', state: 'error', detail: `token refused (HTTP ${status})`, advice: 'Get a new token from @BotFather and update TELEGRAM_BOT_TOKEN.' };
  } catch (err) {
    return { name: 'telegram', state: 'error', detail: `${root}: ${failure(err)}`, advice: 'Check the network or TELEGRAM_API_ROOT.' };
  }
}

/** Where finished videos can be posted besides chats, and what is missing for the rest. */
async function checkPublishing(config: Config): Promise<CheckRow[]> {
  const { dir, webhookUrl, webhookSecret } = config.publish;
  let folder: CheckRow = { name: 'folder posts', state: 'off', detail: 'PUBLISH_DIR not set', advice: 'Set PUBLISH_DIR to let chats post finished videos into a folder (one sub-folder per chat).' };
  if (dir) {
    const writable = await access(dir, constants.W_OK).then(() => true, () => false);
    folder = writable
      ? { name: 'folder posts', state: 'ok', detail: dir, advice: '' }
      : { name: 'folder posts', state: 'error', detail: `${dir} is missing or not writable`, advice: 'Create the folder and give the bot write access, or unset PUBLISH_DIR.' };
  }
  const webhook: CheckRow = webhookSecret
    ? { name: 'webhooks', state: 'ok', detail: `signed (HMAC-SHA256)${webhookUrl ? `; default ${webhookHost(webhookUrl)}` : '; chats set their URL in settings'}`, advice: '' }
    : { name: 'webhooks', state: webhookUrl ? 'error' : 'off', detail: 'WEBHOOK_SECRET not set', advice: `Set WEBHOOK_SECRET (16+ characters) to post to n8n, Zapier or Make${webhookUrl ? ': WEBHOOK_URL is set but nothing is sent unsigned' : ''}.` };
  return [folder, webhook];
}

/** Whether chats can link TikTok and YouTube accounts, and the redirect URL to register with each. */
function checkLinking(config: Config): CheckRow[] {
  return Object.values(makeProviders(config)).map((p) => {
    if (p.missing.length === 2) return { name: p.id, state: 'off' as const, detail: `${p.missing.join(', ')} not set`, advice: `Set them to let chats link a ${p.name} account (README: "TikTok and YouTube").` };
    const missing = [...p.missing, ...(config.secretKey ? [] : ['SECRET_KEY']), ...(config.publicUrl ? [] : ['PUBLIC_URL'])];
    if (missing.length) return { name: p.id, state: 'error' as const, detail: `linking is refused: ${missing.join(', ')} not set`, advice: `Set ${missing.join(', ')}.` };
    return { name: p.id, state: 'ok' as const, detail: `app set; redirect URL ${config.publicUrl}/oauth/callback/${p.id}`, advice: '' };
  });
}

/** Runs every check concurrently and returns one row each, in a fixed order. */
export async function runDoctor(config: Config): Promise<CheckRow[]> {
  const [db, ffmpeg, engines, discord, telegram, publishing] = await Promise.all([
    checkDatabase(config), checkFfmpeg(config), checkEngines(config), checkDiscord(config), checkTelegram(config), checkPublishing(config),
  ]);
  return [
    { name: 'config', state: 'ok', detail: `DATA_DIR ${config.dataDir}`, advice: '' },
    ...db, ffmpeg, checkFonts(), ...engines, discord, telegram, ...publishing, ...checkLinking(config),
  ];
}

const MARK: Record<CheckState, string> = { ok: 'ok   ', off: 'off  ', warn: 'WARN ', error: 'ERROR' };

/** Formats the rows as an aligned text table. */
export function formatDoctor(rows: CheckRow[]): string {
  const width = Math.max(...rows.map((r) => r.name.length));
  return rows
    .map((r) => `${MARK[r.state]}  ${r.name.padEnd(width)}  ${r.detail}${r.advice ? `\n${' '.repeat(width + 9)}→ ${r.advice}` : ''}`)
    .join('\n');
}
