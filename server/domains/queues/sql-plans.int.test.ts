import { randomBytes } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { pool } from "../../db";
import { logger } from "../../logger";
import { inlined } from "./message.repository";
import { listAttempts } from "../deliveries/delivery-dashboard.repository";
import { runRetention } from "../deliveries/retention";
import { deleteOldInvocations } from "../deliveries/retention.repository";
import {
  INDEX_ORDER_SETTINGS,
  browseSql,
  expiredMessagesSql,
  fifoGroupHeadsSql,
  fifoReadyGroupsSql,
  liveCountsSql,
  moveChunkSql,
  receiveStandardSql,
  type Sql,
} from "./queue.sql";

// The plan of every hot statement, read with EXPLAIN (FORMAT JSON) on seeded copies of the tables
// (same columns and indexes, in a schema of their own, autovacuum off on them): first before
// anything analyzed them (no statistics at all, which is what a table looks like on a server with
// autovacuum off), then after ANALYZE. Each statement must use its intended index and never sort
// where that index gives the order: the plan may not depend on statistics. No timing is measured.

type PlanNode = {
  "Node Type": string;
  "Relation Name"?: string;
  "Index Name"?: string;
  Plans?: PlanNode[];
};

function nodes(n: PlanNode): PlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(nodes)];
}

const schema = process.env.PLAN_SCHEMA_DEBUG ?? `plans_${randomBytes(4).toString("hex")}`;
let client: pg.PoolClient;
const now = new Date();
const visibleUntil = new Date(now.getTime() + 30_000);
const qA = { id: "qA", tenantId: "tA" };
const qF = { id: "qF", tenantId: "tA" };

/** EXPLAIN as the repository runs it: in a transaction, with the index-order settings when asked. */
async function plan(sql: Sql, opts: { indexOrder: boolean }): Promise<PlanNode[]> {
  await client.query("BEGIN");
  try {
    if (opts.indexOrder) await client.query(INDEX_ORDER_SETTINGS);
    const r = await client.query(`EXPLAIN (FORMAT JSON) ${sql.text}`, sql.values);
    return nodes((r.rows[0]["QUERY PLAN"] as Array<{ Plan: PlanNode }>)[0].Plan);
  } finally {
    await client.query("ROLLBACK");
  }
}

/** An ordered scan of the index (a bitmap scan gives no order). */
function usesIndex(ns: PlanNode[], index: string): boolean {
  return ns.some((n) => n["Index Name"] === index && ["Index Scan", "Index Only Scan"].includes(n["Node Type"]));
}
const touchesIndex = (ns: PlanNode[], index: string) => ns.some((n) => n["Index Name"] === index);
const sorts = (ns: PlanNode[]) => ns.filter((n) => /Sort/.test(n["Node Type"])).map((n) => n["Node Type"]);
const seqScans = (ns: PlanNode[], table: string) =>
  ns.filter((n) => n["Node Type"] === "Seq Scan" && n["Relation Name"] === table);

/** The statement another module runs on pool(), captured instead of executed. */
async function captured(run: () => Promise<unknown>, match: RegExp): Promise<Sql> {
  const calls: Sql[] = [];
  const spy = vi.spyOn(pool(), "query").mockImplementation((async (text: unknown, values?: unknown[]) => {
    calls.push({ text: String(text), values: values ?? [] });
    return { rows: [], rowCount: 0 };
  }) as never);
  try {
    await run();
  } finally {
    spy.mockRestore();
  }
  const hit = calls.find((c) => match.test(c.text));
  if (!hit) throw new Error(`no statement matching ${match} was run`);
  return hit;
}

