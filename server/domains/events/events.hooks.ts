import type { Queryable } from "../../db";
import type { BusRow } from "./bus.repository";
import type { StoredEvent } from "./event.repository";

// Called by putEvents inside the transaction that stores accepted events (contracts.md seam 4), once
// per bus with that bus's events. The archive helper fills it in (archives matching the events,
// schema discovery); it must not fail for reasons of its own, or the events are refused with it.

export async function afterEventsAccepted(_tx: Queryable, _bus: BusRow, _events: StoredEvent[]): Promise<void> {}
