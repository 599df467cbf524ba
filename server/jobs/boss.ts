import { PgBoss } from "pg-boss";
import { env } from "../env";
import { logger } from "../logger";
import type { JobContract } from "./registry";

// The one PgBoss instance of a process. Web processes use it only to send (no supervision, no
// cron, no migration); the worker process starts it fully. pg-boss keeps its tables in its own
// schema, `pgboss` (SIGNALBOX_BOSS_SCHEMA overrides it: each test file gets its own, so one file's
// worker never takes, and then abandons on stop, a job another file is waiting for).
//
// This module knows no job: the processes that start create the queues from the list of contracts
// (jobs/contracts.ts), and platform/enqueue.ts makes sure a contract's queue exists before its
// first send (a process may enqueue before any worker has started on a fresh pg-boss schema).
export const BOSS_SCHEMA = process.env.SIGNALBOX_BOSS_SCHEMA || "pgboss";

const g = globalThis as unknown as { __sbBoss?: Promise<PgBoss>; __sbQueues?: Map<string, Promise<void>> };

export function getBoss(role: "sender" | "worker" = "sender"): Promise<PgBoss> {
  if (!g.__sbBoss) {
    g.__sbBoss = (async () => {
      const boss = new PgBoss({
        connectionString: env().DATABASE_URL,
        schema: BOSS_SCHEMA,
        max: role === "worker" ? 10 : 4,
        supervise: role === "worker",
        schedule: role === "worker",
        migrate: true,
        useListenNotify: role === "worker",
        application_name: `signalbox-${role}`,
      });
      boss.on("error", (err: unknown) => logger.error({ err }, "pg-boss error"));
      await boss.start();
      return boss;
    })();
    g.__sbBoss.catch(() => {
      g.__sbBoss = undefined;
    });
  }
  return g.__sbBoss;
}

export async function stopBoss(): Promise<void> {
  const p = g.__sbBoss;
  g.__sbBoss = undefined;
  g.__sbQueues = undefined;
  if (p) await (await p).stop({ graceful: true, timeout: 10_000, close: true }).catch(() => {});
}

/** Creates the queue of every contract that has none yet (idempotent, once per process and contract). */
export async function ensureQueues(contracts: readonly JobContract[]): Promise<void> {
  const known = (g.__sbQueues ??= new Map());
  const missing = contracts.filter((c) => !known.has(c.name));
  if (missing.length) {
    const created = createMissingQueues(await getBoss(), missing);
    for (const c of missing) {
      const p = created.catch((err) => {
        known.delete(c.name);
        throw err;
      });
      known.set(c.name, p);
    }
  }
  await Promise.all(contracts.map((c) => known.get(c.name)));
}

async function createMissingQueues(boss: PgBoss, contracts: JobContract[]): Promise<void> {
  const existing = new Set((await boss.getQueues()).map((q: { name: string }) => q.name));
  for (const c of contracts) {
    if (!existing.has(c.name)) {
      await boss.createQueue(c.name, { ...(c.queue ?? {}) } as never).catch((err: Error) => {
        if (!/already exists/i.test(err.message)) throw err;
      });
    }
  }
}
