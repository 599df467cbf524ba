import { createHash, randomBytes, randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import { masterKey } from "../../platform/secrets";
import { openWebhookSecret, sealWebhookSecret, webhookSigningSecrets } from "../../platform/signing";
import {
  parseFilterPolicy,
  filterPolicyErrorMessage,
  evaluateFilterPolicy,
  type FilterPolicyScope,
} from "../../core/filter-policy";
import { checkEndpoint } from "../../core/sns/publish-rules";
import {
  attributeLead,
  parseSubscriptionAttributeStrings,
  type SubscriptionPatch,
} from "../../core/sns/subscription-attributes";
import { refusedEndpointAddress } from "../../platform/guarded-http";
import { parseDeliveryPolicy, effectiveDeliveryPolicy } from "../../core/sns/delivery-policy";
import { generateWebhookSecret } from "../../core/sns/standard-webhooks";
import { enqueue } from "../../platform/enqueue";
import { originForJob, publicUrl } from "../../platform/public-url";
import { recordAudit } from "../audit/audit.service";
import { confirmJob, unsubscribeConfirmJob } from "../deliveries/delivery.jobs";
import {
  deleteSubscriptionRow,
  findSameSubscription,
  findSubscriptionByArn,
  findSubscriptionById,
  findSubscriptionByTokenHash,
  listSubscriptionsPage,
  updateSubscription,
  insertSubscription,
  insertResubscribeToken,
  takeResubscribeToken,
  findTopicById,
  type SubscriptionRow,
  type Queryable,
} from "./topic.repository";
import { requireTopic, type TenantRef } from "./topic.service";
import { ruleError, snsInvalid, subscriptionNotFound } from "./topic.errors";

// Subscription use cases: Subscribe, ConfirmSubscription, Unsubscribe, List*, Get/Set attributes,
// and the console's extras (signing secret rotation, re-enable, filter-policy tester).

export const PROTOCOLS = ["sqs", "http", "https", "email", "email-json"] as const;
export const CONFIRMATION_TTL_MS = 3 * 24 * 3600_000; // SNS tokens are valid for 3 days
export const SECRET_OVERLAP_MS = 24 * 3600_000;

// Secrets live in the platform layer; these names stay for the callers that use them.
export const sealKey = masterKey;
export const sealSecret = sealWebhookSecret;
export const openSecret = openWebhookSecret;
export const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** The secrets a delivery is signed with now: the current one, plus the previous one during the rotation overlap. */
export function signingSecrets(
  s: Pick<SubscriptionRow, "id" | "secretEnc" | "previousSecretEnc" | "previousSecretExpiresAt">,
  now = new Date(),
): string[] {
  return webhookSigningSecrets(s, now);
}

type SubAttrs = {
  filterPolicy?: Record<string, unknown> | null;
  filterPolicyScope?: FilterPolicyScope;
  rawMessageDelivery?: boolean;
  redrivePolicy?: { deadLetterTargetArn: string } | null;
  deliveryPolicy?: Record<string, unknown> | null;
};

/** The audit log names attributes as SNS does. */
const WIRE_NAMES: Record<keyof SubscriptionPatch, string> = {
  filterPolicy: "FilterPolicy",
  filterPolicyScope: "FilterPolicyScope",
  rawMessageDelivery: "RawMessageDelivery",
  redrivePolicy: "RedrivePolicy",
  deliveryPolicy: "DeliveryPolicy",
};

/** Wire attributes (AWS door) → the typed patch, with SNS's messages; `subscribe` selects Subscribe's wording. */
export function subscriptionPatchFromAttributes(attrs: Record<string, string>, subscribe: boolean): SubscriptionPatch {
  const r = parseSubscriptionAttributeStrings(attrs, subscribe);
  if (!r.ok) throw snsInvalid(r.error.message, r.error.field);
  return r.patch;
}

/** Checks a typed patch's meaning with SNS's messages and parses its documents once. */
function checkSubscriptionPatch(
  protocol: string,
  patch: SubscriptionPatch,
  current: { scope: FilterPolicyScope; filterPolicy: unknown },
  subscribe: boolean,
): SubAttrs {
  const lead = attributeLead(subscribe);
  const out: SubAttrs = {};
  const scope = patch.filterPolicyScope ?? current.scope;
  if (patch.filterPolicyScope !== undefined) out.filterPolicyScope = patch.filterPolicyScope;
  const policyText =
    patch.filterPolicy !== undefined
      ? patch.filterPolicy
      : current.filterPolicy
        ? JSON.stringify(current.filterPolicy)
        : undefined;
  if (patch.filterPolicy === null) out.filterPolicy = null;
  else if (policyText && (patch.filterPolicy !== undefined || patch.filterPolicyScope !== undefined)) {
    // A new scope re-checks the stored policy: a policy valid for attributes may not be for bodies.
    const p = parseFilterPolicy(policyText, scope);
    if (!p.ok) throw snsInvalid(filterPolicyErrorMessage(p.error, { subscribe }), "FilterPolicy");
    if (patch.filterPolicy !== undefined) out.filterPolicy = p.policy.source;
  }
  if (patch.rawMessageDelivery !== undefined) {
    if (patch.rawMessageDelivery && !["sqs", "http", "https"].includes(protocol))
      throw snsInvalid(
        `${lead}Delivery protocol [${protocol}] does not support raw message delivery.`,
        "RawMessageDelivery",
      );
    out.rawMessageDelivery = patch.rawMessageDelivery;
  }
  if (patch.redrivePolicy !== undefined) {
    if (patch.redrivePolicy === null) out.redrivePolicy = null;
    else {
      const arn = patch.redrivePolicy.deadLetterTargetArn;
      if (!/^arn:aws:sqs:[^:]+:\d{12}:[A-Za-z0-9_-]+(\.fifo)?$/.test(arn))
        throw snsInvalid(`${lead}RedrivePolicy: deadLetterTargetArn is invalid.`, "RedrivePolicy");
      out.redrivePolicy = { deadLetterTargetArn: arn };
    }
  }
  if (patch.deliveryPolicy !== undefined) {
    if (!["http", "https"].includes(protocol))
      throw snsInvalid(`${lead}DeliveryPolicy: only HTTP/S subscriptions support delivery policies.`, "DeliveryPolicy");
    if (patch.deliveryPolicy === null) out.deliveryPolicy = null;
    else {
      const p = parseDeliveryPolicy(patch.deliveryPolicy, "subscription");
      if (!p.ok) throw snsInvalid(`${lead}${p.message}`, "DeliveryPolicy");
      out.deliveryPolicy = p.value;
    }
  }
  return out;
}

/** JSON equality that ignores key order (JSONB reorders keys). */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v ?? null);
}

