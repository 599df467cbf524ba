import { randomUUID } from "node:crypto";
import { AppError } from "../../core/errors";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import { env } from "../../env";
import { checkTopicName, MAX_TAGS } from "../../core/sns/publish-rules";
import { parseDeliveryPolicy } from "../../core/sns/delivery-policy";
import {
  parseNewTopicAttributeStrings,
  parseTopicAttributeString,
  topicAttributeLead,
  topicPatchAttributeNames,
  type NewTopicSettings,
  type TopicSettingsPatch,
} from "../../core/sns/topic-settings";
import { recordAudit } from "../audit/audit.service";
import {
  deleteTopicRow,
  findTopicByArn,
  findTopicById,
  findTopicByName,
  insertTopic,
  listTopicsPage,
  listTopicsWithCounts,
  subscriptionCounts,
  updateTopic,
  type TopicRow,
  type TopicPatch,
} from "./topic.repository";
import { resourceNotFound, ruleError, snsInvalid, topicNotFound } from "./topic.errors";

// Topic use cases (CreateTopic, DeleteTopic, ListTopics, Get/SetTopicAttributes, tags), shared by
// the AWS door, REST and the console.

export type TenantRef = { id: string; accountId: string };

export function topicArn(tenant: TenantRef, name: string): string {
  return `arn:aws:sns:${env().SIGNALBOX_REGION}:${tenant.accountId}:${name}`;
}

function checkTags(tags: Record<string, string>) {
  if (Object.keys(tags).length > MAX_TAGS)
    throw new AppError("validation", "Could not complete request: tag quota of per resource exceeded", {
      awsCode: "TagLimitExceeded",
    });
  for (const [k, v] of Object.entries(tags)) {
    if (!k || k.length > 128 || v.length > 256)
      throw snsInvalid("Invalid parameter: Tags", "tags", "InvalidParameterValue");
  }
}

/** The AWS door's half: CreateTopic's wire attributes → typed settings, or SNS's error. */
export function newTopicSettingsFromAttributes(attrs: Record<string, string>): NewTopicSettings {
  const r = parseNewTopicAttributeStrings(attrs);
  if (!r.ok) throw snsInvalid(r.error.message, r.error.field);
  return r.value;
}

/** The AWS door's half: one SetTopicAttributes name/value → a typed patch, or SNS's error. */
export function topicSettingsFromAttribute(name: string, value: string | undefined): TopicSettingsPatch {
  const r = parseTopicAttributeString(name, value);
  if (!r.ok) throw snsInvalid(r.error.message, r.error.field);
  return r.value;
}

/**
 * Checks a typed settings patch's meaning with SNS's messages and says what to store (no I/O). The
 * Policy and DeliveryPolicy documents are parsed once here. Everything is checked before anything is
 * written, so a request with one bad setting changes nothing. `create`: CreateTopic's wording
 * ("Invalid parameter: Attributes Reason: …") rather than SetTopicAttributes'.
 */
export function topicPatchFromSettings(t: { fifo: boolean }, s: TopicSettingsPatch, create = false): TopicPatch {
  const lead = topicAttributeLead(create);
  const patch: TopicPatch = {};
  if (s.displayName !== undefined) {
    if (s.displayName && s.displayName.length > 100) throw snsInvalid(`${lead}DisplayName`, "DisplayName");
    patch.displayName = s.displayName || null;
  }
  if (s.deliveryPolicy !== undefined) {
    if (!s.deliveryPolicy) patch.deliveryPolicy = null;
    else {
      const p = parseDeliveryPolicy(s.deliveryPolicy, "topic");
      if (!p.ok) throw snsInvalid(`Invalid parameter: ${p.message}`, "DeliveryPolicy");
      patch.deliveryPolicy = p.value;
    }
  }
  if (s.contentBasedDeduplication !== undefined) {
    if (!t.fifo)
      throw snsInvalid(
        `${lead}${create ? "" : "ContentBasedDeduplication Reason: "}Content based deduplication can only be set for FIFO topics`,
        "ContentBasedDeduplication",
      );
    patch.contentBasedDedup = s.contentBasedDeduplication;
  }
  if (s.policy !== undefined) patch.policy = s.policy ? checkedPolicy(s.policy, lead) : null;
  if (s.kmsMasterKeyId !== undefined) {
    // Stored and echoed; messages are not encrypted with it (PostgreSQL's own at-rest encryption applies).
    if (s.kmsMasterKeyId && s.kmsMasterKeyId.length > 2048) throw snsInvalid(`${lead}KmsMasterKeyId`, "KmsMasterKeyId");
    patch.kmsMasterKeyId = s.kmsMasterKeyId || null;
  }
  if (s.tracingConfig !== undefined) patch.tracingConfig = s.tracingConfig;
  if (s.signatureVersion !== undefined) {
    // Signalbox signs every message with SignatureVersion 2 (RSA SHA-256); SHA1 signatures (1) are refused rather than silently not honoured.
    if (s.signatureVersion === "1")
      throw snsInvalid(
        `${lead}SignatureVersion Reason: Signalbox signs with SignatureVersion 2 (SHA256withRSA) only; SignatureVersion 1 (SHA1withRSA) is not supported`,
        "SignatureVersion",
      );
    patch.signatureVersion = s.signatureVersion;
  }
  return patch;
}

