import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HttpError } from '../failure';
import { withDeadline } from './http';

/** What the caller learns by decoding a downloaded file; throws when it is not a usable video. */
export type VerifyClip = (path: string) => Promise<{ durationSec: number; width: number; height: number }>;

export interface ClipCache {
  dir: string;
  /** The cache's size limit: the least recently used clips go first. */
  maxBytes: number;
}

export interface DownloadOptions {
  cache: ClipCache;
  /** One clip's size limit. */
  maxBytes: number;
  timeoutMs: number;
  verify: VerifyClip;
  signal?: AbortSignal;
}

/** A clip on disk and whether the cache already had it (then no request was made). */
export interface DownloadedClip {
  path: string;
  cached: boolean;
}

/** Where a clip from `url` lives in the cache. */
export function clipPath(cache: ClipCache, url: string): string {
  return join(cache.dir, `${createHash('sha256').update(url).digest('hex').slice(0, 40)}.mp4`);
}

/**
 * Fetches a clip into the cache, keyed by its URL: streamed to a temporary file (never held in
 * memory), stopped past `maxBytes` or `timeoutMs`, checked against the length the server
 * announced (a download cut short is an error) and decoded by `verify` before it is renamed into
 * place — so the cache never keeps a broken file. A cached clip costs no request.
 */
export async function downloadClip(url: string, opts: DownloadOptions): Promise<DownloadedClip> {
  const path = clipPath(opts.cache, url);
  if (existsSync(path)) {
    const now = new Date();
    utimesSync(path, now, now);
    return { path, cached: true };
  }
  mkdirSync(opts.cache.dir, { recursive: true });
  const part = `${path}.${randomUUID()}.part`;
  try {
    await withDeadline(opts.signal, opts.timeoutMs, (signal, timedOut) => fetchTo(url, part, signal, timedOut, opts));
    await opts.verify(part);
    renameSync(part, path);
  } finally {
    rmSync(part, { force: true });
  }
  pruneCache(opts.cache, path);
  return { path, cached: false };
}

/** Streams `url` into `part`, counting bytes against the limit and the announced length. */
async function fetchTo(url: string, part: string, signal: AbortSignal, timedOut: () => boolean, opts: DownloadOptions): Promise<void> {
  const res = await fetch(url, { signal }).catch((err: unknown) => {
    throw transferError(err, timedOut(), opts);
  });
  if (!res.ok || !res.body) throw new HttpError(res.status, `the clip download was refused (${res.statusText || res.status})`);
  const announced = Number(res.headers.get('content-length') ?? NaN);
  if (announced > opts.maxBytes) throw new Error(`the clip is ${(announced / 2 ** 20).toFixed(0)} MiB, over the ${(opts.maxBytes / 2 ** 20).toFixed(0)} MiB limit`);
  let received = 0;
  const count = new Transform({
    transform(chunk: Buffer, _enc, done) {
      received += chunk.length;
      done(received > opts.maxBytes ? new Error(`the clip is over the ${(opts.maxBytes / 2 ** 20).toFixed(0)} MiB limit`) : null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), count, createWriteStream(part)).catch((err: unknown) => {
    throw transferError(err, timedOut(), opts);
  });
  if (Number.isFinite(announced) && received !== announced) throw new Error(`the download was cut short (${received} of ${announced} bytes)`);
}

/** A failed transfer in words: over the limit (ours), too slow, or the connection dropped; a cancelled render stays an abort. */
function transferError(err: unknown, timedOut: boolean, opts: DownloadOptions): unknown {
  if (opts.signal?.aborted) return err;
  if (err instanceof Error && /limit/.test(err.message)) return err;
  if (timedOut) return new Error(`the download took longer than ${Math.round(opts.timeoutMs / 1000)} s`);
  return new Error('the download was cut short (the connection closed)', { cause: err });
}

/** Deletes the least recently used clips until the cache fits its limit (never `keep`). */
export function pruneCache(cache: ClipCache, keep?: string): void {
  if (!existsSync(cache.dir)) return;
  const files = readdirSync(cache.dir).filter((f) => f.endsWith('.mp4')).map((f) => {
    const p = join(cache.dir, f);
    const s = statSync(p);
    return { p, size: s.size, used: s.mtimeMs };
  });
  let total = files.reduce((n, f) => n + f.size, 0);
  for (const f of files.sort((a, b) => a.used - b.used)) {
    if (total <= cache.maxBytes) break;
    if (f.p === keep) continue;
    rmSync(f.p, { force: true });
    total -= f.size;
  }
}
