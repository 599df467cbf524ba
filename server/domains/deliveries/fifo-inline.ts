import { randomUUID } from "node:crypto";
import { deliverToQueue } from "../queues/queue.delivery";
import { findMessagesByIds, listConfirmedSubscriptions } from "../topics/topic.repository";
import { bumpMetrics, insertAttempts, insertDeliveries, type Queryable } from "./delivery.repository";
import { matches, enqueueDeliverChunks } from "./fanout";
import { queueMessageFor } from "./payload";

// FIFO topics deliver inside the Publish transaction: a FIFO topic only has FIFO queue
// subscribers, and delivering them in the same transaction that stores the message keeps each
// message group in publish order and makes the delivery exactly-once. A subscriber whose queue
// refuses (deleted, permission removed) gets a pending delivery retried by the deliver job.

export async function deliverFifoInline(
  messageIds: string[],
  baseUrl: string,
  tx: Queryable & { query: Queryable["query"] },
): Promise<void> {
  if (messageIds.length === 0) return;
  const messages = await findMessagesByIds(messageIds, tx);
  messages.sort((a, b) => (BigInt(a.sequenceNumber ?? 0) < BigInt(b.sequenceNumber ?? 0) ? -1 : 1));
  const subs = messages.length ? await listConfirmedSubscriptions(messages[0]!.topicId, tx) : [];
  const retry: string[] = [];
  const minute = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
  const bumps = new Map<
    string,
    {
      subscriptionId: string;
      tenantId: string;
      topicId: string;
      minute: string;
      succeeded: number;
      failed: number;
      retrying: number;
      dlq: number;
      latencySumMs: number;
    }
  >();
  for (const m of messages) {
    for (const s of subs) {
      if (s.protocol !== "sqs" || s.disabledAt || !matches(s, m)) continue;
      const id = randomUUID();
      const row = {
        id,
        tenantId: m.tenantId,
        topicId: m.topicId,
        messageId: m.id,
        subscriptionId: s.id,
        protocol: s.protocol,
        endpoint: s.endpoint,
      };
      const q = await queueMessageFor(m, s, baseUrl);
      const started = new Date();
      await tx.query("SAVEPOINT fifo_delivery");
      try {
        await deliverToQueue(
          {
            queueArn: s.endpoint,
            sourceTenantId: s.tenantId,
            senderId: s.topicArn,
            body: q.body,
            attributes: q.attributes,
            messageGroupId: m.messageGroupId ?? undefined,
            messageDeduplicationId: m.deduplicationId ?? undefined,
            sourceArn: s.topicArn,
          },
          tx as never,
        );
        await tx.query("RELEASE SAVEPOINT fifo_delivery");
        await insertDeliveries([row], tx, "succeeded");
        await tx.query(`UPDATE deliveries SET attempts = 1, completed_at = now(), latency_ms = 0 WHERE id = $1`, [id]);
        await insertAttempts(
          [
            {
              deliveryId: id,
              tenantId: m.tenantId,
              topicId: m.topicId,
              subscriptionId: s.id,
              messageId: m.id,
              attemptNumber: 1,
              protocol: "sqs",
              endpoint: s.endpoint,
              outcome: "succeeded",
              startedAt: started.toISOString(),
              durationMs: Date.now() - started.getTime(),
              requestHeaders: null,
              requestBody: q.body.slice(0, 65536),
              responseStatus: null,
              responseHeaders: null,
              responseBody: null,
              error: null,
              nextRetryAt: null,
            },
          ],
          tx,
        );
        const b = bumps.get(s.id) ?? {
          subscriptionId: s.id,
          tenantId: m.tenantId,
          topicId: m.topicId,
          minute,
          succeeded: 0,
          failed: 0,
          retrying: 0,
          dlq: 0,
          latencySumMs: 0,
        };
        b.succeeded += 1;
        bumps.set(s.id, b);
      } catch {
        await tx.query("ROLLBACK TO SAVEPOINT fifo_delivery");
        const [created] = await insertDeliveries([row], tx);
        if (created) retry.push(created.id);
      }
    }
  }
  await bumpMetrics([...bumps.values()], tx);
  await enqueueDeliverChunks(retry, baseUrl, tx);
}
