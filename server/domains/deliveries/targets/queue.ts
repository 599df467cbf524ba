import type pg from "pg";
import type { Queryable } from "../../../db";
import { deliverManyToQueue, type QueueDeliveryMessage } from "../../queues/queue.delivery";
import { underSavepoint } from "../delivery.repository";
import { queueMessageFor } from "../payload";
import {
  LOCAL_RETRY_POLICY,
  MAX_REQUEST_BODY_LOGGED,
  truncate,
  classifyError,
  type Classified,
  type InvocationInput,
  type LocalTarget,
  type TargetInput,
} from "./target";

// SQS queues in this database: the cheapest delivery there is. Serves topic subscriptions (sqs)
// and invocations (an event rule's or a schedule's queue target, by ARN; another tenant's queue
// when its Policy allows the source's account, checked by deliverManyToQueue). A chunk's messages are grouped by
// target queue and each queue gets ONE multi-row INSERT (sendMessages), all under one savepoint;
// only if something refuses (a deleted queue, a removed permission, a message a queue will not
// take) is it redone queue by queue, then message by message, so one bad message or queue does not
// fail the others.

type Prepared = {
  input: TargetInput;
  body: string;
  attributes: Awaited<ReturnType<typeof queueMessageFor>>["attributes"];
};

async function deliverGroup(queueArn: string, items: Prepared[], tx: Queryable): Promise<void> {
  const s = items[0]!.input.subscription;
  await deliverManyToQueue(
    { queueArn, sourceTenantId: s.tenantId, senderId: s.topicArn, sourceArn: s.topicArn },
    items.map((p) => ({
      body: p.body,
      attributes: p.attributes,
      messageGroupId: p.input.message.messageGroupId ?? undefined,
      messageDeduplicationId: p.input.message.deduplicationId ?? undefined,
    })),
    tx as pg.PoolClient,
  );
}

/** Runs `fn` under a savepoint: null when it went through, else why not (its statements undone). */
async function attempt(tx: Queryable, fn: () => Promise<void>): Promise<string | null> {
  const e = await underSavepoint(tx, "queue_target", fn);
  return e === null ? null : e.message || "queue delivery failed";
}

/**
 * An invocation's queue message: the payload as body; a FIFO queue takes SqsParameters'
 * MessageGroupId and, as EventBridge does, the event id as MessageDeduplicationId (unless the
 * source passes its own, or null for none: Scheduler leaves it to content-based deduplication).
 */
function invocationMessage(i: InvocationInput): QueueDeliveryMessage {
  const p = i.invocation.params;
  const group = typeof p.messageGroupId === "string" ? p.messageGroupId : undefined;
  const dedup =
    p.messageDeduplicationId === null
      ? undefined
      : typeof p.messageDeduplicationId === "string"
        ? p.messageDeduplicationId
        : (i.invocation.eventId ?? undefined);
  return { body: i.invocation.payload, messageGroupId: group, messageDeduplicationId: dedup };
}

// A queue Policy grants an event rule or a schedule through the service principal AWS uses for
// it, usually with an aws:SourceArn condition naming the rule / schedule.
export const SERVICE_OF_SOURCE: Record<string, string | undefined> = {
  rule: "events.amazonaws.com",
  schedule: "scheduler.amazonaws.com",
};

async function invokeGroup(queueArn: string, items: InvocationInput[], tx: Queryable): Promise<void> {
  const inv = items[0]!.invocation;
  await deliverManyToQueue(
    {
      queueArn,
      sourceTenantId: inv.tenantId,
      senderId: inv.sourceArn,
      sourceArn: inv.sourceArn,
      service: SERVICE_OF_SOURCE[inv.sourceKind],
    },
    items.map(invocationMessage),
    tx as pg.PoolClient,
  );
}

