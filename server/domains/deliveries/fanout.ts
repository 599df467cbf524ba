import { randomUUID } from "node:crypto";
import { withTransaction } from "../../db";
import { getBoss } from "../../jobs/boss";
import type { JobContext } from "../../jobs/registry";
import { parseFilterPolicy, evaluateFilterPolicy, type FilterPolicy } from "../../core/filter-policy";
import { bodyForProtocol } from "../../core/sns/envelope";
import {
  findMessagesByIds,
  listConfirmedSubscriptions,
  type MessageRow,
  type SubscriptionRow,
} from "../topics/topic.repository";
import { insertDeliveries, type NewDelivery, type Queryable } from "./delivery.repository";
import { deliverJob } from "./delivery.jobs";
import { deliveryConfig } from "./delivery.config";

// Fan-out: one delivery per (message, matching subscription), then deliver jobs in chunks, all in
// one transaction. The unique (message_id, subscription_id) makes a re-run (after a crash between
// commit and job completion) create nothing and enqueue nothing, so each subscriber gets exactly
// one delivery row and each row is attempted by the jobs that committed with it.

const policyCache = new Map<string, FilterPolicy | null>();

function policyOf(sub: SubscriptionRow): FilterPolicy | null {
  if (!sub.filterPolicy) return null;
  const key = `${sub.id}:${sub.filterPolicyScope}:${JSON.stringify(sub.filterPolicy)}`;
  let p = policyCache.get(key);
  if (p === undefined) {
    const r = parseFilterPolicy(sub.filterPolicy, sub.filterPolicyScope);
    // A stored policy was valid when set; if the parser grew stricter, deliver rather than drop.
    p = r.ok ? r.policy : null;
    if (policyCache.size > 10_000) policyCache.clear();
    policyCache.set(key, p);
  }
  return p;
}

export function matches(sub: SubscriptionRow, msg: MessageRow): boolean {
  const p = policyOf(sub);
  if (!p) return true;
  const r =
    p.scope === "MessageBody"
      ? evaluateFilterPolicy(p, {
          scope: "MessageBody",
          body: bodyForProtocol(msg.body, msg.messageStructure, sub.protocol),
        })
      : evaluateFilterPolicy(p, {
          scope: "MessageAttributes",
          attributes: msg.attributes as Record<string, { DataType: string; StringValue?: string }>,
        });
  return r.match;
}

export async function enqueueDeliverChunks(
  ids: string[],
  baseUrl: string,
  tx: Queryable,
  startAfter?: Date,
): Promise<void> {
  if (ids.length === 0) return;
  const chunk = deliveryConfig().SIGNALBOX_DELIVERY_CHUNK;
  const jobs = [];
  for (let i = 0; i < ids.length; i += chunk)
    jobs.push({
      data: deliverJob.schema.parse({ deliveryIds: ids.slice(i, i + chunk), baseUrl }),
      ...(startAfter ? { startAfter } : {}),
    });
  const boss = await getBoss();
  await boss.insert(deliverJob.name, jobs, {
    db: { executeSql: (text: string, values?: unknown[]) => tx.query(text, values as unknown[]) },
  } as never);
}

export async function runFanout(data: { messageIds: string[]; baseUrl: string }, ctx: JobContext): Promise<void> {
  const messages = await findMessagesByIds(data.messageIds);
  if (messages.length === 0) return; // topic deleted since: nothing to deliver
  const subsByTopic = new Map<string, SubscriptionRow[]>();
  for (const m of messages)
    if (!subsByTopic.has(m.topicId)) subsByTopic.set(m.topicId, await listConfirmedSubscriptions(m.topicId));
  const rows: NewDelivery[] = [];
  for (const m of messages) {
    for (const s of subsByTopic.get(m.topicId) ?? []) {
      if (!matches(s, m)) continue;
      rows.push({
        id: randomUUID(),
        tenantId: m.tenantId,
        topicId: m.topicId,
        messageId: m.id,
        subscriptionId: s.id,
        protocol: s.protocol,
        endpoint: s.endpoint,
      });
    }
  }
  // The deliveries commit with deliver jobs deferred by SAFETY_NET_MS; this job then attempts
  // them at once (one pg-boss hop less between publish and delivery). If this worker dies
  // before it has, the deferred jobs deliver them; if it has, they find nothing open.
  const created = await withTransaction(async (tx) => {
    const inserted = await insertDeliveries(rows, tx);
    await enqueueDeliverChunks(
      inserted.map((r) => r.id),
      data.baseUrl,
      tx,
      new Date(Date.now() + SAFETY_NET_MS),
    );
    return inserted.map((r) => r.id);
  });
  ctx.log.debug({ messages: messages.length, deliveries: created.length, matched: rows.length }, "fanned out");
  const chunk = deliveryConfig().SIGNALBOX_DELIVERY_CHUNK;
  const { runDeliver } = await import("./deliver");
  const parts: string[][] = [];
  for (let i = 0; i < created.length; i += chunk) parts.push(created.slice(i, i + chunk));
  await Promise.all(parts.map((ids) => runDeliver({ deliveryIds: ids, baseUrl: data.baseUrl }, ctx)));
}

export const SAFETY_NET_MS = 30_000;
