import type { Actor } from "../../auth/permissions";
import { publicUrl } from "../../platform/public-url";
import {
  createTopic,
  getTopicAttributes,
  getTopicById,
  setTopicAttributes,
  deleteTopic,
  listTopicsForConsole,
  type TenantRef,
} from "./topic.service";
import {
  subscribe,
  setSubscriptionAttributes,
  requireSubscription,
  listSubscriptions,
  publicSubscriptionArn,
  subscriptionAttributes,
} from "./subscription.service";
import { publish } from "./publish.service";
import { snsInvalid } from "./topic.errors";
import type { SubscriptionPatch } from "../../core/sns/subscription-attributes";
import type { TopicSettingsPatch } from "../../core/sns/topic-settings";
import type { SubscriptionRow, TopicRow } from "./topic.repository";
import type { z } from "zod";
import type {
  createTopicInput,
  publishInput,
  subscribeInput,
  updateSubscriptionInput,
  updateTopicInput,
} from "./topic.schemas";

// Console-shaped use cases: map the console's typed forms onto the SNS use cases' typed settings
// (TopicSettingsPatch, SubscriptionPatch) and shape rows for pages. No secrets leave here except rotate/create, once.

/** Links in confirmations and envelopes (platform/public-url.ts; the console's name for it). */
export const consoleBaseUrl = publicUrl;

export function topicView(t: TopicRow) {
  return {
    id: t.id,
    name: t.name,
    arn: t.arn,
    fifo: t.fifo,
    displayName: t.displayName,
    deliveryPolicy: t.deliveryPolicy,
    contentBasedDeduplication: t.contentBasedDedup,
    tags: t.tags,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
  };
}

export function subscriptionView(s: SubscriptionRow) {
  return {
    id: s.id,
    arn: s.arn,
    topicId: s.topicId,
    topicArn: s.topicArn,
    protocol: s.protocol,
    endpoint: s.endpoint,
    status: s.status,
    filterPolicy: s.filterPolicy ? JSON.stringify(s.filterPolicy) : null,
    filterPolicyScope: s.filterPolicyScope,
    rawMessageDelivery: s.rawMessageDelivery,
    deadLetterTargetArn: s.redrivePolicy?.deadLetterTargetArn ?? null,
    deliveryPolicy: s.deliveryPolicy ? JSON.stringify(s.deliveryPolicy) : null,
    hasSigningSecret: !!s.secretEnc,
    previousSecretExpiresAt: s.previousSecretExpiresAt,
    disabledAt: s.disabledAt,
    disabledReason: s.disabledReason,
    consecutiveFailures: s.consecutiveFailures,
    confirmedAt: s.confirmedAt,
    createdAt: s.createdAt,
  };
}

export async function consoleListTopics(actor: Actor, tenant: TenantRef, search?: string) {
  const rows = await listTopicsForConsole(actor, tenant, search);
  return rows.map((r) => ({
    ...topicView(r),
    subscriptions: { confirmed: r.confirmed, pending: r.pending, disabled: r.disabled },
  }));
}

export async function consoleGetTopic(actor: Actor, tenant: TenantRef, id: string) {
  const t = await getTopicById(actor, tenant, id);
  return { ...topicView(t), attributes: await getTopicAttributes(actor, tenant, t.arn) };
}

/** The create-topic form (console and REST share it) → the topic's name and typed settings. */
export function topicFromForm(input: z.infer<typeof createTopicInput>) {
  const name = input.fifo && !input.name.endsWith(".fifo") ? `${input.name}.fifo` : input.name;
  const settings: TopicSettingsPatch = {};
  if (input.displayName) settings.displayName = input.displayName;
  if (input.contentBasedDeduplication !== undefined && name.endsWith(".fifo"))
    settings.contentBasedDeduplication = input.contentBasedDeduplication;
  if (input.deliveryPolicy) settings.deliveryPolicy = input.deliveryPolicy;
  const fifoTopic = input.fifo === undefined ? undefined : input.fifo || name.endsWith(".fifo");
  return { name, fifoTopic, settings, tags: input.tags };
}

export async function consoleCreateTopic(actor: Actor, tenant: TenantRef, input: z.infer<typeof createTopicInput>) {
  return topicView(await createTopic(actor, tenant, topicFromForm(input)));
}

/** The edit-topic form → a typed patch (null or "" clears a field). */
export function topicPatchFromForm(input: Omit<z.infer<typeof updateTopicInput>, "id">): TopicSettingsPatch {
  const p: TopicSettingsPatch = {};
  if (input.displayName !== undefined) p.displayName = input.displayName || null;
  if (input.deliveryPolicy !== undefined) p.deliveryPolicy = input.deliveryPolicy || null;
  if (input.contentBasedDeduplication !== undefined) p.contentBasedDeduplication = input.contentBasedDeduplication;
  return p;
}

