import type { Queryable } from "../../db";
import { deleteTimer, upsertTimer } from "../timers/timer.service";
import type { RuleRow } from "./bus.repository";
import { fireRuleScheduleJob } from "./events.jobs";

// A rule's ScheduleExpression fires through the scheduler's timers (contracts.md seam 5): a rule
// with a schedule has a timer (enabled while the rule is) that enqueues events.fireRuleSchedule
// once per fire time; a rule without one has none. Called inside the rule's transaction, so the
// timer changes with the rule or not at all.

export async function syncRuleTimer(
  tx: Queryable,
  rule: Pick<RuleRow, "id" | "tenantId" | "scheduleExpression" | "state">,
): Promise<void> {
  if (!rule.scheduleExpression) return deleteTimer(tx, "rule", rule.id).then(() => undefined);
  await upsertTimer(tx, {
    tenantId: rule.tenantId,
    ownerKind: "rule",
    ownerId: rule.id,
    expression: rule.scheduleExpression,
    enabled: rule.state !== "DISABLED",
    fireJob: fireRuleScheduleJob.name,
  });
}

export async function dropRuleTimer(tx: Queryable, ruleId: string): Promise<void> {
  await deleteTimer(tx, "rule", ruleId);
}