/** The access policy is stored and echoed, not enforced (access is decided by team roles and API keys). */
function checkedPolicy(v: string, lead: string): string {
  let doc: unknown;
  try {
    doc = JSON.parse(v);
  } catch {
    throw snsInvalid(`${lead}Policy Error: the policy is not valid JSON`, "Policy");
  }
  if (!doc || typeof doc !== "object" || Array.isArray(doc))
    throw snsInvalid(`${lead}Policy Error: the policy must be a JSON object`, "Policy");
  if (v.length > 30 * 1024) throw snsInvalid(`${lead}Policy Error: the policy is larger than 30 KB`, "Policy");
  return v;
}

export async function requireTopic(tenant: TenantRef, arn: string): Promise<TopicRow> {
  const t = await findTopicByArn(pool(), tenant.id, arn);
  if (!t) throw topicNotFound();
  return t;
}

export async function createTopic(
  actor: Actor,
  tenant: TenantRef,
  input: { name: string; fifoTopic?: boolean; settings?: TopicSettingsPatch; tags?: Record<string, string> },
): Promise<TopicRow> {
  assertCan(actor.role, "resource:write");
  const bad = checkTopicName(input.name, input.fifoTopic);
  if (bad) throw ruleError(bad);
  const fifo = input.name.endsWith(".fifo");
  const patch = topicPatchFromSettings({ fifo }, input.settings ?? {}, true);
  const tags = input.tags ?? {};
  checkTags(tags);
  const existing = await findTopicByName(pool(), tenant.id, input.name);
  if (existing) return existing; // CreateTopic is idempotent: same name → same ARN
  return withTransaction(async (tx) => {
    const row = await insertTopic(tx, {
      id: randomUUID(),
      tenantId: tenant.id,
      name: input.name,
      arn: topicArn(tenant, input.name),
      fifo,
      displayName: patch.displayName ?? null,
      deliveryPolicy: patch.deliveryPolicy ?? null,
      contentBasedDedup: patch.contentBasedDedup ?? false,
      tags,
      policy: patch.policy ?? null,
      kmsMasterKeyId: patch.kmsMasterKeyId ?? null,
      tracingConfig: patch.tracingConfig ?? null,
      signatureVersion: patch.signatureVersion ?? null,
    });
    const topic = row ?? (await findTopicByName(tx, tenant.id, input.name))!;
    if (row)
      await recordAudit(
        actor,
        tenant.id,
        "topic.create",
        { type: "topic", id: topic.id },
        { after: { name: topic.name, fifo } },
        tx,
      );
    return topic;
  });
}

export async function deleteTopic(actor: Actor, tenant: TenantRef, arn: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  const t = await findTopicByArn(pool(), tenant.id, arn);
  if (!t) return; // DeleteTopic of a missing topic succeeds on AWS
  await withTransaction(async (tx) => {
    await deleteTopicRow(tx, tenant.id, t.id);
    await recordAudit(actor, tenant.id, "topic.delete", { type: "topic", id: t.id }, { before: { name: t.name } }, tx);
  });
}

export const TOPICS_PAGE = 100;

export async function listTopics(
  actor: Actor,
  tenant: TenantRef,
  nextToken?: string | null,
): Promise<{ topics: TopicRow[]; nextToken: string | null }> {
  assertCan(actor.role, "resource:read");
  let after: string | null = null;
  if (nextToken) {
    after = Buffer.from(nextToken, "base64url").toString("utf8");
    if (!after.startsWith("arn:")) throw snsInvalid("Invalid parameter: NextToken", "nextToken");
  }
  const rows = await listTopicsPage(pool(), tenant.id, after, TOPICS_PAGE + 1);
  const page = rows.slice(0, TOPICS_PAGE);
  return {
    topics: page,
    nextToken: rows.length > TOPICS_PAGE ? Buffer.from(page[page.length - 1]!.arn).toString("base64url") : null,
  };
}

export async function listTopicsForConsole(actor: Actor, tenant: TenantRef, search?: string | null) {
  assertCan(actor.role, "resource:read");
  return listTopicsWithCounts(pool(), tenant.id, search ?? null);
}

