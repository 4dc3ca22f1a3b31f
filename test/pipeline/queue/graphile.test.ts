import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeLogger } from '../../../core/logger';
import { createPlanVersion } from '../../../db/repos/planVersions';
import { createProject } from '../../../db/repos/projects';
import { getRun, queueRunForPlan } from '../../../db/repos/runs';
import { registerWorkerNode } from '../../../db/repos/workerNodes';
import { GraphileQueue, migrateJobQueue } from '../../../pipeline/queue/graphile';
import { graphileSignals } from '../../../pipeline/queue/jobs';
import { fallbackNotes } from '../../../commands/runViews';
import { RenderRunner, requestCancel } from '../../../pipeline/render/runner';
import { makeTestDatabase, testProvider, type TestDatabase } from '../../support/database';
import { SHORT_SCENES } from '../../support/render';
import { makeFinishedRun } from '../../support/publishing';
import { startFakeOpenAI } from '../../support/fakes/openai';
import { schedulePublications } from '../../../db/repos/publications';

const script = join(import.meta.dirname, '../../support/queueWorkerProcess.ts');
let db: TestDatabase;
let dataDir: string;

interface Line { event: string; worker: string; t: number; runId?: string; step?: string }
interface Worker { lines: () => Line[]; exited: Promise<number | null>; kill(signal?: NodeJS.Signals): void; pid: number }

function worker(env: Record<string, string> = {}): Worker {
  // Offline unless a test names a fake AI server.
  env = { OPENAI_API_KEY: '', OPENAI_BASE_URL: '', ...env };
  const child = spawn(process.execPath, ['--import', 'tsx', script, dataDir, db.url], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => (out += c));
  child.stderr.on('data', (c) => (err += c));
  return {
    lines: () => out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line),
    exited: new Promise((r) => child.on('exit', (code) => r(code))).then((code) => {
      if (code !== 0 && code !== null) throw new Error(`worker failed (${code}): ${err.slice(-1500)}`);
      return code as number | null;
    }),
    kill: (signal = 'SIGTERM') => child.kill(signal),
    pid: child.pid!,
  };
}

