import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { makeLogger } from '../../../core/logger';
import { getRun } from '../../../db/repos/runs';
import { listRunPublications, schedulePublications } from '../../../db/repos/publications';
import { makeTargets } from '../../../pipeline/publish/targets';
import { PublishScheduler, type SchedulerEvents } from '../../../pipeline/schedule/scheduler';
import { findBinaries } from '../../../pipeline/render/binaries';
import { makeTestDatabase, type TestDatabase } from '../../support/database';
import { startFakeWebhook, type FakeWebhook } from '../../support/fakes/webhook';
import { makeFinishedRun } from '../../support/publishing';

const SECRET = 'whsec-test-0123456789';
let db: TestDatabase;
let hook: FakeWebhook;
let dir: string;
let out: string;
let clock: Date;
let scheduler: PublishScheduler;
const events: { kind: keyof SchedulerEvents; data: SchedulerEvents[keyof SchedulerEvents][0] }[] = [];

const minutes = (n: number) => n * 60_000;
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));

function makeScheduler(): PublishScheduler {
  const targets = makeTargets({ senders: [], ffmpeg: findBinaries().ffmpeg, format: { width: 270, height: 480 }, webhook: { secret: SECRET, timeoutMs: 5000, allowPrivate: true } });
  const s = new PublishScheduler({ db: db.prisma, log: makeLogger('silent'), targets, now: () => clock }, { leaseMs: 5000 });
  s.on('posted', (data) => events.push({ kind: 'posted', data }));
  s.on('retry', (data) => events.push({ kind: 'retry', data }));
  s.on('failed', (data) => events.push({ kind: 'failed', data }));
  return s;
}

async function finishedRunFor(targets: ('folder' | 'webhook')[], at: Date) {
  const fin = await makeFinishedRun(db.prisma, dir);
  await schedulePublications(db.prisma, {
    runId: fin.run.id, at, requestedByUserId: 'u1',
    targets: targets.map((t) => ({ target: t, targetRef: t === 'folder' ? out : hook.url })),
  });
  return fin;
}