export async function getTopicById(actor: Actor, tenant: TenantRef, id: string): Promise<TopicRow> {
  assertCan(actor.role, "resource:read");
  const t = (await findTopicById(pool(), tenant.id, id)) ?? (await findTopicByArn(pool(), tenant.id, id));
  if (!t) throw topicNotFound();
  return t;
}

export function defaultTopicPolicy(t: TopicRow): string {
  const account = t.arn.split(":")[4];
  return JSON.stringify({
    Version: "2008-10-17",
    Id: "__default_policy_ID",
    Statement: [
      {
        Sid: "__default_statement_ID",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: [
          "SNS:GetTopicAttributes",
          "SNS:SetTopicAttributes",
          "SNS:AddPermission",
          "SNS:RemovePermission",
          "SNS:DeleteTopic",
          "SNS:Subscribe",
          "SNS:ListSubscriptionsByTopic",
          "SNS:Publish",
        ],
        Resource: t.arn,
        Condition: { StringEquals: { "AWS:SourceOwner": account } },
      },
    ],
  });
}

export async function getTopicAttributes(
  actor: Actor,
  tenant: TenantRef,
  arn: string,
): Promise<Record<string, string>> {
  assertCan(actor.role, "resource:read");
  const t = await requireTopic(tenant, arn);
  const counts = await subscriptionCounts(pool(), t.id);
  const out: Record<string, string> = {
    TopicArn: t.arn,
    Owner: tenant.accountId,
    Policy: t.policy ?? defaultTopicPolicy(t),
    DisplayName: t.displayName ?? "",
    SubscriptionsConfirmed: String(counts.confirmed),
    SubscriptionsPending: String(counts.pending),
    SubscriptionsDeleted: "0",
    EffectiveDeliveryPolicy: JSON.stringify(
      t.deliveryPolicy ?? {
        http: {
          defaultHealthyRetryPolicy: {
            minDelayTarget: 20,
            maxDelayTarget: 20,
            numRetries: 3,
            numMaxDelayRetries: 0,
            numNoDelayRetries: 0,
            numMinDelayRetries: 0,
            backoffFunction: "linear",
          },
          disableSubscriptionOverrides: false,
          defaultRequestPolicy: { headerContentType: "text/plain; charset=UTF-8" },
        },
      },
    ),
  };
  if (t.deliveryPolicy) out.DeliveryPolicy = JSON.stringify(t.deliveryPolicy);
  if (t.kmsMasterKeyId) out.KmsMasterKeyId = t.kmsMasterKeyId;
  if (t.tracingConfig) out.TracingConfig = t.tracingConfig;
  if (t.signatureVersion) out.SignatureVersion = t.signatureVersion;
  if (t.fifo) {
    out.FifoTopic = "true";
    out.ContentBasedDeduplication = String(t.contentBasedDedup);
  }
  return out;
}

/**
 * SetTopicAttributes (one attribute on the AWS door, several from the console's topic form): all
 * checked first, then written in one transaction.
 */
export async function setTopicAttributes(
  actor: Actor,
  tenant: TenantRef,
  arn: string,
  settings: TopicSettingsPatch,
): Promise<void> {
  assertCan(actor.role, "resource:write");
  const t = await requireTopic(tenant, arn);
  const patch = topicPatchFromSettings(t, settings);
  await withTransaction(async (tx) => {
    await updateTopic(tx, tenant.id, t.id, patch);
    await recordAudit(
      actor,
      tenant.id,
      "topic.set-attribute",
      { type: "topic", id: t.id },
      { attribute: topicPatchAttributeNames(settings).join(",") },
      tx,
    );
  });
}

// --- tags -----------------------------------------------------------------------------------------

async function taggable(tenant: TenantRef, arn: string): Promise<TopicRow> {
  const t = await findTopicByArn(pool(), tenant.id, arn);
  if (!t) throw resourceNotFound();
  return t;
}

export async function tagTopic(
  actor: Actor,
  tenant: TenantRef,
  arn: string,
  tags: Record<string, string>,
): Promise<void> {
  assertCan(actor.role, "resource:write");
  const t = await taggable(tenant, arn);
  const next = { ...t.tags, ...tags };
  checkTags(next);
  await updateTopic(pool(), tenant.id, t.id, { tags: next });
}

export async function untagTopic(actor: Actor, tenant: TenantRef, arn: string, keys: string[]): Promise<void> {
  assertCan(actor.role, "resource:write");
  const t = await taggable(tenant, arn);
  const next = { ...t.tags };
  for (const k of keys) delete next[k];
  await updateTopic(pool(), tenant.id, t.id, { tags: next });
}

export async function listTopicTags(actor: Actor, tenant: TenantRef, arn: string): Promise<Record<string, string>> {
  assertCan(actor.role, "resource:read");
  return (await taggable(tenant, arn)).tags;
}
