import { pool, withTransaction } from "../../db";
import { gated } from "../../platform/tx-gate";
import type { EventEnvelope } from "../../core/events/envelope";
import type { PayloadOf } from "../../jobs/registry";
import { findBusById } from "./bus.repository";
import { findEventsByIds, setMatchedRules } from "./event.repository";
import type { routeEventsJob } from "./events.jobs";
import { matchRules, ruleIndexFor } from "./rule-index";
import { dispatchMatches, recordRuleMetrics, type MatchedEvent } from "./rule-dispatch";

// events.route: jobs enqueued before the event router existed (event-router.ts now routes events
// forwarded bus-to-bus like every accepted event): the named events are matched against this bus's
// rules and handed to the engine, in one transaction. The invocations' dedupe keys (event, rule,
// target) make a retried job, or an event the router also routed, create nothing twice.

export async function runRouteEvents(data: PayloadOf<typeof routeEventsJob>): Promise<void> {
  const bus = await findBusById(pool(), data.tenantId, data.busId);
  if (!bus) return;
  const events = await findEventsByIds(pool(), data.tenantId, data.eventIds);
  if (events.length === 0) return;
  const idx = await ruleIndexFor(bus.id);
  const matched: MatchedEvent[] = [];
  const arns = new Map<string, string[]>();
  for (const e of events) {
    const envelope = JSON.parse(e.envelope) as EventEnvelope;
    const rules = matchRules(idx, envelope).map((r) => ({ ...r, tenantId: bus.tenantId }));
    arns.set(
      e.id,
      rules.map((r) => r.arn),
    );
    if (rules.length)
      matched.push({
        envelope,
        envelopeText: e.envelope,
        ingestionTime: e.receivedAt.toISOString().replace(/\.\d{3}Z$/, "Z"),
        receivedAt: e.receivedAt,
        rules,
      });
  }
  const bumps = await gated(() =>
    withTransaction(async (tx) => {
      for (const [id, list] of arns) await setMatchedRules(tx, data.tenantId, id, list);
      return dispatchMatches(tx, matched);
    }),
  );
  await recordRuleMetrics(bumps);
}
