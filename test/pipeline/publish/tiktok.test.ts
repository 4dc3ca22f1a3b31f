import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import { makeLogger } from '../../../core/logger';
import { makeSealer } from '../../../core/seal';
import { schedulePublications } from '../../../db/repos/publications';
import { completeLink, startLink } from '../../../pipeline/publish/accounts/oauth';
import { makeProviders } from '../../../pipeline/publish/accounts/providers';
import { makeTargets, type Targets } from '../../../pipeline/publish/targets';
import { findBinaries } from '../../../pipeline/render/binaries';
import { PublishScheduler, type SchedulerEvents } from '../../../pipeline/schedule/scheduler';
import { makeTestDatabase, type TestDatabase } from '../../support/database';
import { startFakeTikTok, type FakeTikTok } from '../../support/fakes/tiktok';
import { makeFinishedRun } from '../../support/publishing';

const MB = 1024 * 1024;
const sealer = makeSealer('t'.repeat(40));
let db: TestDatabase;
let tt: FakeTikTok;
let dir: string;
let accountId: string;
let targets: Targets;
let scheduler: PublishScheduler;
const CHAT = { platform: 'discord', chatId: '800000000000000002' };
const failed: SchedulerEvents['failed'][0][] = [];
const retried: SchedulerEvents['retry'][0][] = [];
const posted: SchedulerEvents['posted'][0][] = [];

async function scheduled(bytes: number, caption?: string) {
  const fin = await makeFinishedRun(db.prisma, dir, CHAT);
  writeFileSync(fin.files.mp4, randomBytes(bytes));
  if (caption) writeFileSync(fin.files.exportJson, JSON.stringify({ title: 'T', caption, hashtags: ['#octopus'], durationSec: 30 }));
  await schedulePublications(db.prisma, { runId: fin.run.id, at: new Date(), requestedByUserId: 'u1', targets: [{ target: 'tiktok', targetRef: accountId }] });
  return { fin, pub: await db.prisma.publication.findFirstOrThrow({ where: { runId: fin.run.id } }) };
}
const row = (id: string) => db.prisma.publication.findUniqueOrThrow({ where: { id } });

beforeAll(async () => {
  db = await makeTestDatabase();
  tt = await startFakeTikTok();
  dir = mkdtempSync(join(tmpdir(), 'shortsmith-tt-'));
  const config = loadConfig({ TIKTOK_CLIENT_KEY: 'tiktok-key', TIKTOK_CLIENT_SECRET: 'tiktok-secret', TIKTOK_AUTH_URL: tt.authorizeUrl, TIKTOK_API_URL: tt.url });
  const providers = makeProviders(config);
  const link = await startLink({ db: db.prisma, sealer }, providers.tiktok, { ...CHAT, userId: '11' }, 'https://bot.example.test/oauth/callback/tiktok');
  expect(link.searchParams.get('client_key')).toBe('tiktok-key');
  expect(link.searchParams.get('scope')).toBe('user.info.basic,video.publish,video.list');
  const back = new URL((await fetch(link, { redirect: 'manual' })).headers.get('location')!);
  const linked = await completeLink({ db: db.prisma, sealer }, providers.tiktok, back);
  expect(linked.account).toMatchObject({ displayName: '@octo.creator', accountId: 'open-123' });
  accountId = linked.account.id;
  targets = makeTargets({
    senders: [], ffmpeg: findBinaries().ffmpeg, format: { width: 270, height: 480 }, webhook: {},
    accounts: { db: db.prisma, sealer, providers }, tiktok: { apiUrl: tt.url, pollMs: 10, pollForMs: 2000 },
  });
  scheduler = new PublishScheduler({ db: db.prisma, log: makeLogger('silent'), targets });
  scheduler.on('failed', (e) => failed.push(e));
  scheduler.on('retry', (e) => retried.push(e));
  scheduler.on('posted', (e) => posted.push(e));
});
afterAll(async () => {
  await tt.close();
  await db.dispose();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  tt.privacy = ['PUBLIC_TO_EVERYONE', 'FOLLOWER_OF_CREATOR', 'SELF_ONLY'];
  tt.initError = null;
});

