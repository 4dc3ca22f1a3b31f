import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import pg from 'pg';
import { sqlitePath } from '../core/config';

/**
 * Applies Prisma-layout SQL migrations with our own code. The Prisma CLI needs a native engine it
 * downloads at run time, which offline machines cannot get; this keeps the same files and records
 * them in the same `_prisma_migrations` table, so `prisma migrate deploy` elsewhere agrees.
 */

export type Provider = 'sqlite' | 'postgresql';

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
  /** Applied migrations whose file changed since (Prisma would refuse these). */
  checksumMismatch: string[];
  /** Recorded in the database but missing from this build's folder (database is newer). */
  unknown: string[];
}

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The migrations folder shipped for a provider. */
export function migrationsDir(provider: Provider): string {
  return join(root, 'prisma', provider, 'migrations');
}

/** Reads the migration folders in name order. */
export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, 'migration.sql')))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
}

function report(migrations: Migration[], applied: AppliedRow[]): MigrationReport & { pending: Migration[] } {
  const byName = new Map(applied.map((r) => [r.migration_name, r.checksum]));
  const known = new Set(migrations.map((m) => m.name));
  return {
    applied: [],
    alreadyApplied: migrations.filter((m) => byName.has(m.name)).map((m) => m.name),
    checksumMismatch: migrations.filter((m) => byName.has(m.name) && byName.get(m.name) !== m.checksum).map((m) => m.name),
    unknown: applied.map((r) => r.migration_name).filter((n) => !known.has(n)),
    pending: migrations.filter((m) => !byName.has(m.name)),
  };
}

const SQLITE_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL, "finished_at" DATETIME,
  "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
  "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)`;

const PG_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0)`;

/** Brings a SQLite file up to date; safe to call from several processes at once. */
export function migrateSqlite(databaseUrl: string, dir = migrationsDir('sqlite')): MigrationReport {
  const file = sqlitePath(databaseUrl);
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file, { timeout: 15_000 });
  try {
    db.pragma('journal_mode = WAL');
    db.exec(SQLITE_TABLE);
    const migrations = readMigrations(dir);
    // BEGIN IMMEDIATE takes the write lock first, so a second process waits and then sees our rows.
    db.exec('BEGIN IMMEDIATE');
    try {
      const rows = db.prepare('SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL').all() as AppliedRow[];
      const result = report(migrations, rows);
      const insert = db.prepare(
        'INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count) VALUES (?, ?, ?, ?, ?, 1)',
      );
      for (const m of result.pending) {
        const started = Date.now();
        db.exec(m.sql);
        insert.run(randomUUID(), m.checksum, Date.now(), m.name, started);
        result.applied.push(m.name);
      }
      db.exec('COMMIT');
      return strip(result);
    } catch (err) {
      db.exec('ROLLBACK');
      throw err;
    }
  } finally {
    db.close();
  }
}

/** An arbitrary constant: the advisory lock that serialises concurrent migrators on one server. */
const PG_MIGRATION_LOCK = 7_220_531_001;

/** Brings a PostgreSQL database up to date, each migration in its own transaction. */
export async function migratePostgres(databaseUrl: string, dir = migrationsDir('postgresql')): Promise<MigrationReport> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PG_MIGRATION_LOCK]);
    await client.query(PG_TABLE);
    const rows = (
      await client.query<AppliedRow>(
        'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL',
      )
    ).rows;
    const result = report(readMigrations(dir), rows);
    for (const m of result.pending) {
      const id = randomUUID();
      await client.query('BEGIN');
      try {
        await client.query(
          'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at) VALUES ($1, $2, $3, now())',
          [id, m.checksum, m.name],
        );
        await client.query(m.sql);
        await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
        await client.query('COMMIT');
      } catch (err) {
        await client.query('ROLLBACK');
        throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`);
      }
      result.applied.push(m.name);
    }
    return strip(result);
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PG_MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}

function strip(r: MigrationReport & { pending: Migration[] }): MigrationReport {
  const { pending: _pending, ...rest } = r;
  return rest;
}

/** Applies pending migrations for whichever provider the URL names. */
export async function migrate(provider: Provider, databaseUrl: string, dir?: string): Promise<MigrationReport> {
  return provider === 'sqlite' ? migrateSqlite(databaseUrl, dir) : migratePostgres(databaseUrl, dir);
}