beforeAll(async () => {
  client = await pool().connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  // Indexes are recreated from their definitions under their own names (LIKE … INCLUDING INDEXES
  // would rename them), before any row goes in: CREATE INDEX on a filled table records its size.
  for (const t of ["queue_messages", "queue_fifo_groups", "delivery_attempts", "deliveries"]) {
    await client.query(
      `CREATE TABLE ${schema}.${t} (LIKE public.${t} INCLUDING ALL EXCLUDING INDEXES)
       WITH (autovacuum_enabled = false, toast.autovacuum_enabled = false)`,
    );
    const defs = await client.query(
      `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i WHERE i.indrelid = $1::regclass`,
      [`public.${t}`],
    );
    for (const { def } of defs.rows)
      await client.query((def as string).replace(` ON public.${t} `, ` ON ${schema}.${t} `));
  }
  await client.query(`SET search_path = ${schema}, public`);
  // 200k messages: queue qA holds 60k (50k visible, 5k in flight, 5k delayed), FIFO queue qF 20k
  // in 200 groups, 40 other queues of other tenants the rest; seq is explicit so the real
  // sequence is untouched.
  await client.query(
    `INSERT INTO queue_messages (id, queue_id, tenant_id, seq, body, md5_body, size, sender_id, sent_at, visible_at, expires_at, receive_count, group_id)
     SELECT gen_random_uuid(), x.queue_id, x.tenant_id, i, 'body', 'md5', 4, 's', $1::timestamptz - make_interval(secs => 200000 - i),
       CASE WHEN x.queue_id = 'qA' AND i % 12 = 1 THEN $1::timestamptz + interval '30 seconds'
            WHEN x.queue_id = 'qA' AND i % 12 = 2 THEN $1::timestamptz + interval '5 minutes'
            ELSE $1::timestamptz - make_interval(secs => 200000 - i) END,
       $1::timestamptz + interval '4 days' - make_interval(secs => 200000 - i),
       CASE WHEN x.queue_id = 'qA' AND i % 12 = 1 THEN 1 ELSE 0 END,
       CASE WHEN x.queue_id = 'qF' THEN 'g' || (i % 200) END
     FROM generate_series(1, 200000) i,
       LATERAL (SELECT CASE WHEN i % 10 < 3 THEN 'qA' WHEN i % 10 = 3 THEN 'qF' ELSE 'q' || (i % 40) END AS queue_id) q,
       LATERAL (SELECT q.queue_id, CASE WHEN q.queue_id IN ('qA', 'qF') THEN 'tA' ELSE 't' || (i % 40) END AS tenant_id) x`,
    [now],
  );
  // Groups: qF's 200 among 20k groups of 100 FIFO queues; a third of them empty.
  await client.query(
    `INSERT INTO queue_fifo_groups (queue_id, group_id, tenant_id, pending, available_at)
     SELECT CASE WHEN g < 200 THEN 'qF' ELSE 'f' || (g % 100) END, 'g' || g, CASE WHEN g < 200 THEN 'tA' ELSE 't' || (g % 40) END,
       CASE WHEN g % 3 = 0 THEN 0 ELSE 100 END, $1::timestamptz - make_interval(secs => g % 500)
     FROM generate_series(0, 19999) g`,
    [now],
  );
  // 100k attempts: tenant tX's 2k are the oldest, so walking the primary key backwards from the
  // newest would pass 98k rows of other tenants before the first of its page.
  await client.query(
    `INSERT INTO delivery_attempts (id, delivery_id, tenant_id, topic_id, subscription_id, message_id, attempt_number, protocol, endpoint,
       outcome, started_at, duration_ms)
     SELECT i, 'd' || i, CASE WHEN i <= 2000 THEN 'tX' ELSE 't' || (i % 50) END, 'topic', 'sub' || (i % 100), 'm' || i, 1, 'https',
       'https://example.com', CASE WHEN i % 7 = 0 THEN 'failed' ELSE 'succeeded' END, $1::timestamptz - make_interval(secs => 100000 - i), 12
     FROM generate_series(1, 100000) i`,
    [now],
  );
  // 100k topic deliveries and 2k invocations of tenant tX (two per event), old and finished; the
  // invocations' 2k attempts are among the oldest of the log.
  await client.query(
    `INSERT INTO deliveries (id, tenant_id, topic_id, message_id, subscription_id, protocol, endpoint, status, created_at, completed_at)
     SELECT 'd' || i, CASE WHEN i <= 2000 THEN 'tX' ELSE 't' || (i % 50) END, 'topic', 'm' || i, 'sub' || (i % 100), 'https',
       'https://example.com', 'succeeded', $1::timestamptz - make_interval(secs => 100000 - i), $1::timestamptz - make_interval(secs => 100000 - i)
     FROM generate_series(1, 100000) i`,
    [now],
  );
  await client.query(
    `INSERT INTO deliveries (id, tenant_id, protocol, endpoint, source_kind, source_arn, target_kind, target_arn, payload, event_id, event_time,
       max_retry_attempts, max_age_seconds, status, created_at, completed_at)
     SELECT 'inv' || i, 'tX', 'queue', 'arn:aws:sqs:us-east-1:123456789012:q', 'rule', 'arn:aws:events:us-east-1:123456789012:rule/r', 'queue',
       'arn:aws:sqs:us-east-1:123456789012:q', '{}', 'e' || (i % 1000), $1::timestamptz - interval '30 days', 185, 86400, 'succeeded',
       $1::timestamptz - interval '30 days', $1::timestamptz - interval '30 days'
     FROM generate_series(1, 2000) i`,
    [now],
  );
  await client.query(
    `INSERT INTO delivery_attempts (id, delivery_id, tenant_id, source_kind, target_kind, attempt_number, protocol, endpoint, outcome, started_at, duration_ms)
     SELECT 100000 + i, 'inv' || i, 'tX', 'rule', 'queue', 1, 'queue', 'arn:aws:sqs:us-east-1:123456789012:q', 'succeeded',
       $1::timestamptz - interval '30 days', 3
     FROM generate_series(1, 2000) i`,
    [now],
  );
});

