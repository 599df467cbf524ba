import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/prisma/client";
import { env } from "./env";

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

/** Runs `fn` in one transaction on a pooled client. */
export async function withTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export type { PrismaClient };
