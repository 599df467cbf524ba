import type { AttemptRecord, DeliveryRow } from "./delivery.repository";

// The attempt-log row of one attempt of a delivery, before the target's verdict fills it in. Its
// own module so the publish path (inline.ts, which topics imports) needs nothing of the engine's
// job side (deliver.ts and the target registry, which imports the topic target, which imports topics).
export function baseAttempt(d: DeliveryRow, startedAt: Date): AttemptRecord {
  return {
    deliveryId: d.id,
    tenantId: d.tenantId,
    topicId: d.topicId,
    subscriptionId: d.subscriptionId,
    messageId: d.messageId,
    sourceKind: d.sourceKind,
    sourceArn: d.sourceArn,
    targetKind: d.targetKind,
    attemptNumber: d.attempts + 1,
    protocol: d.protocol,
    endpoint: d.endpoint,
    outcome: "failed",
    startedAt: startedAt.toISOString(),
    durationMs: 0,
    requestHeaders: null,
    requestBody: null,
    responseStatus: null,
    responseHeaders: null,
    responseBody: null,
    error: null,
    nextRetryAt: null,
  };
}

/** latency_ms is an int4: an event time decades old (a sender's Time) must not overflow it. */
export function latencySince(from: Date | number, now: number = Date.now()): number {
  const ms = now - (typeof from === "number" ? from : from.getTime());
  return Number.isFinite(ms) ? Math.min(2_147_483_647, Math.max(0, Math.round(ms))) : 0;
}
