import { assertCan, type Actor } from "../../auth/permissions";
import { pool } from "../../db";
import { hourBuckets } from "../queues/queue.activity";

// Publish counts for the topic list: messages published per hour over the last 24 hours and the
// last publish, read from topic_messages through its (tenant_id, created_at) index.

export type TopicActivity = {
  topicId: string;
  /** Messages published per hour over the last 24 hours, oldest first (24 numbers). */
  publishedPerHour: number[];
  published24h: number;
  lastPublishedAt: Date | null;
};

/** Publishes per topic and hour since `since` (repository). */
export async function topicHourlyPublishes(tenantId: string, since: Date) {
  const q = await pool().query(
    `SELECT topic_id AS "topicId", to_timestamp(floor(extract(epoch FROM created_at) / 3600) * 3600) AS hour, count(*)::int AS n, max(created_at) AS "lastAt"
       FROM topic_messages WHERE tenant_id = $1 AND created_at >= $2
      GROUP BY 1, 2`,
    [tenantId, since],
  );
  return q.rows as { topicId: string; hour: Date; n: number; lastAt: Date }[];
}

/** The newest message per topic, however old (for topics quiet for 24 hours). */
export async function topicLastPublish(tenantId: string, topicIds: string[]) {
  if (topicIds.length === 0) return new Map<string, Date>();
  const q = await pool().query(
    `SELECT t.id AS "topicId", (SELECT max(m.created_at) FROM topic_messages m WHERE m.topic_id = t.id) AS "lastAt"
       FROM topics t WHERE t.tenant_id = $1 AND t.id = ANY($2::text[])`,
    [tenantId, topicIds],
  );
  return new Map(
    q.rows
      .filter((r: { lastAt: Date | null }) => r.lastAt)
      .map((r: { topicId: string; lastAt: Date }) => [r.topicId, r.lastAt]),
  );
}

export async function listTopicActivity(actor: Actor, tenantId: string, now = new Date()): Promise<TopicActivity[]> {
  assertCan(actor.role, "resource:read");
  const buckets = hourBuckets(now);
  const rows = await topicHourlyPublishes(tenantId, new Date(buckets[0]!));
  const { rows: topics } = await pool().query(`SELECT id FROM topics WHERE tenant_id = $1`, [tenantId]);
  const out = new Map<string, TopicActivity>(
    (topics as { id: string }[]).map((t) => [
      t.id,
      { topicId: t.id, publishedPerHour: buckets.map(() => 0), published24h: 0, lastPublishedAt: null },
    ]),
  );
  for (const r of rows) {
    const a = out.get(r.topicId);
    if (!a) continue;
    const i = buckets.indexOf(new Date(r.hour).getTime());
    if (i >= 0) a.publishedPerHour[i] += r.n;
    a.published24h += r.n;
    if (!a.lastPublishedAt || r.lastAt > a.lastPublishedAt) a.lastPublishedAt = r.lastAt;
  }
  const quiet = [...out.values()].filter((a) => !a.lastPublishedAt).map((a) => a.topicId);
  const older = await topicLastPublish(tenantId, quiet);
  for (const id of quiet) out.get(id)!.lastPublishedAt = older.get(id) ?? null;
  return [...out.values()];
}
