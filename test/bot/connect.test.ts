import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { makeApp, type App } from '../../bot/app';
import { oauthCallbackRoute } from '../../bot/oauthCallback';
import { connectAccount } from '../../commands/connect';
import { sendJson } from '../support/fakes/http';
import { startFakeOAuth, type FakeOAuth } from '../support/fakes/oauth';
import { type FakeTelegram, startFakeTelegram, type TelegramCall, TEST_BOT_INFO } from '../support/fakes/telegram';

const TOKEN = '555555:CONNECT-token-abcdefghijklmnopqrstuvwxyz';
const GROUP = -1007;
const ADMIN = 11;
const MEMBER = 22;
let tg: FakeTelegram;
let google: FakeOAuth;
let app: App;
let listener: Server;
let dataDir: string;
let updateId = 1;

const chat = { id: GROUP, type: 'supergroup' as const, title: 'Team' };
const say = (from: number, text: string) => app.telegram!.handleUpdate({
  update_id: updateId++, message: { message_id: updateId, date: 0, chat, from: { id: from, is_bot: false, first_name: from === ADMIN ? 'Ada' : 'Max' }, text, entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] },
} as never);
const click = (from: number, data: string) => app.telegram!.handleUpdate({
  update_id: updateId++, callback_query: { id: `cb${updateId}`, from: { id: from, is_bot: false, first_name: 'x' }, chat_instance: 'ci', data, message: { message_id: 1, date: 0, chat, text: 'x' } },
} as never);
const buttonsOf = (c: TelegramCall) => ((c.params.reply_markup as { inline_keyboard?: { text: string; url?: string; callback_data?: string }[][] } | undefined)?.inline_keyboard ?? []).flat();
const since = (n: number) => tg.calls.slice(n);

beforeAll(async () => {
  tg = await startFakeTelegram(TOKEN);
  tg.admins.set(String(GROUP), [ADMIN]);
  google = await startFakeOAuth({
    clientId: 'google-client', clientSecret: 'google-secret',
    api: (req, res, ok) => {
      if (!req.path.startsWith('/youtube/v3/channels')) return false;
      if (ok) sendJson(res, 200, { items: [{ id: 'UC123', snippet: { title: 'Octo Facts', customUrl: '@octofacts' } }] });
      else sendJson(res, 401, {});
      return true;
    },
  });
  dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-connect-'));
  listener = createServer();
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const publicUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  const config = loadConfig({
    DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot, PUBLIC_URL: publicUrl, SECRET_KEY: 's'.repeat(40),
    GOOGLE_CLIENT_ID: 'google-client', GOOGLE_CLIENT_SECRET: 'google-secret', GOOGLE_OAUTH_URL: google.authorizeUrl, GOOGLE_TOKEN_URL: google.tokenUrl, YOUTUBE_API_URL: google.url,
  });
  app = await makeApp(config, makeLogger(process.env.TEST_LOG ?? 'silent'), { telegramBotInfo: TEST_BOT_INFO, worker: false });
  const route = oauthCallbackRoute(app);
  listener.on('request', (req, res) => {
    if (!route(req, res)) res.writeHead(404).end();
  });
});
afterAll(async () => {
  await app?.stop();
  listener.closeAllConnections();
  await new Promise((r) => listener.close(r));
  await google.close();
  await tg.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('linking a YouTube account from a Telegram group', () => {
  it('only managers get a link, and it comes by private message, not in the group', async () => {
    let n = tg.calls.length;
    await say(MEMBER, '/connect youtube');
    expect(String(since(n).find((c) => c.method === 'sendMessage')?.params.text)).toMatch(/Only people who can manage/);
    n = tg.calls.length;
    await say(ADMIN, '/connect youtube');
    const dm = since(n).find((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(ADMIN))!;
    expect(String(dm.params.text)).toMatch(/works once, for 10 minutes/);
    const link = buttonsOf(dm)[0]!;
    expect(link.text).toBe('Link YouTube');
    expect(since(n).find((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(GROUP))?.params.text).toMatch(/sent you the link in a private message/);
    expect(since(n).some((c) => String(c.params.chat_id) === String(GROUP) && JSON.stringify(c.params).includes(link.url!))).toBe(false);

    // The manager opens it, consents, and lands on the bot's callback.
    const consent = await fetch(link.url!, { redirect: 'manual' });
    const back = consent.headers.get('location')!;
    n = tg.calls.length;
    const page = await fetch(back);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/@octofacts is linked to the chat/);
    const told = await tg.waitFor('sendMessage', (c) => /YouTube account @\u2060octofacts is linked/.test(String(c.params.text)));
    expect(String(told.params.chat_id)).toBe(String(GROUP));
    // Opening it again (a reload, someone else) links nothing.
    const again = await fetch(back);
    expect(again.status).toBe(400);
    expect(await again.text()).toMatch(/not valid any more/);
  });

  it('shows what is linked; only managers unlink', async () => {
    let n = tg.calls.length;
    await say(MEMBER, '/connect');
    const view = since(n).find((c) => c.method === 'sendMessage')!;
    expect(String(view.params.text)).toMatch(/YouTube: @\u2060octofacts, linked/);
    expect(String(view.params.text)).toMatch(/TikTok: not linked/);
    const unlink = buttonsOf(view).find((b) => b.text === 'Unlink YouTube')!.callback_data!;
    n = tg.calls.length;
    await click(MEMBER, unlink);
    expect(String(since(n).find((c) => c.method === 'answerCallbackQuery')?.params.text)).toMatch(/Only people who can manage/);
    expect(await app.db.prisma.linkedAccount.count()).toBe(1);
    n = tg.calls.length;
    await click(ADMIN, unlink);
    expect(String(since(n).find((c) => c.method === 'answerCallbackQuery')?.params.text)).toMatch(/Unlinked YouTube/);
    expect(await app.db.prisma.linkedAccount.count()).toBe(0);
  });

  it('says what the bot owner must set when linking is not configured', async () => {
    const ctx = { platform: 'telegram' as const, chatId: String(GROUP), userId: String(ADMIN), userName: 'Ada', isDM: false, canManage: true, roleIds: [] };
    await expect(connectAccount({ ...app.deps, accounts: { ...app.deps.accounts, sealer: null } }, ctx, 'youtube')).rejects.toThrow(/the bot owner sets SECRET_KEY/);
    await expect(connectAccount(app.deps, ctx, 'tiktok')).rejects.toThrow(/TIKTOK_CLIENT_KEY, TIKTOK_CLIENT_SECRET/);
    await expect(connectAccount(app.deps, ctx, 'myspace')).rejects.toThrow(/I can link tiktok or youtube/);
  });
});
