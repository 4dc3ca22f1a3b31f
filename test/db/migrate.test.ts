import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, migrationsDir, readMigrations } from '../../db/migrate';
import { openDatabase } from '../../db/client';
import { makeTestDatabaseUrl, testProvider } from '../support/database';

describe(`migrations on ${testProvider}`, () => {
  it('applies every migration to a fresh database, and a second time is a no-op', async () => {
    const { url, drop } = await makeTestDatabaseUrl();
    try {
      const all = readMigrations(migrationsDir(testProvider)).map((m) => m.name);
      const first = await migrate(testProvider, url);
      expect(first.applied).toEqual(all);
      const second = await migrate(testProvider, url);
      expect(second).toEqual({ applied: [], alreadyApplied: all, checksumMismatch: [], unknown: [] });
    } finally {
      await drop();
    }
  });

  it('upgrades a database created by an older migration set, keeping its rows', async () => {
    const { url, drop } = await makeTestDatabaseUrl();
    const older = mkdtempSync(join(tmpdir(), 'shortsmith-mig-'));
    try {
      const [init] = readMigrations(migrationsDir(testProvider));
      if (!init) throw new Error('no migrations shipped');
      cpSync(join(migrationsDir(testProvider), init.name), join(older, init.name), { recursive: true });
      expect((await migrate(testProvider, url, older)).applied).toEqual([init.name]);

      // A row written by the older schema (no chat columns yet).
      const old = await openDatabase(url, { migrate: false });
      await old.prisma.$executeRawUnsafe(
        `INSERT INTO "Project" ("id","title","topic","nichePackId","updatedAt") VALUES ('p-old','Old','old topic','facts',CURRENT_TIMESTAMP)`,
      );
      await old.close();

      const upgraded = await openDatabase(url);
      try {
        expect(upgraded.migrations.applied.length).toBeGreaterThan(0);
        expect(upgraded.migrations.alreadyApplied).toEqual([init.name]);
        const row = await upgraded.prisma.project.findUniqueOrThrow({ where: { id: 'p-old' } });
        expect(row).toMatchObject({ title: 'Old', status: 'DRAFT_PLAN', platform: 'cli', chatId: '', planCostMicros: 0 });
      } finally {
        await upgraded.close();
      }
    } finally {
      rmSync(older, { recursive: true, force: true });
      await drop();
    }
  });

  it('lets several processes migrate the same database at once', async () => {
    const { url, drop } = await makeTestDatabaseUrl();
    try {
      const reports = await Promise.all([migrate(testProvider, url), migrate(testProvider, url), migrate(testProvider, url)]);
      const appliedTotal = reports.reduce((n, r) => n + r.applied.length, 0);
      expect(appliedTotal).toBe(readMigrations(migrationsDir(testProvider)).length);
    } finally {
      await drop();
    }
  });

  it('reports an edited migration by checksum', async () => {
    const { url, drop } = await makeTestDatabaseUrl();
    const edited = mkdtempSync(join(tmpdir(), 'shortsmith-mig-'));
    try {
      await migrate(testProvider, url);
      cpSync(migrationsDir(testProvider), edited, { recursive: true });
      const [init] = readMigrations(edited);
      const { appendFileSync } = await import('node:fs');
      appendFileSync(join(edited, init!.name, 'migration.sql'), '\n-- edited\n');
      const r = await migrate(testProvider, url, edited);
      expect(r.checksumMismatch).toEqual([init!.name]);
      expect(r.applied).toEqual([]);
    } finally {
      rmSync(edited, { recursive: true, force: true });
      await drop();
    }
  });
});
