import { randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { recordAudit } from "../audit/audit.service";
import {
  GRANTABLE_ACTIONS,
  MAX_LIST_QUEUES_RESULTS,
  MAX_PERMISSION_LABEL_LENGTH,
  MAX_TAG_KEY_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  MAX_TAGS_PER_QUEUE,
  PURGE_COOLDOWN_SECONDS,
  assertQueueName,
  needsCounts,
  parseQueueArn,
  queueArn,
  queueDoesNotExist,
  queueUrl,
  renderQueueAttributes,
  applySettingsPatch,
  checkSettingsPatch,
  differingSettings,
  patchAttributeNames,
  settableAttributeStrings,
  settingsForNewQueue,
  sqsError,
  type PermissionGrant,
  type QueueSettings,
  type QueueSettingsPatch,
} from "../../core/sqs";
import { pool, withTransaction } from "../../db";
import { approximateQueueCounts } from "./queue-counts";
import {
  deleteQueueRow,
  deletedSince,
  findQueueByName,
  insertQueue,
  listDeadLetterSources,
  listQueueRows,
  tenantAccountId,
  changeQueuePermissions,
  changeQueueTags,
  updateQueueSettings,
  type QueueRow,
} from "./queue.repository";
import { purgeQueueMessages } from "./message.repository";
import { assertQueueAccess, assertQueueOwner, defaultRegion, forgetQueue, now, queueByArn } from "./queue.context";

// Queue administration: create, attributes, tags, permissions, purge, delete, listing. Shared by
// the AWS door, REST and the console. Every change is audited (never with message bodies).

export type { QueueRow };

async function accountOf(tenantId: string): Promise<string> {
  const a = await tenantAccountId(pool(), tenantId);
  if (!a) throw queueDoesNotExist();
  return a;
}

/** AWS: a deleted queue's name can be used again after 60 seconds (QueueDeletedRecently before). */
export const QUEUE_NAME_REUSE_SECONDS = 60;

function validateTags(tags: Record<string, string>): void {
  const keys = Object.keys(tags);
  if (keys.length > MAX_TAGS_PER_QUEUE)
    throw sqsError(
      "InvalidParameterValue",
      `Too many tags added for queue. A queue can have at most ${MAX_TAGS_PER_QUEUE} tags.`,
      "Tags",
    );
  for (const k of keys) {
    if (k.length < 1 || k.length > MAX_TAG_KEY_LENGTH)
      throw sqsError(
        "InvalidParameterValue",
        `Tag keys must be between 1 and ${MAX_TAG_KEY_LENGTH} characters.`,
        "Tags",
      );
    if (typeof tags[k] !== "string" || tags[k].length > MAX_TAG_VALUE_LENGTH)
      throw sqsError("InvalidParameterValue", `Tag values must be at most ${MAX_TAG_VALUE_LENGTH} characters.`, "Tags");
  }
}

/** A dead-letter target must exist in the same account and be of the same type (AWS checks both). */
async function checkRedrive(tenantId: string, s: QueueSettings, selfArn: string): Promise<void> {
  const rp = s.redrivePolicy;
  if (!rp) return;
  const target = parseQueueArn(rp.deadLetterTargetArn);
  const dlq = target ? await queueByArn(rp.deadLetterTargetArn) : null;
  if (!dlq || dlq.tenantId !== tenantId) {
    throw sqsError(
      "InvalidParameterValue",
      `Value ${JSON.stringify(rp)} for parameter RedrivePolicy is invalid. Reason: Dead-letter target does not exist.`,
      "RedrivePolicy",
    );
  }
  if (dlq.settings.fifo !== s.fifo) {
    throw sqsError(
      "InvalidParameterValue",
      `Value ${JSON.stringify(rp)} for parameter RedrivePolicy is invalid. Reason: Dead-letter queue must be same type of queue as the source.`,
      "RedrivePolicy",
    );
  }
  if (dlq.arn === selfArn)
    throw sqsError(
      "InvalidParameterValue",
      "Value for parameter RedrivePolicy is invalid. Reason: A queue cannot be its own dead-letter queue.",
      "RedrivePolicy",
    );
  const allow = dlq.settings.redriveAllowPolicy;
  if (
    allow &&
    (allow.redrivePermission === "denyAll" ||
      (allow.redrivePermission === "byQueue" && !allow.sourceQueueArns?.includes(selfArn)))
  ) {
    throw sqsError(
      "InvalidParameterValue",
      `Value ${JSON.stringify(rp)} for parameter RedrivePolicy is invalid. Reason: The dead-letter queue's RedriveAllowPolicy does not allow this source queue.`,
      "RedrivePolicy",
    );
  }
}

/** CreateQueue's input: typed settings (doors parse AWS attribute strings before calling). */
export type CreateQueueInput = {
  name: string;
  /** A FIFO queue (its name must end in .fifo); default: what the name says. */
  fifo?: boolean;
  settings?: QueueSettingsPatch;
  tags?: Record<string, string>;
};

export async function createQueue(
  actor: Actor,
  tenantId: string,
  input: CreateQueueInput,
): Promise<{ queue: QueueRow; created: boolean }> {
  assertCan(actor.role, "resource:write");
  assertQueueName(input.name);
  const wanted = { fifo: input.fifo ?? input.name.endsWith(".fifo"), settings: input.settings ?? {} };
  const settings = settingsForNewQueue(input.name, wanted);
  const tags = input.tags ?? {};
  validateTags(tags);
  const existing = await findQueueByName(pool(), tenantId, input.name);
  if (existing) {
    const differing = differingSettings(existing.settings, input.name, wanted);
    if (differing.length) {
      throw sqsError(
        "QueueNameExists",
        `A queue already exists with the same name and a different value for attribute(s) ${differing.join(", ")}`,
        "name",
      );
    }
    return { queue: existing, created: false };
  }
  if (await deletedSince(pool(), tenantId, input.name, new Date(now().getTime() - QUEUE_NAME_REUSE_SECONDS * 1000))) {
    throw sqsError(
      "QueueDeletedRecently",
      `You must wait ${QUEUE_NAME_REUSE_SECONDS} seconds after deleting a queue before you can create another queue with the same name.`,
      "name",
    );
  }
  const accountId = await accountOf(tenantId);
  const arn = queueArn(defaultRegion(), accountId, input.name);
  await checkRedrive(tenantId, settings, arn);
  const id = randomUUID();
  const t = now();
  const inserted = await insertQueue(pool(), { id, tenantId, name: input.name, arn, settings, tags, now: t });
  const queue = await findQueueByName(pool(), tenantId, input.name);
  if (!queue) throw queueDoesNotExist();
  if (!inserted) {
    // Lost a race with an identical CreateQueue: same rule as above.
    if (differingSettings(queue.settings, input.name, wanted).length)
      throw sqsError(
        "QueueNameExists",
        "A queue already exists with the same name and a different value for attributes.",
        "name",
      );
    return { queue, created: false };
  }
  forgetQueue({ accountId, name: input.name, arn });
  await recordAudit(
    actor,
    tenantId,
    "queue.create",
    { type: "queue", id },
    { name: input.name, attributes: settableAttributeStrings(settings) },
  );
  return { queue, created: true };
}

export async function getQueue(actor: Actor, tenantId: string, name: string): Promise<QueueRow> {
  assertCan(actor.role, "resource:read");
  const q = await findQueueByName(pool(), tenantId, name);
  if (!q) throw queueDoesNotExist();
  return q;
}

export async function listQueues(
  actor: Actor,
  tenantId: string,
  opts: { prefix?: string; maxResults?: number; nextToken?: string },
): Promise<{ queues: QueueRow[]; nextToken?: string }> {
  assertCan(actor.role, "resource:read");
  if (
    opts.maxResults !== undefined &&
    (!Number.isInteger(opts.maxResults) || opts.maxResults < 1 || opts.maxResults > MAX_LIST_QUEUES_RESULTS)
  ) {
    throw sqsError(
      "InvalidParameterValue",
      `Value ${opts.maxResults} for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and ${MAX_LIST_QUEUES_RESULTS}.`,
      "MaxResults",
    );
  }
  let after: string | undefined;
  if (opts.nextToken) {
    try {
      after = Buffer.from(opts.nextToken, "base64url").toString("utf8");
    } catch {
      throw sqsError("InvalidParameterValue", "Invalid NextToken value.", "NextToken");
    }
  }
  const limit = opts.maxResults ?? MAX_LIST_QUEUES_RESULTS;
  const rows = await listQueueRows(pool(), tenantId, { prefix: opts.prefix || undefined, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  // AWS gives a NextToken only when MaxResults was set.
  const more = rows.length > limit && opts.maxResults !== undefined;
  return {
    queues: page,
    nextToken: more ? Buffer.from(page[page.length - 1].name, "utf8").toString("base64url") : undefined,
  };
}

export async function getQueueAttributes(
  actor: Actor,
  tenantId: string,
  q: QueueRow,
  names: string[],
): Promise<Record<string, string>> {
  assertCan(actor.role, "resource:read");
  await assertQueueAccess(tenantId, q, "GetQueueAttributes");
  const list = names.length ? names : [];
  let counts;
  if (needsCounts(list)) counts = (await approximateQueueCounts(q.tenantId, [q.id], now())).get(q.id);
  return renderQueueAttributes(
    q.settings,
    { arn: q.arn, createdAt: q.createdAt, modifiedAt: q.modifiedAt, counts, permissions: q.permissions },
    list,
  );
}

export async function setQueueAttributes(
  actor: Actor,
  tenantId: string,
  q: QueueRow,
  patch: QueueSettingsPatch,
): Promise<QueueRow> {
  assertCan(actor.role, "resource:write");
  await assertQueueAccess(tenantId, q, "SetQueueAttributes");
  const changed = patchAttributeNames(patch);
  if (changed.length === 0)
    throw sqsError("MissingParameter", "The request must contain the parameter Attribute.Name.", "Attributes");
  checkSettingsPatch(patch, q.settings.fifo);
  const next = applySettingsPatch(q.settings, patch);
  await checkRedrive(q.tenantId, next, q.arn);
  await updateQueueSettings(pool(), q.tenantId, q.id, next, now());
  forgetQueue({ accountId: q.accountId, name: q.name, arn: q.arn });
  await recordAudit(
    actor,
    q.tenantId,
    "queue.set_attributes",
    { type: "queue", id: q.id },
    { name: q.name, changed, by: tenantId === q.tenantId ? undefined : tenantId },
  );
  const updated = await findQueueByName(pool(), q.tenantId, q.name);
  if (!updated) throw queueDoesNotExist();
  return updated;
}

export async function deleteQueue(actor: Actor, tenantId: string, q: QueueRow): Promise<void> {
  assertCan(actor.role, "resource:write");
  assertQueueOwner(tenantId, q);
  await withTransaction((tx) => deleteQueueRow(tx, tenantId, q.id, now()));
  forgetQueue({ accountId: q.accountId, name: q.name, arn: q.arn });
  await recordAudit(actor, tenantId, "queue.delete", { type: "queue", id: q.id }, { name: q.name });
}

export async function purgeQueue(actor: Actor, tenantId: string, q: QueueRow): Promise<{ purged: number }> {
  assertCan(actor.role, "resource:write");
  await assertQueueAccess(tenantId, q, "PurgeQueue");
  const t = now();
  if (q.purgedAt && t.getTime() - q.purgedAt.getTime() < PURGE_COOLDOWN_SECONDS * 1000) {
    throw sqsError(
      "PurgeQueueInProgress",
      `Only one PurgeQueue operation on ${q.name} is allowed every ${PURGE_COOLDOWN_SECONDS} seconds.`,
    );
  }
  const purged = await withTransaction((tx) => purgeQueueMessages(tx, q.tenantId, q.id, t));
  forgetQueue({ accountId: q.accountId, name: q.name, arn: q.arn });
  await recordAudit(
    actor,
    q.tenantId,
    "queue.purge",
    { type: "queue", id: q.id },
    { name: q.name, purged, by: tenantId === q.tenantId ? undefined : tenantId },
  );
  return { purged };
}

export async function tagQueue(
  actor: Actor,
  tenantId: string,
  q: QueueRow,
  tags: Record<string, string>,
): Promise<void> {
  assertCan(actor.role, "resource:write");
  assertQueueOwner(tenantId, q);
  if (Object.keys(tags).length === 0)
    throw sqsError("MissingParameter", "The request must contain the parameter Tags.", "Tags");
  validateTags(tags);
  await withTransaction((tx) =>
    changeQueueTags(tx, tenantId, q.id, (current) => {
      const next = { ...current, ...tags };
      validateTags(next);
      return next;
    }),
  );
  forgetQueue({ accountId: q.accountId, name: q.name, arn: q.arn });
  await recordAudit(
    actor,
    tenantId,
    "queue.tag",
    { type: "queue", id: q.id },
    { name: q.name, keys: Object.keys(tags) },
  );
}

export async function untagQueue(actor: Actor, tenantId: string, q: QueueRow, keys: string[]): Promise<void> {
  assertCan(actor.role, "resource:write");
  assertQueueOwner(tenantId, q);
  if (keys.length === 0)
    throw sqsError("MissingParameter", "The request must contain the parameter TagKeys.", "TagKeys");
  await withTransaction((tx) =>
    changeQueueTags(tx, tenantId, q.id, (current) => {
      const next = { ...current };
      for (const k of keys) delete next[k];
      return next;
    }),
  );
  forgetQueue({ accountId: q.accountId, name: q.name, arn: q.arn });
  await recordAudit(actor, tenantId, "queue.untag", { type: "queue", id: q.id }, { name: q.name, keys });
}

export async function listQueueTags(actor: Actor, tenantId: string, q: QueueRow): Promise<Record<string, string>> {
  assertCan(actor.role, "resource:read");
  await assertQueueAccess(tenantId, q, "ListQueueTags");
  return q.tags;
}

export async function listDeadLetterSourceQueues(
  actor: Actor,
  tenantId: string,
  q: QueueRow,
  opts: { maxResults?: number; nextToken?: string },
): Promise<{ queues: QueueRow[]; nextToken?: string }> {
  assertCan(actor.role, "resource:read");
  await assertQueueAccess(tenantId, q, "ListDeadLetterSourceQueues");
  const limit = opts.maxResults ?? MAX_LIST_QUEUES_RESULTS;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_QUEUES_RESULTS)
    throw sqsError("InvalidParameterValue", `Value ${limit} for parameter MaxResults is invalid.`, "MaxResults");
  const after = opts.nextToken ? Buffer.from(opts.nextToken, "base64url").toString("utf8") : undefined;
  const rows = await listDeadLetterSources(pool(), q.tenantId, q.arn, { after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  return {
    queues: page,
    nextToken:
      rows.length > limit && opts.maxResults !== undefined
        ? Buffer.from(page[page.length - 1].name).toString("base64url")
        : undefined,
  };
}

export async function addPermission(
  actor: Actor,
  tenantId: string,
  q: QueueRow,
  grant: PermissionGrant,
): Promise<void> {
  assertCan(actor.role, "resource:write");
  assertQueueOwner(tenantId, q);
  if (!grant.label || grant.label.length > MAX_PERMISSION_LABEL_LENGTH || !/^[A-Za-z0-9_-]+$/.test(grant.label)) {
    throw sqsError(
      "InvalidParameterValue",
      "Value for parameter Label is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.",
      "Label",
    );
  }
  if (!grant.accounts.length)
    throw sqsError("MissingParameter", "The request must contain the parameter AWSAccountIds.", "AWSAccountIds");
  if (!grant.actions.length)
    throw sqsError("MissingParameter", "The request must contain the parameter Actions.", "Actions");
  for (const a of grant.accounts)
    if (!/^\d{12}$/.test(a))
      throw sqsError(
        "InvalidParameterValue",
        `Value ${a} for parameter PrincipalId is invalid. Reason: Unable to verify.`,
        "AWSAccountIds",
      );
  for (const a of grant.actions)
    if (!GRANTABLE_ACTIONS.has(a.replace(/^SQS:/i, "")))
      throw sqsError(
        "InvalidParameterValue",
        `Value SQS:${a} for parameter ActionName is invalid. Reason: Only the queue owner is allowed to invoke this action.`,
        "Actions",
      );
  await withTransaction((tx) =>
    changeQueuePermissions(
      tx,
      tenantId,
      q.id,
      (current) => {
        if (current.some((p) => p.label === grant.label))
          throw sqsError(
            "InvalidParameterValue",
            `Value ${grant.label} for parameter Label is invalid. Reason: Already exists.`,
            "Label",
          );
        return [
          ...current,
          {
            label: grant.label,
            accounts: [...new Set(grant.accounts)],
            actions: grant.actions.map((a) => a.replace(/^SQS:/i, "")),
          },
        ];
      },
      now(),
    ),
  );
  forgetQueue({ accountId: q.accountId, name: q.name, arn: q.arn });
  await recordAudit(
    actor,
    tenantId,
    "queue.add_permission",
    { type: "queue", id: q.id },
    { name: q.name, label: grant.label, accounts: grant.accounts, actions: grant.actions },
  );
}

export async function removePermission(actor: Actor, tenantId: string, q: QueueRow, label: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  assertQueueOwner(tenantId, q);
  await withTransaction((tx) =>
    changeQueuePermissions(
      tx,
      tenantId,
      q.id,
      (current) => {
        if (!current.some((p) => p.label === label))
          throw sqsError(
            "InvalidParameterValue",
            `Value ${label} for parameter Label is invalid. Reason: can't find label on existing policy.`,
            "Label",
          );
        return current.filter((p) => p.label !== label);
      },
      now(),
    ),
  );
  forgetQueue({ accountId: q.accountId, name: q.name, arn: q.arn });
  await recordAudit(actor, tenantId, "queue.remove_permission", { type: "queue", id: q.id }, { name: q.name, label });
}

export function urlOf(q: Pick<QueueRow, "accountId" | "name">, baseUrl: string): string {
  return queueUrl(baseUrl, q.accountId, q.name);
}
