import { assertCan, type Actor } from "../../auth/permissions";
import { withTransaction } from "../../db";
import { constraintMessage, targetIdProblem } from "../../core/events/names";
import { isArnFormat, targetKindOf } from "../../core/events/target-arn";
import { TargetInputError, validateTargetInput } from "../../core/events/input-transform";
import { deleteTargets, listTargets, lockRule, upsertTargets, type TargetDefinition } from "./bus.repository";
import { ebValidation, limitExceeded, managedRule } from "./event.errors";
import { requireRule } from "./rule.service";
import type { Caller } from "./bus.service";

// PutTargets / RemoveTargets. A target is stored exactly as given (ListTargetsByRule returns it
// as PutTargets received it); what Signalbox needs from it (input, retry policy, dead-letter
// queue, SQS message group) is read from that definition when an event matches (rule-dispatch.ts).

export const MAX_TARGETS_PER_RULE = 5;

export type FailedTarget = { TargetId: string; ErrorCode: string; ErrorMessage: string };

function member(i: number, field: string): string {
  return `targets.${i + 1}.member.${field}`;
}

function checkRange(v: unknown, name: string, min: number, max: number): void {
  if (v === undefined || v === null) return;
  if (typeof v !== "number" || !Number.isInteger(v))
    throw ebValidation(constraintMessage(String(v), name, "Member must be an integer"), name);
  if (v < min)
    throw ebValidation(
      constraintMessage(String(v), name, `Member must have value greater than or equal to ${min}`),
      name,
    );
  if (v > max)
    throw ebValidation(constraintMessage(String(v), name, `Member must have value less than or equal to ${max}`), name);
}

/** Whole-request validation, as AWS refuses a PutTargets call (nothing is stored). */
function checkTarget(t: TargetDefinition, i: number): void {
  const idProblem = targetIdProblem(String(t.Id ?? ""), member(i, "id"));
  if (idProblem) throw ebValidation(idProblem, "targets");
  const arn = String(t.Arn ?? "");
  if (!arn)
    throw ebValidation(
      constraintMessage("", member(i, "arn"), "Member must have length greater than or equal to 1"),
      "targets",
    );
  if (!isArnFormat(arn))
    throw ebValidation(`Parameter ${arn} is not valid. Reason: Provided Arn is not in correct format.`, "targets");
  const it = t.InputTransformer as { InputPathsMap?: Record<string, string>; InputTemplate?: string } | undefined;
  try {
    validateTargetInput(
      String(t.Id),
      {
        input: t.Input === undefined || t.Input === null ? undefined : String(t.Input),
        inputPath: t.InputPath === undefined || t.InputPath === null ? undefined : String(t.InputPath),
        inputTransformer: it ? { inputPathsMap: it.InputPathsMap, inputTemplate: it.InputTemplate ?? "" } : undefined,
      },
      { targetIndex: i + 1 },
    );
  } catch (err) {
    if (err instanceof TargetInputError) throw ebValidation(err.message, "targets");
    throw err;
  }
  const retry = (t.RetryPolicy ?? {}) as Record<string, unknown>;
  checkRange(retry.MaximumRetryAttempts, member(i, "retryPolicy.maximumRetryAttempts"), 0, 185);
  checkRange(retry.MaximumEventAgeInSeconds, member(i, "retryPolicy.maximumEventAgeInSeconds"), 60, 86_400);
  const dlq = t.DeadLetterConfig as { Arn?: string } | undefined;
  if (dlq?.Arn !== undefined && targetKindOf(dlq.Arn) !== "queue")
    throw ebValidation(
      `Parameter DeadLetterConfig.Arn is not valid for target ${t.Id}: it must be an SQS queue ARN.`,
      "targets",
    );
  // A state machine is started with the target's role, as AWS requires one (kept, not assumed: no IAM here).
  if (targetKindOf(arn) === "workflow" && !t.RoleArn)
    throw ebValidation(`RoleArn is required for target ${arn}.`, "targets");
  const sqs = t.SqsParameters as { MessageGroupId?: string } | undefined;
  if (targetKindOf(arn) === "queue" && arn.endsWith(".fifo") && !sqs?.MessageGroupId)
    throw ebValidation(`Parameter(s) SqsParameters must be specified for target: ${t.Id}.`, "targets");
}

/** Per-target refusals: a target Signalbox has no kind for is reported, the others are stored. */
function unsupported(t: TargetDefinition): FailedTarget | null {
  if (targetKindOf(t.Arn)) return null;
  return {
    TargetId: t.Id,
    ErrorCode: "ValidationException",
    ErrorMessage: `Target ${t.Arn} is not supported: Signalbox delivers to SQS queues, SNS topics, event buses, functions, API destinations and state machines.`,
  };
}

export async function putTargets(
  actor: Actor,
  caller: Caller,
  input: { rule: string; eventBusName?: string | null; targets: TargetDefinition[] },
): Promise<{ failed: FailedTarget[] }> {
  assertCan(actor.role, "resource:write");
  const targets = input.targets ?? [];
  if (targets.length < 1)
    throw ebValidation(
      constraintMessage("[]", "targets", "Member must have length greater than or equal to 1"),
      "targets",
    );
  if (targets.length > 10)
    throw ebValidation(
      constraintMessage("[Target]", "targets", "Member must have length less than or equal to 10"),
      "targets",
    );
  targets.forEach(checkTarget);
  return withTransaction(async (tx) => {
    const { rule } = await requireRule(tx, caller, input.eventBusName, input.rule);
    await lockRule(tx, rule.id);
    if (rule.managedBy) throw managedRule(`Rule ${rule.name} is managed by ${rule.managedBy} and cannot be modified.`);
    const failed: FailedTarget[] = [];
    const accepted: TargetDefinition[] = [];
    for (const t of targets) {
      const f = unsupported(t);
      if (f) failed.push(f);
      else accepted.push(t);
    }
    // The last definition of an Id in one request wins, as a second PutTargets would.
    const byId = new Map(accepted.map((t) => [t.Id, t]));
    const existing = new Set((await listTargets(tx, rule.id)).map((t) => t.targetId));
    const total = new Set([...existing, ...byId.keys()]).size;
    if (total > MAX_TARGETS_PER_RULE) throw limitExceeded("The requested resource exceeds the maximum number allowed.");
    await upsertTargets(tx, caller.tenantId, rule.id, [...byId.values()]);
    return { failed };
  });
}

export async function removeTargets(
  actor: Actor,
  caller: Caller,
  input: { rule: string; eventBusName?: string | null; ids: string[]; force?: boolean | null },
): Promise<{ failed: FailedTarget[] }> {
  assertCan(actor.role, "resource:write");
  const ids = input.ids ?? [];
  if (ids.length < 1)
    throw ebValidation(constraintMessage("[]", "ids", "Member must have length greater than or equal to 1"), "ids");
  if (ids.length > 100)
    throw ebValidation(
      constraintMessage("[TargetId]", "ids", "Member must have length less than or equal to 100"),
      "ids",
    );
  ids.forEach((id, i) => {
    const p = targetIdProblem(String(id), `ids.${i + 1}.member`);
    if (p) throw ebValidation(p, "ids");
  });
  return withTransaction(async (tx) => {
    const { rule } = await requireRule(tx, caller, input.eventBusName, input.rule);
    if (rule.managedBy && !input.force)
      throw managedRule(`Rule ${rule.name} is managed by ${rule.managedBy} and cannot be modified without Force.`);
    await deleteTargets(tx, rule.id, ids);
    return { failed: [] };
  });
}
