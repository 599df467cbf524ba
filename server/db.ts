import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";
import { logger } from "./logger";

// Two handles on one database:
//  - `prisma` for the console and everything that is not hot;
//  - `pool` (node-postgres) for the data plane's hand-written SQL (receive with SKIP LOCKED, batches).
// Both are created lazily and kept on globalThis so Next's dev reloads do not leak connections.
const g = globalThis as unknown as { __sbPrisma?: PrismaClient; __sbPool?: pg.Pool };

// BIGINT columns (audit ids, sequence numbers) come back as strings from pg; keep them as strings.
export function pool(): pg.Pool {
  if (!g.__sbPool) {
    g.__sbPool = new pg.Pool({
      connectionString: env().DATABASE_URL,
      max: env().DB_POOL_MAX,
      idleTimeoutMillis: 30_000,
    });
    g.__sbPool.on("error", () => {
      /* idle client errors (e.g. PostgreSQL restart) are retried by the next query */
    });
    // pg-pool listens for errors only on idle clients: a connection that dies while checked out
    // between two statements (a transaction doing work in JS, PostgreSQL restarting, a terminated
    // backend) would emit an unhandled 'error' and end the process. Every client gets a listener of
    // its own; its next statement then fails, and the pool drops it on release (it is no longer
    // queryable).
    g.__sbPool.on("connect", (client) => {
      client.on("error", () => {
        /* surfaced by the client's next statement */
      });
    });
  }
  return g.__sbPool;
}

/**
 * A connection of its own, outside the pool (not yet connected), for state that lives as long as a
 * session: a session-level advisory lock, say. The caller connects it, watches 'error'/'end' and
 * ends it.
 */
export function dedicatedClient(applicationName: string): pg.Client {
  return new pg.Client({ connectionString: env().DATABASE_URL, application_name: applicationName, keepAlive: true });
}

export function prisma(): PrismaClient {
  if (!g.__sbPrisma) {
    const adapter = new PrismaPg({ connectionString: env().DATABASE_URL, max: 10 });
    g.__sbPrisma = new PrismaClient({ adapter });
  }
  return g.__sbPrisma;
}

export async function closeDb(): Promise<void> {
  const p = g.__sbPrisma;
  const q = g.__sbPool;
  g.__sbPrisma = undefined;
  g.__sbPool = undefined;
  await Promise.allSettled([p?.$disconnect(), q?.end()]);
}

/**
 * Anything that runs a statement: the pool, a pooled client, or a client inside an open
 * transaction. Repository functions take it as their first parameter so a caller decides whether
 * the statement joins its transaction.
 */
export type Queryable = Pick<pg.PoolClient, "query">;

/**
 * Whether a row `db` has just read is committed: true for the pool (each statement is its own
 * transaction) and for a client outside a transaction; false inside an open (or failed) one, where
 * the row may be the transaction's own write and vanish with a rollback. Caches of rows ask this.
 */
export function readsCommitted(db: Queryable): boolean {
  if (db instanceof pg.Pool) return true;
  // node-postgres keeps the last ReadyForQuery status: 'I' idle, 'T' in a transaction, 'E' failed one.
  const status = (db as { getTransactionStatus?: () => string | null }).getTransactionStatus?.();
  return status === "I";
}

// Work to run once a write is committed, per open withTransaction client (see afterCommit).
const commitHooks = new WeakMap<object, Array<() => void>>();

/**
 * Runs `hook` once what `db` has just written is committed: after COMMIT when `db` is the client of
 * an open withTransaction (never, if it rolls back), else at once (the pool, or a client outside a
 * transaction, commits each statement by itself). Repositories register here what the writing
 * process must do after its own write, e.g. forget its cached copies of the rows (read-your-writes),
 * so every caller of the repository gets it, whichever door it came through. A transaction opened
 * by hand (BEGIN without withTransaction) runs hooks at once: too early, so use withTransaction.
 */
export function afterCommit(db: Queryable, hook: () => void): void {
  const hooks = commitHooks.get(db);
  if (hooks) hooks.push(hook);
  else hook();
}

/** Runs `fn` in one transaction on a pooled client (then the afterCommit hooks it registered). */
export async function withTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  const hooks: Array<() => void> = [];
  commitHooks.set(client, hooks);
  let result: T;
  try {
    await client.query("BEGIN");
    result = await fn(client);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    commitHooks.delete(client);
    client.release();
  }
  for (const hook of hooks) {
    try {
      hook();
    } catch (err) {
      // The transaction is committed; a failing hook must not turn it into an error for the caller.
      logger.error({ err }, "db: an afterCommit hook failed");
    }
  }
  return result;
}

export type { PrismaClient };
