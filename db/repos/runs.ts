import { NotFoundError, TransitionError, UserError } from '../../core/errors';
import type { Db, Run } from '../client';
import {
  artifactsSchema, messageRefsSchema, parseJson, resumeStateSchema, runLogsSchema, toJson,
  type Artifacts, type MessageRefs, type ResumeState, type RunLogEntry,
} from '../json';
import { runSourcesFor, type ProjectStatus, type RunStatus } from '../status';


/** Runs SQL in the caller's transaction (a job queue enqueues beside the row). */
export type SqlRunner = Pick<Db, '$executeRaw'>;

/** Called inside the transaction that queues a run, so a job queue's signal and the row agree. */
export type RunQueuedHook = (sql: SqlRunner, run: { runId: string; platform: string; chatId: string }) => Promise<void>;

/** A run with its JSON columns parsed. */
export type RunView = Run & {
  logs: RunLogEntry[];
  artifacts: Artifacts;
  resumeState: ResumeState;
  messageRefs: MessageRefs;
};

export function runView(run: Run): RunView {
  return {
    ...run,
    logs: parseJson(runLogsSchema, run.logsJson, 'Run.logsJson'),
    artifacts: parseJson(artifactsSchema, run.artifactsJson, 'Run.artifactsJson'),
    resumeState: parseJson(resumeStateSchema, run.resumeStateJson, 'Run.resumeStateJson'),
    messageRefs: parseJson(messageRefsSchema, run.messageRefsJson, 'Run.messageRefsJson'),
  };
}

export async function getRun(db: Db, id: string): Promise<RunView> {
  const run = await db.run.findUnique({ where: { id } });
  if (!run) throw new NotFoundError('Run', id);
  return runView(run);
}

/** The newest run of a project, if any. */
export async function getLatestRun(db: Db, projectId: string): Promise<RunView | null> {
  const run = await db.run.findFirst({ where: { projectId }, orderBy: { createdAt: 'desc' } });
  return run ? runView(run) : null;
}

/**
 * Approves the project's current plan and queues exactly one Run for it. The project moves
 * from one of `from` to APPROVED in a conditional UPDATE inside the transaction, so of any
 * number of concurrent clicks exactly one creates a run; the others get a TransitionError.
 */
export async function queueRunForPlan(
  db: Db,
  input: { projectId: string; planVersionId: string; requestedByUserId: string; messageRefs?: MessageRefs },
  from: readonly ProjectStatus[] = ['PLAN_READY'],
  onQueued: RunQueuedHook = async () => undefined,
): Promise<RunView> {
  const run = await db.$transaction(async (tx) => {
    const { count } = await tx.project.updateMany({
      where: { id: input.projectId, status: { in: [...from] }, latestPlanVersionId: input.planVersionId },
      data: { status: 'APPROVED' },
    });
    if (count !== 1) {
      const project = await tx.project.findUnique({ where: { id: input.projectId } });
      if (!project) throw new NotFoundError('Project', input.projectId);
      if (project.latestPlanVersionId !== input.planVersionId) {
        throw new UserError('stale_plan', 'This plan has been edited since. Review the latest version, then approve it.');
      }
      if (project.status === 'APPROVED' || project.status === 'RENDERING') {
        throw new TransitionError('Project', project.status, 'APPROVED', 'This plan is already approved and rendering.');
      }
      throw new TransitionError('Project', project.status, 'APPROVED');
    }
    const run = await tx.run.create({
      data: {
        projectId: input.projectId,
        planVersionId: input.planVersionId,
        requestedByUserId: input.requestedByUserId,
        messageRefsJson: toJson(messageRefsSchema, input.messageRefs ?? {}),
      },
      include: { project: { select: { platform: true, chatId: true } } },
    });
    // The job is written in the same transaction: a run is never queued without one, or twice.
    await onQueued(tx, { runId: run.id, platform: run.project.platform, chatId: run.project.chatId });
    const { project: _owner, ...row } = run;
    return row;
  });
  return runView(run);
}

/**
 * Moves a run to `to` if its status allows it (one conditional UPDATE); `data` is written in the
 * same statement. Throws TransitionError and changes nothing otherwise.
 */
export async function transitionRun(
  db: Db,
  id: string,
  to: RunStatus,
  data: Partial<Pick<Run, 'failureReason' | 'progress' | 'currentStep' | 'claimedBy' | 'heartbeatAt' | 'cancelRequested'>> = {},
): Promise<void> {
  const { count } = await db.run.updateMany({ where: { id, status: { in: runSourcesFor(to) } }, data: { ...data, status: to } });
  if (count === 1) return;
  const run = await db.run.findUnique({ where: { id }, select: { status: true } });
  if (!run) throw new NotFoundError('Run', id);
  throw new TransitionError('Run', run.status, to);
}

/** Claims the oldest queued run for `workerId` (queued → running), or returns null. */
export async function claimNextRun(db: Db, workerId: string): Promise<RunView | null> {
  for (let tries = 0; tries < 5; tries++) {
    const next = await db.run.findFirst({ where: { status: 'queued' }, orderBy: { createdAt: 'asc' }, select: { id: true } });
    if (!next) return null;
    const { count } = await db.run.updateMany({
      where: { id: next.id, status: 'queued' },
      data: { status: 'running', claimedBy: workerId, heartbeatAt: new Date(), attempt: { increment: 1 } },
    });
    if (count === 1) return getRun(db, next.id);
  }
  return null;
}

/** Appends a readable log entry to the run. */
export async function appendRunLog(db: Db, id: string, entry: Omit<RunLogEntry, 'at'>): Promise<void> {
  await db.$transaction(async (tx) => {
    const run = await tx.run.findUnique({ where: { id }, select: { logsJson: true } });
    if (!run) throw new NotFoundError('Run', id);
    const logs = parseJson(runLogsSchema, run.logsJson, 'Run.logsJson');
    logs.push({ at: new Date().toISOString(), ...entry });
    await tx.run.update({ where: { id }, data: { logsJson: toJson(runLogsSchema, logs.slice(-200)) } });
  });
}

/** Records progress (0–100) and the current step. */
export async function setRunProgress(db: Db, id: string, progress: number, currentStep: string): Promise<void> {
  await db.run.update({
    where: { id },
    data: { progress: Math.max(0, Math.min(100, Math.round(progress))), currentStep, heartbeatAt: new Date() },
  });
}

/** Replaces the run's artifacts and resume state together (after a step finishes). */
export async function saveRunState(
  db: Db,
  id: string,
  state: { artifacts?: Artifacts; resumeState?: ResumeState; addCostMicros?: number },
): Promise<void> {
  await db.run.update({
    where: { id },
    data: {
      ...(state.artifacts ? { artifactsJson: toJson(artifactsSchema, state.artifacts) } : {}),
      ...(state.resumeState ? { resumeStateJson: toJson(resumeStateSchema, state.resumeState) } : {}),
      ...(state.addCostMicros ? { costMicros: { increment: Math.round(state.addCostMicros) } } : {}),
    },
  });
}

/** Stores where the chat messages of this run live. */
export async function setRunMessageRefs(db: Db, id: string, refs: MessageRefs): Promise<void> {
  await db.run.update({ where: { id }, data: { messageRefsJson: toJson(messageRefsSchema, refs) } });
}