async function until<T>(what: string, check: () => T | Promise<T>, timeoutMs = 60_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const TINY = [{ narrationText: 'Octopuses have three hearts.', onScreenText: 'HEARTS', effectPreset: 'slow_zoom_in' }];
const LONG = Array.from({ length: 4 }, (_, i) => ({ ...SHORT_SCENES[i % 3]!, narrationText: `${SHORT_SCENES[i % 3]!.narrationText} And then the story goes on for a while, with more to say about it.` }));

/** A PLAN_READY project in `chatId` (PostgreSQL queue tests are per chat). */
async function plan(chatId: string, scenes = TINY) {
  const project = await createProject(db.prisma, { platform: 'telegram', chatId, ownerUserId: 'u', title: `Hearts ${chatId}`, topic: 'why octopuses have three hearts', nichePackId: 'science' });
  const pv = await createPlanVersion(db.prisma, project.id, {
    hookOptions: ['Octopuses have three hearts.'], hookSelected: 'Octopuses have three hearts.',
    scenes: scenes.map((s) => ({ ...s, visualPrompt: `picture of ${s.onScreenText}`, negativePrompt: 'text', durationTargetSec: 2 })),
  }, 'PLAN_READY');
  return { projectId: project.id, planVersionId: pv.id };
}
const approve = async (chatId: string, scenes = TINY) => queueRunForPlan(db.prisma, { ...(await plan(chatId, scenes)), requestedByUserId: 'u' }, undefined, graphileSignals.runQueued);
const jobsFor = async (runId: string) => Number((await db.pool!.query(`SELECT count(*) FROM graphile_worker.jobs WHERE key = $1`, [runId])).rows[0].count);

describe.skipIf(testProvider !== 'postgresql')('the render queue on graphile-worker (PostgreSQL)', () => {
  beforeAll(async () => {
    db = await makeTestDatabase();
    await migrateJobQueue(db.pool!, makeLogger('silent'));
    dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-queue-'));
  });
  afterAll(async () => {
    await db?.dispose();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('approve racing 20 times makes one run and one job', async () => {
    const ids = await plan('race');
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => queueRunForPlan(db.prisma, { ...ids, requestedByUserId: 'u' }, undefined, graphileSignals.runQueued)));
    const made = results.filter((r) => r.status === 'fulfilled');
    expect(made).toHaveLength(1);
    expect(await db.prisma.run.count({ where: { projectId: ids.projectId } })).toBe(1);
    expect(await jobsFor((made[0] as PromiseFulfilledResult<{ id: string }>).value.id)).toBe(1);
    expect(Number((await db.pool!.query(`SELECT count(*) FROM graphile_worker.jobs`)).rows[0].count)).toBe(1);
    await db.pool!.query(`SELECT graphile_worker.remove_job($1)`, [(made[0] as PromiseFulfilledResult<{ id: string }>).value.id]);
    await db.prisma.run.deleteMany();
  });

  it('two workers drain 30 runs from 5 chats: each once, never two at once, chats interleaved', async () => {
    const runs = [];
    for (let i = 0; i < 30; i++) runs.push(await approve(`chat${i % 5}`));
    const [a, b] = [worker(), worker()];
    try {
      await until('every run done', async () => (await db.prisma.run.count({ where: { status: 'done' } })) === 30, 240_000);
      // Each job completes once its task returns, a moment after its run is done.
      await until('every job completed', async () => Number((await db.pool!.query(`SELECT count(*) FROM graphile_worker.jobs`)).rows[0].count) === 0, 10_000);
    } finally {
      a.kill();
      b.kill();
      await Promise.all([a.exited, b.exited]);
    }
    const lines = [...a.lines(), ...b.lines()];
    const starts = lines.filter((l) => l.event === 'start');
    const dones = lines.filter((l) => l.event === 'done');
    expect(dones).toHaveLength(30);
    expect(new Set(dones.map((d) => d.runId)).size).toBe(30);
    expect(starts).toHaveLength(30);
    for (const r of runs) expect((await getRun(db.prisma, r.id)).attempt).toBe(1);
    // Both workers rendered; a chat's runs never overlapped (one queue per chat).
    expect(new Set(dones.map((d) => d.worker)).size).toBe(2);
    const chatOf = new Map(await Promise.all(runs.map(async (r) => [r.id, (await db.prisma.project.findUniqueOrThrow({ where: { id: r.projectId } })).chatId] as const)));
    const spans = starts.map((s) => ({ chat: chatOf.get(s.runId!)!, from: s.t, to: dones.find((d) => d.runId === s.runId)!.t }));
    for (const x of spans) for (const y of spans) if (x !== y && x.chat === y.chat) expect(x.to <= y.from || y.to <= x.from, `${JSON.stringify(x)} overlaps ${JSON.stringify(y)}`).toBe(true);
    // Interleaved: the first ten to finish come from at least four chats, not one chat after another.
    const firstTen = [...dones].sort((x, y) => x.t - y.t).slice(0, 10).map((d) => chatOf.get(d.runId!));
    expect(new Set(firstTen).size, firstTen.join(' ')).toBeGreaterThanOrEqual(4);
    expect(Number((await db.pool!.query(`SELECT count(*) FROM graphile_worker.jobs WHERE locked_at IS NULL`)).rows[0].count)).toBe(0);
  }, 300_000);

  it('a worker killed with SIGKILL mid-run: its run finishes on the next one from its last finished step', async () => {
    const run = await approve('crash', LONG);
    const a = worker();
    await until('the encode to start', () => a.lines().some((l) => l.event === 'step' && l.step === 'ffmpeg_render'));
    const before = await getRun(db.prisma, run.id);
    expect(before.status).toBe('running');
    a.kill('SIGKILL');
    await a.exited;
    const killedAt = Date.now();
    const b = worker();
    try {
      await until('the run to finish', async () => (await getRun(db.prisma, run.id)).status === 'done', 60_000);
    } finally {
      b.kill();
      await b.exited;
    }
    expect(Date.now() - killedAt).toBeLessThan(60_000);
    const after = await getRun(db.prisma, run.id);
    // The steps finished before the crash were not done again.
    for (const step of ['tts_generate', 'asr_align', 'images_generate', 'captions_build', 'music_build'] as const) {
      expect(after.resumeState.steps[step]?.finishedAt).toBe(before.resumeState.steps[step]?.finishedAt);
    }
    expect(b.lines().find((l) => l.event === 'start')?.step).toBe('ffmpeg_render');
    expect(after.logs.some((l) => /resumes from its last finished step/.test(l.message))).toBe(true);
    expect(after.attempt).toBe(2);
  }, 120_000);

  it('cancel from the bot process stops the run on a worker within 2 s', async () => {
    const run = await approve('cancel', LONG);
    const w = worker();
    try {
      await until('the render to run', () => w.lines().some((l) => l.event === 'step' && l.runId === run.id));
      const asked = Date.now();
      expect(await requestCancel({ db: db.prisma }, run.id)).toBe('stopping');
      await until('the worker to stop it', () => w.lines().find((l) => l.event === 'canceled' && l.runId === run.id), 10_000);
      expect(Date.now() - asked).toBeLessThan(2000);
      expect((await getRun(db.prisma, run.id)).status).toBe('canceled');
    } finally {
      w.kill();
      await w.exited;
    }
  }, 60_000);

  it('a voice service that is down or refuses never fails a run: it finishes on its first attempt with the offline voice', async () => {
    let mode: 'flaky' | 'refuse' = 'flaky';
    const fake = await startFakeOpenAI((req, res) => {
      if (req.path !== '/v1/audio/speech') return false;
      const [status, message] = mode === 'refuse' ? [401, 'Incorrect API key provided'] : [503, 'overloaded'];
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message } }));
      return true;
    });
    const w = worker({ OPENAI_API_KEY: 'sk-test-queue-0123456789abcdef', OPENAI_BASE_URL: fake.baseURL, IMAGE_ENGINE: 'offline', TRANSCRIBE_ENGINE: 'offline' });
    try {
      for (const [label, reason] of [['flaky', /HTTP 503: overloaded/], ['refuse', /HTTP 401: Incorrect API key provided/]] as const) {
        mode = label === 'flaky' ? 'flaky' : 'refuse';
        const run = await approve(label, [{ ...TINY[0]!, narrationText: `${label === 'flaky' ? 'Octopuses' : 'Squids'} have three hearts.` }]);
        await until(`the ${label} run to finish`, async () => (await getRun(db.prisma, run.id)).status === 'done', 60_000);
        const done = await getRun(db.prisma, run.id);
        expect(done.attempt).toBe(1);
        expect(fallbackNotes(done)).toEqual([expect.stringMatching(reason)]);
        await until('its job to complete', async () => (await jobsFor(run.id)) === 0, 5000);
      }
    } finally {
      w.kill();
      await w.exited;
      await fake.close();
    }
  }, 90_000);

  it('a scheduled post is woken by its job at its time (no minute tick running), once', async () => {
    const out = join(dataDir, 'posts');
    mkdirSync(out);
    const fin = await makeFinishedRun(db.prisma, dataDir, { platform: 'telegram', chatId: 'posts' });
    const due = new Date(Date.now() + 2500);
    await schedulePublications(db.prisma, { runId: fin.run.id, at: due, requestedByUserId: 'u', targets: [{ target: 'folder', targetRef: out }] });
    const pub = (await db.prisma.publication.findFirstOrThrow({ where: { runId: fin.run.id } }));
    await graphileSignals.publicationsChanged(db.prisma, [pub.id]);
    expect(await jobsFor(pub.id)).toBe(1);
    const w = worker();
    try {
      const posted = await until('the post', () => w.lines().find((l) => l.event === 'posted'), 20_000);
      expect(posted.t).toBeGreaterThanOrEqual(due.getTime());
      expect(posted.t - due.getTime()).toBeLessThan(5000);
    } finally {
      w.kill();
      await w.exited;
    }
    expect(readdirSync(out)).toHaveLength(1);
    expect(await db.prisma.publication.findUniqueOrThrow({ where: { id: pub.id } })).toMatchObject({ status: 'posted', attempts: 1 });
    await until('its job to be gone', async () => (await jobsFor(pub.id)) === 0, 5000);
  }, 60_000);

  it('a peer silent for longer than the limit is dead: its runs and jobs are taken back', async () => {
    const run = await approve('silent');
    // A worker on another machine claimed it and went quiet (its job stays locked by its pool).
    await db.pool!.query(`UPDATE graphile_worker._private_jobs SET locked_by = 'pool-elsewhere', locked_at = now() WHERE key = $1`, [run.id]);
    await db.prisma.run.update({ where: { id: run.id }, data: { status: 'running', claimedBy: 'elsewhere:4242', heartbeatAt: new Date(Date.now() - 60_000) } });
    await registerWorkerNode(db.prisma, { id: 'elsewhere:4242', host: 'elsewhere', pid: 4242, jobPoolId: 'pool-elsewhere' });
    await db.prisma.workerNode.update({ where: { id: 'elsewhere:4242' }, data: { heartbeatAt: new Date(Date.now() - 60_000) } });
    const services = { db: db.prisma, log: makeLogger('silent'), config: { render: { concurrency: 1 }, dataDir } } as unknown as ConstructorParameters<typeof RenderRunner>[0];
    const runner = new RenderRunner(services, { mode: 'jobs', workerId: 'here:1' });
    const queue = new GraphileQueue({ db: db.prisma, pool: db.pool!, runner, log: makeLogger('silent'), concurrency: 1, staleAfterMs: 30_000 });
    expect(await queue.sweep()).toEqual([run.id]);
    expect(await getRun(db.prisma, run.id)).toMatchObject({ status: 'queued', claimedBy: null });
    const job = (await db.pool!.query(`SELECT locked_by FROM graphile_worker._private_jobs WHERE key = $1`, [run.id])).rows;
    expect(job).toEqual([{ locked_by: null }]);
    expect(await db.prisma.workerNode.count({ where: { id: 'elsewhere:4242' } })).toBe(0);
  });
});
