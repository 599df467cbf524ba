import type { FilterPolicyScope } from "../filter-policy";

// SNS subscription attributes as the wire carries them (name → string) turned into the typed patch
// the topics service takes. Only the wire's own syntax is checked here (names, enums, booleans,
// the RedrivePolicy JSON); the service checks meaning (the filter-policy and delivery-policy
// languages, which protocols support what), whichever door the patch came from.

export type SubscriptionPatch = {
  /** A filter-policy document (the service parses it in its scope); null clears it. */
  filterPolicy?: string | null;
  filterPolicyScope?: FilterPolicyScope;
  rawMessageDelivery?: boolean;
  /** The dead-letter queue's ARN; null clears it. */
  redrivePolicy?: { deadLetterTargetArn: string } | null;
  /** A delivery-policy document (HTTP/S only); null clears it. */
  deliveryPolicy?: string | null;
};

export const SUBSCRIPTION_ATTRIBUTES: ReadonlySet<string> = new Set([
  "FilterPolicy",
  "FilterPolicyScope",
  "RawMessageDelivery",
  "RedrivePolicy",
  "DeliveryPolicy",
  "SubscriptionRoleArn",
  "ReplayPolicy",
]);

export type AttributeError = { message: string; field: string };

/** SNS's wording: Subscribe's errors say "Attributes Reason:", SetSubscriptionAttributes' do not. */
export function attributeLead(subscribe: boolean): string {
  return subscribe ? "Invalid parameter: Attributes Reason: " : "Invalid parameter: ";
}

export function parseSubscriptionAttributeStrings(
  attrs: Record<string, string>,
  subscribe: boolean,
): { ok: true; patch: SubscriptionPatch } | { ok: false; error: AttributeError } {
  const lead = attributeLead(subscribe);
  const fail = (message: string, field: string) => ({ ok: false as const, error: { message, field } });
  for (const k of Object.keys(attrs))
    if (!SUBSCRIPTION_ATTRIBUTES.has(k))
      return fail(subscribe ? `${lead}Unknown attribute ${k}` : "Invalid parameter: AttributeName", k);
  const patch: SubscriptionPatch = {};
  if (attrs.FilterPolicyScope !== undefined) {
    if (attrs.FilterPolicyScope !== "MessageAttributes" && attrs.FilterPolicyScope !== "MessageBody")
      return fail(
        `${lead}FilterPolicyScope: Invalid value [${attrs.FilterPolicyScope}]. Please use either MessageBody or MessageAttributes`,
        "FilterPolicyScope",
      );
    patch.filterPolicyScope = attrs.FilterPolicyScope;
  }
  if (attrs.FilterPolicy !== undefined) patch.filterPolicy = attrs.FilterPolicy === "" ? null : attrs.FilterPolicy;
  if (attrs.RawMessageDelivery !== undefined) {
    if (attrs.RawMessageDelivery !== "true" && attrs.RawMessageDelivery !== "false")
      return fail(
        `${lead}RawMessageDelivery: Invalid value [${attrs.RawMessageDelivery}]. Must be true or false.`,
        "RawMessageDelivery",
      );
    patch.rawMessageDelivery = attrs.RawMessageDelivery === "true";
  }
  if (attrs.RedrivePolicy !== undefined) {
    if (attrs.RedrivePolicy === "") patch.redrivePolicy = null;
    else {
      let v: { deadLetterTargetArn?: unknown } | null;
      try {
        v = JSON.parse(attrs.RedrivePolicy);
      } catch {
        return fail(`${lead}RedrivePolicy: failed to parse JSON.`, "RedrivePolicy");
      }
      const arn = v?.deadLetterTargetArn;
      patch.redrivePolicy = { deadLetterTargetArn: typeof arn === "string" ? arn : "" };
    }
  }
  if (attrs.DeliveryPolicy !== undefined)
    patch.deliveryPolicy = attrs.DeliveryPolicy === "" ? null : attrs.DeliveryPolicy;
  return { ok: true, patch };
}
