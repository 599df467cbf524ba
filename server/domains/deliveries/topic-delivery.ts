import { randomUUID } from "node:crypto";
import type { SubscriptionRow } from "../topics/topic.repository";
import type { MessageRow } from "../topics/topic-message.repository";
import type { NewDelivery } from "./delivery.repository";
import type { TargetKindName } from "./targets/target";

// The delivery row of one (message, subscription). Its own module, free of the target registry, so
// the publish path (inline.ts, imported by topics) does not import every target kind (the topic
// kind imports topics: that would be a cycle). targets/registry.test.ts checks that this map
// agrees with the kinds' `protocols`.
const KIND_OF_PROTOCOL: Record<string, TargetKindName> = {
  sqs: "queue",
  http: "webhook",
  https: "webhook",
  email: "email",
  "email-json": "email",
};

export function kindOfProtocol(protocol: string): TargetKindName {
  const k = KIND_OF_PROTOCOL[protocol];
  if (!k) throw new Error(`no target kind serves protocol ${protocol}`);
  return k;
}

export const subscriptionProtocols = (): string[] => Object.keys(KIND_OF_PROTOCOL);

export function topicDelivery(m: MessageRow, s: SubscriptionRow, id = randomUUID()): NewDelivery {
  return {
    id,
    tenantId: m.tenantId,
    topicId: m.topicId,
    messageId: m.id,
    subscriptionId: s.id,
    protocol: s.protocol,
    endpoint: s.endpoint,
    sourceKind: "topic",
    sourceArn: s.topicArn,
    targetKind: kindOfProtocol(s.protocol),
  };
}
