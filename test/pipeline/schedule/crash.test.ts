import { spawn, execFileSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { schedulePublications } from '../../../db/repos/publications';
import { artifactsSchema, toJson } from '../../../db/json';
import { makeTestDatabase, testProvider, type TestDatabase } from '../../support/database';
import { startFakeWebhook, type FakeWebhook } from '../../support/fakes/webhook';
import { makeFinishedRun } from '../../support/publishing';

const SECRET = 'whsec-crash-0123456789';
const script = join(import.meta.dirname, '../../support/schedulerProcess.ts');
let db: TestDatabase;
let hook: FakeWebhook;
let dir: string;
let out: string;

interface Child { exited: Promise<number | null>; lines: () => Record<string, unknown>[]; kill(): void }

function scheduler(mode: 'drain' | 'serve', env: Record<string, string> = {}): Child {
  const child = spawn(process.execPath, ['--import', 'tsx', script, db.url, mode], {
    env: { ...process.env, WEBHOOK_SECRET: SECRET, LEASE_MS: '1500', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c) => (stdout += c));
  child.stderr.on('data', (c) => (stderr += c));
  return {
    exited: new Promise((r) => child.on('exit', (code) => r(code))).then((code) => {
      if (code !== 0 && code !== null) throw new Error(`scheduler process failed (${code}): ${stderr.slice(-1500)}`);
      return code as number | null;
    }),
    lines: () => stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>),
    kill: () => child.kill('SIGKILL'),
  };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function due(targets: ('folder' | 'webhook')[]) {
  const fin = await makeFinishedRun(db.prisma, dir);
  await schedulePublications(db.prisma, { runId: fin.run.id, at: new Date(), requestedByUserId: 'u1', targets: targets.map((t) => ({ target: t, targetRef: t === 'folder' ? out : hook.url })) });
  return fin;
}

/** Waits until a dead process's claim on every post has run out. */
const leasesExpired = async () => (await db.prisma.publication.count({ where: { status: 'posting', leaseUntil: { gte: new Date() } } })) === 0;

beforeAll(async () => {
  db = await makeTestDatabase();
  hook = await startFakeWebhook(SECRET);
});
afterAll(async () => {
  await hook?.close();
  await db?.dispose();
});
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'shortsmith-crash-'));
  out = join(dir, 'out');
  mkdirSync(out);
  hook.next.length = 0;
  await db.prisma.publication.deleteMany();
});

describe(`publishing survives races and SIGKILL (${testProvider})`, () => {
  it('two scheduler processes racing post every publication exactly once', async () => {
    for (let i = 0; i < 6; i++) await due(['folder', 'webhook']);
    const before = hook.deliveries.length;
    const go = join(dir, 'go');
    // The race is over claims, not expiry: a long lease, so a slow CI machine cannot let a claim
    // run out mid-post (that is what the SIGKILL tests below exercise).
    const [a, b] = [scheduler('drain', { GO_FILE: go, LEASE_MS: '30000' }), scheduler('drain', { GO_FILE: go, LEASE_MS: '30000' })];
    await until('both processes', () => a.lines().length > 0 && b.lines().length > 0);
    writeFileSync(go, '');
    await Promise.all([a.exited, b.exited]);
    const posted = [...a.lines(), ...b.lines()].filter((l) => l.event === 'posted');
    expect(posted).toHaveLength(12);
    // Both took part (one claim each at least), and neither posted what the other did.
    expect(a.lines().some((l) => l.event === 'posted') && b.lines().some((l) => l.event === 'posted')).toBe(true);
    expect(new Set(posted.map((p) => p.id)).size).toBe(12);
    const rows = await db.prisma.publication.findMany();
    expect(rows.every((r) => r.status === 'posted' && r.attempts === 1)).toBe(true);
    const got = hook.deliveries.slice(before);
    expect(got).toHaveLength(6);
    expect(new Set(got.map((d) => d.key)).size).toBe(6);
    expect(readdirSync(out)).toHaveLength(6);
  }, 60_000);

  it('SIGKILL during a webhook post: after restart it is sent again at most once, with the same Idempotency-Key, and recorded as one post', async () => {
    const fin = await due(['webhook']);
    const pub = (await db.prisma.publication.findFirst({ where: { runId: fin.run.id } }))!;
    const before = hook.deliveries.length;
    hook.next.push('hang');
    const first = scheduler('serve');
    await until('the first delivery', () => hook.deliveries.length > before);
    first.kill();
    await first.exited;
    expect((await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } })).status).toBe('posting');
    await until('the dead process’s lease to run out', leasesExpired);
    const second = scheduler('drain');
    await second.exited;
    const got = hook.deliveries.slice(before);
    expect(got.map((d) => d.key)).toEqual([pub.id, pub.id]);
    expect(got.every((d) => d.verified)).toBe(true);
    expect([...hook.posts.keys()].filter((k) => k === pub.id)).toHaveLength(1);
    const row = await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } });
    expect(row).toMatchObject({ status: 'posted', attempts: 2 });
    expect(JSON.parse(row.handoffJson)).toEqual({ deliveries: 2 });
    // And nothing more, however often a scheduler looks.
    await scheduler('drain').exited;
    expect(hook.deliveries.length - before).toBe(2);
  }, 60_000);

  it('SIGKILL during a folder copy leaves exactly one complete set of files', async () => {
    const fin = await due(['folder']);
    // The video is a pipe the test feeds, so the copy stops halfway for as long as the test likes.
    const fifo = join(dir, 'slow.mp4');
    execFileSync('mkfifo', [fifo]);
    await db.prisma.run.update({ where: { id: fin.run.id }, data: { artifactsJson: toJson(artifactsSchema, { ...fin.run.artifacts, mp4Path: fifo }) } });
    const first = scheduler('serve');
    const feed = createWriteStream(fifo);
    feed.on('error', () => undefined);
    feed.write(randomBytes(256 * 1024));
    const partial = () => readdirSync(out).find((f) => f.endsWith('.partial'));
    await until('half a copy', () => Boolean(partial()) && existsSync(join(out, partial()!, 'video.mp4')) && statSync(join(out, partial()!, 'video.mp4')).size > 0);
    first.kill();
    await first.exited;
    feed.destroy();
    expect(readdirSync(out).filter((f) => !f.startsWith('.'))).toEqual([]);

    writeFileSync(fin.files.mp4, randomBytes(400_000));
    await db.prisma.run.update({ where: { id: fin.run.id }, data: { artifactsJson: toJson(artifactsSchema, fin.run.artifacts) } });
    await until('the dead process’s lease to run out', leasesExpired);
    await scheduler('drain').exited;
    const entries = readdirSync(out);
    expect(entries).toHaveLength(1);
    expect(entries[0]).not.toMatch(/^\./);
    expect(readdirSync(join(out, entries[0]!)).sort()).toEqual(['captions.srt', 'metadata.json', 'thumbnail.jpg', 'video.mp4']);
    expect(readFileSync(join(out, entries[0]!, 'video.mp4')).equals(readFileSync(fin.files.mp4))).toBe(true);
    expect(await db.prisma.publication.findFirst({ where: { runId: fin.run.id } })).toMatchObject({ status: 'posted', attempts: 2 });
  }, 60_000);
});
