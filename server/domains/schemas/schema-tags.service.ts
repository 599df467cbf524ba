import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction, type Queryable } from "../../db";
import { findTags, setTags, type TaggableKind } from "./schema.repository";
import { schemasBadRequest, schemasNotFound } from "./schema.errors";
import type { TenantRef } from "./schema.service";

// Schemas' TagResource / UntagResource / ListTagsForResource on registries, schemas and
// discoverers (arn:aws:schemas:<region>:<account>:registry|schema|discoverer/…).

const MAX_TAGS = 50;

function kindOf(tenant: TenantRef, arn: string): TaggableKind {
  const m = /^arn:aws[\w-]*:schemas:[a-z0-9-]+:([0-9]{12}):(registry|schema|discoverer)\/.+$/.exec(arn);
  if (!m) throw schemasBadRequest("Invalid request: ResourceArn is not a valid ARN.", "ResourceArn");
  if (m[1] !== tenant.accountId) throw schemasNotFound(`Resource '${arn}' does not exist.`);
  return m[2] as TaggableKind;
}

async function current(tenant: TenantRef, kind: TaggableKind, arn: string, db: Queryable = pool()) {
  const tags = await findTags(db, tenant.id, kind, arn);
  if (!tags) throw schemasNotFound(`Resource '${arn}' does not exist.`);
  return tags;
}

export async function listSchemaTags(actor: Actor, tenant: TenantRef, arn: string): Promise<Record<string, string>> {
  assertCan(actor.role, "resource:read");
  return current(tenant, kindOf(tenant, arn), arn);
}

export async function tagSchemaResource(actor: Actor, tenant: TenantRef, arn: string, tags: Record<string, string>) {
  assertCan(actor.role, "resource:write");
  const kind = kindOf(tenant, arn);
  for (const [k, v] of Object.entries(tags))
    if (!k || k.length > 128 || v.length > 256)
      throw schemasBadRequest("Tag keys must be 1-128 characters and values at most 256.", "Tags");
  await withTransaction(async (tx) => {
    const merged = { ...(await current(tenant, kind, arn, tx)), ...tags };
    if (Object.keys(merged).length > MAX_TAGS)
      throw schemasBadRequest(`A resource can have at most ${MAX_TAGS} tags.`, "Tags");
    await setTags(tx, tenant.id, kind, arn, merged);
  });
}

export async function untagSchemaResource(actor: Actor, tenant: TenantRef, arn: string, keys: string[]) {
  assertCan(actor.role, "resource:write");
  const kind = kindOf(tenant, arn);
  await withTransaction(async (tx) => {
    const tags = { ...(await current(tenant, kind, arn, tx)) };
    for (const k of keys) delete tags[k];
    await setTags(tx, tenant.id, kind, arn, tags);
  });
}
