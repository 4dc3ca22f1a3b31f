import { NotFoundError, TransitionError } from '../../core/errors';
import type { Db, Project } from '../client';
import { projectSourcesFor, type ProjectStatus } from '../status';

export interface ProjectOwner {
  platform: string;
  chatId: string;
  guildId?: string | null;
  ownerUserId: string;
}

export interface NewProject extends ProjectOwner {
  title: string;
  topic: string;
  nichePackId: string;
  language?: string;
  targetLengthSec?: number;
  tempo?: string;
  voicePreset?: string;
  visualStylePreset?: string | null;
  visuals?: string | null;
  seoKeywords?: string | null;
}

/** Creates a project in DRAFT_PLAN. */
export function createProject(db: Db, input: NewProject): Promise<Project> {
  return db.project.create({ data: { ...input, status: 'DRAFT_PLAN' } });
}

/** Loads a project or throws NotFoundError. */
export async function getProject(db: Db, id: string): Promise<Project> {
  const project = await db.project.findUnique({ where: { id } });
  if (!project) throw new NotFoundError('Project', id);
  return project;
}

/**
 * Loads a project only if it belongs to the given chat. A project id from another chat is
 * answered exactly like an unknown id, so ids leak nothing across chats.
 */
export async function getProjectInChat(db: Db, id: string, platform: string, chatId: string): Promise<Project> {
  const project = await db.project.findFirst({ where: { id, platform, chatId } });
  if (!project) throw new NotFoundError('Project', id);
  return project;
}

/** Newest projects of a chat first. */
export function listProjectsInChat(db: Db, platform: string, chatId: string, limit = 10): Promise<Project[]> {
  return db.project.findMany({ where: { platform, chatId }, orderBy: { createdAt: 'desc' }, take: limit });
}

/** How many unfinished drafts a user has (for the per-user draft limit). */
export function countOpenDrafts(db: Db, platform: string, ownerUserId: string): Promise<number> {
  return db.project.count({ where: { platform, ownerUserId, status: { in: ['DRAFT_PLAN', 'PLAN_READY'] } } });
}

/**
 * Moves a project to `to` if its current status allows it, in one conditional UPDATE so two
 * racing callers cannot both succeed. Throws TransitionError (and changes nothing) otherwise.
 */
export async function transitionProject(db: Db, id: string, to: ProjectStatus): Promise<void> {
  const { count } = await db.project.updateMany({ where: { id, status: { in: projectSourcesFor(to) } }, data: { status: to } });
  if (count === 1) return;
  const current = await getProject(db, id);
  throw new TransitionError('Project', current.status, to);
}

/** Deletes a project with its plan versions, scenes and runs (cascade). */
export async function deleteProject(db: Db, id: string): Promise<void> {
  const { count } = await db.project.deleteMany({ where: { id } });
  if (count === 0) throw new NotFoundError('Project', id);
}

/** Adds planning cost (LLM calls) to the project. */
export async function addPlanCost(db: Db, id: string, micros: number): Promise<void> {
  if (micros <= 0) return;
  await db.project.update({ where: { id }, data: { planCostMicros: { increment: Math.round(micros) } } });
}

/** Updates a project's render settings (voice, tempo, length, style). */
export async function updateProjectRow(
  db: Db,
  id: string,
  data: Partial<Pick<Project, 'voicePreset' | 'tempo' | 'targetLengthSec' | 'visualStylePreset'>>,
): Promise<void> {
  await db.project.update({ where: { id }, data });
}