/** Whether the attributes given to a repeated Subscribe (parsed) match the existing subscription; absent ones are not compared. */
function sameAttributes(existing: SubscriptionRow, given: SubAttrs): boolean {
  if (given.filterPolicy !== undefined && canonical(given.filterPolicy) !== canonical(existing.filterPolicy))
    return false;
  if (given.filterPolicyScope !== undefined && given.filterPolicyScope !== existing.filterPolicyScope) return false;
  if (given.rawMessageDelivery !== undefined && given.rawMessageDelivery !== existing.rawMessageDelivery) return false;
  if (given.redrivePolicy !== undefined && canonical(given.redrivePolicy) !== canonical(existing.redrivePolicy))
    return false;
  if (given.deliveryPolicy !== undefined && canonical(given.deliveryPolicy) !== canonical(existing.deliveryPolicy))
    return false;
  return true;
}

export type SubscribeInput = {
  topicArn: string;
  protocol: string;
  endpoint?: string;
  /** Typed attributes; the AWS door builds them with subscriptionPatchFromAttributes. */
  settings?: SubscriptionPatch;
  returnSubscriptionArn?: boolean;
};

export async function subscribe(
  actor: Actor,
  tenant: TenantRef,
  input: SubscribeInput,
  opts: { baseUrl: string },
): Promise<{ subscription: SubscriptionRow; pending: boolean; secret: string | null }> {
  assertCan(actor.role, "resource:write");
  const topic = await requireTopic(tenant, input.topicArn);
  const protocol = (input.protocol ?? "").toLowerCase();
  const bad = checkEndpoint(protocol, input.endpoint);
  if (bad) throw ruleError(bad);
  const endpoint = input.endpoint!;
  if (protocol === "http" || protocol === "https") {
    const refused = await refusedEndpointAddress(endpoint);
    if (refused)
      throw snsInvalid(`Invalid parameter: Endpoint Reason: Signalbox will not deliver to ${refused}`, "endpoint");
  }
  if (topic.fifo && protocol !== "sqs")
    throw snsInvalid(`Invalid parameter: Invalid protocol type: ${protocol}`, "protocol");
  // A FIFO topic may deliver to a standard queue (AWS allows it; ordering is then best effort).
  if (protocol === "sqs" && !topic.fifo && endpoint.endsWith(".fifo"))
    throw snsInvalid(
      "Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics",
      "endpoint",
    );
  const attrs = checkSubscriptionPatch(
    protocol,
    input.settings ?? {},
    { scope: "MessageAttributes", filterPolicy: null },
    true,
  );

  const existing = await findSameSubscription(pool(), topic.id, protocol, endpoint);
  if (existing) {
    // SNS: the same endpoint again returns the existing subscription, unless an attribute given now
    // differs from the stored one.
    if (!sameAttributes(existing, attrs))
      throw snsInvalid(
        "Invalid parameter: Attributes Reason: Subscription already exists with different attributes",
        "attributes",
      );
    // Subscribing a pending endpoint again re-sends the confirmation (with a fresh token), as SNS does.
    if (existing.status === "pending") {
      const token = randomBytes(64).toString("hex");
      await withTransaction(async (tx) => {
        await updateSubscription(tx, tenant.id, existing.id, {
          confirmationTokenHash: hashToken(token),
          confirmationExpiresAt: new Date(Date.now() + CONFIRMATION_TTL_MS),
        });
        await enqueue(
          confirmJob,
          { subscriptionId: existing.id, tenantId: tenant.id, token, baseUrl: originForJob(opts.baseUrl) },
          { tx },
        );
      });
    }
    return { subscription: existing, pending: existing.status === "pending", secret: null };
  }

  const id = randomUUID();
  const needsConfirmation = protocol !== "sqs";
  const token = needsConfirmation ? randomBytes(64).toString("hex") : null;
  const secret = protocol === "http" || protocol === "https" ? generateWebhookSecret() : null;
  const subscription = await withTransaction(async (tx) => {
    await insertSubscription(tx, {
      id,
      tenantId: tenant.id,
      topicId: topic.id,
      arn: `${topic.arn}:${id}`,
      protocol,
      endpoint,
      status: needsConfirmation ? "pending" : "confirmed",
      filterPolicy: attrs.filterPolicy ?? null,
      filterPolicyScope: attrs.filterPolicyScope ?? "MessageAttributes",
      rawMessageDelivery: attrs.rawMessageDelivery ?? false,
      redrivePolicy: attrs.redrivePolicy ?? null,
      deliveryPolicy: attrs.deliveryPolicy ?? null,
      secretEnc: secret ? sealSecret(id, secret) : null,
      confirmationTokenHash: token ? hashToken(token) : null,
      confirmationExpiresAt: token ? new Date(Date.now() + CONFIRMATION_TTL_MS) : null,
    });
    if (token)
      await enqueue(
        confirmJob,
        { subscriptionId: id, tenantId: tenant.id, token, baseUrl: originForJob(opts.baseUrl) },
        { tx },
      );
    await recordAudit(
      actor,
      tenant.id,
      "subscription.create",
      { type: "subscription", id },
      { after: { topic: topic.name, protocol } },
      tx,
    );
    return (await findSubscriptionById(tx, tenant.id, id))!;
  });
  return { subscription, pending: needsConfirmation, secret };
}

