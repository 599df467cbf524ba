import { randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import { env } from "../../env";
import { isAppError } from "../../core/errors";
import { parseBusArn } from "../../core/events/names";
import { recordAudit } from "../audit/audit.service";
import { requireOwnBus } from "../events/bus.service";
import {
  deleteDiscovererRow,
  findDiscoverer,
  insertDiscoverer,
  listDiscovererRows,
  updateDiscovererRow,
  type DiscovererRow,
} from "./schema.repository";
import { discovererNotFound, schemasBadRequest, schemasConflict } from "./schema.errors";
import { DISCOVERED_REGISTRY, decodeToken, encodeToken, ensureRegistry, type TenantRef } from "./schema.service";
import { forgetDiscovererCache } from "./discovery-cache";

// Discoverers (EventBridge Schemas): one per event bus; while STARTED, the bus's traffic feeds the
// `discovered-schemas` registry (discovery.ts).

export const discovererArn = (t: TenantRef, id: string) =>
  `arn:aws:schemas:${env().SIGNALBOX_REGION}:${t.accountId}:discoverer/${id}`;

/** AWS names a bus's discoverer after the bus: `events-event-bus-<bus name>`. */
export const discovererIdFor = (busName: string) => `events-event-bus-${busName}`;

function checkDescription(d: string | undefined) {
  if (d !== undefined && d.length > 256)
    throw schemasBadRequest("Description must be at most 256 characters.", "Description");
}

export async function createDiscoverer(
  actor: Actor,
  tenant: TenantRef,
  input: { sourceArn: string; description?: string; crossAccount?: boolean; tags?: Record<string, string> },
): Promise<DiscovererRow> {
  assertCan(actor.role, "resource:write");
  checkDescription(input.description);
  if (!input.sourceArn || input.sourceArn.length < 20 || input.sourceArn.length > 1600)
    throw schemasBadRequest("SourceArn must be the ARN of an event bus.", "SourceArn");
  return withTransaction(async (tx) => {
    if (!parseBusArn(input.sourceArn))
      throw schemasBadRequest("SourceArn must be the ARN of an event bus.", "SourceArn");
    let bus: { id: string; name: string; arn: string };
    try {
      bus = await requireOwnBus(tx, { tenantId: tenant.id, accountId: tenant.accountId }, input.sourceArn);
    } catch (err) {
      if (isAppError(err) && err.code === "not_found") throw schemasBadRequest(err.message, "SourceArn");
      throw err;
    }
    const id = discovererIdFor(bus.name);
    const row: DiscovererRow = {
      id: randomUUID(),
      tenantId: tenant.id,
      discovererId: id,
      arn: discovererArn(tenant, id),
      busId: bus.id,
      sourceArn: input.sourceArn,
      description: input.description ?? null,
      state: "STARTED",
      crossAccount: input.crossAccount ?? true,
      tags: input.tags ?? {},
    };
    if (!(await insertDiscoverer(tx, row)))
      throw schemasConflict(`A discoverer already exists for the source arn '${input.sourceArn}'.`);
    // Its schemas land in the account's discovered-schemas registry, there from the start (as on AWS).
    await ensureRegistry(tx, tenant, DISCOVERED_REGISTRY);
    await recordAudit(
      actor,
      tenant.id,
      "schema-discoverer.create",
      { type: "schema-discoverer", id: row.id },
      { after: { name: id } },
      tx,
    );
    forgetDiscovererCache(bus.id);
    return row;
  });
}

export async function describeDiscoverer(
  actor: Actor,
  tenant: TenantRef,
  discovererId: string,
): Promise<DiscovererRow> {
  assertCan(actor.role, "resource:read");
  const d = await findDiscoverer(pool(), tenant.id, discovererId);
  if (!d) throw discovererNotFound(discovererId);
  return d;
}

export async function updateDiscoverer(
  actor: Actor,
  tenant: TenantRef,
  input: { discovererId: string; description?: string; crossAccount?: boolean },
): Promise<DiscovererRow> {
  assertCan(actor.role, "resource:write");
  checkDescription(input.description);
  const d = await updateDiscovererRow(pool(), tenant.id, input.discovererId, {
    description: input.description,
    crossAccount: input.crossAccount,
  });
  if (!d) throw discovererNotFound(input.discovererId);
  forgetDiscovererCache(d.busId);
  return d;
}

export async function setDiscovererState(
  actor: Actor,
  tenant: TenantRef,
  discovererId: string,
  state: "STARTED" | "STOPPED",
): Promise<DiscovererRow> {
  assertCan(actor.role, "resource:write");
  const d = await updateDiscovererRow(pool(), tenant.id, discovererId, { state });
  if (!d) throw discovererNotFound(discovererId);
  forgetDiscovererCache(d.busId);
  return d;
}

export async function deleteDiscoverer(actor: Actor, tenant: TenantRef, discovererId: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  await withTransaction(async (tx) => {
    const d = await findDiscoverer(tx, tenant.id, discovererId);
    if (!d) throw discovererNotFound(discovererId);
    await deleteDiscovererRow(tx, tenant.id, discovererId);
    await recordAudit(
      actor,
      tenant.id,
      "schema-discoverer.delete",
      { type: "schema-discoverer", id: d.id },
      { before: { name: discovererId } },
      tx,
    );
    forgetDiscovererCache(d.busId);
  });
}

export async function listDiscoverers(
  actor: Actor,
  tenant: TenantRef,
  input: { idPrefix?: string; sourceArnPrefix?: string; limit?: number; nextToken?: string },
): Promise<{ discoverers: DiscovererRow[]; nextToken?: string }> {
  assertCan(actor.role, "resource:read");
  const limit = input.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw schemasBadRequest("Limit must be between 1 and 100.", "Limit");
  const after = decodeToken<string>(input.nextToken, "string");
  const rows = await listDiscovererRows(pool(), tenant.id, { ...input, after, limit: limit + 1 });
  const page = rows.slice(0, limit);
  return {
    discoverers: page,
    nextToken: rows.length > limit ? encodeToken(page[page.length - 1]!.discovererId) : undefined,
  };
}
