import { randomUUID } from "node:crypto";
import { pool, withTransaction } from "../../db";
import { activityArn, nameProblem, parseActivityArn } from "./state-machine.arns";
import {
  canRead,
  canWrite,
  checkTagCount,
  pageSize,
  pageToken,
  readPageToken,
  tagMap,
  type WorkflowCaller,
} from "./state-machine.common";
import { activityDoesNotExist, constraint, invalidEncryption, invalidName } from "./state-machine.errors";
import { deleteActivityRow, findActivity, insertActivity, listActivitiesPage } from "./state-machine.repository";

// Activities (the catalog side): create (idempotent by name), describe, delete, list. Workers'
// GetActivityTask and the task tokens are wf-tasks' (activity-tasks*.ts).

const ENCRYPTION = { type: "AWS_OWNED_KEY" };

export async function createActivity(
  caller: WorkflowCaller,
  input: {
    name: string;
    tags?: Array<{ key?: unknown; value?: unknown }>;
    encryptionConfiguration?: { type?: string; kmsKeyId?: string };
  },
): Promise<{ activityArn: string; creationDate: Date }> {
  canWrite(caller);
  if (input.name.length > 80) throw constraint(input.name, "name", "Member must have length less than or equal to 80");
  if (nameProblem(input.name)) throw invalidName(input.name);
  const enc = input.encryptionConfiguration;
  if (enc && enc.type !== undefined && enc.type !== "AWS_OWNED_KEY") {
    if (enc.type !== "CUSTOMER_MANAGED_KMS_KEY")
      throw constraint(
        enc.type,
        "encryptionConfiguration.type",
        "Member must satisfy enum value set: [AWS_OWNED_KEY, CUSTOMER_MANAGED_KMS_KEY]",
      );
    throw invalidEncryption(
      "Invalid Encryption Configuration: customer managed KMS keys are not available; use AWS_OWNED_KEY.",
    );
  }
  const tags = tagMap(input.tags);
  const arn = activityArn(caller.tenant.accountId, input.name);
  checkTagCount(arn, tags);
  return withTransaction(async (tx) => {
    const made = await insertActivity(tx, {
      id: randomUUID(),
      tenantId: caller.tenant.id,
      name: input.name,
      arn,
      tags,
    });
    const row = made ?? (await findActivity(tx, caller.tenant.id, input.name))!;
    return { activityArn: row.arn, creationDate: row.createdAt };
  });
}

async function requireActivity(caller: WorkflowCaller, arn: string) {
  const ref = parseActivityArn(arn);
  const row = ref.accountId === caller.tenant.accountId ? await findActivity(pool(), caller.tenant.id, ref.name) : null;
  if (!row || row.arn !== arn) throw activityDoesNotExist(arn);
  return row;
}

export async function describeActivity(
  caller: WorkflowCaller,
  input: { activityArn: string },
): Promise<{ activityArn: string; name: string; creationDate: Date; encryptionConfiguration: { type: string } }> {
  canRead(caller);
  const row = await requireActivity(caller, input.activityArn);
  return { activityArn: row.arn, name: row.name, creationDate: row.createdAt, encryptionConfiguration: ENCRYPTION };
}

/** Unknown activities succeed, as on AWS. */
export async function deleteActivity(caller: WorkflowCaller, input: { activityArn: string }): Promise<void> {
  canWrite(caller);
  const ref = parseActivityArn(input.activityArn);
  if (ref.accountId !== caller.tenant.accountId) return;
  await withTransaction(async (tx) => {
    const row = await findActivity(tx, caller.tenant.id, ref.name, true);
    if (row && row.arn === input.activityArn) await deleteActivityRow(tx, row.id);
  });
}

export async function listActivities(
  caller: WorkflowCaller,
  input: { maxResults?: number; nextToken?: string } = {},
): Promise<{ activities: Array<{ activityArn: string; name: string; creationDate: Date }>; nextToken?: string }> {
  canRead(caller);
  const limit = pageSize(input.maxResults);
  const after = readPageToken<string>("act", input.nextToken);
  const rows = await listActivitiesPage(pool(), caller.tenant.id, after, limit + 1);
  const page = rows.slice(0, limit);
  return {
    activities: page.map((a) => ({ activityArn: a.arn, name: a.name, creationDate: a.createdAt })),
    ...(rows.length > limit ? { nextToken: pageToken("act", page[page.length - 1]!.name) } : {}),
  };
}
