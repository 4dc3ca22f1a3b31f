import OpenAI from 'openai';
import { scrubSecrets } from '../../core/logger';

/** What went wrong with one engine call, short enough for a log line and a chat message. */
export interface EngineFailure {
  /** HTTP status, or a network code (ECONNREFUSED, timeout), or `error`. */
  status: number | string;
  reason: string;
}

/** A refusal from an engine spoken to over plain HTTP (stock libraries): its status, a short reason, and how long a 429 asks to wait. */
export class HttpError extends Error {
  override name = 'HttpError';
  constructor(readonly status: number, reason: string, readonly retryAfterSec?: number) {
    super(reason);
  }
}

/** Reads an engine error into a status and a short reason, with anything token-shaped removed. */
export function describeFailure(err: unknown): EngineFailure {
  const e = err as Error & { status?: number; code?: string; cause?: { code?: string; message?: string } };
  if (err instanceof HttpError) return { status: err.status, reason: clip(scrubSecrets(err.message)) };
  if (err instanceof OpenAI.APIConnectionTimeoutError || e?.name === 'TimeoutError') return { status: 'timeout', reason: 'no answer in time' };
  if (err instanceof OpenAI.APIError && err.status !== undefined) {
    const body = (err.error as { message?: string } | undefined)?.message ?? err.message;
    return { status: err.status, reason: clip(scrubSecrets(body.replace(/^\d{3}\s*/, ''))) };
  }
  const code = networkCode(err);
  if (err instanceof OpenAI.APIConnectionError || code) {
    const deepest = innermost(err);
    return { status: code ?? 'unreachable', reason: code === 'ECONNREFUSED' ? 'connection refused' : clip(scrubSecrets(deepest.message || 'cannot connect')) };
  }
  return { status: 'error', reason: clip(scrubSecrets(e?.message ?? String(err))) };
}

/** The innermost cause of an error (fetch wraps the socket's error in "fetch failed"). */
function innermost(err: unknown): Error {
  let e = err as Error & { cause?: unknown };
  for (let depth = 0; depth < 5 && e.cause instanceof Error; depth++) e = e.cause as Error & { cause?: unknown };
  return e;
}

/** A system error code (ECONNREFUSED, ENOTFOUND, ECONNRESET…) anywhere in the cause chain. */
function networkCode(err: unknown): string | undefined {
  let e = err as { code?: unknown; cause?: unknown } | undefined;
  for (let depth = 0; depth < 6 && e; depth++, e = e.cause as typeof e) if (typeof e.code === 'string' && /^E[A-Z]+$/.test(e.code)) return e.code;
  return undefined;
}

const clip = (s: string) => (s.length > 160 ? `${s.slice(0, 157)}…` : s);

/** One line for people: "HTTP 503: overloaded", "connection refused", "timeout: no answer in time". */
export function failureText(f: EngineFailure): string {
  if (typeof f.status === 'number') return `HTTP ${f.status}: ${f.reason}`;
  if (f.status === 'error') return f.reason;
  return f.reason.includes(String(f.status).toLowerCase()) || f.status === 'unreachable' || f.reason === 'connection refused' ? f.reason : `${f.status}: ${f.reason}`;
}
