// Which kind of target an EventBridge target ARN names, as the delivery engine's kinds call them.
// Pure: PutTargets refuses what no kind can serve, PutEvents hands the kind to the engine.

export type RuleTargetKind = "queue" | "topic" | "event-bus" | "function" | "api-destination" | "workflow";

export function targetKindOf(arn: string): RuleTargetKind | null {
  const m = /^arn:aws[\w-]*:([a-z0-9-]+):[a-z0-9-]*:(\d{12})?:(.+)$/.exec(arn);
  if (!m) return null;
  const [, service, , resource] = m;
  if (service === "sqs") return "queue";
  if (service === "sns") return "topic";
  if (service === "events" && resource!.startsWith("event-bus/")) return "event-bus";
  if (service === "events" && resource!.startsWith("api-destination/")) return "api-destination";
  if (service === "lambda" && resource!.startsWith("function:")) return "function";
  if (service === "states" && resource!.startsWith("stateMachine:")) return "workflow";
  return null;
}

export function isArnFormat(arn: string): boolean {
  return /^arn:aws[\w-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+$/.test(arn) && arn.length <= 1600;
}