afterAll(async () => {
  if (client) {
    if (!process.env.PLAN_SCHEMA_DEBUG) await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => {});
    await client.query(`RESET search_path`).catch(() => {});
    client.release();
  }
});

const phases = [
  { name: "without statistics", analyze: false },
  { name: "with fresh statistics", analyze: true },
];

describe.each(phases)("hot statement plans $name", ({ analyze }) => {
  beforeAll(async () => {
    if (analyze) await client.query(`ANALYZE queue_messages, queue_fifo_groups, delivery_attempts, deliveries`);
    const stats = await client.query(
      `SELECT count(*)::int AS n FROM pg_stats WHERE schemaname = $1 AND tablename IN ('queue_messages', 'queue_fifo_groups', 'delivery_attempts', 'deliveries')`,
      [schema],
    );
    // Guard the premise: the first pass really has no statistics, the second has them.
    if (analyze) expect(stats.rows[0].n).toBeGreaterThan(0);
    else expect(stats.rows[0].n).toBe(0);
  });

  it("receive (standard): the (queue_id, visible_at, seq) index gives the order, no Sort, no scan of the table", async () => {
    for (const dlq of [
      null,
      { maxReceiveCount: 3, dlqId: "qD", dlqTenantId: "tA", sourceArn: "arn:src", dlqRetentionSeconds: 3600 },
    ]) {
      const sql = receiveStandardSql(qA, 10, now, visibleUntil, dlq);
      // As a parameterised statement and as the repository sends it (values inlined, one round trip).
      for (const form of [sql, { text: inlined(sql), values: [] }]) {
        const ns = await plan(form, { indexOrder: true });
        expect(usesIndex(ns, "queue_messages_queue_id_visible_at_seq_idx")).toBe(true);
        expect(sorts(ns)).toEqual([]);
        expect(seqScans(ns, "queue_messages")).toEqual([]);
        expect(ns.some((n) => n["Index Name"] === "queue_messages_expires_at_idx")).toBe(false);
      }
    }
  });

  it("receive (FIFO): ready groups from the partial groups index, group heads from the partial FIFO index, no Sort", async () => {
    const groups = await plan(fifoReadyGroupsSql(qF, now, 10), { indexOrder: true });
    expect(usesIndex(groups, "queue_fifo_groups_ready_idx")).toBe(true);
    expect(sorts(groups)).toEqual([]);
    const heads = await plan(fifoGroupHeadsSql(qF, ["g1", "g2", "g4"], 10), { indexOrder: true });
    expect(usesIndex(heads, "queue_messages_fifo_group_seq_idx")).toBe(true);
    expect(sorts(heads)).toEqual([]);
    expect(seqScans(heads, "queue_messages")).toEqual([]);
  });

  it("browse: the (queue_id, seq) index, first page and after a cursor, no Sort", async () => {
    for (const afterSeq of [undefined, "150000"]) {
      const ns = await plan(browseSql("tA", "qA", { afterSeq, limit: 51, now }), { indexOrder: true });
      expect(usesIndex(ns, "queue_messages_queue_id_seq_idx")).toBe(true);
      expect(sorts(ns)).toEqual([]);
    }
  });

  it("move-task chunk: the (queue_id, seq) index, no Sort", async () => {
    const ns = await plan(moveChunkSql("tA", "qA", now, now, 500), { indexOrder: true });
    expect(usesIndex(ns, "queue_messages_queue_id_seq_idx")).toBe(true);
    expect(sorts(ns)).toEqual([]);
  });

  it("message retention: the expires_at index gives the order, no Sort, no scan of the table", async () => {
    const ns = await plan(expiredMessagesSql(now, 5000), { indexOrder: false });
    expect(usesIndex(ns, "queue_messages_expires_at_idx")).toBe(true);
    expect(sorts(ns)).toEqual([]);
    expect(seqScans(ns, "queue_messages")).toEqual([]);
  });

  it("live counts read a bounded number of rows of each queue through a queue_id index", async () => {
    const ns = await plan(liveCountsSql("tA", ["qA", "qF"], now, 1000), { indexOrder: false });
    expect(ns.some((n) => n["Node Type"] === "Limit")).toBe(true);
    expect(seqScans(ns, "queue_messages")).toEqual([]);
    expect(ns.some((n) => n["Index Name"] === "queue_messages_expires_at_idx")).toBe(false);
  });

  it("attempt log page: the (tenant_id, id) index walked backwards, no Sort", async () => {
    const sql = await captured(() => listAttempts(pool(), { tenantId: "tX", limit: 50 }), /FROM delivery_attempts/);
    const ns = await plan(sql, { indexOrder: false });
    expect(usesIndex(ns, "delivery_attempts_tenant_id_id_idx")).toBe(true);
    expect(sorts(ns)).toEqual([]);
  });

  it("an event's attempts: its deliveries by the (tenant_id, event_id) index, their attempts by delivery_id", async () => {
    const sql = await captured(
      () => listAttempts(pool(), { tenantId: "tX", eventId: "e17", limit: 50 }),
      /FROM delivery_attempts/,
    );
    const ns = await plan(sql, { indexOrder: false });
    expect(touchesIndex(ns, "deliveries_tenant_event_id_idx")).toBe(true);
    expect(touchesIndex(ns, "delivery_attempts_delivery_id_idx")).toBe(true);
    expect(usesIndex(ns, "delivery_attempts_tenant_id_id_idx")).toBe(false);
    expect(seqScans(ns, "deliveries")).toEqual([]);
  });

  it("invocation retention: the partial completed_at index, no scan of the deliveries", async () => {
    const sql = await captured(() => deleteOldInvocations(pool(), 14, 5000), /DELETE FROM deliveries/);
    const ns = await plan(sql, { indexOrder: false });
    expect(touchesIndex(ns, "deliveries_invocation_completed_idx")).toBe(true);
    expect(seqScans(ns, "deliveries")).toEqual([]);
  });

  it("attempt retention: the started_at index, no scan of the table", async () => {
    const sql = await captured(
      () => runRetention({ jobId: "plan", log: logger, retryCount: 0 }),
      /DELETE FROM delivery_attempts/,
    );
    const ns = await plan(sql, { indexOrder: false });
    expect(touchesIndex(ns, "delivery_attempts_started_at_idx")).toBe(true);
    expect(seqScans(ns, "delivery_attempts")).toEqual([]);
  });
});