/** ConfirmSubscription / SubscribeURL: the token is the credential, so no tenant is needed. */
export async function confirmSubscription(input: { topicArn: string; token: string }): Promise<SubscriptionRow> {
  if (!input.token) throw snsInvalid("Invalid parameter: Token", "token");
  const sub = await findSubscriptionByTokenHash(pool(), hashToken(input.token));
  if (!sub) {
    const restored = await resubscribe(input);
    if (restored) return restored;
  }
  if (!sub || sub.topicArn !== input.topicArn) throw snsInvalid("Invalid token", "token");
  if (sub.status === "confirmed") return sub;
  if (sub.confirmationExpiresAt && sub.confirmationExpiresAt.getTime() < Date.now())
    throw snsInvalid("Invalid parameter: Token Reason: the token has expired", "token");
  await updateSubscription(pool(), sub.tenantId, sub.id, { status: "confirmed", confirmedAt: new Date() });
  return { ...sub, status: "confirmed", confirmedAt: new Date() };
}

export async function confirmManually(actor: Actor, tenant: TenantRef, id: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  const sub = await requireSubscription(tenant, id);
  await withTransaction(async (tx) => {
    await updateSubscription(tx, tenant.id, sub.id, { status: "confirmed", confirmedAt: new Date() });
    await recordAudit(actor, tenant.id, "subscription.confirm", { type: "subscription", id: sub.id }, {}, tx);
  });
}

