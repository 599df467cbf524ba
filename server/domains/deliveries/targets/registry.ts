import type { TargetKind, TargetKindName } from "./target";
import { queueTarget } from "./queue";
import { webhookTarget } from "./webhook";
import { emailTarget } from "./email";
import { topicTarget } from "./topic";
import { eventBusTarget } from "./event-bus";
import { functionTarget } from "./function";
import { apiDestinationTarget } from "./api-destination";
import { workflowTarget } from "./workflow";

// Every target kind, keyed by kind and by the subscription protocols it serves. A new kind is a
// module exporting a TargetKind and one line here (docs/architecture.md has a worked example).
const KINDS: readonly TargetKind[] = [
  queueTarget,
  webhookTarget,
  emailTarget,
  topicTarget,
  eventBusTarget,
  functionTarget,
  apiDestinationTarget,
  workflowTarget,
];

const byKind = new Map<TargetKindName, TargetKind>(KINDS.map((k) => [k.kind, k]));
const byProtocol = new Map<string, TargetKind>(KINDS.flatMap((k) => k.protocols.map((p) => [p, k] as const)));

export function targetKind(kind: TargetKindName): TargetKind {
  const k = byKind.get(kind);
  if (!k) throw new Error(`unknown target kind ${kind}`);
  return k;
}

/** The kind that serves a subscription protocol (sqs → queue, http/https → webhook, email → email). */
export function targetForProtocol(protocol: string): TargetKind {
  const k = byProtocol.get(protocol);
  if (!k) throw new Error(`no target kind serves protocol ${protocol}`);
  return k;
}

export const targetKinds = (): readonly TargetKind[] => KINDS;

/** The kind that takes invocations of `kind` (throws when there is none, or it takes none). */
export function invocationKind(kind: TargetKindName): TargetKind {
  const k = byKind.get(kind);
  if (!k) throw new Error(`unknown target kind ${kind}`);
  if (k.mode === "local" ? !k.invokeBatch : !k.invoke) throw new Error(`target kind ${kind} takes no invocations`);
  return k;
}
