import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext, CommandDeps } from '../../commands/context';
import { runCommand } from '../../commands/dispatch';
import { chatSettings } from '../../commands/manage';
import { listScheduled, scheduleLatest } from '../../commands/schedule';
import { handleButton, handleForm } from '../../commands/video';
import type { View } from '../../commands/view';
import { buttonId } from '../../commands/buttonIds';
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { makeOfflinePlanner } from '../../pipeline/plan/offline/offlinePlanner';
import { makeTargets } from '../../pipeline/publish/targets';
import { localSignals } from '../../pipeline/queue/jobs';
import { makeProviders } from '../../pipeline/publish/accounts/providers';
import { findBinaries } from '../../pipeline/render/binaries';
import { WorkerPool } from '../../pipeline/render/workers/pool';
import { makeTestDatabase, type TestDatabase } from '../support/database';
import { startFakeWebhook, type FakeWebhook } from '../support/fakes/webhook';
import { makeFinishedRun } from '../support/publishing';

const SECRET = 'whsec-commands-0123456789';
let db: TestDatabase;
let deps: CommandDeps;
let dir: string;
let hook: FakeWebhook;
let pokes = 0;
const clock = new Date('2026-12-06T18:12:00Z');
const pool = new WorkerPool();

const member = (chatId: string, userId = 'm1'): CommandContext => ({ platform: 'telegram', chatId, userId, userName: userId, isDM: false, canManage: false, roleIds: [] });
const admin = (chatId: string): CommandContext => ({ ...member(chatId, 'a1'), canManage: true });
const run = (ctx: CommandContext, fn: () => Promise<View> | View) => runCommand(deps, ctx, 'test', fn);
const pubsOf = (projectId: string) => db.prisma.publication.findMany({ where: { run: { projectId } }, orderBy: { target: 'asc' } });

function makeDeps(env: Record<string, string>): CommandDeps {
  const config = loadConfig({ DATA_DIR: dir, ...env });
  return {
    db: db.prisma, config, log: makeLogger('silent'), planner: makeOfflinePlanner(), pool,
    pokeQueue: () => undefined, abortLocal: () => undefined, jobs: localSignals, accounts: { sealer: null, providers: makeProviders(loadConfig({})) }, pokeScheduler: () => pokes++, clock: () => clock,
    targets: makeTargets({ senders: [], ffmpeg: findBinaries().ffmpeg, format: { width: 270, height: 480 }, publishDir: config.publish.dir, webhook: { secret: config.publish.webhookSecret, allowPrivate: config.publish.webhookAllowPrivate } }),
  };
}

