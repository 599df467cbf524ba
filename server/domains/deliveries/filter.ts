import { parseFilterPolicy, evaluateFilterPolicy, type FilterPolicy } from "../../core/filter-policy";
import { bodyForProtocol } from "../../core/sns/envelope";
import type { SubscriptionRow } from "../topics/topic.repository";
import type { MessageRow } from "../topics/topic-message.repository";

// Which subscriptions a message goes to: their filter policies, parsed once per process and policy.

const policyCache = new Map<string, FilterPolicy | null>();

function policyOf(sub: SubscriptionRow): FilterPolicy | null {
  if (!sub.filterPolicy) return null;
  const key = `${sub.id}:${sub.filterPolicyScope}:${JSON.stringify(sub.filterPolicy)}`;
  let p = policyCache.get(key);
  if (p === undefined) {
    const r = parseFilterPolicy(sub.filterPolicy, sub.filterPolicyScope);
    // A stored policy was valid when set; if the parser grew stricter, deliver rather than drop.
    p = r.ok ? r.policy : null;
    if (policyCache.size > 10_000) policyCache.clear();
    policyCache.set(key, p);
  }
  return p;
}

export function matches(sub: SubscriptionRow, msg: MessageRow): boolean {
  const p = policyOf(sub);
  if (!p) return true;
  const r =
    p.scope === "MessageBody"
      ? evaluateFilterPolicy(p, {
          scope: "MessageBody",
          body: bodyForProtocol(msg.body, msg.messageStructure, sub.protocol),
        })
      : evaluateFilterPolicy(p, {
          scope: "MessageAttributes",
          attributes: msg.attributes as Record<string, { DataType: string; StringValue?: string }>,
        });
  return r.match;
}
