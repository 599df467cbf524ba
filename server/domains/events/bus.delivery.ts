import type { Queryable } from "../../db";
import { isAppError } from "../../core/errors";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { underSavepoint } from "../deliveries/delivery.repository";
import { intakeEvents } from "./event-intake";
import { insertEvents, notifyEventsAccepted } from "./event.repository";
import { afterEventsAccepted } from "./events.hooks";

// The event bus as a target ("deliver into me"), for the delivery engine's event-bus kind
// (deliveries/targets/event-bus.ts), the way queues/queue.delivery.ts serves the queue kind. The
// event a rule forwards keeps its source, detail-type, detail, resources and time; the target bus
// gives it a new id. Another account's bus takes it only when its policy allows the rule's account
// (aws:SourceArn = the rule). The event is stored, not routed yet, in the engine's transaction,
// whose NOTIFY wakes the routers (event-router.ts) on commit: they match it against the target
// bus's rules like any accepted event (the engine cannot call back into rule matching without an
// import cycle, and AWS routes bus-to-bus asynchronously too).

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

const refused = (errorCode: string, error: string): BusDeliveryResult => ({
  ok: false,
  permanent: true,
  errorCode,
  error,
});

async function deliverOne(input: BusDeliveryInput, tx: Queryable): Promise<BusDeliveryResult> {
  let env: Envelope;
  try {
    env = JSON.parse(input.payload) as Envelope;
  } catch {
    return refused("InvalidArgument", "The event is not valid JSON.");
  }
  const accountId = accountOf(input.sourceArn);
  if (!accountId) return refused("NO_PERMISSIONS", "The sender's account is unknown.");
  const intake = await intakeEvents(
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
  const r = intake.results[0]!;
  if ("ErrorCode" in r) {
    if (r.ErrorCode === "AccessDeniedException") return refused("NO_PERMISSIONS", r.ErrorMessage);
    if (r.ErrorCode === "ResourceNotFoundException") return refused("NO_RESOURCE", r.ErrorMessage);
    return refused(r.ErrorCode, r.ErrorMessage);
  }
  const g = intake.groups[0]!;
  const stored = await insertEvents(
    tx,
    g.events.map((e) => e.row),
    intake.receivedAt,
    BOSS_SCHEMA,
  );
  await afterEventsAccepted(tx, g.bus, stored);
  await notifyEventsAccepted(tx, BOSS_SCHEMA);
  return { ok: true, eventId: r.EventId };
}

/** Puts each input's event on its target bus inside `tx`, one savepoint each; results in input order. */
export async function putEventsToBus(inputs: BusDeliveryInput[], tx: Queryable): Promise<BusDeliveryResult[]> {
  const out: BusDeliveryResult[] = [];
  for (const input of inputs) {
    let result: BusDeliveryResult | undefined;
    const err = await underSavepoint(tx, "bus_target", async () => {
      result = await deliverOne(input, tx);
    });
    if (!err) out.push(result!);
    else if (isAppError(err) && err.code !== "internal" && err.code !== "unavailable")
      out.push(refused(err.awsCode ?? "InvalidArgument", err.message));
    else out.push({ ok: false, permanent: false, errorCode: "ERROR_FROM_TARGET", error: err.message });
  }
  return out;
}
