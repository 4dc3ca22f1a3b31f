import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext, CommandDeps } from '../../commands/context';
import { runCommand } from '../../commands/dispatch';
import { chatSettings } from '../../commands/manage';
import { chatStats, recordStats } from '../../commands/stats';
import { createVideo } from '../../commands/video';
import type { View } from '../../commands/view';
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { createPlanVersion } from '../../db/repos/planVersions';
import { createProject } from '../../db/repos/projects';
import { queueRunForPlan } from '../../db/repos/runs';
import { parseStatsSet } from '../../bot/telegram/bot';
import { makeOfflinePlanner } from '../../pipeline/plan/offline/offlinePlanner';
import { makeProviders } from '../../pipeline/publish/accounts/providers';
import { makeTargets } from '../../pipeline/publish/targets';
import { localSignals } from '../../pipeline/queue/jobs';
import { findBinaries } from '../../pipeline/render/binaries';
import { CHART_SIZE } from '../../pipeline/stats/chart';
import { compact, hookStyle, insights, summarize } from '../../pipeline/stats/summary';
import { WorkerPool } from '../../pipeline/render/workers/pool';
import { makeTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let deps: CommandDeps;
let dataDir: string;
let now = new Date('2026-12-01T12:00:00Z');
const pool = new WorkerPool();
const chat = (chatId: string, canManage = true): CommandContext => ({ platform: 'telegram', chatId, userId: canManage ? 'boss' : 'member', userName: 'x', isDM: false, canManage, roleIds: [] });
const run = (ctx: CommandContext, fn: () => Promise<View> | View) => runCommand(deps, ctx, 'test', fn);

/** A finished video in `chatId`, posted at `postedAt` (UTC). */
async function finishedVideo(chatId: string, opts: { title: string; hook: string; niche?: string; length?: number; template?: string; postedAt: string }): Promise<string> {
  const project = await createProject(db.prisma, { platform: 'telegram', chatId, ownerUserId: 'u', title: opts.title, topic: opts.title, nichePackId: opts.niche ?? 'facts', targetLengthSec: opts.length ?? 60 });
  const plan = await createPlanVersion(db.prisma, project.id, {
    hookOptions: [opts.hook], hookSelected: opts.hook, scriptTemplateId: opts.template ?? 'free_form',
    scenes: [{ narrationText: opts.hook, durationTargetSec: 5 }],
  }, 'PLAN_READY');
  const queued = await queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: plan.id, requestedByUserId: 'u' });
  await db.prisma.run.update({ where: { id: queued.id }, data: { status: 'done', createdAt: new Date(opts.postedAt) } });
  await db.prisma.publication.create({ data: { runId: queued.id, target: 'chat', dueAt: new Date(opts.postedAt), nextAttemptAt: new Date(opts.postedAt), status: 'posted', postedAt: new Date(opts.postedAt) } });
  return queued.id;
}