describe('the TikTok target (Content Posting API, Direct Post)', () => {
  it('a file under 5 MB goes whole; the status is polled until published; the post link is stored', async () => {
    const { fin, pub } = await scheduled(1 * MB, `Three hearts ${'x'.repeat(2300)}`);
    expect(await scheduler.tick()).toBe(1);
    const r = await row(pub.id);
    const p = [...tt.publishes.values()].at(-1)!;
    expect(p.ranges).toEqual([`0-${MB - 1}`]);
    expect(p.bytes.equals(readFileSync(fin.files.mp4))).toBe(true);
    expect(p.postInfo).toMatchObject({ privacy_level: 'PUBLIC_TO_EVERYONE', disable_stitch: true });
    expect([...(p.postInfo.title as string)].length).toBe(2200);
    expect(r).toMatchObject({ status: 'posted', externalId: p.postId, externalUrl: `https://www.tiktok.com/@octo.creator/video/${p.postId}` });
  });

  it('a large file goes in ordered 10 MB chunks, the remainder with the last one, byte for byte', async () => {
    const { fin, pub } = await scheduled(23 * MB + 12345);
    expect(await scheduler.tick()).toBe(1);
    const p = [...tt.publishes.values()].at(-1)!;
    expect(p.ranges).toEqual([`0-${10 * MB - 1}`, `${10 * MB}-${23 * MB + 12344}`]);
    expect(p.bytes.equals(readFileSync(fin.files.mp4))).toBe(true);
    expect((await row(pub.id)).status).toBe('posted');
  });

  it('an unaudited app posts SELF_ONLY, and says so when scheduling and when posted', async () => {
    tt.privacy = ['SELF_ONLY'];
    const project = await db.prisma.project.findFirstOrThrow({ where: CHAT });
    expect(await targets.get('tiktok').scheduleNote!(accountId, project, 30)).toMatch(/visible only to @octo.creator \(SELF_ONLY\)/);
    tt.maxDurationSec = 20;
    await expect(targets.get('tiktok').scheduleNote!(accountId, project, 30)).rejects.toThrow(/up to 20 s; this video is 30 s/);
    tt.maxDurationSec = 600;
    const { pub } = await scheduled(1 * MB);
    expect(await scheduler.tick()).toBe(1);
    expect([...tt.publishes.values()].at(-1)!.postInfo.privacy_level).toBe('SELF_ONLY');
    expect(posted.at(-1)!.receipt.note).toMatch(/Visible only to the account/);
    expect((await row(pub.id)).status).toBe('posted');
  });

  it('too many posts: tries again in an hour and says why', async () => {
    const { pub } = await scheduled(1 * MB);
    tt.initError = 'spam_risk_too_many_posts';
    expect(await scheduler.tick()).toBe(1);
    const r = await row(pub.id);
    expect(r.status).toBe('scheduled');
    expect(r.lastError).toMatch(/posted too much for now/);
    expect(r.nextAttemptAt.getTime() - Date.now()).toBeGreaterThan(55 * 60_000);
    await db.prisma.publication.update({ where: { id: pub.id }, data: { nextAttemptAt: new Date() } });
    expect(await scheduler.tick()).toBe(1);
    expect((await row(pub.id)).status).toBe('posted');
  });

  it('after a crash mid-upload: a new init only when the old upload never completed; one post either way', async () => {
    // A dead process had initialised and sent half (TikTok still waits for the rest).
    const half = await scheduled(1 * MB);
    const token = [...tt.validAccess][0]!;
    const init = await fetch(`${tt.url}/v2/post/publish/video/init/`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ post_info: { title: 'x', privacy_level: 'SELF_ONLY' }, source_info: { source: 'FILE_UPLOAD', video_size: MB, chunk_size: MB, total_chunk_count: 1 } }) });
    const stale = ((await init.json()) as { data: { publish_id: string } }).data.publish_id;
    await db.prisma.publication.update({ where: { id: half.pub.id }, data: { status: 'posting', attempts: 1, leaseUntil: new Date(Date.now() - 1000), handoffJson: JSON.stringify({ publishId: stale, privacy: 'SELF_ONLY', uploaded: false }) } });
    const before = tt.publishes.size;
    expect(await scheduler.tick()).toBe(1);
    expect(tt.publishes.size).toBe(before + 1);
    expect(tt.publishes.get(stale)!.status).toBe('PROCESSING_UPLOAD');
    expect(await row(half.pub.id)).toMatchObject({ status: 'posted', attempts: 2 });

    // This one had sent every byte; only the confirmation was lost: no new init, no second post.
    const whole = await scheduled(1 * MB);
    const init2 = await fetch(`${tt.url}/v2/post/publish/video/init/`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ post_info: { title: 'x', privacy_level: 'PUBLIC_TO_EVERYONE' }, source_info: { source: 'FILE_UPLOAD', video_size: MB, chunk_size: MB, total_chunk_count: 1 } }) });
    const done = ((await init2.json()) as { data: { publish_id: string; upload_url: string } }).data;
    await fetch(done.upload_url, { method: 'PUT', headers: { 'content-range': `bytes 0-${MB - 1}/${MB}` }, body: readFileSync(whole.fin.files.mp4) });
    await db.prisma.publication.update({ where: { id: whole.pub.id }, data: { status: 'posting', attempts: 1, leaseUntil: new Date(Date.now() - 1000), handoffJson: JSON.stringify({ publishId: done.publish_id, privacy: 'PUBLIC_TO_EVERYONE', uploaded: false }) } });
    const count = tt.publishes.size;
    expect(await scheduler.tick()).toBe(1);
    expect(tt.publishes.size).toBe(count);
    expect(await row(whole.pub.id)).toMatchObject({ status: 'posted', externalId: tt.publishes.get(done.publish_id)!.postId });
  });

  it('refreshes an expired token with client_key and keeps the rotated refresh token', async () => {
    const account = await db.prisma.linkedAccount.findUniqueOrThrow({ where: { id: accountId } });
    await db.prisma.linkedAccount.update({ where: { id: accountId }, data: { accessExpiresAt: new Date(Date.now() - 1000) } });
    const before = tt.refreshes;
    const { pub } = await scheduled(1 * MB);
    expect(await scheduler.tick()).toBe(1);
    expect(tt.refreshes).toBe(before + 1);
    expect(tt.tokenRequests.at(-1)).toMatchObject({ grant_type: 'refresh_token', client_key: 'tiktok-key' });
    expect((await db.prisma.linkedAccount.findUniqueOrThrow({ where: { id: accountId } })).refreshTokenSealed).not.toBe(account.refreshTokenSealed);
    expect((await row(pub.id)).status).toBe('posted');
  });
});
