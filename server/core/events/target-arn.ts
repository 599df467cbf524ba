import { targetKindOfArn, type TargetArnKind } from "./target-kind";

// Which kind of target an EventBridge rule target ARN names: the engine's mapping
// (core/events/target-kind.ts; state machines are the "workflow" kind). Pure: PutTargets refuses
// what no kind can serve, PutEvents hands the kind on.

export type RuleTargetKind = TargetArnKind;

export function targetKindOf(arn: string): RuleTargetKind | null {
  return targetKindOfArn(arn);
}

export function isArnFormat(arn: string): boolean {
  return /^arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/.test(arn) && arn.length <= 1600;
}
