import type { z } from 'zod';
import { createHash } from 'node:crypto';
import type { Db } from '../client';
import { parseJson } from '../json';

export type CacheKind = 'llm' | 'images' | 'tts' | 'asr' | 'music';

/** Stable hash of everything that affects a cached result (key order does not matter). */
export function cacheKey(kind: CacheKind, parts: unknown): string {
  return `${kind}:${createHash('sha256').update(stableStringify(parts)).digest('hex')}`;
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'undefined';
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  if (Buffer.isBuffer(value)) return `b64:${value.toString('base64')}`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableStringify(v)}`).join(',')}}`;
}

export interface CacheHit<T> {
  result: T;
  payloadPath: string | null;
}

/** Reads a cached result; an entry that no longer matches the schema counts as a miss. */
export async function getCached<S extends z.ZodType>(db: Db, hashKey: string, schema: S): Promise<CacheHit<z.output<S>> | null> {
  const row = await db.cache.findUnique({ where: { hashKey } });
  if (!row) return null;
  try {
    return { result: parseJson(schema, row.resultJson, 'Cache.resultJson'), payloadPath: row.payloadPath };
  } catch {
    return null;
  }
}

/** Stores a result under its key; a concurrent writer of the same key wins quietly. */
export async function putCached(
  db: Db,
  kind: CacheKind,
  hashKey: string,
  result: unknown,
  payloadPath: string | null = null,
): Promise<void> {
  const resultJson = JSON.stringify(result);
  try {
    await db.cache.upsert({ where: { hashKey }, create: { kind, hashKey, resultJson, payloadPath }, update: { resultJson, payloadPath } });
  } catch (err) {
    if ((err as { code?: string }).code !== 'P2002') throw err;
  }
}