export async function requireSubscription(
  tenant: TenantRef,
  idOrArn: string,
  tx?: Queryable,
): Promise<SubscriptionRow> {
  const s = idOrArn.startsWith("arn:")
    ? await findSubscriptionByArn(tx ?? pool(), tenant.id, idOrArn)
    : await findSubscriptionById(tx ?? pool(), tenant.id, idOrArn);
  if (!s) throw subscriptionNotFound();
  return s;
}

export async function unsubscribe(
  actor: Actor,
  tenant: TenantRef,
  arn: string,
  opts: { baseUrl?: string } = {},
): Promise<void> {
  assertCan(actor.role, "resource:write");
  if (!arn || (!arn.startsWith("arn:aws:sns:") && arn.startsWith("arn:")))
    throw snsInvalid("Invalid parameter: SubscriptionArn", "subscriptionArn");
  const sub = arn.startsWith("arn:")
    ? await findSubscriptionByArn(pool(), tenant.id, arn)
    : await findSubscriptionById(pool(), tenant.id, arn);
  if (!sub) return;
  await removeSubscription(sub, opts.baseUrl ?? publicUrl(), (tx) =>
    recordAudit(
      actor,
      tenant.id,
      "subscription.delete",
      { type: "subscription", id: sub.id },
      { before: { protocol: sub.protocol } },
      tx,
    ),
  );
}

/**
 * Deletes a subscription (Unsubscribe, or the UnsubscribeURL link). A confirmed HTTP/S subscription
 * is sent an UnsubscribeConfirmation, as SNS does: in the same transaction a re-subscribe token is
 * stored (its SubscribeURL restores the subscription for 3 days) and the deliveries.unsubscribe-confirm
 * job is enqueued (see delivery.jobs.ts for why that is a job of its own and not a delivery).
 */
export async function removeSubscription(
  sub: SubscriptionRow,
  baseUrl: string,
  inTx?: (tx: Queryable) => Promise<unknown>,
): Promise<void> {
  const notify = sub.status === "confirmed" && (sub.protocol === "http" || sub.protocol === "https");
  await withTransaction(async (tx) => {
    const gone = await deleteSubscriptionRow(tx, sub.tenantId, sub.id);
    if (gone && notify) {
      const token = randomBytes(64).toString("hex");
      await insertResubscribeToken(tx, {
        tokenHash: hashToken(token),
        tenantId: sub.tenantId,
        topicId: sub.topicId,
        expiresAt: new Date(Date.now() + CONFIRMATION_TTL_MS),
        subscription: {
          id: sub.id,
          arn: sub.arn,
          protocol: sub.protocol,
          endpoint: sub.endpoint,
          filterPolicy: sub.filterPolicy,
          filterPolicyScope: sub.filterPolicyScope,
          rawMessageDelivery: sub.rawMessageDelivery,
          redrivePolicy: sub.redrivePolicy,
          deliveryPolicy: sub.deliveryPolicy,
          secretEnc: sub.secretEnc,
        },
      });
      await enqueue(
        unsubscribeConfirmJob,
        {
          tenantId: sub.tenantId,
          topicArn: sub.topicArn,
          subscriptionArn: sub.arn,
          endpoint: sub.endpoint,
          token,
          baseUrl: originForJob(baseUrl),
        },
        { tx },
      );
    }
    if (inTx) await inTx(tx);
  });
}

/**
 * The SubscribeURL of an UnsubscribeConfirmation: re-creates the subscription as it was (same ARN,
 * attributes and signing secret), confirmed, since the link reached the endpoint's owner. Null when
 * the token is not a re-subscribe token.
 */
