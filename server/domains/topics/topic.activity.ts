import { assertCan, type Actor } from "../../auth/permissions";
import { pool } from "../../db";
import { tenantTopicIds, topicHourlyPublishes, topicLastPublish } from "./topic-activity.repository";
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

export async function listTopicActivity(actor: Actor, tenantId: string, now = new Date()): Promise<TopicActivity[]> {
  assertCan(actor.role, "resource:read");
  const buckets = hourBuckets(now);
  const rows = await topicHourlyPublishes(pool(), tenantId, new Date(buckets[0]!));
  const topicIds = await tenantTopicIds(pool(), tenantId);
  const out = new Map<string, TopicActivity>(
    topicIds.map((id) => [
      id,
      { topicId: id, publishedPerHour: buckets.map(() => 0), published24h: 0, lastPublishedAt: null },
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
  const older = await topicLastPublish(pool(), tenantId, quiet);
  for (const id of quiet) out.get(id)!.lastPublishedAt = older.get(id) ?? null;
  return [...out.values()];
}
