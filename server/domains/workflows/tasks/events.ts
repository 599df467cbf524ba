import type { Queryable } from "../../../db";
import { BOSS_SCHEMA } from "../../../jobs/boss";
import { intakeEvents, type PutEventsEntry } from "../../events/event-intake";
import { insertEvents, notifyEventsAccepted } from "../../events/event.repository";
import { afterEventsAccepted } from "../../events/events.hooks";
import type { LocalTaskResource, TaskOutcome, TaskRequest } from "./resource";
import {
  asObject,
  asText,
  integrationPattern,
  parameterFailure,
  serviceFailure,
  type ServiceErrorNaming,
} from "./common";

// arn:aws:states:::events:putEvents (and .waitForTaskToken): PutEvents' Entries (Detail — an
// object is sent as its JSON text —, DetailType, Source, EventBusName, Resources, Time,
// TraceHeader) with the state machine's and the execution's ARNs appended to each entry's
// Resources, as Step Functions does. The ACCEPT path only, inside the executor's transaction: the
// events are validated and stored "not routed yet" with their bus's archives/discovery hooks, and
// the NOTIFY that commits with them wakes the routers (events/event-router.ts), which match rules
// and deliver, as for any accepted event. (This module must not import the router or the delivery
// registry: the executor imports it, and the engine's workflow target imports the start path.)
// Result: { Entries, FailedEntryCount }. An entry refused (unknown bus, bad detail) fails the task
// with `EventBridge.FailedEntry` (the accepted ones stay accepted, as on AWS).

export const eventsNaming: ServiceErrorNaming = {
  prefix: "EventBridge",
  service: "AmazonEventBridge",
  generic: "AmazonEventBridgeException",
  exception: (code) => (code.endsWith("Exception") ? code : null),
};

const str = (v: unknown) => (typeof v === "string" ? v : null);

function toEntry(e: unknown, req: TaskRequest): PutEventsEntry {
  const o = asObject(e) ?? {};
  const resources = Array.isArray(o.Resources) ? o.Resources.filter((r): r is string => typeof r === "string") : [];
  return {
    Source: str(o.Source),
    DetailType: str(o.DetailType),
    Detail: o.Detail === undefined || o.Detail === null ? null : asText(o.Detail),
    Resources: [...resources, req.stateMachineArn, req.executionArn],
    Time: typeof o.Time === "string" || typeof o.Time === "number" ? o.Time : null,
    EventBusName: str(o.EventBusName),
    TraceHeader: str(o.TraceHeader),
  };
}

async function putEvents(tx: Queryable, req: TaskRequest): Promise<TaskOutcome> {
  const p = asObject(req.input);
  if (!p || !Array.isArray(p.Entries))
    return parameterFailure("The field 'Entries' is required but was missing or is not an array.");
  try {
    const intake = await intakeEvents(
      tx,
      { tenantId: req.tenant.id, accountId: req.tenant.accountId },
      "default",
      p.Entries.map((e) => toEntry(e, req)),
      { ingest: "api", sourceArn: req.stateMachineArn },
    );
    for (const g of intake.groups) {
      const stored = await insertEvents(
        tx,
        g.events.map((e) => e.row),
        intake.receivedAt,
        BOSS_SCHEMA,
      );
      await afterEventsAccepted(tx, g.bus, stored);
    }
    if (intake.groups.length) await notifyEventsAccepted(tx, BOSS_SCHEMA);
    const failed = intake.results.filter((r) => "ErrorCode" in r).length;
    const output = { Entries: intake.results, FailedEntryCount: failed };
    if (failed > 0) return { kind: "failed", error: "EventBridge.FailedEntry", cause: JSON.stringify(output) };
    return req.pattern === "waitForTaskToken" ? { kind: "pending" } : { kind: "succeeded", output };
  } catch (err) {
    return serviceFailure(err, eventsNaming);
  }
}

export const eventsPutEvents: LocalTaskResource = {
  mode: "local",
  resourceType: "events",
  patterns: ["requestResponse", "waitForTaskToken"],
  matches: (resource) => integrationPattern(resource, "events", "putEvents") !== null,
  start: putEvents,
};