async function resubscribe(input: { topicArn: string; token: string }): Promise<SubscriptionRow | null> {
  return withTransaction(async (tx) => {
    const r = await takeResubscribeToken(tx, hashToken(input.token));
    if (!r) return null;
    const topic = await findTopicById(tx, r.tenantId, r.topicId);
    if (!topic || topic.arn !== input.topicArn) throw snsInvalid("Invalid token", "token");
    if (r.expiresAt.getTime() < Date.now())
      throw snsInvalid("Invalid parameter: Token Reason: the token has expired", "token");
    const s = r.subscription;
    // Subscribed again meanwhile: that subscription stands.
    const again = await findSameSubscription(tx, topic.id, s.protocol, s.endpoint);
    if (again) return again;
    await insertSubscription(tx, {
      id: s.id,
      tenantId: r.tenantId,
      topicId: topic.id,
      arn: s.arn,
      protocol: s.protocol,
      endpoint: s.endpoint,
      status: "confirmed",
      filterPolicy: s.filterPolicy,
      filterPolicyScope: s.filterPolicyScope,
      rawMessageDelivery: s.rawMessageDelivery,
      redrivePolicy: s.redrivePolicy,
      deliveryPolicy: s.deliveryPolicy,
      secretEnc: s.secretEnc,
      confirmationTokenHash: null,
      confirmationExpiresAt: null,
    });
    return (await findSubscriptionById(tx, r.tenantId, s.id))!;
  });
}

export const SUBSCRIPTIONS_PAGE = 100;

export async function listSubscriptions(
  actor: Actor,
  tenant: TenantRef,
  opts: { topicArn?: string; nextToken?: string | null },
) {
  assertCan(actor.role, "resource:read");
  const topicId = opts.topicArn ? (await requireTopic(tenant, opts.topicArn)).id : null;
  const after = opts.nextToken ? Buffer.from(opts.nextToken, "base64url").toString("utf8") : null;
  if (after !== null && !after.startsWith("arn:")) throw snsInvalid("Invalid parameter: NextToken", "nextToken");
  const rows = await listSubscriptionsPage(pool(), tenant.id, topicId, after, SUBSCRIPTIONS_PAGE + 1);
  const page = rows.slice(0, SUBSCRIPTIONS_PAGE);
  return {
    subscriptions: page,
    nextToken: rows.length > SUBSCRIPTIONS_PAGE ? Buffer.from(page[page.length - 1]!.arn).toString("base64url") : null,
  };
}

/** What SNS reports as SubscriptionArn: "PendingConfirmation" until confirmed. */
export function publicSubscriptionArn(s: SubscriptionRow): string {
  return s.status === "confirmed" ? s.arn : "PendingConfirmation";
}

export function subscriptionAttributes(
  s: SubscriptionRow,
  topicDeliveryPolicy: unknown,
  accountId: string,
): Record<string, string> {
  const out: Record<string, string> = {
    SubscriptionArn: s.arn,
    TopicArn: s.topicArn,
    Owner: accountId,
    Protocol: s.protocol,
    Endpoint: s.endpoint,
    ConfirmationWasAuthenticated: String(s.status === "confirmed"),
    PendingConfirmation: String(s.status === "pending"),
    RawMessageDelivery: String(s.rawMessageDelivery),
    SubscriptionPrincipal: `arn:aws:iam::${accountId}:root`,
  };
  if (s.filterPolicy) {
    out.FilterPolicy = JSON.stringify(s.filterPolicy);
    out.FilterPolicyScope = s.filterPolicyScope;
  }
  if (s.redrivePolicy) out.RedrivePolicy = JSON.stringify(s.redrivePolicy);
  if (s.deliveryPolicy) out.DeliveryPolicy = JSON.stringify(s.deliveryPolicy);
  if (s.protocol === "http" || s.protocol === "https") {
    const e = effectiveDeliveryPolicy(s.deliveryPolicy, topicDeliveryPolicy);
    out.EffectiveDeliveryPolicy = JSON.stringify({
      healthyRetryPolicy: e.retry,
      ...(e.maxReceivesPerSecond ? { throttlePolicy: { maxReceivesPerSecond: e.maxReceivesPerSecond } } : {}),
    });
  }
  return out;
}