beforeAll(async () => {
  db = await makeTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-stats-'));
  const config = loadConfig({ DATA_DIR: dataDir });
  deps = {
    db: db.prisma, config, log: makeLogger('silent'), planner: makeOfflinePlanner(), pool,
    pokeQueue: () => undefined, abortLocal: () => undefined, jobs: localSignals, accounts: { sealer: null, providers: makeProviders(config) },
    targets: makeTargets({ senders: [], ffmpeg: findBinaries().ffmpeg, format: { width: 270, height: 480 }, webhook: {} }),
    pokeScheduler: () => undefined, clock: () => now,
  };
});
afterAll(async () => {
  await pool.close();
  await db.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('what wins, on a fixed set of videos', () => {
  const at = (h: number) => new Date(Date.UTC(2026, 10, 20, h));
  const videos = [
    { views: 1000, likes: 50, hook: 'Why do cats purr? Here is why.', postedAt: at(17) },
    { views: 3000, likes: 300, hook: 'What is a black hole? Let us see.', postedAt: at(18) },
    { views: 5000, likes: 250, hook: 'Is coffee bad for you?', postedAt: at(19) },
    { views: 200, likes: 2, hook: 'Five facts about bees, and number one is wild.', postedAt: at(7) },
    { views: 400, likes: 4, hook: '3 ways to sleep better tonight.', postedAt: at(7) },
    { views: 600, likes: 6, hook: 'Top five castles, ranked.', postedAt: at(6) },
    { views: 9000, likes: 90, hook: 'The Roman empire never really fell.', postedAt: at(22) },
  ].map((v) => ({ ...v, template: 'free_form', nichePackId: 'facts', lengthSec: 60 }));

  it('reads hook styles', () => {
    expect(videos.map((v) => hookStyle(v.hook))).toEqual(['question', 'question', 'question', 'number', 'number', 'number', 'claim']);
    expect(hookStyle('You have been told the wrong story about cats.')).toBe('you');
  });

  it('gives each figure with the videos it rests on, and says when there are too few to tell', () => {
    const dims = summarize(videos, 'Europe/Berlin');
    const hook = dims.find((d) => d.name === 'hook')!;
    expect(hook.groups.map((g) => [g.key, g.videos, g.medianViews])).toEqual([['claim', 1, 9000], ['question', 3, 3000], ['number', 3, 400]]);
    expect(hook.best?.key).toBe('question');
    expect(hook.groups.find((g) => g.key === 'question')!.likeRate).toBeCloseTo(600 / 9000, 6);
    // Posting times in Berlin (UTC+1 in November): 17-19 UTC → 18:00–21:00, 07-08 UTC → 06:00–09:00, 22 UTC → 23:00.
    const hour = dims.find((d) => d.name === 'hour')!;
    expect(hour.groups.map((g) => [g.label, g.videos, g.medianViews])).toEqual([['21:00–00:00', 1, 9000], ['18:00–21:00', 3, 3000], ['06:00–09:00', 3, 400]]);
    expect(insights(dims)).toEqual([
      'Question hooks do best: a median of 3k views over 3 videos (number hooks: 400 over 3 videos).',
      'Explainers do best: a median of 1k views over 7 videos.',
      'Facts do best: a median of 1k views over 7 videos.',
      '60 s videos do best: a median of 1k views over 7 videos.',
      '18:00–21:00 do best: a median of 3k views over 3 videos (06:00–09:00: 400 over 3 videos).',
    ]);
    expect(insights(summarize(videos.slice(0, 2), 'UTC'))[0]).toBe('Hooks: too few videos to tell yet (question hooks: 2; 3 of a kind needed).');
    expect([950, 1000, 12_400, 1_234_567, 45_000_000].map(compact)).toEqual(['950', '1k', '12k', '1.2M', '45M']);
  });
});

describe('/video stats in a chat', () => {
  it('records numbers by hand, refuses bad ones without changing anything, and keeps every reading', async () => {
    const runId = await finishedVideo('c1', { title: 'Why cats purr', hook: 'Why do cats purr?', postedAt: '2026-11-30T18:00:00Z' });
    const readings = () => db.prisma.statReading.count({ where: { runId } });
    const refused: [Record<string, unknown>, RegExp][] = [
      [{ views: '-5' }, /must be a whole number/],
      [{ views: 'lots' }, /must be a whole number \(like 1200, 1.2k or 3M\), not "lots"/],
      [{ views: '20000000000' }, /more than any video has had/],
      [{ views: '100', likes: '500' }, /500 likes is more than 100 views/],
      [{ views: '100', platform: 'myspace' }, /Platform must be one of: tiktok, youtube, instagram, chat, other/],
      [{ views: '100', video: '4' }, /from 1 \(the newest\) to 1/],
      [{}, /Give the views/],
    ];
    for (const [raw, why] of refused) expect((await run(chat('c1'), () => recordStats(deps, chat('c1'), raw))).text, JSON.stringify(raw)).toMatch(why);
    expect((await run(chat('c1', false), () => recordStats(deps, chat('c1', false), { views: '10' }))).text).toMatch(/Only people who can manage/);
    expect(await readings()).toBe(0);
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).views).toBeNull();

    now = new Date('2026-12-01T12:00:00Z');
    const first = await run(chat('c1'), () => recordStats(deps, chat('c1'), { views: '1.2k', likes: '80', platform: 'instagram' }));
    expect(first.text).toContain('Recorded for “Why cats purr” on Instagram: 1,200 views, 80 likes.');
    now = new Date('2026-12-02T12:00:00Z');
    await run(chat('c1'), () => recordStats(deps, chat('c1'), { views: '1500', likes: '90', platform: 'instagram' }));
    const third = await run(chat('c1'), () => recordStats(deps, chat('c1'), { views: '300', likes: '10', platform: 'chat', comments: '4' }));
    expect(third.text).toContain('All platforms now: 1,800 views, 100 likes.');
    // Every reading is a row; the run holds the latest totals across platforms.
    expect(await readings()).toBe(3);
    expect(await db.prisma.run.findUniqueOrThrow({ where: { id: runId }, select: { views: true, likes: true } })).toEqual({ views: 1800, likes: 100 });
    const stats = await run(chat('c1'), () => chatStats(deps, chat('c1')));
    expect(stats.text).toContain('1. Why cats purr — 1.8k views (+600 in a day), 100 likes · Instagram, the chat');
  });

  it('shows the team its numbers, what wins, and a chart sized for a phone', async () => {
    const hooks = ['Why do cats purr?', 'What is a black hole?', 'Is coffee bad for you?', 'Five facts about bees.', '3 ways to sleep better.', 'Top five castles, ranked.'];
    for (const [i, hook] of hooks.entries()) {
      await finishedVideo('c2', { title: `Video ${i + 1}`, hook, postedAt: `2026-11-2${i}T${i < 3 ? '18' : '07'}:00:00Z` });
      await run(chat('c2'), () => recordStats(deps, chat('c2'), { views: String((i < 3 ? 3000 : 400) + i * 10), likes: '10', platform: 'instagram' }));
    }
    await chatSettings(deps, chat('c2'), { timezone: 'America/New_York' });
    const view = await run(chat('c2'), () => chatStats(deps, chat('c2')));
    expect(view.text).toContain('Your videos (6 with numbers, of 6):');
    expect(view.text).toContain('What wins here (times in America/New_York):');
    expect(view.text).toContain('• Question hooks do best: a median of 3k views over 3 videos (number hooks: 440 over 3 videos).');
    expect(view.text).toContain('• 12:00–15:00 do best');
    expect(view.text).toContain('Renders: 6 (6 done, 0 failed) · Spent: $0.000');
    const png = readFileSync(view.image!.path);
    expect(png.subarray(1, 4).toString()).toBe('PNG');
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([CHART_SIZE.width, CHART_SIZE.height]);
    expect(png.length).toBeGreaterThan(20_000);
  });

  it('the next /video create puts hooks in the style of the chat\'s best videos first, and says so', async () => {
    // Chat c2's numbers (previous test): question hooks win, 3 videos, the best at 3,020 views.
    const shaped = await run(chat('c2'), () => createVideo(deps, chat('c2'), { topic: 'medieval castles', niche: 'history' }));
    const hooks = shaped.text!.split('\n').filter((l) => /^\d\. /.test(l)).map((l) => l.slice(3));
    expect(hooks.map(hookStyle).slice(0, 1)).toEqual(['question']);
    expect(shaped.text).toMatch(/★ Hooks? 1( and 2)? (is|are) in the style of your best video \(a question hook, 3k views\)\./);
    // With no numbers, hooks stay as the planner wrote them, unmarked.
    const plain = await run(chat('fresh-chat'), () => createVideo(deps, chat('fresh-chat'), { topic: 'medieval castles', niche: 'history' }));
    expect(plain.text).not.toContain('★');
    expect(plain.text!.split('\n').filter((l) => /^\d\. /.test(l)).map((l) => l.slice(3)).map(hookStyle)[0]).not.toBe('question');
  });

  it('says what to do when there is nothing yet', async () => {
    expect((await run(chat('empty'), () => chatStats(deps, chat('empty')))).text).toBe('Renders: 0 (0 done, 0 failed) · Spent: $0.000\nNo finished videos yet. Make one with /video create.');
    await finishedVideo('c3', { title: 'Quiet one', hook: 'A hook.', postedAt: '2026-11-30T18:00:00Z' });
    expect((await run(chat('c3'), () => chatStats(deps, chat('c3')))).text).toMatch(/no numbers yet[\s\S]*record them: \/video stats views:1200/);
  });

  it('reads /stats set in Telegram', () => {
    expect(parseStatsSet('')).toBeNull();
    expect(parseStatsSet('set views:1.2k likes:80 platform:Instagram video:2')).toEqual({ views: '1.2k', likes: '80', platform: 'Instagram', video: '2' });
    expect(() => parseStatsSet('set views:100 {\\an8}')).toThrow(/did not understand/);
  });
});
