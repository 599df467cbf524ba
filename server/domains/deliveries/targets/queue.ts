import type pg from "pg";
import type { Queryable } from "../../../db";
import { deliverManyToQueue } from "../../queues/queue.delivery";
import { underSavepoint } from "../delivery.repository";
import { queueMessageFor } from "../payload";
import {
  LOCAL_RETRY_POLICY,
  MAX_REQUEST_BODY_LOGGED,
  truncate,
  type Classified,
  type LocalTarget,
  type TargetInput,
} from "./target";

// SQS queues in this database: the cheapest delivery there is. A chunk's messages are grouped by
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

export const queueTarget: LocalTarget = {
  kind: "queue",
  mode: "local",
  protocols: ["sqs"],
  autoDisable: false,
  policy: () => ({ retry: LOCAL_RETRY_POLICY }),
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
