import type { Queryable } from "../../db";
import type { RuleRow } from "./bus.repository";

// A rule's ScheduleExpression fires through the scheduler's timers (contracts.md seam 5): an
// enabled rule with a schedule has a timer that enqueues events.fireRuleSchedule at each fire time;
// disabling, deleting or dropping the schedule removes it. Called inside the rule's transaction.
// Wired to server/domains/timers/timer.service.ts once the scheduler branch has it.

export async function syncRuleTimer(
  _tx: Queryable,
  _rule: Pick<RuleRow, "id" | "tenantId" | "scheduleExpression" | "state">,
): Promise<void> {}

export async function dropRuleTimer(_tx: Queryable, _ruleId: string): Promise<void> {}
