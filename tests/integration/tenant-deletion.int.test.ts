import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pino from "pino";
import { pool } from "../../server/db";
import { ensureQueues, getBoss, stopBoss, BOSS_SCHEMA } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { deleteTenant } from "../../server/domains/tenants/tenant-delete";
import { addMember, createTestTenant, createTestUser, type TestTenant } from "../helpers/fixtures";

// Deleting a tenant removes every row it owns and nothing of anyone else's. The tables are not
// listed by hand: every table with a tenant_id column is checked, and so is every table that hangs
// off one of them by a foreign key, so a table someone adds later is checked too.

// Tables whose rows a deletion removes itself (no foreign key: see the migration
// 20261201120000_tenant_foreign_keys). Everything else must cascade from "tenants".
const PURGED_WITHOUT_KEY = ["queue_metrics", "delivery_metrics_minute"];
// Every table seed() writes to.
const SEEDED = [
  "api_keys",
  "audit_log",
  "deliveries",
  "delivery_attempts",
  "delivery_metrics_minute",
  "delivery_notifications",
  "delivery_rate_counters",
  "delivery_resends",
  "email_outbox",
  "invites",
  "memberships",
  "queue_dedup",
  "queue_deleted_names",
  "queue_fifo_groups",
  "queue_messages",
  "queue_metrics",
  "queue_move_tasks",
  "queue_receive_attempts",
  "queues",
  "topic_dedup",
  "topic_messages",
  "topic_resubscribe_tokens",
  "topic_subscriptions",
  "topics",
];

type FkOnly = { table: string; column: string; parent: string; parentKey: string };

async function tenantTables(): Promise<string[]> {
  const r = await pool().query(
    `SELECT c.table_name FROM information_schema.columns c
       JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
      WHERE c.table_schema = 'public' AND c.column_name = 'tenant_id' AND t.table_type = 'BASE TABLE'
      ORDER BY 1`,
  );
  return r.rows.map((x) => x.table_name as string);
}

/** Cascading single-column foreign keys: child table/column → parent table/column. */
async function cascades(): Promise<Array<FkOnly>> {
  const r = await pool().query(
    `SELECT cl.relname AS "table", a.attname AS "column", pc.relname AS parent, pa.attname AS "parentKey"
       FROM pg_constraint k
       JOIN pg_class cl ON cl.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = cl.relnamespace AND n.nspname = 'public'
       JOIN pg_class pc ON pc.oid = k.confrelid
       JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
       JOIN pg_attribute pa ON pa.attrelid = k.confrelid AND pa.attnum = k.confkey[1]
      WHERE k.contype = 'f' AND k.confdeltype = 'c' AND array_length(k.conkey, 1) = 1`,
  );
  return r.rows;
}

async function countFor(table: string, tenantId: string): Promise<number> {
  const r = await pool().query(`SELECT count(*)::int AS n FROM "${table}" WHERE tenant_id = $1`, [tenantId]);
  return r.rows[0].n;
}

/** Rows of an FK-only table hanging off the given parent keys. */
async function countUnder(fk: FkOnly, parentKeys: string[]): Promise<number> {
  const r = await pool().query(`SELECT count(*)::int AS n FROM "${fk.table}" WHERE "${fk.column}"::text = ANY($1)`, [
    parentKeys,
  ]);
  return r.rows[0].n;
}

