import { publishInTransaction } from "../../topics/publish.service";
import { tenantAccountId } from "../../queues/queue.repository";
import type { MetricBump } from "../delivery.repository";
import { underSavepoint } from "../delivery.repository";
import { recordDeliveryMetrics } from "../metrics-flusher";
import { SERVICE_OF_SOURCE } from "./queue";
import {
  MAX_REQUEST_BODY_LOGGED,
  classifyError,
  truncate,
  type Classified,
  type InvocationInput,
  type LocalTarget,
} from "./target";

// SNS topics in this database as invocation targets (an event rule's or a schedule's topic
// target): the payload is published through the topics' own publish path, in the engine's (or the
// source's) transaction, so the topic's queue subscribers get it in that same transaction and its
// other subscribers through the fan-out job. Parameters: `messageGroupId` (required by a FIFO
// topic), `messageDeduplicationId` (FIFO; defaults to the event id, null for none: then the
// topic's content-based deduplication must be on) and `subject`. Another tenant's topic takes it
// when its Policy allows SNS:Publish to the source (the events.amazonaws.com / scheduler.amazonaws.com
// service principal with an aws:SourceArn condition, or the source's account); otherwise
// NO_RESOURCE (the policy does not mention the source) or NO_PERMISSIONS (it denies it).

function publishInput(i: InvocationInput) {
  const p = i.invocation.params;
  const fifo = i.invocation.targetArn.endsWith(".fifo");
  const dedup =
    p.messageDeduplicationId === null
      ? null
      : typeof p.messageDeduplicationId === "string"
        ? p.messageDeduplicationId
        : i.invocation.eventId;
  return {
    message: i.invocation.payload,
    subject: typeof p.subject === "string" ? p.subject : null,
    messageGroupId: typeof p.messageGroupId === "string" ? p.messageGroupId : null,
    messageDeduplicationId: fifo ? dedup : null,
  };
}

export const topicTarget: LocalTarget = {
  kind: "topic",
  mode: "local",
  protocols: [],
  autoDisable: false,
  async invokeBatch(inputs, tx) {
    const metrics: MetricBump[] = [];
    const accounts = new Map<string, string | null>();
    const results: Classified[] = [];
    for (const i of inputs) {
      const tenantId = i.invocation.tenantId;
      if (!accounts.has(tenantId)) accounts.set(tenantId, await tenantAccountId(tx, tenantId));
      const accountId = accounts.get(tenantId) ?? "";
      const e = await underSavepoint(tx, "topic_target", () =>
        publishInTransaction(
          tx,
          {
            id: tenantId,
            accountId,
            sourceArn: i.invocation.sourceArn,
            service: SERVICE_OF_SOURCE[i.invocation.sourceKind],
          },
          i.invocation.targetArn,
          publishInput(i),
          {
            baseUrl: i.baseUrl,
            metrics,
          },
        ),
      );
      results.push(
        e === null
          ? { result: "success", error: null, statusCode: null, record: {} }
          : classifyError(e, { requestBody: truncate(i.invocation.payload, MAX_REQUEST_BODY_LOGGED) }),
      );
    }
    // The topic's queue subscribers' per-minute counters (informational), flushed on the side
    // (not awaited: this transaction holds a connection); a rolled-back transaction over-counts them at most.
    void recordDeliveryMetrics(metrics);
    return results;
  },
};
