import { randomUUID } from "node:crypto";
import { AppError } from "../../core/errors";
import { assertCan, type Actor } from "../../auth/permissions";
import { withTransaction } from "../../db";
import { env } from "../../env";
import { checkTopicName, MAX_TAGS } from "../../core/sns/publish-rules";
import { parseDeliveryPolicy } from "../../core/sns/delivery-policy";
import { recordAudit } from "../audit/audit.service";
import {
  deleteTopicRow, findTopicByArn, findTopicById, findTopicByName, insertTopic, listTopicsPage, listTopicsWithCounts,
  subscriptionCounts, updateTopic, deleteTenantRows, type TopicRow, type Queryable,
} from "./topic.repository";
import { resourceNotFound, ruleError, snsInvalid, topicNotFound } from "./topic.errors";

// Topic use cases (CreateTopic, DeleteTopic, ListTopics, Get/SetTopicAttributes, tags), shared by
// the AWS door, REST and the console.

export type TenantRef = { id: string; accountId: string };

export function topicArn(tenant: TenantRef, name: string): string {
  return `arn:aws:sns:${env().SIGNALBOX_REGION}:${tenant.accountId}:${name}`;
}

const TOPIC_SETTABLE = new Set(["DisplayName", "DeliveryPolicy", "ContentBasedDeduplication", "Policy", "SignatureVersion", "TracingConfig", "KmsMasterKeyId", "ArchivePolicy"]);

function boolAttr(v: string, name: string): boolean {
  if (v !== "true" && v !== "false") throw snsInvalid(`Invalid parameter: Attributes Reason: ${name}: Invalid value [${v}]. Must be true or false.`, name);
  return v === "true";
}

function checkTags(tags: Record<string, string>) {
  if (Object.keys(tags).length > MAX_TAGS) throw new AppError("validation", "Could not complete request: tag quota of per resource exceeded", { awsCode: "TagLimitExceeded" });
  for (const [k, v] of Object.entries(tags)) {
    if (!k || k.length > 128 || v.length > 256) throw snsInvalid("Invalid parameter: Tags", "tags", "InvalidParameterValue");
  }
}

export async function requireTopic(tenant: TenantRef, arn: string): Promise<TopicRow> {
  const t = await findTopicByArn(tenant.id, arn);
  if (!t) throw topicNotFound();
  return t;
}

export async function createTopic(actor: Actor, tenant: TenantRef, input: { name: string; attributes?: Record<string, string>; tags?: Record<string, string> }): Promise<TopicRow> {
  assertCan(actor.role, "resource:write");
  const attrs = input.attributes ?? {};
  for (const k of Object.keys(attrs)) if (!TOPIC_SETTABLE.has(k) && k !== "FifoTopic") throw snsInvalid("Invalid parameter: Attributes Reason: Unknown attribute " + k, k);
  const fifoAttr = attrs.FifoTopic === undefined ? undefined : boolAttr(attrs.FifoTopic, "FifoTopic");
  const bad = checkTopicName(input.name, fifoAttr);
  if (bad) throw ruleError(bad);
  const fifo = input.name.endsWith(".fifo");
  if (attrs.ContentBasedDeduplication !== undefined && !fifo) throw snsInvalid("Invalid parameter: Attributes Reason: Content based deduplication can only be set for FIFO topics", "ContentBasedDeduplication");
  let deliveryPolicy: Record<string, unknown> | null = null;
  if (attrs.DeliveryPolicy) {
    const p = parseDeliveryPolicy(attrs.DeliveryPolicy, "topic");
    if (!p.ok) throw snsInvalid(`Invalid parameter: ${p.message}`, "DeliveryPolicy");
    deliveryPolicy = p.value;
  }
  const tags = input.tags ?? {};
  checkTags(tags);
  const existing = await findTopicByName(tenant.id, input.name);
  if (existing) return existing; // CreateTopic is idempotent: same name → same ARN
  return withTransaction(async (tx) => {
    const row = await insertTopic(
      {
        id: randomUUID(), tenantId: tenant.id, name: input.name, arn: topicArn(tenant, input.name), fifo, displayName: attrs.DisplayName ?? null, deliveryPolicy,
        contentBasedDedup: attrs.ContentBasedDeduplication === "true", tags,
      },
      tx,
    );
    const topic = row ?? (await findTopicByName(tenant.id, input.name, tx))!;
    if (row) await recordAudit(actor, tenant.id, "topic.create", { type: "topic", id: topic.id }, { after: { name: topic.name, fifo } }, tx);
    return topic;
  });
}

export async function deleteTopic(actor: Actor, tenant: TenantRef, arn: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  const t = await findTopicByArn(tenant.id, arn);
  if (!t) return; // DeleteTopic of a missing topic succeeds on AWS
  await withTransaction(async (tx) => {
    await deleteTopicRow(tenant.id, t.id, tx);
    await recordAudit(actor, tenant.id, "topic.delete", { type: "topic", id: t.id }, { before: { name: t.name } }, tx);
  });
}

export const TOPICS_PAGE = 100;

export async function listTopics(actor: Actor, tenant: TenantRef, nextToken?: string | null): Promise<{ topics: TopicRow[]; nextToken: string | null }> {
  assertCan(actor.role, "resource:read");
  let after: string | null = null;
  if (nextToken) {
    after = Buffer.from(nextToken, "base64url").toString("utf8");
    if (!after.startsWith("arn:")) throw snsInvalid("Invalid parameter: NextToken", "nextToken");
  }
  const rows = await listTopicsPage(tenant.id, after, TOPICS_PAGE + 1);
  const page = rows.slice(0, TOPICS_PAGE);
  return { topics: page, nextToken: rows.length > TOPICS_PAGE ? Buffer.from(page[page.length - 1]!.arn).toString("base64url") : null };
}

