import { HttpError } from '../failure';

/**
 * Runs `work` with a signal that aborts when `outer` does or after `ms`. Unlike
 * `AbortSignal.any`, it takes its listener off `outer` when done: one render's signal serves
 * dozens of searches and downloads.
 */
export async function withDeadline<T>(outer: AbortSignal | undefined, ms: number, work: (signal: AbortSignal, timedOut: () => boolean) => Promise<T>): Promise<T> {
  const ac = new AbortController();
  let late = false;
  const timer = setTimeout(() => {
    late = true;
    ac.abort(new DOMException('no answer in time', 'TimeoutError'));
  }, ms);
  const onAbort = () => ac.abort(outer?.reason);
  if (outer?.aborted) onAbort();
  else outer?.addEventListener('abort', onAbort, { once: true });
  try {
    return await work(ac.signal, () => late);
  } finally {
    clearTimeout(timer);
    outer?.removeEventListener('abort', onAbort);
  }
}

/**
 * GET a library's JSON answer: a refusal becomes an `HttpError` with the library's message (never
 * the key) and, on 429, how long it asks us to wait.
 */
export async function getJson(url: URL, init: { headers?: Record<string, string>; signal?: AbortSignal; timeoutMs: number }): Promise<unknown> {
  const { res, text } = await withDeadline(init.signal, init.timeoutMs, async (signal) => {
    const r = await fetch(url, { headers: { accept: 'application/json', ...init.headers }, signal });
    return { res: r, text: await r.text() };
  });
  if (!res.ok) {
    const retry = Number(res.headers.get('retry-after') ?? res.headers.get('x-ratelimit-reset') ?? NaN);
    const reason = res.status === 429 ? `rate limited${Number.isFinite(retry) ? `, retry in ${retry} s` : ''}` : res.status === 401 || res.status === 403 ? 'the API key was refused' : text.slice(0, 120).replace(/\s+/g, ' ') || res.statusText;
    throw new HttpError(res.status, reason, Number.isFinite(retry) ? retry : undefined);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(res.status, 'the answer was not JSON');
  }
}
