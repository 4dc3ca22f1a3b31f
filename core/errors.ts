/**
 * The small set of typed errors shortsmith raises on purpose. Anything else is a bug: it is
 * logged with its context and the user sees only a short reference.
 */

/** A refusal or problem the user can act on; `message` is fit to show in chat as is. */
export class UserError extends Error {
  override readonly name: string = 'UserError';
  constructor(
    /** Stable machine-readable code, e.g. `topic_too_long`. */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** A status change the state machine does not allow (stale click, double approval, …). */
export class TransitionError extends UserError {
  override readonly name: string = 'TransitionError';
  constructor(
    readonly entity: 'Project' | 'Run',
    readonly from: string,
    readonly to: string,
    message?: string,
  ) {
    super('illegal_transition', message ?? `${entity} cannot go from ${from} to ${to}.`);
  }
}

/** A required row is missing (deleted project, unknown id). */
export class NotFoundError extends UserError {
  override readonly name: string = 'NotFoundError';
  constructor(readonly entity: string, readonly id: string) {
    super('not_found', `That ${entity.toLowerCase()} no longer exists.`);
  }
}

/** Configuration is missing or malformed; the message names the variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Short reference shown to users for an unexpected error, also logged beside it. */
export function errorReference(): string {
  return `E-${Date.now().toString(36).slice(-5)}${Math.random().toString(36).slice(2, 5)}`.toUpperCase();
}
