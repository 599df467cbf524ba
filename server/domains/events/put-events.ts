import type pg from "pg";
import { withTransaction, type Queryable } from "../../db";
import { gated } from "../../platform/tx-gate";
import type { Caller } from "./bus.service";
import { insertEvents } from "./event.repository";
import { afterEventsAccepted } from "./events.hooks";
import {
  intakeEvents,
  type BusGroup,
  type PutEventsEntry,
  type PutEventsOptions,
  type PutEventsResultEntry,
} from "./event-intake";
import { matchRules, ruleIndexFor } from "./rule-index";
import { dispatchMatches, recordRuleMetrics, type MatchedEvent } from "./rule-dispatch";
import type { RuleMetricBump } from "./event.repository";

// PutEvents (contracts.md seam 4). After the intake (event-intake.ts: per-entry validation, bus
// resolution with cross-account policies, AWS's envelope), ONE transaction stores the accepted
// events, matches them against their bus's enabled rules (rule-index.ts: in memory, no query),
// creates one invocation per (event, rule, target) in the delivery engine (local targets such as
// queues are delivered right there) and calls afterEventsAccepted (archives, schema discovery).
// Everything accepted is committed before the answer; an invocation then survives any crash.
//
// `db` is the pool (putEvents opens the transaction) or a client inside the caller's transaction
// (then everything joins it). Per-rule metrics are recorded after the commit (rule-dispatch.ts).

export type { PutEventsEntry, PutEventsOptions, PutEventsResultEntry };
export { checkPutEventsRequest, MAX_ENTRIES } from "./event-intake";

function isPool(db: pg.Pool | Queryable): db is pg.Pool {
  return typeof (db as pg.Pool).connect === "function" && typeof (db as pg.Pool).totalCount === "number";
}

/** Matches each accepted event of a group against its bus's rules; fills row.matchedRules. */
export async function matchGroup(
  db: Queryable,
  g: BusGroup,
  ingestionTime: string,
  receivedAt: Date,
  ruleArns?: string[],
): Promise<MatchedEvent[]> {
  const idx = await ruleIndexFor(g.bus.id, db);
  const only = ruleArns ? new Set(ruleArns) : null;
  const matched: MatchedEvent[] = [];
  for (const e of g.events) {
    const rules = matchRules(idx, e.envelope)
      .filter((r) => !only || only.has(r.arn))
      .map((r) => ({ ...r, tenantId: g.bus.tenantId }));
    e.row.matchedRules = rules.map((r) => r.arn);
    if (rules.length)
      matched.push({ envelope: e.envelope, envelopeText: e.envelopeText, ingestionTime, receivedAt, rules });
  }
  return matched;
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
  const matched = new Map<BusGroup, MatchedEvent[]>();
  for (const g of intake.groups)
    matched.set(g, await matchGroup(db, g, intake.ingestionTime, intake.receivedAt, opts.ruleArns));

  const work = async (tx: Queryable) => {
    const bumps: RuleMetricBump[] = [];
    for (const g of intake.groups) {
      const stored = await insertEvents(
        tx,
        g.events.map((e) => e.row),
        intake.receivedAt,
      );
      bumps.push(...(await dispatchMatches(tx, matched.get(g)!)));
      await afterEventsAccepted(tx, g.bus, stored);
    }
    return bumps;
  };
  if (isPool(db)) {
    // Local targets (queues) are served inside this transaction and may need a second pooled
    // connection: gated like Publish (platform/tx-gate.ts).
    await recordRuleMetrics(await gated(() => withTransaction(work)));
  } else {
    void recordRuleMetrics(await work(db));
  }
  return intake.results;
}
