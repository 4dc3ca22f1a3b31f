import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext, CommandDeps } from '../../commands/context';
import { runCommand } from '../../commands/dispatch';
import { chatSettings } from '../../commands/manage';
import { createVideo, handleButton } from '../../commands/video';
import type { View } from '../../commands/view';
import { loadConfig } from '../../core/config';
import { makeLogger } from '../../core/logger';
import { makeOfflinePlanner } from '../../pipeline/plan/offline/offlinePlanner';
import { WorkerPool } from '../../pipeline/render/workers/pool';
import { makeTargets } from '../../pipeline/publish/targets';
import { localSignals } from '../../pipeline/queue/jobs';
import { makeProviders } from '../../pipeline/publish/accounts/providers';
import { findBinaries } from '../../pipeline/render/binaries';
import { makeTestDatabase, type TestDatabase } from '../support/database';

let db: TestDatabase;
let deps: CommandDeps;
let dataDir: string;
const pool = new WorkerPool();
let pokes = 0;

const member = (chatId: string, userId: string, extra: Partial<CommandContext> = {}): CommandContext => ({
  platform: 'telegram', chatId, userId, userName: userId, isDM: false, canManage: false, roleIds: [], ...extra,
});
const admin = (chatId: string, userId = 'admin') => member(chatId, userId, { canManage: true });
const run = (ctx: CommandContext, fn: () => Promise<View> | View) => runCommand(deps, ctx, 'test', fn);
const button = (view: View, label: RegExp) => view.buttons!.flat().find((b) => label.test(b.label))!.id;

async function planIn(ctx: CommandContext, topic = 'why cats purr'): Promise<View> {
  const hooks = await run(ctx, () => createVideo(deps, ctx, { topic, niche: 'facts' }));
  return run(ctx, () => handleButton(deps, ctx, button(hooks, /^1\./)));
}

beforeAll(async () => {
  db = await makeTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'shortsmith-cmd-'));
  deps = {
    db: db.prisma, config: loadConfig({ DATA_DIR: dataDir }), log: makeLogger('silent'), planner: makeOfflinePlanner(), pool,
    pokeQueue: () => pokes++, abortLocal: () => undefined, jobs: localSignals, accounts: { sealer: null, providers: makeProviders(loadConfig({})) },
    targets: makeTargets({ senders: [], ffmpeg: findBinaries().ffmpeg, format: { width: 270, height: 480 }, webhook: {} }),
    pokeScheduler: () => undefined, clock: () => new Date(),
  };
});
afterAll(async () => {
  await pool.close();
  await db.dispose();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('commands: rules every platform shares', () => {
  it('enforces the daily render quota per chat', async () => {
    await chatSettings(deps, admin('q1'), { dailyRenderQuota: 1 });
    const first = await planIn(member('q1', 'u1'));
    expect((await run(admin('q1'), () => handleButton(deps, admin('q1'), button(first, /Approve/)))).progressOfRunId).toBeTruthy();
    const second = await planIn(member('q1', 'u2'), 'why dogs bark');
    const refused = await run(admin('q1'), () => handleButton(deps, admin('q1'), button(second, /Approve/)));
    expect(refused).toMatchObject({ ephemeral: true });
    expect(refused.text).toMatch(/used its 1 renders for today/);
    expect(await db.prisma.run.count({ where: { project: { chatId: 'q1' } } })).toBe(1);
  });

  it('limits plans in progress per person', async () => {
    await chatSettings(deps, admin('d1'), { maxDraftsPerUser: 1 });
    await run(member('d1', 'u1'), () => createVideo(deps, member('d1', 'u1'), { topic: 'one' }));
    const refused = await run(member('d1', 'u1'), () => createVideo(deps, member('d1', 'u1'), { topic: 'two' }));
    expect(refused.text).toMatch(/limit here is 1/);
    expect(await db.prisma.project.count({ where: { chatId: 'd1' } })).toBe(1);
  });

  it('lets only managers change settings, and listed approvers approve', async () => {
    const refused = await run(member('s1', 'u1'), () => chatSettings(deps, member('s1', 'u1'), { dailyRenderQuota: 100 }));
    expect(refused.text).toMatch(/Only people who can manage/);
    const bad = await run(admin('s1'), () => chatSettings(deps, admin('s1'), { approverUserIds: ['not-a-number'] }));
    expect(bad.text).toMatch(/not valid/);
    await chatSettings(deps, admin('s1'), { approverUserIds: ['777'] });
    const plan = await planIn(member('s1', 'u1'));
    const byAdmin = await run(admin('s1'), () => handleButton(deps, admin('s1'), button(plan, /Approve/)));
    expect(byAdmin.text).toMatch(/approvers listed/);
    const byApprover = await run(member('s1', '777'), () => handleButton(deps, member('s1', '777'), button(plan, /Approve/)));
    expect(byApprover.progressOfRunId).toBeTruthy();
  });

  it('treats a project id from another chat like an unknown one', async () => {
    const plan = await planIn(member('c1', 'u1'));
    const foreign = await run(admin('c2'), () => handleButton(deps, admin('c2'), button(plan, /Approve/)));
    expect(foreign.text).toMatch(/no longer exists/);
    expect(await db.prisma.run.count({ where: { project: { chatId: 'c1' } } })).toBe(0);
  });

  it('answers a click on an outdated plan with the current one, changing nothing', async () => {
    const ctx = member('p1', 'u1');
    const plan = await planIn(ctx);
    await run(ctx, () => handleButton(deps, ctx, button(plan, /New script/)));
    const stale = await run(admin('p1'), () => handleButton(deps, admin('p1'), button(plan, /Approve/)));
    expect(stale.text).toMatch(/plan changed since that message/);
    expect(await db.prisma.run.count({ where: { project: { chatId: 'p1' } } })).toBe(0);
  });

  it('refuses plan edits while a render is queued or running', async () => {
    const ctx = member('r1', 'u1');
    const plan = await planIn(ctx);
    const progress = await run(admin('r1'), () => handleButton(deps, admin('r1'), button(plan, /Approve/)));
    expect(progress.progressOfRunId).toBeTruthy();
    const busy = await run(ctx, () => handleButton(deps, ctx, button(plan, /New script/)));
    expect(busy.text).toMatch(/Cancel the render/);
  });

  it('switches the style pack from the hooks message', async () => {
    const ctx = member('n1', 'u1');
    const hooks = await run(ctx, () => createVideo(deps, ctx, { topic: 'the Mary Celeste' }));
    const picker = await run(ctx, () => handleButton(deps, ctx, button(hooks, /Style/)));

    expect(picker.buttons!.flat()).toHaveLength(12);
    const again = await run(ctx, () => handleButton(deps, ctx, button(picker, /^Mystery$/)));
    expect(again.title).toMatch(/Pick a hook/);
    expect((await db.prisma.project.findFirstOrThrow({ where: { chatId: 'n1' } })).nichePackId).toBe('mystery');
  });

  it('in a DM only the owner acts', async () => {
    const owner = member('dm1', 'u1', { isDM: true, canManage: true });
    const plan = await planIn(owner);
    const stranger = member('dm1', 'u2', { isDM: true, canManage: true });
    const refused = await run(stranger, () => handleButton(deps, stranger, button(plan, /Approve/)));
    expect(refused.ephemeral).toBe(true);
    const ok = await run(owner, () => handleButton(deps, owner, button(plan, /Approve/)));
    expect(ok.progressOfRunId).toBeTruthy();
  });
});
