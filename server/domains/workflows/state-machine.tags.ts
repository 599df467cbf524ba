import { pool, withTransaction, type Queryable } from "../../db";
import { activityArn, parseSfnArn, stateMachineArn } from "./state-machine.arns";
import {
  canRead,
  canWrite,
  checkTagCount,
  tagList,
  tagMap,
  type Tag,
  type WorkflowCaller,
} from "./state-machine.common";
import { invalidArn, ModelCheck, resourceNotFound } from "./state-machine.errors";
import { findActivity, findStateMachine, setActivityTags, updateStateMachineRow } from "./state-machine.repository";

// TagResource / UntagResource / ListTagsForResource for state machines and activities (50 tags each).

type Tagged = { tags: Record<string, string>; write: (tags: Record<string, string>) => Promise<void> };

async function resolve(q: Queryable, caller: WorkflowCaller, arn: string, lock: boolean): Promise<Tagged> {
  new ModelCheck().length(arn, "resourceArn", 1, 256).done();
  const p = parseSfnArn(arn);
  if (p.resourceType !== "stateMachine" && p.resourceType !== "activity")
    throw invalidArn(`Resource type not valid in this context: ${p.resourceType}`);
  if (p.qualifier !== undefined) throw invalidArn(`Invalid ARN: ${arn}`);
  const own = p.accountId === caller.tenant.accountId;
  if (p.resourceType === "stateMachine") {
    const m = own ? await findStateMachine(q, caller.tenant.id, p.name, lock) : null;
    if (!m || m.arn !== stateMachineArn(p.accountId, p.name)) throw resourceNotFound(arn);
    return { tags: m.tags, write: async (tags) => void (await updateStateMachineRow(q, m.id, { tags }, false)) };
  }
  const a = own ? await findActivity(q, caller.tenant.id, p.name, lock) : null;
  if (!a || a.arn !== activityArn(p.accountId, p.name)) throw resourceNotFound(arn);
  return { tags: a.tags, write: (tags) => setActivityTags(q, a.id, tags) };
}

export async function tagResource(
  caller: WorkflowCaller,
  input: { resourceArn: string; tags: Array<{ key?: unknown; value?: unknown }> },
): Promise<void> {
  canWrite(caller);
  const add = tagMap(input.tags);
  await withTransaction(async (tx) => {
    const t = await resolve(tx, caller, input.resourceArn, true);
    const next = { ...t.tags, ...add };
    checkTagCount(input.resourceArn, next);
    await t.write(next);
  });
}

export async function untagResource(caller: WorkflowCaller, input: { resourceArn: string; tagKeys: string[] }) {
  canWrite(caller);
  const m = new ModelCheck();
  for (const [i, k] of input.tagKeys.entries())
    if (typeof k !== "string") m.add(undefined, `tagKeys.${i + 1}.member`, "Member must not be null");
    else m.length(k, `tagKeys.${i + 1}.member`, 1, 128);
  m.done();
  await withTransaction(async (tx) => {
    const t = await resolve(tx, caller, input.resourceArn, true);
    const next = { ...t.tags };
    for (const k of input.tagKeys) delete next[k];
    await t.write(next);
  });
}

export async function listTagsForResource(
  caller: WorkflowCaller,
  input: { resourceArn: string },
): Promise<{ tags: Tag[] }> {
  canRead(caller);
  const t = await resolve(pool(), caller, input.resourceArn, false);
  return { tags: tagList(t.tags) };
}
