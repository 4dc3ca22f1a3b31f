import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import { makeLogger } from '../../../core/logger';
import { makeSealer } from '../../../core/seal';
import { makeProviders } from '../../../pipeline/publish/accounts/providers';
import { collectStats, isDue, statsSources, type CollectDeps } from '../../../pipeline/stats/collect';
import { linkAccount } from '../../support/accounts';
import { makeTestDatabase, type TestDatabase } from '../../support/database';
import { startFakeTikTok, type FakeTikTok } from '../../support/fakes/tiktok';
import { startFakeYouTube, type FakeYouTube } from '../../support/fakes/youtube';
import { makeFinishedRun } from '../../support/publishing';

const sealer = makeSealer('s'.repeat(40));
const CHAT = { platform: 'telegram', chatId: 'stats-chat' };
const POSTED = new Date('2026-12-01T10:00:00Z');
let db: TestDatabase;
let tt: FakeTikTok;
let yt: FakeYouTube;
let dir: string;
let deps: CollectDeps;
let now = POSTED;
const lines: { msg: string; reason?: string }[] = [];
let tiktokAccount: string;
let youtubeAccount: string;

const hours = (h: number) => new Date(POSTED.getTime() + h * 3600_000);

/** A finished video posted to TikTok or YouTube at POSTED, with the platform's post id. */
async function posted(target: 'tiktok' | 'youtube', externalId: string): Promise<{ runId: string; publicationId: string }> {
  const fin = await makeFinishedRun(db.prisma, dir, { ...CHAT, title: `Video ${externalId}` });
  const pub = await db.prisma.publication.create({
    data: { runId: fin.run.id, target, targetRef: target === 'tiktok' ? tiktokAccount : youtubeAccount, status: 'posted', dueAt: POSTED, nextAttemptAt: POSTED, postedAt: POSTED, externalId },
  });
  return { runId: fin.run.id, publicationId: pub.id };
}

beforeAll(async () => {
  db = await makeTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'shortsmith-collect-'));
  tt = await startFakeTikTok();
  yt = await startFakeYouTube();
  const config = loadConfig({
    TIKTOK_CLIENT_KEY: 'tiktok-key', TIKTOK_CLIENT_SECRET: 'tiktok-secret', TIKTOK_AUTH_URL: tt.authorizeUrl, TIKTOK_API_URL: tt.url,
    GOOGLE_CLIENT_ID: 'google-client', GOOGLE_CLIENT_SECRET: 'google-secret', GOOGLE_OAUTH_URL: yt.authorizeUrl, GOOGLE_TOKEN_URL: yt.tokenUrl, YOUTUBE_API_URL: yt.url,
  });
  const providers = makeProviders(config);
  tiktokAccount = await linkAccount(db.prisma, sealer, providers.tiktok, CHAT);
  youtubeAccount = await linkAccount(db.prisma, sealer, providers.youtube, CHAT);
  const log = makeLogger('info', new Writable({ write: (chunk, _e, done) => { lines.push(JSON.parse(String(chunk))); done(); } }));
  deps = { db: db.prisma, log, sealer, providers, sources: statsSources(config), now: () => now };
});
afterAll(async () => {
  await tt.close();
  await yt.close();
  await db.dispose();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await db.prisma.statReading.deleteMany();
  await db.prisma.publication.deleteMany();
  tt.stats.clear();
  tt.queries.length = 0;
  tt.queryError = null;
  yt.stats.clear();
  yt.statQueries.length = 0;
  yt.refuseWith = null;
  lines.length = 0;
});

