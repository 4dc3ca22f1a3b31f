import type { Logger } from '../../core/logger';
import { describeFailure, failureText, type EngineFailure } from '../providers/failure';

/** What an engine was doing: the kinds of engine a render calls. */
export type EngineKind = 'voice' | 'timings' | 'pictures' | 'footage';

/** An engine that gave up and what took over, kept in the step's outputs and told to the chat. */
export interface Fallback {
  kind: EngineKind;
  engine: string;
  to: string;
  reason: string;
  /** Scenes (1-based) that fell back, when not all of them did. */
  scenes?: number[];
}

/** Who a call is for: every failure line names the run and the project. */
export interface CallContext {
  log: Logger;
  runId?: string;
  projectId: string;
  signal: AbortSignal;
}

/**
 * Calls an optional engine, retrying once after a short pause. Each failed call is logged once
 * (run, project, engine, status, short reason — keys and tokens scrubbed); after the second
 * failure the caller gets the failure back to fall back on. A cancelled render is not a failure:
 * the abort propagates.
 */
export async function tryTwice<T>(
  ctx: CallContext, kind: EngineKind, engine: string, call: () => Promise<T>,
  /** Whether a failure is worth a second try (default: every one). */
  retry: (f: EngineFailure) => boolean = () => true,
): Promise<{ ok: true; value: T } | { ok: false; failure: EngineFailure }> {
  let failure: EngineFailure = { status: 'error', reason: 'unknown' };
  for (let attempt = 1; attempt <= 2; attempt++) {
    try {
      return { ok: true, value: await call() };
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      failure = describeFailure(err);
      ctx.log.warn({ runId: ctx.runId, projectId: ctx.projectId, kind, engine, status: failure.status, reason: failure.reason, attempt }, `${kind} engine call failed`);
      if (attempt === 1 && !retry(failure)) break;
      if (attempt === 1) await new Promise((r) => setTimeout(r, 300));
    }
  }
  return { ok: false, failure };
}

/** The last-resort engine failed twice (e.g. the offline voice's process died): the queue may retry the run later. */
export class EngineUnavailableError extends Error {
  override name = 'EngineUnavailableError';
}

/** A fallback as one sentence for the run log and the chat. */
export function fallbackText(f: Fallback): string {
  const scenes = f.scenes ? ` for scene${f.scenes.length > 1 ? 's' : ''} ${f.scenes.join(', ')}` : '';
  const what = { voice: 'The voice', timings: 'Caption timings', pictures: f.scenes ? `Pictures${scenes}` : 'The pictures', footage: f.scenes ? `Footage${scenes}` : 'The footage' }[f.kind];
  return `${what} fell back from ${f.engine} to ${f.to} (${f.reason}).`;
}

export { failureText };