/** Invocations into queues: one INSERT per (queue, source) under one savepoint; refusals isolated one by one. */
async function invokeBatch(inputs: InvocationInput[], tx: Queryable): Promise<Classified[]> {
  const ok: Classified = { result: "success", error: null, statusCode: null, record: {} };
  const groups = new Map<string, number[]>();
  inputs.forEach((i, k) => {
    // Cross-tenant access is checked per source (aws:SourceArn), so a group shares queue and source.
    const key = `${i.invocation.targetArn}\u0000${i.invocation.tenantId}\u0000${i.invocation.sourceArn}`;
    groups.set(key, [...(groups.get(key) ?? []), k]);
  });
  const results: Classified[] = new Array(inputs.length);
  const all = await underSavepoint(tx, "queue_target", async () => {
    for (const idx of groups.values())
      await invokeGroup(
        inputs[idx[0]!]!.invocation.targetArn,
        idx.map((k) => inputs[k]!),
        tx,
      );
  });
  if (all === null) return results.fill(ok);
  const failed = (i: InvocationInput, e: unknown) =>
    classifyError(e, { requestBody: truncate(i.invocation.payload, MAX_REQUEST_BODY_LOGGED) });
  for (const idx of groups.values()) {
    const arn = inputs[idx[0]!]!.invocation.targetArn;
    const e = await underSavepoint(tx, "queue_target", () =>
      invokeGroup(
        arn,
        idx.map((k) => inputs[k]!),
        tx,
      ),
    );
    if (e === null || idx.length === 1) {
      for (const k of idx) results[k] = e === null ? ok : failed(inputs[k]!, e);
      continue;
    }
    for (const k of idx) {
      const e1 = await underSavepoint(tx, "queue_target", () => invokeGroup(arn, [inputs[k]!], tx));
      results[k] = e1 === null ? ok : failed(inputs[k]!, e1);
    }
  }
  return results;
}

export const queueTarget: LocalTarget = {
  kind: "queue",
  mode: "local",
  protocols: ["sqs"],
  autoDisable: false,
  policy: () => ({ retry: LOCAL_RETRY_POLICY }),
  invokeBatch,
  async deliverBatch(inputs, tx) {
    const prepared: Prepared[] = await Promise.all(
      inputs.map(async (input) => ({
        input,
        ...(await queueMessageFor(input.message, input.subscription, input.baseUrl)),
      })),
    );
    const byQueue = new Map<string, number[]>();
    prepared.forEach((p, i) => {
      const arn = p.input.subscription.endpoint;
      byQueue.set(arn, [...(byQueue.get(arn) ?? []), i]);
    });
    const results: Classified[] = new Array(inputs.length);
    const ok: Classified = { result: "success", error: null, statusCode: null, record: {} };
    const failed = (p: Prepared, error: string): Classified => ({
      result: "retryable",
      error,
      statusCode: null,
      record: {
        requestBody: truncate(p.body, MAX_REQUEST_BODY_LOGGED),
        requestHeaders: p.attributes
          ? Object.fromEntries(Object.entries(p.attributes).map(([k, a]) => [k, a.DataType]))
          : null,
      },
    });
    // Common case first: every queue takes its messages, under ONE savepoint for the whole chunk.
    const groups = [...byQueue];
    const all = await attempt(tx, async () => {
      for (const [arn, idx] of groups)
        await deliverGroup(
          arn,
          idx.map((i) => prepared[i]!),
          tx,
        );
    });
    if (all === null) return results.fill(ok);
    for (const [arn, idx] of groups) {
      const group = idx.map((i) => prepared[i]!);
      const error = await attempt(tx, () => deliverGroup(arn, group, tx));
      if (error === null || idx.length === 1) {
        for (const i of idx) results[i] = error === null ? ok : failed(prepared[i]!, error);
        continue;
      }
      // Isolate what the queue refused: one by one, in order (FIFO sequence numbers follow it).
      for (const i of idx) {
        const e = await attempt(tx, () => deliverGroup(arn, [prepared[i]!], tx));
        results[i] = e === null ? ok : failed(prepared[i]!, e);
      }
    }
    return results;
  },
};
