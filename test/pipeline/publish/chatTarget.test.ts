import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Api } from 'grammy';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLogger } from '../../../core/logger';
import { attachPublishReporter, channelPostView, channelSenders } from '../../../commands/publishReport';
import type { ChatPublisher } from '../../../commands/delivery';
import { makeDiscordPublisher, makeDiscordRest } from '../../../bot/discord/publisher';
import { makeTelegramPublisher } from '../../../bot/telegram/publisher';
import { schedulePublications } from '../../../db/repos/publications';
import { makeTargets } from '../../../pipeline/publish/targets';
import { nonceFor } from '../../../pipeline/publish/targets/chat';
import { findBinaries } from '../../../pipeline/render/binaries';
import { PublishScheduler, type SchedulerEvents } from '../../../pipeline/schedule/scheduler';
import { makeTestDatabase, type TestDatabase } from '../../support/database';
import { startFakeDiscord, type FakeDiscord } from '../../support/fakes/discord';
import { startFakeTelegram, type FakeTelegram } from '../../support/fakes/telegram';
import { makeFinishedRun } from '../../support/publishing';

const DC_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.GfakeX.fake-token-for-tests-only-0000000000';
const TG_TOKEN = '123456:CHAT-target-abcdefghijklmnopqrstuvwxyz';
const PUBLISH = '800000000000000021';
let db: TestDatabase;
let dc: FakeDiscord;
let tg: FakeTelegram;
let dir: string;
let scheduler: PublishScheduler;
let publishers: ChatPublisher[];
const clock = new Date();
const failures: SchedulerEvents['failed'][0][] = [];

/** A post a killed process left behind: claimed, its send started `agoMs` ago, never confirmed. */
async function interruptedPost(platform: 'discord' | 'telegram', channel: string, agoMs: number) {
  const fin = await makeFinishedRun(db.prisma, dir, { platform, chatId: platform === 'discord' ? '800000000000000002' : '-1001' });
  await schedulePublications(db.prisma, { runId: fin.run.id, at: new Date(clock.getTime() - agoMs), requestedByUserId: 'u1', targets: [{ target: 'chat', targetRef: channel }] });
  const pub = (await db.prisma.publication.findFirst({ where: { runId: fin.run.id } }))!;
  await db.prisma.publication.update({
    where: { id: pub.id },
    data: { status: 'posting', attempts: 1, claimedBy: 'dead:1', leaseUntil: new Date(clock.getTime() - 1000), handoffJson: JSON.stringify({ sentAt: clock.getTime() - agoMs }) },
  });
  return { fin, pub };
}