/** A bit of everything a tenant can own, written straight to the tables. */
async function seed(t: TestTenant) {
  const q = (sql: string, args: unknown[]) => pool().query(sql, args);
  const id = () => randomUUID();
  const tid = t.tenant.id;
  const now = new Date();
  const later = new Date(Date.now() + 3_600_000);
  const queue = { id: id(), name: `q-${id().slice(0, 8)}` };
  const arn = `arn:aws:sqs:us-east-1:${t.tenant.accountId}:${queue.name}`;
  await q(`INSERT INTO queues (id, tenant_id, name, arn) VALUES ($1, $2, $3, $4)`, [queue.id, tid, queue.name, arn]);
  const msgId = id();
  await q(
    `INSERT INTO queue_messages (id, queue_id, tenant_id, body, md5_body, size, sender_id, sent_at, visible_at, expires_at)
     VALUES ($1, $2, $3, 'hello', 'md5', 5, 'sender', $4, $4, $5)`,
    [msgId, queue.id, tid, now, later],
  );
  await q(`INSERT INTO queue_fifo_groups (queue_id, group_id, tenant_id, available_at) VALUES ($1, 'g', $2, $3)`, [
    queue.id,
    tid,
    now,
  ]);
  await q(
    `INSERT INTO queue_dedup (queue_id, scope_key, dedup_id, message_id, seq, expires_at) VALUES ($1, '', 'd', $2, 1, $3)`,
    [queue.id, msgId, later],
  );
  await q(
    `INSERT INTO queue_receive_attempts (queue_id, attempt_id, messages, expires_at) VALUES ($1, 'a', '[]', $2)`,
    [queue.id, later],
  );
  const taskId = id();
  await q(
    `INSERT INTO queue_move_tasks (id, tenant_id, source_queue_id, source_arn, status, cutoff) VALUES ($1, $2, $3, $4, 'RUNNING', $5)`,
    [taskId, tid, queue.id, arn, now],
  );
  await q(`INSERT INTO queue_metrics (queue_id, tenant_id, minute) VALUES ($1, $2, $3)`, [queue.id, tid, now]);
  await q(`INSERT INTO queue_counts (queue_id, tenant_id, counted_at) VALUES ($1, $2, $3)`, [queue.id, tid, now]);
  await q(`INSERT INTO queue_deleted_names (tenant_id, name, deleted_at) VALUES ($1, 'gone', $2)`, [tid, now]);

  const topic = { id: id(), name: `t-${id().slice(0, 8)}` };
  await q(`INSERT INTO topics (id, tenant_id, name, arn) VALUES ($1, $2, $3, $4)`, [
    topic.id,
    tid,
    topic.name,
    `arn:aws:sns:us-east-1:${t.tenant.accountId}:${topic.name}`,
  ]);
  const sub = id();
  await q(
    `INSERT INTO topic_subscriptions (id, tenant_id, topic_id, arn, protocol, endpoint, status) VALUES ($1, $2, $3, $4, 'https', 'https://example.test/hook', 'pending')`,
    [sub, tid, topic.id, `arn:aws:sns:us-east-1:${t.tenant.accountId}:${topic.name}:${sub}`],
  );
  const tmsg = id();
  await q(`INSERT INTO topic_messages (id, tenant_id, topic_id, body) VALUES ($1, $2, $3, 'hi')`, [
    tmsg,
    tid,
    topic.id,
  ]);
  await q(`INSERT INTO topic_dedup (topic_id, deduplication_id, message_id, expires_at) VALUES ($1, 'd', $2, $3)`, [
    topic.id,
    tmsg,
    later,
  ]);
  await q(
    `INSERT INTO topic_resubscribe_tokens (token_hash, tenant_id, topic_id, subscription, expires_at) VALUES ($1, $2, $3, '{}', $4)`,
    [id(), tid, topic.id, later],
  );
  const delivery = id();
  await q(
    `INSERT INTO deliveries (id, tenant_id, topic_id, message_id, subscription_id, protocol, endpoint, status) VALUES ($1, $2, $3, $4, $5, 'https', 'https://example.test/hook', 'retrying')`,
    [delivery, tid, topic.id, tmsg, sub],
  );
  await q(
    `INSERT INTO delivery_attempts (delivery_id, tenant_id, topic_id, subscription_id, message_id, attempt_number, protocol, endpoint, outcome, started_at, duration_ms)
     VALUES ($1, $2, $3, $4, $5, 1, 'https', 'https://example.test/hook', 'failed', $6, 3)`,
    [delivery, tid, topic.id, sub, tmsg, now],
  );
  await q(
    `INSERT INTO email_outbox (id, tenant_id, to_address, subject, body) VALUES ($1, $2, 'a@example.test', 's', 'b')`,
    [id(), tid],
  );
  await q(
    `INSERT INTO delivery_metrics_minute (subscription_id, minute, tenant_id, topic_id) VALUES ($1, $2, $3, $4)`,
    [sub, now, tid, topic.id],
  );
  await q(`INSERT INTO delivery_notifications (id, tenant_id, kind, message) VALUES ($1, $2, 'resend_finished', 'm')`, [
    id(),
    tid,
  ]);
  await q(`INSERT INTO delivery_rate_counters (subscription_id, second) VALUES ($1, 1)`, [sub]);
  const resend = id();
  await q(`INSERT INTO delivery_resends (id, tenant_id, status) VALUES ($1, $2, 'running')`, [resend, tid]);
  await q(
    `INSERT INTO invites (id, tenant_id, email, role, token_hash, invited_by_id, expires_at) VALUES ($1, $2, 'i@example.test', 'viewer', $3, $4, $5)`,
    [id(), tid, id(), t.user.id, later],
  );
  await q(`INSERT INTO audit_log (tenant_id, actor_type, action) VALUES ($1, 'system', 'test.seed')`, [tid]);
  const member = await createTestUser();
  await addMember(tid, member.id, "developer");

  // Waiting jobs of the tenant (one names it, one names its move task) and one of nobody's.
  const boss = await getBoss();
  await ensureQueues(CONTRACTS);
  const later5 = new Date(Date.now() + 300_000);
  const jobs = [
    await boss.send(
      "deliveries.confirm",
      { subscriptionId: sub, tenantId: tid, token: "x", baseUrl: "http://x" },
      { startAfter: later5 },
    ),
    await boss.send("queues.move-task", { taskId }, { startAfter: later5 }),
  ];
  return { queue, msgId, taskId, topic, sub, tmsg, delivery, resend, member, jobs: jobs as string[] };
}

