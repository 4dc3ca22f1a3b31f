import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../db/client';
import { makeTestDatabaseUrl, testProvider, type TestDatabaseUrl } from '../../support/database';
import { startFakeTelegram, type FakeTelegram, type TelegramCall } from '../../support/fakes/telegram';

const TOKEN = '777777:PROD-token-abcdefghijklmnopqrstuvwxyz';
const GROUP = -1005;
const ADMIN = 11;
let tg: FakeTelegram;
let dataDir: string;
let out: string;
let dbUrl: TestDatabaseUrl;
let db: Database;
const procs: ChildProcess[] = [];
let updateId = 1;

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

function shortsmith(args: string[], port: number): ChildProcess {
  const child = spawn(process.execPath, ['bin/shortsmith.js', ...args], {
    env: {
      ...process.env, DATA_DIR: dataDir, DATABASE_URL: dbUrl.url, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot, PORT: String(port),
      PUBLISH_DIR: out, RENDER_SIZE: '270x480', RENDER_PRESET: 'superfast', LOG_LEVEL: 'warn', OPENAI_API_KEY: '',
    },
    stdio: ['ignore', 'ignore', 'ignore'],
  });
  procs.push(child);
  return child;
}

const health = (role: string, port: number) => new Promise<number | null>((resolve) => {
  const c = spawn(process.execPath, ['bin/shortsmith.js', 'health', '--role', role], { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: dbUrl.url, PORT: String(port) }, stdio: 'ignore' });
  c.on('exit', resolve);
});

const user = { id: ADMIN, is_bot: false, first_name: 'Ada' };
const chat = { id: GROUP, type: 'supergroup', title: 'Team' };
const say = (text: string) => tg.updates.push({ update_id: updateId++, message: { message_id: updateId, date: 0, chat, from: user, text, entities: text.startsWith('/') ? [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] : undefined } });
const tap = (data: string) => tg.updates.push({ update_id: updateId++, callback_query: { id: `cb${updateId}`, from: user, chat_instance: 'ci', data, message: { message_id: 1, date: 0, chat, text: 'x' } } });
const buttons = (c: TelegramCall) => {
  // JSON calls carry the keyboard as an object; multipart ones (videos) as a JSON string.
  const markup = typeof c.params.reply_markup === 'string' ? JSON.parse(c.params.reply_markup) : c.params.reply_markup;
  return ((markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined)?.inline_keyboard ?? []).flat();
};

describe.skipIf(testProvider !== 'postgresql')('production layout: PostgreSQL, one bot process, two worker processes', () => {
  beforeAll(async () => {
    tg = await startFakeTelegram(TOKEN);
    tg.admins.set(String(GROUP), [ADMIN]);
    dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-prod-'));
    out = join(dataDir, 'posts');
    mkdirSync(out);
    dbUrl = await makeTestDatabaseUrl();
    db = await openDatabase(dbUrl.url);
  });
  afterAll(async () => {
    for (const p of procs) p.kill('SIGKILL');
    await db?.close();
    await dbUrl?.drop();
    await tg?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('renders and posts a chat’s video exactly once while a worker is killed and restarted; health tells each role', async () => {
    const [botPort, w1, w2, w3] = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
    shortsmith(['start', '--role', 'bot'], botPort);
    const workers = new Map([[w1, shortsmith(['start', '--role', 'worker'], w1)], [w2, shortsmith(['start', '--role', 'worker'], w2)]]);
    await tg.waitFor('getUpdates', () => true, 30_000);
    for (let i = 0; i < 100 && (await health('worker', w1)) !== 0; i++) await new Promise((r) => setTimeout(r, 200));
    expect(await health('bot', botPort)).toBe(0);
    expect(await health('worker', w2)).toBe(0);

    say('/video why octopuses have three hearts niche:science');
    const hooks = await tg.waitFor('sendMessage', (c) => /Pick a hook/.test(String(c.params.text)));
    tap(buttons(hooks)[0]!.callback_data);
    const plan = await tg.waitFor('sendMessage', (c) => /Hook:/.test(String(c.params.text)));
    tap(buttons(plan).find((b) => /Approve/.test(b.text))!.callback_data);

    // Kill whichever worker holds the run while it renders, then start one in its place.
    let victim = '';
    for (let i = 0; i < 600 && !victim; i++) {
      const run = await db.prisma.run.findFirst({ where: { status: 'running', progress: { gte: 30 } } });
      victim = run?.claimedBy ?? '';
      if (!victim) await new Promise((r) => setTimeout(r, 50));
    }
    expect(victim).toMatch(/:\d+$/);
    const [port, proc] = [...workers.entries()].find(([, p]) => victim.endsWith(`:${p.pid}`))!;
    proc.kill('SIGKILL');
    expect(await health('worker', port)).toBe(1);
    shortsmith(['start', '--role', 'worker'], w3);

    const video = await tg.waitFor('sendVideo', (c) => String(c.params.chat_id) === String(GROUP), 120_000);
    const runs = await db.prisma.run.findMany();
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ status: 'done', attempt: 2 });
    expect(runs[0]!.claimedBy).not.toBe(victim);

    // Post it now to the chat's folder: exactly one post, by one of the workers.
    tap(buttons(video).find((b) => /Schedule/.test(b.text))!.callback_data);
    const prompt = await tg.waitFor('sendMessage', (c) => /^Schedule “/.test(String(c.params.text)));
    tg.updates.push({ update_id: updateId++, message: { message_id: updateId, date: 0, chat, from: user, text: 'now | folder', reply_to_message: { message_id: 5, date: 0, chat, from: { id: 4242, is_bot: true, first_name: 'bot' }, text: String(prompt.params.text) } } });
    await tg.waitFor('sendMessage', (c) => /^Posted “/.test(String(c.params.text)), 90_000);
    await new Promise((r) => setTimeout(r, 2000));
    expect(readdirSync(join(out, `telegram-${GROUP}`))).toHaveLength(1);
    expect(tg.calls.filter((c) => c.method === 'sendVideo' && String(c.params.chat_id) === String(GROUP))).toHaveLength(1);
    expect(tg.calls.filter((c) => /^Posted “/.test(String(c.params.text)))).toHaveLength(1);
    expect(await db.prisma.publication.findFirst()).toMatchObject({ status: 'posted', attempts: 1 });
  }, 240_000);
});