beforeAll(async () => {
  db = await makeTestDatabase();
  dc = await startFakeDiscord();
  tg = await startFakeTelegram(TG_TOKEN);
  dir = mkdtempSync(join(tmpdir(), 'shortsmith-chat-'));
  publishers = [makeDiscordPublisher(makeDiscordRest(DC_TOKEN, dc.apiUrl), new Map()), makeTelegramPublisher(new Api(TG_TOKEN, { apiRoot: tg.apiRoot }))];
  const targets = makeTargets({ senders: channelSenders(publishers), ffmpeg: findBinaries().ffmpeg, format: { width: 270, height: 480 }, webhook: {} });
  scheduler = new PublishScheduler({ db: db.prisma, log: makeLogger('silent'), targets, now: () => clock });
  scheduler.on('failed', (e) => failures.push(e));
});
afterAll(async () => {
  await scheduler.stop();
  await dc.close();
  await tg.close();
  await db.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('the chat target after a crash mid-send', () => {
  it('Discord: sends again with the same nonce, and Discord keeps the one message', async () => {
    const { pub } = await interruptedPost('discord', PUBLISH, 30_000);
    // What the dead process managed to send before it died.
    const publisher = makeDiscordPublisher(makeDiscordRest(DC_TOKEN, dc.apiUrl), new Map());
    const first = await publisher.post(PUBLISH, channelPostView({ caption: 'x', video: { path: (await makeFinishedRun(db.prisma, dir)).files.mp4, width: 270, height: 480, durationSec: 2 } }), { nonce: nonceFor(pub.id) });
    expect(await scheduler.tick()).toBe(1);
    const row = await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } });
    expect(row).toMatchObject({ status: 'posted', externalId: first.messageId });
    const sends = dc.calls.filter((c) => c.method === 'POST' && c.route === `/channels/${PUBLISH}/messages`);
    expect(sends).toHaveLength(2);
    expect(new Set(sends.map((c) => c.body.nonce))).toEqual(new Set([nonceFor(pub.id)]));
  });

  it('Telegram (no idempotency key): does not send blindly; the chat is asked to look and press Post now', async () => {
    const { pub } = await interruptedPost('telegram', '-100777', 30_000);
    const before = tg.calls.filter((c) => c.method === 'sendVideo').length;
    expect(await scheduler.tick()).toBe(1);
    expect(tg.calls.filter((c) => c.method === 'sendVideo').length).toBe(before);
    expect(await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } })).toMatchObject({ status: 'failed' });
    expect(failures.at(-1)).toMatchObject({ reason: expect.stringMatching(/may already be in the channel/), advice: expect.stringMatching(/Look in the publish channel.*Post now/) });
  });

  it('Discord past its nonce window is treated like Telegram', async () => {
    const { pub } = await interruptedPost('discord', PUBLISH, 10 * 60_000);
    const before = dc.calls.length;
    expect(await scheduler.tick()).toBe(1);
    expect(dc.calls.slice(before).filter((c) => c.route.startsWith(`/channels/${PUBLISH}`))).toHaveLength(0);
    expect((await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } })).status).toBe('failed');
  });

  it('tells the chat that made the video: late posts say how late, failed ones why and what to do', async () => {
    const detach = attachPublishReporter({ db: db.prisma, log: makeLogger('silent') }, scheduler, publishers);
    try {
      const out = join(dir, 'out');
      mkdirSync(out, { recursive: true });
      const late = await makeFinishedRun(db.prisma, dir, { platform: 'telegram', chatId: '-1005' });
      await db.prisma.chatSettings.create({ data: { platform: 'telegram', chatId: '-1005', timezone: 'Europe/Berlin' } });
      await schedulePublications(db.prisma, { runId: late.run.id, at: new Date(clock.getTime() - 185 * 60_000), requestedByUserId: 'u1', targets: [{ target: 'folder', targetRef: out }] });
      const n = tg.calls.length;
      expect(await scheduler.tick()).toBe(1);
      const told = await tg.waitFor('sendMessage', (c) => String(c.params.chat_id) === '-1005');
      expect(tg.calls.indexOf(told)).toBeGreaterThanOrEqual(n);
      expect(String(told.params.text)).toMatch(/^Posted “Why octopuses have three hearts” to the folder .*out\.\n.*\/why-octopuses-have-three-hearts-[0-9a-f-]{36}\nThis went out 3 h 5 min late: no worker was running at \w{3} \d+ \w{3} \d{4}, \d\d:\d\d \(Europe\/Berlin\)\./);

      const gone = await makeFinishedRun(db.prisma, dir, { platform: 'telegram', chatId: '-1006' });
      await schedulePublications(db.prisma, { runId: gone.run.id, at: clock, requestedByUserId: 'u1', targets: [{ target: 'folder', targetRef: join(dir, 'nowhere') }] });
      expect(await scheduler.tick()).toBe(1);
      const failed = await tg.waitFor('sendMessage', (c) => String(c.params.chat_id) === '-1006');
      expect(String(failed.params.text)).toMatch(/^Not posted — Why octopuses have three hearts\n\nCould not post to the folder .*nowhere: writing to .* failed \(ENOENT\)\.\nCheck that the folder exists/);
      const markup = failed.params.reply_markup as { inline_keyboard: { text: string }[][] };
      expect(markup.inline_keyboard[0]!.map((b) => b.text)).toEqual(['📤 Post now', '📋 Scheduled posts']);
    } finally {
      detach();
    }
  });

  it('a refusal from the platform fails at once and says what to check', async () => {
    dc.channels.set(PUBLISH, { name: 'locked', deny: 1n << 15n });
    const fin = await makeFinishedRun(db.prisma, dir, { platform: 'discord', chatId: '800000000000000002' });
    await schedulePublications(db.prisma, { runId: fin.run.id, at: clock, requestedByUserId: 'u1', targets: [{ target: 'chat', targetRef: PUBLISH }] });
    expect(await scheduler.tick()).toBe(1);
    expect(failures.at(-1)).toMatchObject({ reason: expect.stringMatching(/Discord refused the post \(Missing Permissions\)/), advice: expect.stringMatching(/may see, send and attach files/) });
    const row = await db.prisma.publication.findFirstOrThrow({ where: { runId: fin.run.id } });
    expect(row).toMatchObject({ status: 'failed', attempts: 1, handoffJson: '{}' });
    dc.channels.delete(PUBLISH);
  });
});
