import { targetKindOfArn, type TargetArnKind } from "./target-kind";

// Which kind of target an EventBridge rule target ARN names: the engine's mapping
// (core/events/target-kind.ts) plus state machines, which rules accept and store before workflows
// can take them. Pure: PutTargets refuses what no kind can serve, PutEvents hands the kind on.

export type RuleTargetKind = TargetArnKind | "workflow";

export function targetKindOf(arn: string): RuleTargetKind | null {
  const k = targetKindOfArn(arn);
  if (k) return k;
  return /^arn:aws[\w-]*:states:[a-z0-9-]+:\d{12}:stateMachine:[\w-]+$/.test(arn) ? "workflow" : null;
}

export function isArnFormat(arn: string): boolean {
  return /^arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/.test(arn) && arn.length <= 1600;
}
