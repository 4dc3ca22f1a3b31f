import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient as SqliteClient } from '../generated/sqlite/client.ts';
import { PrismaClient as PostgresClient } from '../generated/postgresql/client.ts';
import { sqlitePath } from '../core/config';
import { migrate, type MigrationReport, type Provider } from './migrate';
import { serializeSqlite } from './serializedSqlite';

export type { Project, PlanVersion, Scene, Run, Cache, ChatSettings, Publication, WorkerNode, LinkedAccount, OAuthState } from '../generated/sqlite/client.ts';
export { Prisma } from '../generated/sqlite/client.ts';

/**
 * The Prisma client type the code is written against. Both providers are generated from the same
 * models (prisma/models.prisma), so their model APIs are identical; the SQLite one names the type.
 */
export type Db = SqliteClient;

export interface Database {
  prisma: Db;
  provider: Provider;
  url: string;
  migrations: MigrationReport;
  /** PostgreSQL: the connection pool Prisma runs on, shared with the job queue (graphile-worker). */
  pool?: pg.Pool;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
  /** Max pooled connections for PostgreSQL (default 10). */
  poolSize?: number;
}

const EMPTY_REPORT: MigrationReport = { applied: [], alreadyApplied: [], checksumMismatch: [], unknown: [] };

/** Opens (and by default migrates) the database a URL names: `file:` → SQLite, else PostgreSQL. */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Database> {
  const provider: Provider = url.startsWith('file:') ? 'sqlite' : 'postgresql';
  const migrations = options.migrate === false ? EMPTY_REPORT : await migrate(provider, url);
  if (provider === 'sqlite') {
    const prisma = new SqliteClient({ adapter: serializeSqlite(new PrismaBetterSqlite3({ url: sqlitePath(url), timeout: 15_000 })) });
    return { prisma, provider, url, migrations, close: () => prisma.$disconnect() };
  }
  // One pool for Prisma and the job queue: a job is enqueued in the same transaction as its row.
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // A dropped connection (idle or checked out) is an error event; the pool replaces the client.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  // Same models, same generated API; only the provider's SQL dialect differs inside.
  const prisma = new PostgresClient({ adapter: new PrismaPg(pool) }) as unknown as Db;
  return {
    prisma, provider, url, migrations, pool,
    close: async () => {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
