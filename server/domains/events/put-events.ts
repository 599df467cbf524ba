import type pg from "pg";
import { withTransaction, type Queryable } from "../../db";
import { BOSS_SCHEMA } from "../../jobs/boss";
import type { Caller } from "./bus.service";
import { insertEvents } from "./event.repository";
import { afterEventsAccepted } from "./events.hooks";
import { ensureRouter, eventsAccepted, notifyEventsAccepted } from "./event-router";
import { intakeEvents, type PutEventsEntry, type PutEventsOptions, type PutEventsResultEntry } from "./event-intake";

// PutEvents (contracts.md seam 4) ACCEPTS: after the intake (event-intake.ts: per-entry
// validation, bus resolution with cross-account policies, AWS's envelope), ONE transaction stores
// the accepted events (one multi-row INSERT per bus) marked "not routed yet" and calls
// afterEventsAccepted (archives, schema discovery); then the routers are woken. Everything
// accepted is committed before the answer. The router (event-router.ts) then matches the events
// against their bus's rules and creates the invocations in the delivery engine, asynchronously
// and in batches, as AWS does: accepted → routed → delivered.
//
// `db` is the pool (putEvents opens the transaction and wakes this process's router right after
// the commit, and the other processes' at most every 25 ms) or a client inside the caller's
// transaction (then everything joins it, and a NOTIFY, delivered when the caller commits, wakes
// the routers). `opts.ruleArns` (replays) limits the rules the router considers; an empty list
// matches nothing.

export type { PutEventsEntry, PutEventsOptions, PutEventsResultEntry };
export { checkPutEventsRequest, MAX_ENTRIES } from "./event-intake";

function isPool(db: pg.Pool | Queryable): db is pg.Pool {
  return typeof (db as pg.Pool).connect === "function" && typeof (db as pg.Pool).totalCount === "number";
}

export async function putEvents(
  db: pg.Pool | Queryable,
  caller: Caller,
  busRef: string,
  entries: PutEventsEntry[],
  opts: PutEventsOptions = {},
): Promise<PutEventsResultEntry[]> {
  const intake = await intakeEvents(db, caller, busRef, entries, opts);
  if (intake.groups.length === 0) return intake.results;
  const ruleArns = opts.ruleArns;
  // A replay filtered to no rule routes nothing: stored as routed.
  const routeSchema = ruleArns && ruleArns.length === 0 ? null : BOSS_SCHEMA;

  const work = async (tx: Queryable) => {
    for (const g of intake.groups) {
      const stored = await insertEvents(
        tx,
        g.events.map((e) => ({ ...e.row, routeRules: ruleArns ?? [] })),
        intake.receivedAt,
        routeSchema,
      );
      await afterEventsAccepted(tx, g.bus, stored);
    }
  };
  if (isPool(db)) {
    await withTransaction(work);
    if (routeSchema) eventsAccepted();
  } else {
    // The caller commits: its NOTIFY then wakes the routers (this process's too).
    await work(db);
    if (routeSchema) {
      ensureRouter();
      await notifyEventsAccepted(db);
    }
  }
  return intake.results;
}
