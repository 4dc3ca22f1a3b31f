import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { makeApp, type App } from '../../bot/app';
import { oauthCallbackRoute } from '../../bot/oauthCallback';
import { type FakeTelegram, startFakeTelegram, type TelegramCall, TEST_BOT_INFO } from '../support/fakes/telegram';
import { startFakeTikTok, type FakeTikTok } from '../support/fakes/tiktok';
import { startFakeYouTube, type FakeYouTube } from '../support/fakes/youtube';
import { makeFinishedRun, type FinishedRun } from '../support/publishing';

const TOKEN = '666666:PLATFORMS-token-abcdefghijklmnopqrstuvwxyz';
const GROUP = -1009;
const ADMIN = 11;
let tg: FakeTelegram;
let tt: FakeTikTok;
let yt: FakeYouTube;
let app: App;
let listener: Server;
let dataDir: string;
let fin: FinishedRun;
let clock = new Date();
let updateId = 1;

const chat = { id: GROUP, type: 'supergroup' as const, title: 'Team' };
const say = (text: string) => app.telegram!.handleUpdate({
  update_id: updateId++, message: { message_id: updateId, date: 0, chat, from: { id: ADMIN, is_bot: false, first_name: 'Ada' }, text, entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] },
} as never);
const linkIn = (c: TelegramCall) => ((c.params.reply_markup as { inline_keyboard: { url?: string }[][] }).inline_keyboard.flat().find((b) => b.url)!.url!);

beforeAll(async () => {
  [tg, tt, yt] = await Promise.all([startFakeTelegram(TOKEN), startFakeTikTok(), startFakeYouTube()]);
  tg.admins.set(String(GROUP), [ADMIN]);
  dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-platforms-'));
  listener = createServer();
  await new Promise<void>((r) => listener.listen(0, '127.0.0.1', r));
  const config = loadConfig({
    DATA_DIR: dataDir, TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: tg.apiRoot, RENDER_SIZE: '270x480',
    PUBLIC_URL: `http://127.0.0.1:${(listener.address() as AddressInfo).port}`, SECRET_KEY: 'p'.repeat(40),
    TIKTOK_CLIENT_KEY: 'tiktok-key', TIKTOK_CLIENT_SECRET: 'tiktok-secret', TIKTOK_AUTH_URL: tt.authorizeUrl, TIKTOK_API_URL: tt.url,
    GOOGLE_CLIENT_ID: 'google-client', GOOGLE_CLIENT_SECRET: 'google-secret', GOOGLE_OAUTH_URL: yt.authorizeUrl, GOOGLE_TOKEN_URL: yt.tokenUrl, YOUTUBE_API_URL: yt.url,
  });
  app = await makeApp(config, makeLogger('silent'), { telegramBotInfo: TEST_BOT_INFO, clock: () => clock });
  const route = oauthCallbackRoute(app);
  listener.on('request', (req, res) => void (route(req, res) || res.writeHead(404).end()));
  fin = await makeFinishedRun(app.db.prisma, dataDir, { platform: 'telegram', chatId: String(GROUP) });
});
afterAll(async () => {
  await app?.stop();
  listener.closeAllConnections();
  await new Promise((r) => listener.close(r));
  await Promise.all([tg.close(), tt.close(), yt.close()]);
  rmSync(dataDir, { recursive: true, force: true });
});

describe('from a Telegram group: link TikTok and YouTube, schedule, and each gets one upload at its time', () => {
  it('links both accounts through the real redirects', async () => {
    for (const platform of ['tiktok', 'youtube']) {
      const n = tg.calls.length;
      await say(`/connect ${platform}`);
      const dm = tg.calls.slice(n).find((c) => c.method === 'sendMessage' && String(c.params.chat_id) === String(ADMIN))!;
      const back = (await fetch(linkIn(dm), { redirect: 'manual' })).headers.get('location')!;
      expect((await fetch(back)).status).toBe(200);
    }
    expect((await app.db.prisma.linkedAccount.findMany({ orderBy: { provider: 'asc' } })).map((a) => [a.provider, a.displayName])).toEqual([['tiktok', '@octo.creator'], ['youtube', '@octofacts']]);
  });

  it('schedules in words; YouTube gets the video at once as private, TikTok at its time; the chat gets both links', async () => {
    const n = tg.calls.length;
    await say('/schedule in 2 hours | tiktok youtube');
    const confirmation = String(tg.calls.slice(n).find((c) => c.method === 'sendMessage' && /^(Scheduled|Posting)/.test(String(c.params.text)))?.params.text ?? tg.calls.slice(n).filter((c) => c.method === 'sendMessage').map((c) => c.params.text).join(' || '));
    expect(confirmation).toMatch(/^Scheduled — .*\n\nPosts on .* — .* UTC\.\nTo: TikTok, YouTube\.\nYouTube gets it now as a private video and publishes it at that time\./);
    expect(await app.scheduler!.tick()).toBe(1);
    expect(yt.videos.size).toBe(1);
    expect(tt.publishes.size).toBe(0);
    const video = [...yt.videos.values()][0]!;
    expect(video.resource.status).toMatchObject({ privacyStatus: 'private' });
    expect(video.bytes.equals(readFileSync(fin.files.mp4))).toBe(true);
    const youtubeTold = await tg.waitFor('sendMessage', (c) => /^Posted “.*” to YouTube\./.test(String(c.params.text)));
    expect(String(youtubeTold.params.text)).toMatch(/https:\/\/youtube\.com\/shorts\/vid\w+\nUploaded to @\u2060octofacts as private: YouTube publishes it at/);

    clock = new Date(clock.getTime() + 2 * 3_600_000 + 1000);
    expect(await app.scheduler!.tick()).toBe(1);
    expect(tt.publishes.size).toBe(1);
    const post = [...tt.publishes.values()][0]!;
    expect(post.bytes.equals(readFileSync(fin.files.mp4))).toBe(true);
    const tiktokTold = await tg.waitFor('sendMessage', (c) => /^Posted “.*” to TikTok\./.test(String(c.params.text)));
    expect(String(tiktokTold.params.text)).toContain(`https://www.tiktok.com/@octo.creator/video/${post.postId}`);
    clock = new Date(clock.getTime() + 3_600_000);
    expect(await app.scheduler!.tick()).toBe(0);
    expect([yt.videos.size, tt.publishes.size]).toEqual([1, 1]);
    expect((await app.db.prisma.run.findUniqueOrThrow({ where: { id: fin.run.id } })).publishedAt).not.toBeNull();
  });
});