beforeAll(async () => {
  db = await makeTestDatabase();
  hook = await startFakeWebhook(SECRET);
});
afterAll(async () => {
  await hook?.close();
  await db?.dispose();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'shortsmith-pub-'));
  out = join(dir, 'out');
  mkdirSync(out);
  clock = new Date('2026-12-06T10:00:00Z');
  events.length = 0;
  hook.next.length = 0;
  scheduler = makeScheduler();
});
afterEach(async () => {
  await scheduler.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('the publish scheduler (controllable clock)', () => {
  it('posts to a folder and a webhook once each, only when due, and marks the run published', async () => {
    const fin = await finishedRunFor(['folder', 'webhook'], new Date(clock.getTime() + minutes(10)));
    const before = hook.deliveries.length;
    expect(await scheduler.tick()).toBe(0);
    advance(minutes(9));
    expect(await scheduler.tick()).toBe(0);
    expect(hook.deliveries.length).toBe(before);
    advance(minutes(1));
    expect(await scheduler.tick()).toBe(2);
    expect(await scheduler.tick()).toBe(0);
    advance(minutes(60));
    expect(await scheduler.tick()).toBe(0);

    const pubs = await listRunPublications(db.prisma, fin.run.id);
    expect(pubs.map((p) => [p.target, p.status, p.attempts])).toEqual(expect.arrayContaining([['folder', 'posted', 1], ['webhook', 'posted', 1]]));
    const run = await getRun(db.prisma, fin.run.id);
    expect(run.scheduledPublishAt?.toISOString()).toBe('2026-12-06T10:10:00.000Z');
    expect(run.publishedAt?.toISOString()).toBe('2026-12-06T10:10:00.000Z');
    expect(run.postedAt?.toISOString()).toBe('2026-12-06T10:10:00.000Z');

    // The folder: one complete set, named by the publication, nothing half-written beside it.
    const folderPub = pubs.find((p) => p.target === 'folder')!;
    expect(readdirSync(out)).toEqual([folderPub.externalId]);
    const entry = join(out, folderPub.externalId!);
    expect(entry).toContain(folderPub.id);
    expect(readdirSync(entry).sort()).toEqual(['captions.srt', 'metadata.json', 'thumbnail.jpg', 'video.mp4']);
    expect(readFileSync(join(entry, 'video.mp4')).equals(readFileSync(fin.files.mp4))).toBe(true);
    const meta = JSON.parse(readFileSync(join(entry, 'metadata.json'), 'utf8'));
    expect(meta).toMatchObject({ publicationId: folderPub.id, runId: fin.run.id, projectId: fin.projectId, title: 'Why octopuses have three hearts', hashtags: ['#octopus', '#science'], durationSec: 2, scheduledFor: '2026-12-06T10:10:00.000Z' });
    expect(meta.caption).toMatch(/#octopus/);

    // The webhook: one signed multipart delivery keyed by the publication id.
    const webPub = pubs.find((p) => p.target === 'webhook')!;
    const got = hook.deliveries.slice(before);
    expect(got).toHaveLength(1);
    expect(got[0]!.key).toBe(webPub.id);
    expect(got[0]!.verified).toBe(true);
    expect(got[0]!.parts.map((p) => p.name)).toEqual(['metadata', 'video', 'thumbnail']);
    expect(got[0]!.parts[1]!.data.equals(readFileSync(fin.files.mp4))).toBe(true);
    expect(got[0]!.metadata).toMatchObject({ event: 'video.published', publicationId: webPub.id, caption: expect.stringContaining('#science') });
    expect(webPub.externalId).toMatch(/^post-\d+$/);
    expect(events.filter((e) => e.kind === 'posted')).toHaveLength(2);
  });

  it('retries after 1, 5 and 30 minutes, then gives up and says why', async () => {
    const fin = await finishedRunFor(['webhook'], clock);
    hook.next.push({ status: 503 }, { status: 502 }, { status: 500 }, { status: 503, body: 'n8n is restarting' });
    const before = hook.deliveries.length;
    expect(await scheduler.tick()).toBe(1);
    const waits = [1, 5, 30];
    for (const wait of waits) {
      const retry = events.at(-1)!;
      expect(retry.kind).toBe('retry');
      expect((retry.data as SchedulerEvents['retry'][0]).nextAttemptAt.getTime() - clock.getTime()).toBe(minutes(wait));
      advance(minutes(wait) - 1000);
      expect(await scheduler.tick()).toBe(0);
      advance(1000);
      expect(await scheduler.tick()).toBe(1);
    }
    expect(hook.deliveries.length - before).toBe(4);
    const failed = events.at(-1)!;
    expect(failed.kind).toBe('failed');
    const f = failed.data as SchedulerEvents['failed'][0];
    expect(f.reason).toMatch(/answered HTTP 503: n8n is restarting \(after 4 tries\)/);
    expect(f.advice).toMatch(/Post now/);
    const [pub] = await listRunPublications(db.prisma, fin.run.id);
    expect(pub).toMatchObject({ status: 'failed', attempts: 4 });
    expect((await getRun(db.prisma, fin.run.id)).publishedAt).toBeNull();
    // Nothing more happens on its own.
    advance(minutes(600));
    expect(await scheduler.tick()).toBe(0);
  });

  it('fails at once on a 4xx, with the receiver’s answer in the reason', async () => {
    const fin = await finishedRunFor(['webhook'], clock);
    hook.next.push({ status: 410, body: 'This webhook is not registered' });
    expect(await scheduler.tick()).toBe(1);
    const [pub] = await listRunPublications(db.prisma, fin.run.id);
    expect(pub).toMatchObject({ status: 'failed', attempts: 1 });
    expect(pub!.lastError).toMatch(/HTTP 410: This webhook is not registered/);
    expect((events.at(-1)!.data as SchedulerEvents['failed'][0]).advice).toMatch(/workflow active/);
  });

  it('catches up at start-up after downtime and reports how late each post went out', async () => {
    await finishedRunFor(['folder'], new Date(clock.getTime() - minutes(185)));
    scheduler.start();
    await new Promise((r) => setTimeout(r, 50));
    await scheduler.idle();
    const posted = events.find((e) => e.kind === 'posted')!.data as SchedulerEvents['posted'][0];
    expect(posted.lateMs).toBe(minutes(185));
    expect(readdirSync(out)).toHaveLength(1);
  });

  it('treats a missing video as a failure to fix, not to retry', async () => {
    const fin = await finishedRunFor(['folder'], clock);
    rmSync(fin.files.mp4);
    expect(await scheduler.tick()).toBe(1);
    const f = events.at(-1)!;
    expect(f.kind).toBe('failed');
    expect((f.data as SchedulerEvents['failed'][0]).reason).toMatch(/video is missing/);
    expect(existsSync(out) && readdirSync(out)).toEqual([]);
  });
});
