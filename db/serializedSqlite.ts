import type {
  IsolationLevel, SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery, Transaction,
} from '@prisma/driver-adapter-utils';

/** A minimal FIFO lock. */
class Lock {
  private tail: Promise<void> = Promise.resolve();

  acquire(): Promise<() => void> {
    let release!: () => void;
    const next = new Promise<void>((r) => (release = r));
    const ready = this.tail.then(() => release);
    this.tail = this.tail.then(() => next);
    return ready;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await fn();
    } finally {
      release();
    }
  }
}

/**
 * Wraps Prisma's better-sqlite3 adapter so queries outside a transaction wait while one is open,
 * and every transaction takes the database's write lock when it begins.
 * The adapter runs everything on one connection and only serialises transactions against each
 * other, so a query from elsewhere in the process that lands mid-transaction becomes part of it —
 * and is silently undone if that transaction rolls back (seen: a worker's claim of a run vanished
 * when a concurrent, refused approval rolled back).
 */
export function serializeSqlite(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  const wrap = (inner: SqlDriverAdapter): SqlDriverAdapter => {
    const lock = new Lock();
    return {
      provider: inner.provider,
      adapterName: inner.adapterName,
      queryRaw: (q: SqlQuery) => lock.run(() => inner.queryRaw(q)),
      executeRaw: (q: SqlQuery) => lock.run(() => inner.executeRaw(q)),
      executeScript: (s: string) => lock.run(() => inner.executeScript(s)),
      getConnectionInfo: inner.getConnectionInfo?.bind(inner),
      dispose: () => inner.dispose(),
      async startTransaction(level?: IsolationLevel): Promise<Transaction> {
        const release = await lock.acquire();
        try {
          const tx = await inner.startTransaction(level);
          // The adapter opens transactions DEFERRED. With several processes on one file, one that
          // reads, then writes after another process committed fails with SQLITE_BUSY_SNAPSHOT,
          // which no busy timeout can wait out. A first, empty write takes the write lock at
          // once (as BEGIN IMMEDIATE would), waiting its turn under the busy timeout instead.
          await tx.executeRaw({ sql: 'UPDATE "_prisma_migrations" SET "id" = "id" WHERE 0', args: [], argTypes: [] }).catch(() => undefined);
          const done = (fn: () => Promise<void>) => async () => {
            try {
              await fn();
            } finally {
              release();
            }
          };
          return Object.assign(Object.create(tx) as Transaction, { commit: done(() => tx.commit()), rollback: done(() => tx.rollback()) });
        } catch (err) {
          release();
          throw err;
        }
      },
    };
  };
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrap(await factory.connect()),
    connectToShadowDb: async () => wrap(await factory.connectToShadowDb()),
  };
}