export async function getSubscriptionAttributes(
  actor: Actor,
  tenant: TenantRef,
  arn: string,
): Promise<Record<string, string>> {
  assertCan(actor.role, "resource:read");
  const s = await requireSubscription(tenant, arn);
  const topic = await requireTopic(tenant, s.topicArn);
  return subscriptionAttributes(s, topic.deliveryPolicy, tenant.accountId);
}

export async function setSubscriptionAttributes(
  actor: Actor,
  tenant: TenantRef,
  arn: string,
  patch: SubscriptionPatch,
  subscribeWording = false,
): Promise<SubscriptionRow> {
  assertCan(actor.role, "resource:write");
  const s = await requireSubscription(tenant, arn);
  const parsed = checkSubscriptionPatch(
    s.protocol,
    patch,
    { scope: s.filterPolicyScope, filterPolicy: s.filterPolicy },
    subscribeWording,
  );
  return withTransaction(async (tx) => {
    await updateSubscription(tx, tenant.id, s.id, parsed as Record<string, unknown>);
    await recordAudit(
      actor,
      tenant.id,
      "subscription.set-attributes",
      { type: "subscription", id: s.id },
      { attributes: Object.keys(patch).map((k) => WIRE_NAMES[k as keyof SubscriptionPatch]) },
      tx,
    );
    return (await findSubscriptionById(tx, tenant.id, s.id))!;
  });
}

// --- console extras -------------------------------------------------------------------------------

/** New Standard Webhooks secret, returned once; the old one keeps signing for the overlap. */
export async function rotateSigningSecret(
  actor: Actor,
  tenant: TenantRef,
  id: string,
  overlapMs = SECRET_OVERLAP_MS,
): Promise<{ secret: string; previousExpiresAt: Date | null }> {
  assertCan(actor.role, "resource:write");
  const s = await requireSubscription(tenant, id);
  if (s.protocol !== "http" && s.protocol !== "https")
    throw snsInvalid("Only HTTP/S subscriptions have a signing secret.", "id");
  const secret = generateWebhookSecret();
  const previousExpiresAt = s.secretEnc && overlapMs > 0 ? new Date(Date.now() + overlapMs) : null;
  await withTransaction(async (tx) => {
    await updateSubscription(tx, tenant.id, s.id, {
      secretEnc: sealSecret(s.id, secret),
      previousSecretEnc: previousExpiresAt ? s.secretEnc : null,
      previousSecretExpiresAt: previousExpiresAt,
    });
    await recordAudit(
      actor,
      tenant.id,
      "subscription.rotate-secret",
      { type: "subscription", id: s.id },
      { overlapMs },
      tx,
    );
  });
  return { secret, previousExpiresAt };
}

export async function reenableSubscription(actor: Actor, tenant: TenantRef, id: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  const s = await requireSubscription(tenant, id);
  await withTransaction(async (tx) => {
    await updateSubscription(tx, tenant.id, s.id, {
      disabledAt: null,
      disabledReason: null,
      consecutiveFailures: 0,
      failingSince: null,
    });
    await recordAudit(actor, tenant.id, "subscription.reenable", { type: "subscription", id: s.id }, {}, tx);
  });
}

export type FilterTestInput = {
  filterPolicy: string;
  scope: FilterPolicyScope;
  body?: string;
  attributes?: Record<string, { DataType: string; StringValue?: string }>;
};
export type FilterTestResult =
  | { valid: false; error: { message: string; path: string } }
  | { valid: true; match: true }
  | { valid: true; match: false; reason: string };

/** The console's filter-policy tester: validates the policy and says why a sample does or does not match. */
export function testFilterPolicy(input: FilterTestInput): FilterTestResult {
  const p = parseFilterPolicy(input.filterPolicy, input.scope);
  if (!p.ok) return { valid: false, error: { message: filterPolicyErrorMessage(p.error), path: p.error.path } };
  const r = evaluateFilterPolicy(
    p.policy,
    input.scope === "MessageBody"
      ? { scope: "MessageBody", body: input.body ?? "" }
      : { scope: "MessageAttributes", attributes: input.attributes ?? {} },
  );
  return r.match ? { valid: true, match: true } : { valid: true, match: false, reason: r.reason };
}
