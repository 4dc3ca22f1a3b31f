/** Project workflow statuses, as in the seed data model. */
export const PROJECT_STATUSES = ['DRAFT_PLAN', 'PLAN_READY', 'APPROVED', 'RENDERING', 'DONE', 'FAILED'] as const;
export type ProjectStatus = (typeof PROJECT_STATUSES)[number];

/** Run statuses, as in the seed data model. */
export const RUN_STATUSES = ['queued', 'running', 'done', 'failed', 'canceled', 'qa_failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** Allowed project moves. Self-moves mean "a new plan version at the same stage". */
const PROJECT_MOVES: Record<ProjectStatus, readonly ProjectStatus[]> = {
  DRAFT_PLAN: ['DRAFT_PLAN', 'PLAN_READY'],
  PLAN_READY: ['PLAN_READY', 'DRAFT_PLAN', 'APPROVED'],
  APPROVED: ['RENDERING', 'PLAN_READY', 'FAILED'],
  RENDERING: ['DONE', 'FAILED', 'PLAN_READY'],
  DONE: ['APPROVED', 'PLAN_READY', 'DRAFT_PLAN'],
  FAILED: ['APPROVED', 'PLAN_READY', 'DRAFT_PLAN'],
};

/** Allowed run moves. running → queued is a worker handing a run back (shutdown, crash recovery). */
const RUN_MOVES: Record<RunStatus, readonly RunStatus[]> = {
  queued: ['running', 'canceled'],
  running: ['done', 'failed', 'canceled', 'qa_failed', 'queued'],
  done: [],
  failed: ['queued'],
  qa_failed: ['queued'],
  canceled: [],
};

/** Statuses a project may move to `to` from. */
export function projectSourcesFor(to: ProjectStatus): ProjectStatus[] {
  return PROJECT_STATUSES.filter((from) => PROJECT_MOVES[from].includes(to));
}

/** Statuses a run may move to `to` from. */
export function runSourcesFor(to: RunStatus): RunStatus[] {
  return RUN_STATUSES.filter((from) => RUN_MOVES[from].includes(to));
}

export function canMoveProject(from: string, to: ProjectStatus): boolean {
  return (PROJECT_MOVES[from as ProjectStatus] ?? []).includes(to);
}

export function canMoveRun(from: string, to: RunStatus): boolean {
  return (RUN_MOVES[from as RunStatus] ?? []).includes(to);
}
