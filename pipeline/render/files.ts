import { createHash, randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';

/** Writes a file atomically: a temporary sibling, then rename (a crash never leaves half a file). */
export function writeAtomic(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${randomUUID().slice(0, 8)}.part`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Copies a file atomically. */
export function copyAtomic(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  const tmp = `${to}.${randomUUID().slice(0, 8)}.part`;
  copyFileSync(from, tmp);
  renameSync(tmp, to);
}

/** A run's working folder. */
export const runDir = (dataDir: string, runId: string): string => join(dataDir, 'runs', runId);

/** Where a cached binary payload lives. */
export const cacheFile = (dataDir: string, kind: string, hash: string, ext: string): string =>
  join(dataDir, 'cache', kind, `${hash.replace(/^[a-z]+:/, '').slice(0, 40)}.${ext}`);

/** Resolves a stored path (relative to DATA_DIR) to an absolute one. */
export const resolveData = (dataDir: string, p: string): string => (isAbsolute(p) ? p : join(dataDir, p));

/** True when every path exists. */
export const allExist = (paths: string[]): boolean => paths.every((p) => existsSync(p));

/** Removes `*.part` leftovers and a folder of partial output. */
export function removeQuietly(path: string): void {
  rmSync(path, { recursive: true, force: true });
}

/** A short stable hash of any JSON-able value (step inputs, part settings). */
export const hashOf = (v: unknown): string => createHash('sha256').update(JSON.stringify(v ?? null)).digest('hex').slice(0, 32);

/** The file name of a finished video part: its index and a key of everything that made it. */
export const finishedPartName = (index: number, key: string): string => `piece-${index}-${key.slice(0, 16)}.mp4`;

/** A finished part's smaller picture for a chat's upload limit, beside the part. */
export const chatPartName = (partPath: string): string => partPath.replace(/\.mp4$/, '.chat.mp4');

/** Whether a file in a run's folder is a finished video part (or its chat-sized picture). */
export const isFinishedPart = (file: string): boolean => /^piece-\d+-[0-9a-f]{16}(\.chat)?\.mp4$/.test(file);

/**
 * Removes half-written files a killed step left behind; with `finishedParts`, also the video
 * parts a render finished before it stopped (kept otherwise, so a resumed render reuses them).
 */
export function cleanPartials(dir: string, opts: { finishedParts?: boolean } = {}): void {
  if (!existsSync(dir)) return;
  for (const f of readdirSync(dir)) {
    if (f.endsWith('.part') || f.includes('.partial.') || (opts.finishedParts && isFinishedPart(f))) rmSync(join(dir, f), { force: true });
  }
}
