import type { Queryable } from "../../db";

// Reads behind the topic list's publish counts (topic.activity.ts).

/** Publishes per topic and hour since `since`. */
export async function topicHourlyPublishes(db: Queryable, tenantId: string, since: Date) {
  const q = await db.query(
    `SELECT topic_id AS "topicId", to_timestamp(floor(extract(epoch FROM created_at) / 3600) * 3600) AS hour, count(*)::int AS n, max(created_at) AS "lastAt"
       FROM topic_messages WHERE tenant_id = $1 AND created_at >= $2
      GROUP BY 1, 2`,
    [tenantId, since],
  );
  return q.rows as { topicId: string; hour: Date; n: number; lastAt: Date }[];
}

/** The newest message per topic, however old (for topics quiet for 24 hours). */
export async function topicLastPublish(db: Queryable, tenantId: string, topicIds: string[]) {
  if (topicIds.length === 0) return new Map<string, Date>();
  const q = await db.query(
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

/** The tenant's topic ids. */
export async function tenantTopicIds(db: Queryable, tenantId: string): Promise<string[]> {
  const q = await db.query(`SELECT id FROM topics WHERE tenant_id = $1`, [tenantId]);
  return q.rows.map((r: { id: string }) => r.id);
}
