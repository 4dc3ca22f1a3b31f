import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../core/config';
import { makeSealer } from '../../../core/seal';
import { schedulePublications } from '../../../db/repos/publications';
import { makeProviders, type ProviderId } from '../../../pipeline/publish/accounts/providers';
import { makeTestDatabase, testProvider, type TestDatabase } from '../../support/database';
import { startFakeTikTok, type FakeTikTok } from '../../support/fakes/tiktok';
import { startFakeYouTube, type FakeYouTube } from '../../support/fakes/youtube';
import { makeFinishedRun } from '../../support/publishing';
import { linkAccount } from '../../support/accounts';

const script = join(import.meta.dirname, '../../support/schedulerProcess.ts');
const MB = 1024 * 1024;
let db: TestDatabase;
let yt: FakeYouTube;
let tt: FakeTikTok;
let dir: string;
let env: Record<string, string>;
const accounts: Partial<Record<ProviderId, string>> = {};
const CHAT = { platform: 'telegram', chatId: '-100' };

function scheduler(mode: 'drain' | 'serve') {
  const child = spawn(process.execPath, ['--import', 'tsx', script, db.url, mode], { env: { ...process.env, ...env, LEASE_MS: '1500' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c) => (err += c));
  return {
    kill: () => child.kill('SIGKILL'),
    exited: new Promise<number | null>((r) => child.on('exit', r)).then((code) => {
      if (code !== 0 && code !== null) throw new Error(`scheduler failed: ${err.slice(-1500)}`);
    }),
  };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function due(provider: ProviderId, bytes: number) {
  const fin = await makeFinishedRun(db.prisma, dir, CHAT);
  writeFileSync(fin.files.mp4, randomBytes(bytes));
  await schedulePublications(db.prisma, { runId: fin.run.id, at: new Date(), requestedByUserId: 'u', targets: [{ target: provider, targetRef: accounts[provider]! }] });
  return { fin, pub: await db.prisma.publication.findFirstOrThrow({ where: { runId: fin.run.id } }) };
}
/** Kills the process that is uploading once the held chunk is in flight, then lets a new one finish. */
async function killMidUploadAndRestart(heldReached: () => boolean): Promise<void> {
  const first = scheduler('serve');
  await until('the held chunk', heldReached);
  first.kill();
  await first.exited;
  await until('the dead process’s lease to run out', leaseGone);
  await scheduler('drain').exited;
}
const leaseGone = async () => (await db.prisma.publication.count({ where: { status: 'posting', leaseUntil: { gte: new Date() } } })) === 0;

beforeAll(async () => {
  db = await makeTestDatabase();
  [yt, tt] = await Promise.all([startFakeYouTube(), startFakeTikTok()]);
  dir = mkdtempSync(join(tmpdir(), 'shortsmith-upcrash-'));
  env = {
    SECRET_KEY: 'u'.repeat(40), GOOGLE_CLIENT_ID: 'google-client', GOOGLE_CLIENT_SECRET: 'google-secret', GOOGLE_OAUTH_URL: yt.authorizeUrl, GOOGLE_TOKEN_URL: yt.tokenUrl, YOUTUBE_API_URL: yt.url,
    TIKTOK_CLIENT_KEY: 'tiktok-key', TIKTOK_CLIENT_SECRET: 'tiktok-secret', TIKTOK_AUTH_URL: tt.authorizeUrl, TIKTOK_API_URL: tt.url,
  };
  const providers = makeProviders(loadConfig(env));
  const sealer = makeSealer(env.SECRET_KEY!);
  for (const id of ['youtube', 'tiktok'] as const) accounts[id] = await linkAccount(db.prisma, sealer, providers[id], CHAT);
});
afterAll(async () => {
  await Promise.all([yt?.close(), tt?.close()]);
  await db?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe(`SIGKILL in the middle of a chunked upload: exactly one post after restart (${testProvider})`, () => {
  it('YouTube: the next process resumes the session from the byte YouTube confirmed', async () => {
    const { fin, pub } = await due('youtube', 1_100_000);
    yt.holdAtPut = yt.chunkPuts + 3;
    await killMidUploadAndRestart(() => yt.chunkPuts >= yt.holdAtPut!);
    const row = await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } });
    expect(row).toMatchObject({ status: 'posted', attempts: 2 });
    const upload = yt.videos.get(row.externalId!)!;
    expect(upload.bytes.equals(readFileSync(fin.files.mp4))).toBe(true);
    // One session; chunks 1 and 2 were not sent again: the resumed upload starts at the third.
    expect([...yt.uploads.values()].filter((u) => u.resource.snippet.title === upload.resource.snippet.title && u.size === 1_100_000)).toHaveLength(1);
    expect(upload.starts).toEqual([0, 256 * 1024, 512 * 1024, 768 * 1024, 1024 * 1024]);
  }, 60_000);

  it('TikTok: an upload that never completed is started again with a new init; one publish completes', async () => {
    const { fin, pub } = await due('tiktok', 21 * MB);
    const before = tt.publishes.size;
    tt.holdAtPut = tt.chunkPuts + 2;
    await killMidUploadAndRestart(() => tt.chunkPuts >= tt.holdAtPut!);
    const row = await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } });
    expect(row).toMatchObject({ status: 'posted', attempts: 2 });
    const made = [...tt.publishes.values()].slice(before);
    expect(made).toHaveLength(2);
    expect(made.map((p) => p.status)).toEqual(['PROCESSING_UPLOAD', 'PUBLISH_COMPLETE']);
    expect(made[1]!.bytes.equals(readFileSync(fin.files.mp4))).toBe(true);
    expect(row.externalId).toBe(made[1]!.postId);
  }, 60_000);
});
