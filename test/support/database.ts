import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openDatabase, type Database, type OpenOptions } from '../../db/client';

/**
 * Test databases. SQLite by default; with TEST_POSTGRES_URL (an admin URL such as
 * postgresql://postgres@127.0.0.1:5432/postgres) every test database is a fresh PostgreSQL
 * database created for it and dropped afterwards.
 */
export const testProvider: 'sqlite' | 'postgresql' = process.env.TEST_POSTGRES_URL ? 'postgresql' : 'sqlite';

export interface TestDatabaseUrl {
  url: string;
  drop(): Promise<void>;
}

/** A new, empty database URL of the provider under test. */
export async function makeTestDatabaseUrl(): Promise<TestDatabaseUrl> {
  const admin = process.env.TEST_POSTGRES_URL;
  if (!admin) {
    const dir = mkdtempSync(join(tmpdir(), 'shortsmith-db-'));
    return { url: `file:${join(dir, 'test.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `shortsmith_t_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  await client.query(`CREATE DATABASE "${name}"`);
  await client.end();
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}

export interface TestDatabase extends Database {
  dispose(): Promise<void>;
}

/** A migrated database of the provider under test; call dispose() when done. */
export async function makeTestDatabase(options: OpenOptions = {}): Promise<TestDatabase> {
  const { url, drop } = await makeTestDatabaseUrl();
  const db = await openDatabase(url, options);
  return {
    ...db,
    dispose: async () => {
      await db.close();
      await drop();
    },
  };
}
