import type { Queryable } from "../../db";
import type { BusRow } from "./bus.repository";
import type { StoredEvent } from "./event.repository";
import { recordArchivedEvents } from "../archives/archive.record";
import { recordDiscoveredShapes } from "../schemas/discovery";

// Called by putEvents inside the transaction that stores accepted events (contracts.md seam 4), once
// per bus with that bus's events. It must not fail for reasons of its own, or the events are
// refused with it; both halves are cheap on the hot path:
//  - archives (archives/archive.record.ts): the bus's ENABLED archives (cached 2 s) whose pattern
//    matches get the envelope, one INSERT for the whole call;
//  - schema discovery (schemas/discovery.ts): when the bus's discoverer is STARTED (cached 2 s),
//    each distinct detail shape is recorded once; inference and versioning happen in a job.

export async function afterEventsAccepted(tx: Queryable, bus: BusRow, events: StoredEvent[]): Promise<void> {
  if (!events.length) return;
  await recordArchivedEvents(tx, bus.id, events);
  await recordDiscoveredShapes(tx, { id: bus.id, tenantId: bus.tenantId, accountId: bus.arn.split(":")[4]! }, events);
}
