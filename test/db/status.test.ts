import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TransitionError } from '../../core/errors';
import { makeTestDatabase, testProvider, type TestDatabase } from '../support/database';
import { createProject, getProject, transitionProject } from '../../db/repos/projects';
import { createPlanVersion } from '../../db/repos/planVersions';
import { claimNextRun, getRun, queueRunForPlan, transitionRun } from '../../db/repos/runs';
import { PROJECT_STATUSES, RUN_STATUSES, canMoveProject, canMoveRun } from '../../db/status';

let db: TestDatabase;
beforeAll(async () => {
  db = await makeTestDatabase();
});
afterAll(async () => {
  await db?.dispose();
});

async function readyProject() {
  const project = await createProject(db.prisma, {
    platform: 'telegram', chatId: '-100', ownerUserId: '7', title: 't', topic: 'topic', nichePackId: 'facts',
  });
  const pv = await createPlanVersion(db.prisma, project.id, { hookOptions: ['h'], scenes: [{ narrationText: 'n', durationTargetSec: 5 }] }, 'PLAN_READY');
  return { project, pv };
}

describe(`status machine on ${testProvider}`, () => {
  it('refuses every illegal project transition with a typed error and changes nothing', async () => {
    for (const from of PROJECT_STATUSES) {
      for (const to of PROJECT_STATUSES) {
        if (canMoveProject(from, to)) continue;
        const p = await createProject(db.prisma, { platform: 'cli', chatId: 'x', ownerUserId: 'u', title: 't', topic: 't', nichePackId: 'facts' });
        await db.prisma.project.update({ where: { id: p.id }, data: { status: from } });
        const before = await getProject(db.prisma, p.id);
        const err = await transitionProject(db.prisma, p.id, to).catch((e: unknown) => e);
        expect(err, `${from} → ${to}`).toBeInstanceOf(TransitionError);
        expect(err).toMatchObject({ code: 'illegal_transition', from, to });
        const after = await getProject(db.prisma, p.id);
        expect(after.status).toBe(from);
        expect(after.updatedAt.getTime()).toBe(before.updatedAt.getTime());
      }
    }
  });

  it('allows the legal project transitions', async () => {
    const { project } = await readyProject();
    await transitionProject(db.prisma, project.id, 'APPROVED');
    await transitionProject(db.prisma, project.id, 'RENDERING');
    await transitionProject(db.prisma, project.id, 'DONE');
    expect((await getProject(db.prisma, project.id)).status).toBe('DONE');
  });

  it('refuses every illegal run transition with a typed error and changes nothing', async () => {
    const { project, pv } = await readyProject();
    const run = await queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: pv.id, requestedByUserId: '7' });
    for (const from of RUN_STATUSES) {
      for (const to of RUN_STATUSES) {
        if (canMoveRun(from, to)) continue;
        await db.prisma.run.update({ where: { id: run.id }, data: { status: from, failureReason: null } });
        const err = await transitionRun(db.prisma, run.id, to, { failureReason: 'nope' }).catch((e: unknown) => e);
        expect(err, `${from} → ${to}`).toBeInstanceOf(TransitionError);
        const after = await getRun(db.prisma, run.id);
        expect(after.status).toBe(from);
        expect(after.failureReason).toBeNull();
      }
    }
  });

  it('turns 20 concurrent approvals of one plan into exactly one run', async () => {
    const { project, pv } = await readyProject();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: pv.id, requestedByUserId: `u${i}` }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(19);
    for (const r of refused) expect(r.reason).toBeInstanceOf(TransitionError);
    expect(await db.prisma.run.count({ where: { projectId: project.id } })).toBe(1);
    expect((await getProject(db.prisma, project.id)).status).toBe('APPROVED');
  });

  it('refuses to approve a plan version that is no longer the latest', async () => {
    const { project, pv } = await readyProject();
    await createPlanVersion(db.prisma, project.id, { hookOptions: ['h2'] }, 'PLAN_READY');
    await expect(
      queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: pv.id, requestedByUserId: '7' }),
    ).rejects.toMatchObject({ code: 'stale_plan' });
    expect(await db.prisma.run.count({ where: { projectId: project.id } })).toBe(0);
  });

  it('never loses a write that lands while another transaction rolls back', async () => {
    const { project, pv } = await readyProject();
    await db.prisma.run.updateMany({ where: { status: 'queued' }, data: { status: 'canceled' } });
    const run = await queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: pv.id, requestedByUserId: '7' });
    // Refused approvals open and roll back transactions; the claim must survive them.
    const refused = Array.from({ length: 10 }, () => queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: pv.id, requestedByUserId: 'x' }).catch(() => 'refused'));
    const [claimed] = await Promise.all([claimNextRun(db.prisma, 'w'), ...refused]);
    expect(claimed?.id).toBe(run.id);
    expect((await getRun(db.prisma, run.id)).status).toBe('running');
  });

  it('lets exactly one of several workers claim a queued run', async () => {
    const { project, pv } = await readyProject();
    await db.prisma.run.updateMany({ where: { status: 'queued' }, data: { status: 'canceled' } });
    const run = await queueRunForPlan(db.prisma, { projectId: project.id, planVersionId: pv.id, requestedByUserId: '7' });
    const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => claimNextRun(db.prisma, `w${i}`)));
    const won = claims.filter((c) => c !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ id: run.id, status: 'running', attempt: 1 });
  });
});
