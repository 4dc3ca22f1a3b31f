import { NotFoundError } from '../../core/errors';
import type { Db, PlanVersion, Scene } from '../client';
import {
  estimatesSchema, hookOptionsSchema, parseJson, toJson, validationSchema,
  type Estimates, type Validation,
} from '../json';
import { projectSourcesFor, type ProjectStatus } from '../status';
import { TransitionError } from '../../core/errors';

export interface SceneInput {
  narrationText: string;
  onScreenText?: string;
  visualPrompt?: string;
  negativePrompt?: string;
  effectPreset?: string;
  durationTargetSec: number;
  startTimeSec?: number;
  endTimeSec?: number;
  isLocked?: boolean;
  /** Stock footage results the scene passes over (Swap clip). */
  footageSkip?: number;
}

export interface PlanInput {
  hookOptions: string[];
  hookSelected?: string;
  outline?: string;
  scriptFull?: string;
  scriptTemplateId?: string | null;
  estimates?: Estimates;
  validation?: Validation;
  scenes?: SceneInput[];
}

/** A plan version with its JSON columns parsed and its scenes in order. */
export type PlanVersionView = PlanVersion & {
  hookOptions: string[];
  estimates: Estimates;
  validation: Validation;
  scenes: Scene[];
};

function view(pv: PlanVersion & { scenes: Scene[] }): PlanVersionView {
  return {
    ...pv,
    hookOptions: parseJson(hookOptionsSchema, pv.hookOptionsJson, 'PlanVersion.hookOptionsJson'),
    estimates: parseJson(estimatesSchema, pv.estimatesJson, 'PlanVersion.estimatesJson'),
    validation: parseJson(validationSchema, pv.validationJson, 'PlanVersion.validationJson'),
    scenes: [...pv.scenes].sort((a, b) => a.idx - b.idx),
  };
}

/**
 * Stores a new immutable plan version with its scenes, points the project at it and moves the
 * project to `status` — all in one transaction. Scene start/end times are laid end to end.
 */
export async function createPlanVersion(
  db: Db,
  projectId: string,
  plan: PlanInput,
  status: ProjectStatus,
  from: readonly ProjectStatus[] = projectSourcesFor(status),
): Promise<PlanVersionView> {
  let t = 0;
  const scenes = (plan.scenes ?? []).map((s, idx) => {
    const start = s.startTimeSec ?? t;
    const end = s.endTimeSec ?? start + s.durationTargetSec;
    t = end;
    return { ...s, idx, projectId, startTimeSec: start, endTimeSec: end };
  });
  return db.$transaction(async (tx) => {
    const pv = await tx.planVersion.create({
      data: {
        projectId,
        hookOptionsJson: toJson(hookOptionsSchema, plan.hookOptions),
        hookSelected: plan.hookSelected ?? '',
        outline: plan.outline ?? '',
        scriptFull: plan.scriptFull ?? '',
        scriptTemplateId: plan.scriptTemplateId ?? null,
        estimatesJson: toJson(estimatesSchema, plan.estimates ?? {}),
        validationJson: toJson(validationSchema, plan.validation ?? { errors: [], warnings: [], suggestions: [] }),
        scenes: { create: scenes },
      },
      include: { scenes: true },
    });
    const { count } = await tx.project.updateMany({
      where: { id: projectId, status: { in: projectSourcesFor(status).filter((f) => from.includes(f)) } },
      data: { status, latestPlanVersionId: pv.id },
    });
    if (count !== 1) {
      const current = await tx.project.findUnique({ where: { id: projectId } });
      if (!current) throw new NotFoundError('Project', projectId);
      throw new TransitionError('Project', current.status, status, `A plan cannot be changed while the project is ${current.status}.`);
    }
    return view(pv);
  });
}

/** Loads one plan version with scenes, or throws NotFoundError. */
export async function getPlanVersion(db: Db, id: string): Promise<PlanVersionView> {
  const pv = await db.planVersion.findUnique({ where: { id }, include: { scenes: true } });
  if (!pv) throw new NotFoundError('PlanVersion', id);
  return view(pv);
}

/** The project's current plan version, or null while none exists. */
export async function getLatestPlanVersion(db: Db, projectId: string): Promise<PlanVersionView | null> {
  const project = await db.project.findUnique({ where: { id: projectId }, select: { latestPlanVersionId: true } });
  if (!project?.latestPlanVersionId) return null;
  return getPlanVersion(db, project.latestPlanVersionId);
}

/** All versions of a project, oldest first (the edit history). */
export async function listPlanVersions(db: Db, projectId: string): Promise<PlanVersionView[]> {
  const rows = await db.planVersion.findMany({ where: { projectId }, include: { scenes: true }, orderBy: { createdAt: 'asc' } });
  return rows.map(view);
}