async function jobsPresent(ids: string[]): Promise<number> {
  const r = await pool().query(`SELECT count(*)::int AS n FROM "${BOSS_SCHEMA}".job WHERE id = ANY($1::uuid[])`, [ids]);
  return r.rows[0].n;
}

describe("tenant deletion", () => {
  let a: TestTenant;
  let b: TestTenant;
  let seededA: Awaited<ReturnType<typeof seed>>;
  let seededB: Awaited<ReturnType<typeof seed>>;

  beforeAll(async () => {
    a = await createTestTenant();
    b = await createTestTenant();
    seededA = await seed(a);
    seededB = await seed(b);
  });
  afterAll(async () => {
    await stopBoss();
  });

  it("every table with a tenant_id is reached by a cascading foreign key or purged explicitly", async () => {
    const fks = await cascades();
    const cascadesFromTenants = new Set<string>(["tenants"]);
    // Walk the cascade graph down from tenants.
    for (let grew = true; grew;) {
      grew = false;
      for (const fk of fks)
        if (cascadesFromTenants.has(fk.parent) && !cascadesFromTenants.has(fk.table)) {
          cascadesFromTenants.add(fk.table);
          grew = true;
        }
    }
    const unreached = (await tenantTables()).filter(
      (t) => !cascadesFromTenants.has(t) && !PURGED_WITHOUT_KEY.includes(t),
    );
    expect(unreached, "tables with tenant_id that deleting a tenant would leave behind").toEqual([]);
  });

  it("removes every row of the tenant, its waiting jobs, and nothing of another tenant", async () => {
    const tables = await tenantTables();
    const fks = await cascades();
    const owned = new Set(tables);
    // Tables without tenant_id hanging off a tenant-owned table (dedup windows, rate counters, ...).
    const fkOnly = fks.filter((fk) => !owned.has(fk.table) && owned.has(fk.parent));
    const parentKeys = async (fk: FkOnly, tenantId: string) =>
      (
        await pool().query(`SELECT "${fk.parentKey}"::text AS k FROM "${fk.parent}" WHERE tenant_id = $1`, [tenantId])
      ).rows.map((r) => r.k as string);

    const before = async (tenantId: string) => {
      const counts: Record<string, number> = {};
      for (const t of tables) counts[t] = await countFor(t, tenantId);
      for (const fk of fkOnly)
        counts[`${fk.table}.${fk.column}`] = await countUnder(fk, await parentKeys(fk, tenantId));
      return counts;
    };
    const keysA = new Map<FkOnly, string[]>();
    for (const fk of fkOnly) keysA.set(fk, await parentKeys(fk, a.tenant.id));
    const countsA = await before(a.tenant.id);
    const countsB = await before(b.tenant.id);
    // The seed reaches every table it knows (otherwise "zero rows after" would prove nothing about
    // them). A table added later is covered by the cascade check above; seed it here too if you can.
    const empty = Object.entries(countsA)
      .filter(([, n]) => n === 0)
      .map(([t]) => t);
    expect(empty.filter((t) => SEEDED.includes(t.split(".")[0]!))).toEqual([]);
    expect(await jobsPresent(seededA.jobs)).toBe(2);

    const result = await deleteTenant(a.actor, a.tenant.id, { confirmName: a.tenant.name });
    expect(result.deleted).toMatchObject({ queues: 1, topics: 1, members: 2, apiKeys: 1 });

    const after: Record<string, number> = {};
    for (const t of tables) after[t] = await countFor(t, a.tenant.id);
    for (const fk of fkOnly) after[`${fk.table}.${fk.column}`] = await countUnder(fk, keysA.get(fk)!);
    expect(Object.entries(after).filter(([, n]) => n > 0)).toEqual([]);
    expect((await pool().query(`SELECT 1 FROM tenants WHERE id = $1`, [a.tenant.id])).rowCount).toBe(0);
    expect(await jobsPresent(seededA.jobs)).toBe(0);
    // The person stays (a person is not a team's resource), only the membership goes.
    expect((await pool().query(`SELECT 1 FROM users WHERE id = $1`, [seededA.member.id])).rowCount).toBe(1);

    expect(await before(b.tenant.id)).toEqual(countsB);
    expect(await jobsPresent(seededB.jobs)).toBe(2);

    const audit = await pool().query(
      `SELECT tenant_id, actor_label, summary FROM audit_log WHERE action = 'tenant.delete' AND target_id = $1`,
      [a.tenant.id],
    );
    expect(audit.rows).toHaveLength(1);
    expect(audit.rows[0].tenant_id).toBeNull();
    expect(audit.rows[0].actor_label).toBe(a.user.email);
    expect(audit.rows[0].summary.before).toMatchObject({ name: a.tenant.name, slug: a.tenant.slug, queues: 1 });
  });

  it("jobs that were already running for the deleted tenant end quietly", async () => {
    const ctx = { jobId: "test", log: pino({ level: "silent" }), retryCount: 0 };
    const { runDeliver } = await import("../../server/domains/deliveries/deliver");
    const { runFanout } = await import("../../server/domains/deliveries/fanout");
    const { sendConfirmation } = await import("../../server/domains/deliveries/confirmation");
    const { runResend } = await import("../../server/domains/deliveries/resend");
    const { runMoveTask } = await import("../../server/domains/queues/move-tasks");
    await expect(runDeliver({ deliveryIds: [seededA.delivery], baseUrl: "http://x" }, ctx)).resolves.toBeUndefined();
    await expect(runFanout({ messageIds: [seededA.tmsg], baseUrl: "http://x" }, ctx)).resolves.toBeUndefined();
    await expect(
      sendConfirmation({ subscriptionId: seededA.sub, tenantId: a.tenant.id, token: "x", baseUrl: "http://x" }, ctx),
    ).resolves.toBeUndefined();
    await expect(
      runResend({ resendId: seededA.resend, tenantId: a.tenant.id, baseUrl: "http://x" }, ctx),
    ).resolves.toBeUndefined();
    await expect(runMoveTask(seededA.taskId, ctx.log)).resolves.toBe("done");
  });

  it("needs the owner and the team's name typed exactly", async () => {
    const c = await createTestTenant();
    await expect(
      deleteTenant({ ...c.actor, role: "admin" }, c.tenant.id, { confirmName: c.tenant.name }),
    ).rejects.toMatchObject({ code: "forbidden" });
    await expect(
      deleteTenant(c.actor, c.tenant.id, { confirmName: c.tenant.name.toUpperCase() }),
    ).rejects.toMatchObject({
      code: "validation",
    });
    expect((await pool().query(`SELECT 1 FROM tenants WHERE id = $1`, [c.tenant.id])).rowCount).toBe(1);
    await expect(deleteTenant(c.actor, randomUUID(), { confirmName: "x" })).rejects.toMatchObject({
      code: "not_found",
    });
  });
});
