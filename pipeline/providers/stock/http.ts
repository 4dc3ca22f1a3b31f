import { HttpError } from '../failure';

/**
 * GET a library's JSON answer: a refusal becomes an `HttpError` with the library's message (never
 * the key) and, on 429, how long it asks us to wait.
 */
export async function getJson(url: URL, init: { headers?: Record<string, string>; signal?: AbortSignal; timeoutMs: number }): Promise<unknown> {
  const signal = init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(init.timeoutMs)]) : AbortSignal.timeout(init.timeoutMs);
  const res = await fetch(url, { headers: { accept: 'application/json', ...init.headers }, signal });
  const text = await res.text();
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