export async function listTopicsForConsole(actor: Actor, tenant: TenantRef, search?: string | null) {
  assertCan(actor.role, "resource:read");
  return listTopicsWithCounts(tenant.id, search ?? null);
}

export async function getTopicById(actor: Actor, tenant: TenantRef, id: string): Promise<TopicRow> {
  assertCan(actor.role, "resource:read");
  const t = (await findTopicById(tenant.id, id)) ?? (await findTopicByArn(tenant.id, id));
  if (!t) throw topicNotFound();
  return t;
}

export function defaultTopicPolicy(t: TopicRow): string {
  const account = t.arn.split(":")[4];
  return JSON.stringify({
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [{ Sid: "__default_statement_ID", Effect: "Allow", Principal: { AWS: "*" }, Action: ["SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission", "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe", "SNS:ListSubscriptionsByTopic", "SNS:Publish"], Resource: t.arn, Condition: { StringEquals: { "AWS:SourceOwner": account } } }],
  });
}

export async function getTopicAttributes(actor: Actor, tenant: TenantRef, arn: string): Promise<Record<string, string>> {
  assertCan(actor.role, "resource:read");
  const t = await requireTopic(tenant, arn);
  const counts = await subscriptionCounts(t.id);
  const out: Record<string, string> = {
    TopicArn: t.arn,
    Owner: tenant.accountId,
    Policy: defaultTopicPolicy(t),
    DisplayName: t.displayName ?? "",
    SubscriptionsConfirmed: String(counts.confirmed),
    SubscriptionsPending: String(counts.pending),
    SubscriptionsDeleted: "0",
    EffectiveDeliveryPolicy: JSON.stringify(t.deliveryPolicy ?? { http: { defaultHealthyRetryPolicy: { minDelayTarget: 20, maxDelayTarget: 20, numRetries: 3, numMaxDelayRetries: 0, numNoDelayRetries: 0, numMinDelayRetries: 0, backoffFunction: "linear" }, disableSubscriptionOverrides: false, defaultRequestPolicy: { headerContentType: "text/plain; charset=UTF-8" } } }),
  };
  if (t.deliveryPolicy) out.DeliveryPolicy = JSON.stringify(t.deliveryPolicy);
  if (t.fifo) {
    out.FifoTopic = "true";
    out.ContentBasedDeduplication = String(t.contentBasedDedup);
  }
  return out;
}

export async function setTopicAttribute(actor: Actor, tenant: TenantRef, arn: string, name: string, value: string | undefined): Promise<void> {
  assertCan(actor.role, "resource:write");
  const t = await requireTopic(tenant, arn);
  if (!TOPIC_SETTABLE.has(name)) throw snsInvalid("Invalid parameter: AttributeName", "attributeName");
  const v = value ?? "";
  const patch: Parameters<typeof updateTopic>[2] = {};
  if (name === "DisplayName") {
    if (v.length > 100) throw snsInvalid("Invalid parameter: DisplayName", "DisplayName");
    patch.displayName = v || null;
  } else if (name === "DeliveryPolicy") {
    if (v === "") patch.deliveryPolicy = null;
    else {
      const p = parseDeliveryPolicy(v, "topic");
      if (!p.ok) throw snsInvalid(`Invalid parameter: ${p.message}`, "DeliveryPolicy");
      patch.deliveryPolicy = p.value;
    }
  } else if (name === "ContentBasedDeduplication") {
    if (!t.fifo) throw snsInvalid("Invalid parameter: ContentBasedDeduplication Reason: Content based deduplication can only be set for FIFO topics", "ContentBasedDeduplication");
    patch.contentBasedDedup = boolAttr(v, name);
  }
  // Policy, SignatureVersion, TracingConfig, KmsMasterKeyId are accepted and not stored (see docs).
  await withTransaction(async (tx) => {
    await updateTopic(tenant.id, t.id, patch, tx);
    await recordAudit(actor, tenant.id, "topic.set-attribute", { type: "topic", id: t.id }, { attribute: name }, tx);
  });
}

// --- tags -----------------------------------------------------------------------------------------

async function taggable(tenant: TenantRef, arn: string): Promise<TopicRow> {
  const t = await findTopicByArn(tenant.id, arn);
  if (!t) throw resourceNotFound();
  return t;
}

export async function tagTopic(actor: Actor, tenant: TenantRef, arn: string, tags: Record<string, string>): Promise<void> {
  assertCan(actor.role, "resource:write");
  const t = await taggable(tenant, arn);
  const next = { ...t.tags, ...tags };
  checkTags(next);
  await updateTopic(tenant.id, t.id, { tags: next });
}

export async function untagTopic(actor: Actor, tenant: TenantRef, arn: string, keys: string[]): Promise<void> {
  assertCan(actor.role, "resource:write");
  const t = await taggable(tenant, arn);
  const next = { ...t.tags };
  for (const k of keys) delete next[k];
  await updateTopic(tenant.id, t.id, { tags: next });
}

export async function listTopicTags(actor: Actor, tenant: TenantRef, arn: string): Promise<Record<string, string>> {
  assertCan(actor.role, "resource:read");
  return (await taggable(tenant, arn)).tags;
}

/**
 * Removes every topics/deliveries row of a tenant (topic rows cascade to subscriptions, messages,
 * deliveries and attempts). These tables carry tenant_id without a foreign key to tenants (the
 * tenants schema is another domain's), so deleting a tenant must call this, in its transaction.
 */
export async function purgeTenantTopics(tenantId: string, tx: Queryable): Promise<void> {
  await deleteTenantRows(tenantId, tx);
}