beforeAll(async () => {
  db = await makeTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'shortsmith-sched-'));
  mkdirSync(join(dir, 'out'));
  hook = await startFakeWebhook(SECRET);
  deps = makeDeps({ PUBLISH_DIR: join(dir, 'out'), WEBHOOK_SECRET: SECRET, WEBHOOK_ALLOW_PRIVATE: 'true' });
});
afterAll(async () => {
  await hook.close();
  await pool.close();
  await db.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('scheduling from a chat', () => {
  it('lets only approvers schedule, and answers with the exact local and UTC time and the targets', async () => {
    const fin = await makeFinishedRun(db.prisma, dir, { platform: 'telegram', chatId: 'g1' });
    await chatSettings(deps, admin('g1'), { timezone: 'europe/berlin', publishChannelId: '@teamchannel' });
    const refused = await run(member('g1'), () => handleForm(deps, member('g1'), buttonId('schedule', fin.projectId), { when: 'tomorrow 18:00' }));
    expect(refused).toMatchObject({ ephemeral: true, text: expect.stringMatching(/Only people who can manage/) });
    expect(await pubsOf(fin.projectId)).toHaveLength(0);

    const form = await run(admin('g1'), () => handleButton(deps, admin('g1'), buttonId('schedule', fin.projectId)));
    expect(form.form?.fields.map((f) => f.key)).toEqual(['when', 'targets']);
    const done = await run(admin('g1'), () => handleForm(deps, admin('g1'), form.form!.id, { when: 'tomorrow 18:00', targets: '' }));
    expect(done.ephemeral).toBeFalsy();
    expect(done.text).toContain('Posts on Mon 7 Dec 2026, 18:00 (Europe/Berlin) — 2026-12-07 17:00 UTC.');
    expect(done.text).toMatch(/To: the publish channel \(@teamchannel\), the folder .*out\/telegram-g1\./);
    expect(done.buttons!.flat().map((b) => b.label)).toEqual(['📤 Post now', '🗓 Reschedule', '✖ Unschedule', '📋 Scheduled posts']);
    const pubs = await pubsOf(fin.projectId);
    expect(pubs.map((p) => [p.target, p.status, p.dueAt.toISOString()])).toEqual([
      ['chat', 'scheduled', '2026-12-07T17:00:00.000Z'], ['folder', 'scheduled', '2026-12-07T17:00:00.000Z'],
    ]);
    expect((await db.prisma.run.findUnique({ where: { id: fin.run.id } }))!.scheduledPublishAt!.toISOString()).toBe('2026-12-07T17:00:00.000Z');

    // Scheduling again moves the same rows: still one post per target.
    await run(admin('g1'), () => handleForm(deps, admin('g1'), form.form!.id, { when: 'fri 9am', targets: 'chat folder' }));
    expect((await pubsOf(fin.projectId)).map((p) => p.dueAt.toISOString())).toEqual(['2026-12-11T08:00:00.000Z', '2026-12-11T08:00:00.000Z']);
  });

  it('refuses bad times and targets clearly, and changes nothing', async () => {
    const fin = await makeFinishedRun(db.prisma, dir, { platform: 'telegram', chatId: 'g2' });
    await chatSettings(deps, admin('g2'), { publishChannelId: '@teamchannel' });
    const id = buttonId('schedule', fin.projectId);
    const answers: [Record<string, string>, RegExp][] = [
      [{ when: 'yesterday 10:00' }, /has already passed/],
      [{ when: 'whenever' }, /could not read “whenever” as a time/],
      [{ when: '2029-01-01 10:00' }, /more than a year ahead/],
      [{ when: '' }, /Say when to post/],
      [{ when: 'tomorrow 9am', targets: 'myspace' }, /do not know the target “myspace”/],
      [{ when: 'tomorrow 9am', targets: 'tiktok' }, /Posting to tiktok is not set up on this server/],
      [{ when: 'tomorrow 9am', targets: 'folder:/etc' }, /A chat names the target only/],
      [{ when: 'tomorrow 9am', targets: 'webhook' }, /No webhook URL is set for this chat/],
      [{ when: '{\\an8}\\N [0:v]drawtext' }, /could not read/],
    ];
    for (const [values, text] of answers) {
      const v = await run(admin('g2'), () => handleForm(deps, admin('g2'), id, values));
      expect(v.ephemeral).toBe(true);
      expect(v.text).toMatch(text);
    }
    expect(await pubsOf(fin.projectId)).toHaveLength(0);
  });

  it('says what to set up when there is nowhere to post', async () => {
    const fin = await makeFinishedRun(db.prisma, dir, { platform: 'telegram', chatId: 'g3' });
    const bare = makeDeps({});
    const v = await runCommand(bare, admin('g3'), 't', () => handleForm(bare, admin('g3'), buttonId('schedule', fin.projectId), { when: 'in 2h' }));
    expect(v.text).toMatch(/nowhere to post yet.*\/settings publish:@channel/);
    const chat = await runCommand(bare, admin('g3'), 't', () => handleForm(bare, admin('g3'), buttonId('schedule', fin.projectId), { when: 'in 2h', targets: 'chat' }));
    expect(chat.text).toMatch(/No publish channel is set/);
    const folder = await runCommand(bare, admin('g3'), 't', () => handleForm(bare, admin('g3'), buttonId('schedule', fin.projectId), { when: 'in 2h', targets: 'folder' }));
    expect(folder.text).toMatch(/PUBLISH_DIR/);
    await updateWebhook('g3', bare);
    const hookless = await runCommand(bare, admin('g3'), 't', () => handleForm(bare, admin('g3'), buttonId('schedule', fin.projectId), { when: 'in 2h', targets: 'webhook' }));
    expect(hookless.text).toMatch(/WEBHOOK_SECRET/);
    expect(await pubsOf(fin.projectId)).toHaveLength(0);
  });

  it('refuses unfinished videos and projects from another chat', async () => {
    const fin = await makeFinishedRun(db.prisma, dir, { platform: 'telegram', chatId: 'g4' });
    await db.prisma.run.update({ where: { id: fin.run.id }, data: { status: 'failed' } });
    const v = await run(admin('g4'), () => handleButton(deps, admin('g4'), buttonId('schedule', fin.projectId)));
    expect(v.text).toMatch(/cannot be scheduled: its render failed/);
    const other = await makeFinishedRun(db.prisma, dir, { platform: 'telegram', chatId: 'g5' });
    for (const action of ['schedule', 'postnow', 'unschedule', 'reschedule'] as const) {
      const foreign = await run(admin('g4'), () => handleButton(deps, admin('g4'), buttonId(action, other.projectId)));
      expect(foreign.text).toMatch(/no longer exists/);
    }
    expect(await run(admin('g4'), () => scheduleLatest(deps, admin('g4'), 'tomorrow 9am'))).toMatchObject({ text: expect.stringMatching(/cannot be scheduled: its render failed/) });
    expect(await run(admin('g9'), () => scheduleLatest(deps, admin('g9'), 'tomorrow 9am'))).toMatchObject({ text: expect.stringMatching(/no finished video in this chat/) });
  });

  it('lists what is due, and lets approvers post now, reschedule and unschedule', async () => {
    const fin = await makeFinishedRun(db.prisma, dir, { platform: 'telegram', chatId: 'g6' });
    await chatSettings(deps, admin('g6'), { publishChannelId: '-1009', timezone: 'America/New_York' });
    await run(admin('g6'), () => scheduleLatest(deps, admin('g6'), 'tomorrow 9am', 'chat'));
    const list = await run(member('g6'), () => listScheduled(deps, member('g6')));
    expect(list.text).toContain('1. Why octopuses have three hearts\n   Mon 7 Dec 2026, 09:00 (America/New_York) — 2026-12-07 14:00 UTC\n   → the publish channel (-1009)');
    const buttons = list.buttons!.flat();
    for (const b of buttons) {
      const refused = await run(member('g6'), () => handleButton(deps, member('g6'), b.id));
      expect(refused.text).toMatch(/Only people who can manage/);
    }
    const resched = await run(admin('g6'), () => handleButton(deps, admin('g6'), buttons.find((b) => /Reschedule/.test(b.label))!.id));
    expect(resched.form?.fields.map((f) => f.key)).toEqual(['when']);
    const moved = await run(admin('g6'), () => handleForm(deps, admin('g6'), resched.form!.id, { when: 'in 3 hours' }));
    expect(moved.text).toContain('Posts on Sun 6 Dec 2026, 16:12 (America/New_York) — 2026-12-06 21:12 UTC.');
    const before = pokes;
    const now = await run(admin('g6'), () => handleButton(deps, admin('g6'), buttons.find((b) => /Post 1 now/.test(b.label))!.id));
    expect(now.text).toMatch(/Posting .* now/);
    expect(pokes).toBe(before + 1);
    expect((await pubsOf(fin.projectId))[0]!.nextAttemptAt.toISOString()).toBe(clock.toISOString());
    const gone = await run(admin('g6'), () => handleButton(deps, admin('g6'), buttons.find((b) => /Unschedule/.test(b.label))!.id));
    expect(gone.text).toMatch(/Unscheduled 1 post/);
    expect((await pubsOf(fin.projectId))[0]!.status).toBe('canceled');
    expect((await db.prisma.run.findUnique({ where: { id: fin.run.id } }))!.scheduledPublishAt).toBeNull();
    expect((await run(admin('g6'), () => listScheduled(deps, admin('g6')))).text).toMatch(/Nothing is scheduled/);
  });

  it('checks publishing settings before saving them', async () => {
    const bad = await run(admin('s1'), () => chatSettings(deps, admin('s1'), { timezone: 'Mars/Base' }));
    expect(bad.text).toMatch(/timezone must be an IANA time zone/);
    const notUrl = await run(admin('s1'), () => chatSettings(deps, admin('s1'), { webhookUrl: 'ftp://example.com/x' }));
    expect(notUrl.text).toMatch(/must be an http\(s\) URL/);
    hook.next.push({ status: 404, body: 'The requested webhook "shorts" is not registered.' });
    const gone = await run(admin('s1'), () => chatSettings(deps, admin('s1'), { webhookUrl: `${hook.url}/webhook/shorts` }));
    expect(gone.text).toMatch(/answered HTTP 404: The requested webhook "shorts" is not registered/);
    const byMember = await run(member('s1'), () => chatSettings(deps, member('s1'), { webhookUrl: `${hook.url}/webhook/shorts` }));
    expect(byMember.text).toMatch(/Only people who can manage/);
    expect((await db.prisma.chatSettings.findFirst({ where: { chatId: 's1' } }))?.webhookUrl ?? null).toBeNull();
    const n = hook.deliveries.length;
    const ok = await run(admin('s1'), () => chatSettings(deps, admin('s1'), { webhookUrl: `${hook.url}/webhook/secret-path-123`, timezone: 'asia/tokyo' }));
    expect(hook.deliveries[n]).toMatchObject({ verified: true, metadata: { event: 'ping' } });
    expect(ok.text).toMatch(/Time zone: Asia\/Tokyo/);
    expect(ok.text).toMatch(/Webhook: 127\.0\.0\.1:\d+\n/);
    expect(ok.text).not.toContain('secret-path-123');
  });

  it('keeps webhooks off this machine and its networks unless the operator allows it', async () => {
    const guarded = makeDeps({ WEBHOOK_SECRET: SECRET });
    const n = hook.deliveries.length;
    for (const url of [`${hook.url}/webhook/x`, 'http://localhost:5678/webhook/x', 'http://169.254.169.254/latest/meta-data', 'http://[::1]:8080/x', 'http://10.1.2.3/x', 'http://[::ffff:192.168.1.1]/x']) {
      const v = await runCommand(guarded, admin('s2'), 't', () => chatSettings(guarded, admin('s2'), { webhookUrl: url }));
      expect(v.text, url).toMatch(/is a private address \(.*\), which webhooks may not reach.*WEBHOOK_ALLOW_PRIVATE=true/);
    }
    expect(hook.deliveries.length).toBe(n);
    const fin = await makeFinishedRun(db.prisma, dir, { platform: 'telegram', chatId: 's2' });
    await db.prisma.chatSettings.update({ where: { platform_chatId: { platform: 'telegram', chatId: 's2' } }, data: { webhookUrl: `${hook.url}/webhook/x` } }).catch(async () => {
      await db.prisma.chatSettings.create({ data: { platform: 'telegram', chatId: 's2', webhookUrl: `${hook.url}/webhook/x` } });
    });
    const v = await runCommand(guarded, admin('s2'), 't', () => handleForm(guarded, admin('s2'), buttonId('schedule', fin.projectId), { when: 'in 1h', targets: 'webhook' }));
    expect(v.text).toMatch(/is a private address/);
    expect(await pubsOf(fin.projectId)).toHaveLength(0);
  });
});

async function updateWebhook(chatId: string, d: CommandDeps): Promise<void> {
  await d.db.chatSettings.upsert({ where: { platform_chatId: { platform: 'telegram', chatId } }, create: { platform: 'telegram', chatId, webhookUrl: 'https://hooks.example.com/x' }, update: { webhookUrl: 'https://hooks.example.com/x' } });
}
