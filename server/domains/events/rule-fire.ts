import { createHash } from "node:crypto";
import { pool, withTransaction } from "../../db";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { logger } from "../../logger";
import { buildEnvelope } from "../../core/events/envelope";
import { findBusById, findRuleById } from "./bus.repository";
import { region } from "./bus.service";
import { insertEvents, notifyEventsAccepted } from "./event.repository";
import { wakeRouter } from "./event-router";
import type { PayloadOf } from "../../jobs/registry";
import type { fireRuleScheduleJob } from "./events.jobs";

// One fire time of a scheduled rule (events.fireRuleSchedule): AWS's scheduled event, stored on the
// rule's bus like any other event (the explorer shows it), not routed yet and limited to this rule
// (route_rules): the router (event-router.ts) hands it to the rule's targets. The event id is
// derived from (rule, fire time), so a second run of the same fire stores nothing new and creates
// no second invocation (the engine's dedupe keys contain the event id).

function eventIdFor(ruleId: string, fireTime: string): string {
  const h = createHash("sha256").update(`${ruleId}\u0000${fireTime}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-${((parseInt(h[16]!, 16) & 3) | 8).toString(16)}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export async function runFireRuleSchedule(data: PayloadOf<typeof fireRuleScheduleJob>): Promise<void> {
  const rule = await findRuleById(pool(), data.tenantId, data.ownerId);
  if (!rule || !rule.scheduleExpression || rule.state === "DISABLED") return;
  const bus = await findBusById(pool(), data.tenantId, rule.busId);
  if (!bus) return;
  const fireTime = new Date(data.fireTime);
  const account = /:(\d{12}):/.exec(rule.arn)?.[1] ?? "";
  const envelope = buildEnvelope({
    id: eventIdFor(rule.id, fireTime.toISOString()),
    detailType: "Scheduled Event",
    source: "aws.events",
    account,
    time: fireTime,
    region: region(),
    resources: [rule.arn],
    detail: {},
  });
  const envelopeText = JSON.stringify(envelope);
  await withTransaction(async (tx) => {
    await insertEvents(
      tx,
      [
        {
          id: envelope.id,
          tenantId: rule.tenantId,
          busId: bus.id,
          envelope: envelopeText,
          source: "aws.events",
          detailType: "Scheduled Event",
          eventTime: fireTime,
          size: Buffer.byteLength(envelopeText),
          ingest: "schedule",
          replayName: null,
          matchedRules: [rule.arn],
          routeRules: [rule.arn],
        },
      ],
      new Date(),
      BOSS_SCHEMA,
    );
    await notifyEventsAccepted(tx, BOSS_SCHEMA);
  });
  wakeRouter();
  logger.debug({ ruleId: rule.id, fireTime: data.fireTime }, "scheduled rule fired");
}
