import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeTelegram, type FakeTelegram } from '../../support/fakes/telegram';

const TOKEN = '654321:START-token-abcdefghijklmnopqrstuvwxyz';
let tg: FakeTelegram;
let dataDir: string;

const freePort = () => new Promise<number>((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address() as { port: number };
    s.close(() => resolve(port));
  });
});

function start(env: Record<string, string>): { child: ChildProcess; exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ['bin/shortsmith.js', 'start'], {
    env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot, LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c) => (out += c));
  child.stderr!.on('data', (c) => (out += c));
  return { child, exited: new Promise((r) => child.on('exit', (code) => r(code))), output: () => out };
}

beforeAll(async () => {
  tg = await startFakeTelegram(TOKEN);
  dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-start-'));
});
afterAll(async () => {
  await tg.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('shortsmith start', () => {
  it('long-polls Telegram, sets the command list, and stops cleanly on SIGTERM', async () => {
    const p = start({});
    await tg.waitFor('getUpdates', () => true, 30_000);
    expect(tg.calls.some((c) => c.method === 'setMyCommands')).toBe(true);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.output()).toMatch(/"msg":"stopped"/);
    expect(p.output()).not.toContain(TOKEN);
  });

  it('answers /healthz for each part it runs, and shortsmith health turns that into an exit code', async () => {
    const port = String(await freePort());
    const p = start({ PORT: port });
    await tg.waitFor('getUpdates', () => true, 30_000);
    type Report = { ok: boolean; role: string; checks: Record<string, { ok: boolean; detail: string }> };
    const read = async (): Promise<Report | null> => {
      const res = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => null);
      return res ? ((await res.json()) as Report) : null;
    };
    let body = await read();
    for (let i = 0; i < 100 && !body?.ok; i++) {
      await new Promise((r) => setTimeout(r, 100));
      body = await read();
    }
    expect(body).toMatchObject({ ok: true, role: 'all', checks: { database: { ok: true }, telegram: { ok: true, detail: 'polling' }, worker: { ok: true }, scheduler: { ok: true } } });
    const health = (role: string) => new Promise<{ code: number | null; out: string }>((resolve) => {
      const c = spawn(process.execPath, ['bin/shortsmith.js', 'health', '--role', role], { env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', PORT: port }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      c.stdout!.on('data', (d) => (out += d));
      c.on('exit', (code) => resolve({ code, out }));
    });
    const ok = await health('worker');
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/all process on port \d+: healthy\nok {5}database/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    const down = await health('bot');
    expect(down.code).toBe(1);
    expect(down.out).toMatch(/nothing answers on http:\/\/127\.0\.0\.1:\d+\/healthz/);
    const noWorker = await health('worker');
    expect(noWorker.code).toBe(1);
    expect(noWorker.out).toMatch(/no live worker process on/);
  });

  it('serves a webhook in production mode and answers an update pushed to it', async () => {
    const port = await freePort();
    const p = start({ TELEGRAM_WEBHOOK_URL: 'https://bot.example.test/telegram', TELEGRAM_WEBHOOK_SECRET: 's3cret', PORT: String(port) });
    const hook = await tg.waitFor('setWebhook', () => true, 30_000);
    expect(hook.params).toMatchObject({ url: 'https://bot.example.test/telegram', secret_token: 's3cret' });
    for (let i = 0; i < 100 && !/webhook listening/.test(p.output()); i++) await new Promise((r) => setTimeout(r, 100));
    const update = { update_id: 1, message: { message_id: 1, date: 0, chat: { id: 5, type: 'private', first_name: 'W' }, from: { id: 5, is_bot: false, first_name: 'W' }, text: '/help', entities: [{ type: 'bot_command', offset: 0, length: 5 }] } };
    const refused = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(update) });
    expect(refused.status).toBe(401);
    const ok = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 's3cret' }, body: JSON.stringify(update) });
    expect(ok.status).toBe(200);
    const help = await tg.waitFor('sendMessage', (c) => String(c.params.chat_id) === '5');
    expect(String(help.params.text)).toMatch(/topic in, vertical video out/);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
  });
});
