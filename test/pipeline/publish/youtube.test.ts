import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import { makeLogger } from '../../../core/logger';
import { makeSealer } from '../../../core/seal';
import { schedulePublications } from '../../../db/repos/publications';
import { makeProviders } from '../../../pipeline/publish/accounts/providers';
import { makeTargets } from '../../../pipeline/publish/targets';
import { findBinaries } from '../../../pipeline/render/binaries';
import { PublishScheduler, type SchedulerEvents } from '../../../pipeline/schedule/scheduler';
import { makeTestDatabase, type TestDatabase } from '../../support/database';
import { startFakeYouTube, type FakeYouTube } from '../../support/fakes/youtube';
import { makeFinishedRun } from '../../support/publishing';
import { linkAccount } from '../../support/accounts';

const CHUNK = 256 * 1024;
const sealer = makeSealer('y'.repeat(40));
let db: TestDatabase;
let yt: FakeYouTube;
let dir: string;
let accountId: string;
let clock = new Date();
let scheduler: PublishScheduler;
const failed: SchedulerEvents['failed'][0][] = [];
const retried: SchedulerEvents['retry'][0][] = [];
const posted: SchedulerEvents['posted'][0][] = [];
const CHAT = { platform: 'telegram', chatId: '-100' };

/** A finished run with a 1.1 MB video (five chunks) scheduled to YouTube at `at`. */
async function scheduled(at: Date, account = accountId, owner = CHAT) {
  const fin = await makeFinishedRun(db.prisma, dir, owner);
  writeFileSync(fin.files.mp4, randomBytes(1_100_000));
  await schedulePublications(db.prisma, { runId: fin.run.id, at, requestedByUserId: 'u1', targets: [{ target: 'youtube', targetRef: account }] });
  const pub = await db.prisma.publication.findFirstOrThrow({ where: { runId: fin.run.id } });
  return { fin, pub };
}
const uploadOf = (videoId: string) => yt.videos.get(videoId)!;

beforeAll(async () => {
  db = await makeTestDatabase();
  yt = await startFakeYouTube();
  dir = mkdtempSync(join(tmpdir(), 'shortsmith-yt-'));
  const config = loadConfig({ GOOGLE_CLIENT_ID: 'google-client', GOOGLE_CLIENT_SECRET: 'google-secret', GOOGLE_OAUTH_URL: yt.authorizeUrl, GOOGLE_TOKEN_URL: yt.tokenUrl, YOUTUBE_API_URL: yt.url });
  const providers = makeProviders(config);
  accountId = await linkAccount(db.prisma, sealer, providers.youtube, CHAT);
  const targets = makeTargets({
    senders: [], ffmpeg: findBinaries().ffmpeg, format: { width: 270, height: 480 }, webhook: {},
    accounts: { db: db.prisma, sealer, providers }, youtube: { apiUrl: yt.url, categoryId: '22', chunkBytes: CHUNK },
  });
  scheduler = new PublishScheduler({ db: db.prisma, log: makeLogger('silent'), targets, now: () => clock });
  scheduler.on('failed', (e) => failed.push(e));
  scheduler.on('retry', (e) => retried.push(e));
  scheduler.on('posted', (e) => posted.push(e));
});
afterAll(async () => {
  await yt.close();
  await db.dispose();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  clock = new Date();
  yt.refuseWith = null;
  yt.dropNextChunkAfter = null;
});

