// Which delivery-engine target kind (server/domains/deliveries/targets/registry.ts) serves a rule's
// or schedule's target ARN. Pure: sources (PutTargets, CreateSchedule) use it to validate a target
// and to fill Invocation.targetKind. Null: no kind serves that kind of ARN (yet).

export type TargetArnKind = "queue" | "topic" | "event-bus" | "function" | "api-destination" | "workflow";

export function targetKindOfArn(arn: string): TargetArnKind | null {
  const m = /^arn:aws[a-z-]*:([a-z0-9-]+):[a-z0-9-]*:(\d{12})?:(.+)$/.exec(arn);
  if (!m) return null;
  const [, service, , resource] = m;
  if (service === "sqs") return /^(?:[\w-]{1,80}|[\w-]{1,75}\.fifo)$/.test(resource!) ? "queue" : null;
  if (service === "sns") return /^(?:[\w-]{1,256}|[\w-]{1,251}\.fifo)$/.test(resource!) ? "topic" : null;
  if (service === "lambda") return /^function:[\w-]+(:[\w$-]+)?$/.test(resource!) ? "function" : null;
  // A state machine, one of its versions (`:3`) or aliases (`:live`): StartExecution takes all three.
  if (service === "states") return /^stateMachine:[^:\s/]{1,80}(:[^:\s/]{1,80})?$/.test(resource!) ? "workflow" : null;
  if (service === "events") {
    if (resource!.startsWith("event-bus/")) return "event-bus";
    if (resource!.startsWith("api-destination/")) return "api-destination";
  }
  return null;
}