export async function consoleUpdateTopic(actor: Actor, tenant: TenantRef, input: z.infer<typeof updateTopicInput>) {
  const t = await getTopicById(actor, tenant, input.id);
  // One call: every field is validated before anything is written, in one transaction (no half-saved form).
  const patch = topicPatchFromForm(input);
  if (Object.keys(patch).length) await setTopicAttributes(actor, tenant, t.arn, patch);
  return consoleGetTopic(actor, tenant, t.id);
}

export async function consoleDeleteTopic(actor: Actor, tenant: TenantRef, id: string) {
  const t = await getTopicById(actor, tenant, id);
  await deleteTopic(actor, tenant, t.arn);
  return { id: t.id, deleted: true };
}

export async function consoleListSubscriptions(actor: Actor, tenant: TenantRef, topicId?: string) {
  const topicArn = topicId ? (await getTopicById(actor, tenant, topicId)).arn : undefined;
  const out: ReturnType<typeof subscriptionView>[] = [];
  let nextToken: string | null = null;
  do {
    const page = await listSubscriptions(actor, tenant, { topicArn, nextToken });
    out.push(...page.subscriptions.map(subscriptionView));
    nextToken = page.nextToken;
  } while (nextToken && out.length < 5000);
  return out;
}

/** Subscription form fields (console and REST share them) → the typed subscription patch. */
export function patchFromForm(i: {
  filterPolicy?: string;
  filterPolicyScope?: "MessageAttributes" | "MessageBody" | string;
  rawMessageDelivery?: boolean;
  deadLetterTargetArn?: string;
  deliveryPolicy?: string;
}): SubscriptionPatch {
  const p: SubscriptionPatch = {};
  if (i.filterPolicy !== undefined) p.filterPolicy = i.filterPolicy === "" ? null : i.filterPolicy;
  if (i.filterPolicyScope !== undefined) {
    if (i.filterPolicyScope !== "MessageAttributes" && i.filterPolicyScope !== "MessageBody")
      throw snsInvalid(
        `Invalid parameter: FilterPolicyScope: Invalid value [${i.filterPolicyScope}]. Please use either MessageBody or MessageAttributes`,
        "filterPolicyScope",
      );
    p.filterPolicyScope = i.filterPolicyScope;
  }
  if (i.rawMessageDelivery !== undefined) p.rawMessageDelivery = i.rawMessageDelivery;
  if (i.deadLetterTargetArn !== undefined)
    p.redrivePolicy = i.deadLetterTargetArn ? { deadLetterTargetArn: i.deadLetterTargetArn } : null;
  if (i.deliveryPolicy !== undefined) p.deliveryPolicy = i.deliveryPolicy === "" ? null : i.deliveryPolicy;
  return p;
}

/** For a new subscription: empty fields mean "none" rather than "clear". */
export function subscribePatchFromForm(input: Parameters<typeof patchFromForm>[0]): SubscriptionPatch {
  const p = patchFromForm(input);
  if (!input.filterPolicy) delete p.filterPolicy;
  if (!input.filterPolicyScope) delete p.filterPolicyScope;
  if (!input.deliveryPolicy) delete p.deliveryPolicy;
  if (!input.deadLetterTargetArn) delete p.redrivePolicy;
  return p;
}

export async function consoleSubscribe(
  actor: Actor,
  tenant: TenantRef,
  input: z.infer<typeof subscribeInput>,
  baseUrl = consoleBaseUrl(),
) {
  const t = await getTopicById(actor, tenant, input.topicId);
  const r = await subscribe(
    actor,
    tenant,
    { topicArn: t.arn, protocol: input.protocol, endpoint: input.endpoint, settings: subscribePatchFromForm(input) },
    { baseUrl },
  );
  return { subscription: subscriptionView(r.subscription), pendingConfirmation: r.pending, signingSecret: r.secret };
}

export async function consoleUpdateSubscription(
  actor: Actor,
  tenant: TenantRef,
  input: z.infer<typeof updateSubscriptionInput>,
) {
  const s = await requireSubscription(tenant, input.id);
  return subscriptionView(await setSubscriptionAttributes(actor, tenant, s.arn, patchFromForm(input)));
}

export async function consoleGetSubscription(actor: Actor, tenant: TenantRef, id: string) {
  const s = await requireSubscription(tenant, id);
  const t = await getTopicById(actor, tenant, s.topicId);
  return {
    ...subscriptionView(s),
    publicArn: publicSubscriptionArn(s),
    attributes: subscriptionAttributes(s, t.deliveryPolicy, tenant.accountId),
  };
}

export async function consolePublish(
  actor: Actor,
  tenant: TenantRef,
  input: z.infer<typeof publishInput>,
  baseUrl = consoleBaseUrl(),
) {
  const t = await getTopicById(actor, tenant, input.topicId);
  return publish(actor, tenant, t.arn, input, { baseUrl });
}