describe('the YouTube target (resumable upload)', () => {
  it('uploads the whole file in order, as a public Short with its caption and hashtags, and stores the link', async () => {
    const { fin, pub } = await scheduled(clock);
    expect(await scheduler.tick()).toBe(1);
    const row = await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } });
    expect(row).toMatchObject({ status: 'posted', attempts: 1, externalUrl: `https://youtube.com/shorts/${row.externalId}` });
    const upload = uploadOf(row.externalId!);
    expect(upload.bytes.equals(readFileSync(fin.files.mp4))).toBe(true);
    expect(upload.starts).toEqual([0, CHUNK, 2 * CHUNK, 3 * CHUNK, 4 * CHUNK]);
    expect(upload.resource.snippet).toMatchObject({ title: 'Why octopuses have three hearts', categoryId: '22', tags: ['octopus', 'science'] });
    expect(String(upload.resource.snippet.description)).toMatch(/#octopus #science\n#Shorts$/);
    expect(upload.resource.status).toMatchObject({ privacyStatus: 'public', selfDeclaredMadeForKids: false });
    expect(JSON.parse(row.handoffJson)).toMatchObject({ videoId: row.externalId, sessionUri: expect.stringContaining('upload_id=') });
  });

  it('a post due later goes up now as private with publishAt, so YouTube publishes it on time', async () => {
    const due = new Date(clock.getTime() + 2 * 3_600_000);
    const { pub } = await scheduled(due);
    await db.prisma.publication.update({ where: { id: pub.id }, data: { nextAttemptAt: clock } });
    expect(await scheduler.tick()).toBe(1);
    const row = await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } });
    expect(uploadOf(row.externalId!).resource.status).toMatchObject({ privacyStatus: 'private', publishAt: due.toISOString() });
    expect(posted.at(-1)!.receipt.note).toMatch(/as private: YouTube publishes it at/);
  });

  it('after a dropped connection it resumes from the byte YouTube confirms, in the same session', async () => {
    const { fin, pub } = await scheduled(clock);
    const sessions = yt.uploads.size;
    // Two chunks go through; the third is cut after 1000 bytes.
    let puts = 0;
    const firstTry = scheduler.tick();
    for (let i = 0; i < 200 && puts < 2; i++) {
      const u = [...yt.uploads.values()].at(-1);
      puts = u && yt.uploads.size > sessions ? u.starts.length : 0;
      if (puts >= 2) yt.dropNextChunkAfter = 1000;
      await new Promise((r) => setTimeout(r, 2));
    }
    expect(await firstTry).toBe(1);
    expect(retried.at(-1)).toMatchObject({ reason: expect.stringMatching(/YouTube could not be reached|did not answer/) });
    clock = new Date(clock.getTime() + 61_000);
    expect(await scheduler.tick()).toBe(1);
    expect(yt.uploads.size).toBe(sessions + 1);
    const row = await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } });
    expect(row).toMatchObject({ status: 'posted', attempts: 2 });
    const upload = uploadOf(row.externalId!);
    expect(upload.bytes.equals(readFileSync(fin.files.mp4))).toBe(true);
    const cut = upload.starts.findIndex((s, i) => i > 0 && s === upload.starts[i - 1]);
    expect(cut).toBe(-1); // no byte sent twice from the same start
    expect(upload.starts).toContain(2 * CHUNK + 1000);
  });

  it('starts a new session when YouTube has forgotten the old one', async () => {
    const { fin, pub } = await scheduled(clock);
    const firstTry = scheduler.tick();
    for (let i = 0; i < 200; i++) {
      const u = [...yt.uploads.values()].at(-1)!;
      if (u.starts.length >= 1 && !u.videoId) {
        yt.dropNextChunkAfter = 0;
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await firstTry;
    const handoff = JSON.parse((await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } })).handoffJson) as { sessionUri: string };
    yt.expire(new URL(handoff.sessionUri).searchParams.get('upload_id')!);
    clock = new Date(clock.getTime() + 61_000);
    await scheduler.tick();
    const row = await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } });
    expect(row.status).toBe('posted');
    expect(uploadOf(row.externalId!).bytes.equals(readFileSync(fin.files.mp4))).toBe(true);
  });

  it('quota used up: tries again after YouTube’s daily reset and says when', async () => {
    const { pub } = await scheduled(clock);
    yt.refuseWith = { status: 403, reason: 'quotaExceeded' };
    expect(await scheduler.tick()).toBe(1);
    const row = await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } });
    expect(row.status).toBe('scheduled');
    expect(row.lastError).toMatch(/daily upload quota is used up/);
    const wait = row.nextAttemptAt.getTime() - clock.getTime();
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(25 * 3_600_000);
    await db.prisma.publication.update({ where: { id: pub.id }, data: { status: 'canceled' } });
  });

  it('a rejected video fails at once with YouTube’s reason', async () => {
    const { pub } = await scheduled(clock);
    yt.refuseWith = { status: 400, reason: 'invalidTitle' };
    expect(await scheduler.tick()).toBe(1);
    expect(await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } })).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed.at(-1)!.reason).toMatch(/YouTube rejected the video \(invalidTitle: refused: invalidTitle\)/);
  });

  it('never uses another chat’s account, and asks for relinking when the login is revoked', async () => {
    const { pub: foreign } = await scheduled(clock, accountId, { platform: 'telegram', chatId: '-999' });
    expect(await scheduler.tick()).toBe(1);
    expect(await db.prisma.publication.findUniqueOrThrow({ where: { id: foreign.id } })).toMatchObject({ status: 'failed' });
    expect(failed.at(-1)!.reason).toMatch(/no longer linked to this chat/);
    const { pub } = await scheduled(clock);
    yt.revokeAll();
    await db.prisma.linkedAccount.update({ where: { id: accountId }, data: { accessExpiresAt: new Date(clock.getTime() - 1000) } });
    expect(await scheduler.tick()).toBe(1);
    expect(await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } })).toMatchObject({ status: 'failed' });
    expect(failed.at(-1)!.advice).toMatch(/Link the account again with \/video connect youtube/);
  });
});