describe('stats collection', () => {
  it('reads hourly for two days, then daily, for thirty days', () => {
    expect(isDue(POSTED, null, hours(0.5))).toBe(true);
    expect(isDue(POSTED, hours(0.5), hours(1.2))).toBe(false);
    expect(isDue(POSTED, hours(0.5), hours(1.45))).toBe(true);
    expect(isDue(POSTED, hours(46), hours(47.5))).toBe(true);
    // From the third day on, a reading a day.
    expect(isDue(POSTED, hours(47), hours(48.5))).toBe(false);
    expect(isDue(POSTED, hours(50), hours(60))).toBe(false);
    expect(isDue(POSTED, hours(50), hours(74))).toBe(true);
    expect(isDue(POSTED, null, hours(24 * 31))).toBe(false);
  });

  it('reads TikTok and YouTube posts on that cadence under a moving clock, batching TikTok 20 ids a call', async () => {
    const tiktok = [];
    for (let i = 0; i < 23; i++) {
      tiktok.push(await posted('tiktok', `70000${i}`));
      tt.stats.set(`70000${i}`, { view_count: 100 + i, like_count: 10, comment_count: 1, share_count: 2 });
    }
    const video = await posted('youtube', 'yt-abc');
    yt.stats.set('yt-abc', { viewCount: '1234', likeCount: '56', commentCount: '7' });

    now = hours(0.5);
    expect(await collectStats(deps)).toMatchObject({ read: 24, skipped: [] });
    expect(tt.queries.map((q) => q.length)).toEqual([20, 3]);
    expect(yt.statQueries).toEqual([['yt-abc']]);
    expect(await db.prisma.run.findUniqueOrThrow({ where: { id: video.runId }, select: { views: true, likes: true } })).toEqual({ views: 1234, likes: 56 });
    const reading = await db.prisma.statReading.findFirstOrThrow({ where: { publicationId: video.publicationId } });
    expect(reading).toMatchObject({ platform: 'youtube', source: 'api', views: 1234, likes: 56, comments: 7, shares: null });

    // Not due again within the hour; due after it; then only daily after two days.
    now = hours(1);
    expect((await collectStats(deps)).read).toBe(0);
    yt.stats.set('yt-abc', { viewCount: '2000', likeCount: '80', commentCount: '9' });
    now = hours(1.5);
    expect((await collectStats(deps)).read).toBe(24);
    now = hours(50);
    expect((await collectStats(deps)).read).toBe(24);
    now = hours(60);
    expect((await collectStats(deps)).read).toBe(0);
    // Each reading is kept: growth over time.
    expect((await db.prisma.statReading.findMany({ where: { publicationId: video.publicationId }, orderBy: { at: 'asc' } })).map((r) => r.views)).toEqual([1234, 2000, 2000]);
    expect((await db.prisma.statReading.count({ where: { publicationId: tiktok[0]!.publicationId } }))).toBe(3);
  });

  it('skips a deleted post, a rate limit and a quota error without writing zeros, and tries again next round', async () => {
    const kept = await posted('tiktok', '800001');
    const gone = await posted('tiktok', '800002');
    const yts = await posted('youtube', 'yt-q');
    tt.stats.set('800001', { view_count: 500, like_count: 50, comment_count: 5, share_count: 1 });
    yt.stats.set('yt-q', { viewCount: '10', likeCount: '1', commentCount: '0' });
    now = hours(0.5);
    await collectStats(deps);
    const before = await db.prisma.run.findUniqueOrThrow({ where: { id: kept.runId }, select: { views: true } });
    expect(before.views).toBe(500);
    // The deleted post was skipped with its reason, and nothing was written for it.
    expect(await db.prisma.statReading.count({ where: { publicationId: gone.publicationId } })).toBe(0);
    expect(lines.find((l) => l.msg === 'stats reading skipped' && /gone or private/.test(l.reason ?? ''))).toBeTruthy();

    tt.queryError = 'rate_limit_exceeded';
    yt.refuseWith = { status: 403, reason: 'quotaExceeded' };
    now = hours(1.5);
    const limited = await collectStats(deps);
    expect(limited.read).toBe(0);
    expect(limited.skipped.map((s) => s.reason)).toEqual(expect.arrayContaining(['HTTP 429: TikTok video query: rate_limit_exceeded', 'HTTP 403: YouTube videos.list: quotaExceeded']));
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: kept.runId }, select: { views: true } })).views).toBe(500);
    expect(await db.prisma.statReading.count({ where: { publicationId: yts.publicationId } })).toBe(1);

    tt.queryError = null;
    yt.refuseWith = null;
    tt.stats.set('800001', { view_count: 900, like_count: 60, comment_count: 5, share_count: 1 });
    now = hours(1.6);
    expect((await collectStats(deps)).read).toBe(2);
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: kept.runId }, select: { views: true } })).views).toBe(900);
  });

  it('two workers\' rounds at the same moment read each post once', async () => {
    for (let i = 0; i < 5; i++) {
      await posted('tiktok', `90000${i}`);
      tt.stats.set(`90000${i}`, { view_count: 10, like_count: 1, comment_count: 0, share_count: 0 });
    }
    now = hours(0.5);
    const [a, b] = await Promise.all([collectStats(deps), collectStats(deps)]);
    expect(a.read + b.read).toBe(5);
    expect(await db.prisma.statReading.count()).toBe(5);
    expect(tt.queries.flat()).toHaveLength(5);
  });

  it('a revoked login is a logged skip that asks for the account to be linked again', async () => {
    await posted('youtube', 'yt-revoked');
    yt.stats.set('yt-revoked', { viewCount: '10', likeCount: '1', commentCount: '0' });
    await db.prisma.linkedAccount.update({ where: { id: youtubeAccount }, data: { accessExpiresAt: new Date(0), refreshTokenSealed: null } });
    now = hours(0.5);
    const r = await collectStats(deps);
    expect(r.read).toBe(0);
    expect(r.skipped[0]!.reason).toMatch(/link the account again with \/video connect youtube/);
  });
});
