import { pool, withTransaction } from "../../db";
import type { JobContext } from "../../jobs/registry";
import { publicUrl } from "../../platform/public-url";
import { listConfirmedSubscriptions, type SubscriptionRow } from "../topics/topic.repository";
import { findMessagesByIds } from "../topics/topic-message.repository";
import { claimOpenDeliveries, insertDeliveries, pendingDeliveriesOf, type NewDelivery } from "./delivery.repository";
import { attemptDeliveries, recheckLeased } from "./deliver";
import { deliveryConfig } from "./delivery.config";
import { matches } from "./filter";
import { topicDelivery } from "./topic-delivery";

// Fan-out (the deliveries.fanout job): one delivery per (message, matching subscription), committed
// first, then attempted at once by this job. The unique (message_id, subscription_id) makes a
// re-run create nothing; a re-run (pg-boss retries the job when its worker died) attempts whatever
// of its messages is still pending, so no deferred "safety-net" jobs are needed. Queue subscribers
// are usually served in the publish transaction already (inline.ts: `queuesDone`).

export { matches } from "./filter";
export { topicDelivery } from "./topic-delivery";

export async function runFanout(
  data: { messageIds: string[]; baseUrl?: string; queuesDone?: boolean },
  ctx: JobContext,
): Promise<void> {
  const messages = await findMessagesByIds(pool(), data.messageIds);
  if (messages.length === 0) return; // topic deleted since: nothing to deliver
  const subsByTopic = new Map<string, SubscriptionRow[]>();
  for (const m of messages)
    if (!subsByTopic.has(m.topicId)) subsByTopic.set(m.topicId, await listConfirmedSubscriptions(pool(), m.topicId));
  const rows: NewDelivery[] = [];
  for (const m of messages)
    for (const s of subsByTopic.get(m.topicId) ?? [])
      if (!(data.queuesDone && s.protocol === "sqs") && matches(s, m)) rows.push(topicDelivery(m, s));
  const created = (await withTransaction((tx) => insertDeliveries(tx, rows))).map((r) => r.id);
  // A retried job also picks up what an earlier run created but did not get to attempt.
  const ids = ctx.retryCount > 0 ? await pendingDeliveriesOf(pool(), data.messageIds) : created;
  ctx.log.debug({ messages: messages.length, deliveries: created.length, matched: rows.length }, "fanned out");
  const chunk = deliveryConfig().SIGNALBOX_DELIVERY_CHUNK;
  const baseUrl = publicUrl(data.baseUrl);
  const parts: string[][] = [];
  for (let i = 0; i < ids.length; i += chunk) parts.push(ids.slice(i, i + chunk));
  await Promise.all(
    parts.map(async (part) => {
      const { claimed, leased } = await claimOpenDeliveries(pool(), part, { pendingOnly: true });
      await recheckLeased(leased, data.baseUrl);
      await attemptDeliveries(claimed, baseUrl, ctx);
    }),
  );
}
