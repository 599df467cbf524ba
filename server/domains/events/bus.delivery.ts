import type { Queryable } from "../../db";
import { isAppError } from "../../core/errors";
import { putEvents } from "./put-events";

// The event bus as a target ("deliver into me"), for the delivery engine's event-bus kind
// (deliveries/targets/event-bus.ts), the way queues/queue.delivery.ts serves the queue kind. The
// event a rule forwards keeps its source, detail-type, detail, resources and time; the target bus
// gives it a new id and matches it against its own rules (AWS's bus-to-bus routing). Another
// account's bus takes it only when its policy allows the rule's account (aws:SourceArn = the rule).

export type BusDeliveryInput = {
  /** The tenant whose rule forwards the event. */
  tenantId: string;
  /** The forwarding rule's ARN (its account is the sender's account). */
  sourceArn: string | null;
  targetArn: string;
  /** What the rule sends: the event envelope (JSON text). */
  payload: string;
};

export type BusDeliveryResult =
  { ok: true; eventId: string } | { ok: false; permanent: boolean; errorCode: string; error: string };

function accountOf(arn: string | null): string | null {
  return arn ? (/^arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12}):/.exec(arn)?.[1] ?? null) : null;
}

type Envelope = { source?: unknown; "detail-type"?: unknown; detail?: unknown; resources?: unknown; time?: unknown };

/** Puts each input's event on its target bus inside `tx`, one savepoint each; results in input order. */
export async function putEventsToBus(inputs: BusDeliveryInput[], tx: Queryable): Promise<BusDeliveryResult[]> {
  const out: BusDeliveryResult[] = [];
  for (const [i, input] of inputs.entries()) {
    let env: Envelope;
    try {
      env = JSON.parse(input.payload) as Envelope;
    } catch {
      out.push({ ok: false, permanent: true, errorCode: "InvalidArgument", error: "The event is not valid JSON." });
      continue;
    }
    const accountId = accountOf(input.sourceArn);
    if (!accountId) {
      out.push({ ok: false, permanent: true, errorCode: "NO_PERMISSIONS", error: "The sender's account is unknown." });
      continue;
    }
    const sp = `bus_target_${i}`;
    await tx.query(`SAVEPOINT ${sp}`);
    try {
      const [r] = await putEvents(
        tx,
        { tenantId: input.tenantId, accountId },
        input.targetArn,
        [
          {
            Source: typeof env.source === "string" ? env.source : null,
            DetailType: typeof env["detail-type"] === "string" ? env["detail-type"] : null,
            Detail: env.detail === undefined ? null : JSON.stringify(env.detail),
            Resources: Array.isArray(env.resources) ? (env.resources as string[]) : [],
            Time: typeof env.time === "string" ? env.time : null,
          },
        ],
        { ingest: "bus", sourceArn: input.sourceArn ?? undefined, allowAwsSource: true },
      );
      await tx.query(`RELEASE SAVEPOINT ${sp}`);
      if (r && "EventId" in r) out.push({ ok: true, eventId: r.EventId });
      else {
        const code = r?.ErrorCode ?? "InternalException";
        const noAccess = code === "AccessDeniedException" || code === "ResourceNotFoundException";
        out.push({
          ok: false,
          permanent: code !== "InternalFailure" && code !== "ThrottlingException",
          errorCode: noAccess ? (code === "AccessDeniedException" ? "NO_PERMISSIONS" : "NO_RESOURCE") : code,
          error: r?.ErrorMessage ?? "The event was refused.",
        });
      }
    } catch (err) {
      await tx.query(`ROLLBACK TO SAVEPOINT ${sp}`);
      if (isAppError(err) && err.code !== "internal" && err.code !== "unavailable")
        out.push({ ok: false, permanent: true, errorCode: err.awsCode ?? "InvalidArgument", error: err.message });
      else
        out.push({
          ok: false,
          permanent: false,
          errorCode: "ERROR_FROM_TARGET",
          error: String((err as Error)?.message ?? err),
        });
    }
  }
  return out;
}
