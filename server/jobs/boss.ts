import type { Queryable } from "../db";
import { PgBoss } from "pg-boss";
import { env } from "../env";
import { logger } from "../logger";
import type { JobDefinition } from "./registry";

// The one PgBoss instance of a process. Web processes use it only to send (no supervision, no
// cron, no migration); the worker process starts it fully. pg-boss keeps its tables in its own
// schema, `pgboss` (SIGNALBOX_BOSS_SCHEMA overrides it: each test file gets its own, so one file's
// worker never takes, and then abandons on stop, a job another file is waiting for).
export const BOSS_SCHEMA = process.env.SIGNALBOX_BOSS_SCHEMA || "pgboss";

const g = globalThis as unknown as { __sbBoss?: Promise<PgBoss> };

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
      // Senders create the queues too: a web process may enqueue before any worker has started,
      // and pg-boss refuses to send to a queue that does not exist.
      const { JOBS } = await import("./catalog");
      await createMissingQueues(boss, JOBS);
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
  if (p) await (await p).stop({ graceful: true, timeout: 10_000, close: true }).catch(() => {});
}

/**
 * Enqueues a job. Pass `tx` (a client inside an open transaction) so the job commits or rolls
 * back together with the state it follows from: that is what makes background work durable.
 */
export async function enqueue<S extends JobDefinition>(
  job: S,
  data: Parameters<S["handler"]>[0],
  opts: { tx?: Queryable; startAfter?: Date | number; singletonKey?: string; id?: string; priority?: number } = {},
): Promise<string | null> {
  const payload = job.schema.parse(data) as object;
  const boss = await getBoss();
  const { tx, ...rest } = opts;
  const db = tx ? { executeSql: (text: string, values?: unknown[]) => tx.query(text, values as unknown[]) } : undefined;
  return boss.send(job.name, payload, { ...rest, ...(db ? { db } : {}) });
}

/** Creates the queue of every job definition (idempotent); both web and worker call it at start. */
export async function ensureQueues(jobs: JobDefinition[]): Promise<void> {
  await createMissingQueues(await getBoss(), jobs);
}

async function createMissingQueues(boss: PgBoss, jobs: JobDefinition[]): Promise<void> {
  const existing = new Set((await boss.getQueues()).map((q: { name: string }) => q.name));
  for (const j of jobs) {
    if (!existing.has(j.name)) {
      await boss.createQueue(j.name, { ...(j.queue ?? {}) } as never).catch((err: Error) => {
        if (!/already exists/i.test(err.message)) throw err;
      });
    }
  }
}
