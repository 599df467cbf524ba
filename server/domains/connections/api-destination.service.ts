import { randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import { env } from "../../env";
import { HTTP_METHODS } from "../../core/connections/auth-params";
import { hostOnAllowList, refusedEndpointAddress } from "../../platform/guarded-http";
import { recordAudit } from "../audit/audit.service";
import {
  deleteApiDestinationRow,
  findApiDestinationByName,
  findConnectionByArn,
  insertApiDestination,
  listApiDestinationsPage,
  updateApiDestinationRow,
  type ApiDestinationPatch,
  type ApiDestinationRow,
} from "./connection.repository";
import { apiDestinationExists, apiDestinationNotFound, connectionNotFound, ebValidation } from "./connection.errors";
import { CONNECTION_NAME_RE, decodeNextToken, type TenantRef } from "./connection.service";

// API destinations: an HTTPS endpoint (with `*` path parameters), a method, a connection for its
// authorization and an invocation rate limit per second (1–300, AWS's default 300) that the
// delivery engine enforces.

export const DEFAULT_RATE = 300;

function checkName(name: string) {
  if (!CONNECTION_NAME_RE.test(name))
    throw ebValidation(
      `1 validation error detected: Value '${name}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
      "name",
    );
}

export type ApiDestinationInput = {
  description?: string;
  connectionArn?: string;
  invocationEndpoint?: string;
  httpMethod?: string;
  invocationRateLimitPerSecond?: number;
};

async function checkInput(tenant: TenantRef, i: ApiDestinationInput): Promise<ApiDestinationPatch> {
  const p: ApiDestinationPatch = {};
  if (i.description !== undefined) {
    if (i.description.length > 512)
      throw ebValidation(
        "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 512",
        "description",
      );
    p.description = i.description;
  }
  if (i.connectionArn !== undefined) {
    const c = await findConnectionByArn(pool(), tenant.id, i.connectionArn);
    if (!c) throw connectionNotFound(i.connectionArn.split("/")[1] ?? i.connectionArn);
    p.connectionId = c.id;
  }
  if (i.invocationEndpoint !== undefined) {
    const e = i.invocationEndpoint;
    let u: URL | null;
    try {
      u = new URL(e.replace(/\*/g, "x"));
    } catch {
      u = null;
    }
    // AWS requires HTTPS; plain http:// only to an allow-listed address (a development receiver).
    const scheme = /^https:\/\//.test(e) || (/^http:\/\//.test(e) && u !== null && hostOnAllowList(u.hostname));
    if (!u || !scheme || e.length > 2048)
      throw ebValidation(
        `1 validation error detected: Value '${e}' at 'invocationEndpoint' failed to satisfy constraint: Member must satisfy regular expression pattern: ^((%[0-9A-Fa-f]{2}|[-()_.!~*';/?:@\\x26=+$,A-Za-z0-9])+)([).!';/?:,])?$`,
        "invocationEndpoint",
      );
    const refused = await refusedEndpointAddress(e.replace(/\*/g, "x"));
    if (refused) throw ebValidation(`The invocation endpoint is refused: ${refused}`, "invocationEndpoint");
    p.endpoint = e;
  }
  if (i.httpMethod !== undefined) {
    if (!(HTTP_METHODS as readonly string[]).includes(i.httpMethod))
      throw ebValidation(
        `1 validation error detected: Value '${i.httpMethod}' at 'httpMethod' failed to satisfy constraint: Member must satisfy enum value set: [${HTTP_METHODS.join(", ")}]`,
        "httpMethod",
      );
    p.httpMethod = i.httpMethod;
  }
  if (i.invocationRateLimitPerSecond !== undefined) {
    const r = i.invocationRateLimitPerSecond;
    if (!Number.isInteger(r) || r < 1 || r > 300)
      throw ebValidation(
        `1 validation error detected: Value '${r}' at 'invocationRateLimitPerSecond' failed to satisfy constraint: Member must have value ${r < 1 ? "greater than or equal to 1" : "less than or equal to 300"}`,
        "invocationRateLimitPerSecond",
      );
    p.ratePerSecond = r;
  }
  return p;
}

export async function createApiDestination(
  actor: Actor,
  tenant: TenantRef,
  input: ApiDestinationInput & { name: string },
): Promise<ApiDestinationRow> {
  assertCan(actor.role, "resource:write");
  checkName(input.name);
  for (const [k, v] of [
    ["connectionArn", input.connectionArn],
    ["invocationEndpoint", input.invocationEndpoint],
    ["httpMethod", input.httpMethod],
  ] as const)
    if (v === undefined)
      throw ebValidation(
        `1 validation error detected: Value null at '${k}' failed to satisfy constraint: Member must not be null`,
        k,
      );
  const p = await checkInput(tenant, input);
  const id = randomUUID();
  return withTransaction(async (tx) => {
    const ok = await insertApiDestination(tx, {
      id,
      tenantId: tenant.id,
      name: input.name,
      arn: `arn:aws:events:${env().SIGNALBOX_REGION}:${tenant.accountId}:api-destination/${input.name}/${id}`,
      description: p.description ?? null,
      connectionId: p.connectionId!,
      endpoint: p.endpoint!,
      httpMethod: p.httpMethod!,
      ratePerSecond: p.ratePerSecond ?? DEFAULT_RATE,
      state: "ACTIVE",
    });
    if (!ok) throw apiDestinationExists(input.name);
    await recordAudit(
      actor,
      tenant.id,
      "api_destination.create",
      { type: "api_destination", id },
      { after: { name: input.name, endpoint: p.endpoint } },
      tx,
    );
    return (await findApiDestinationByName(tx, tenant.id, input.name))!;
  });
}

export async function describeApiDestination(
  actor: Actor,
  tenant: TenantRef,
  name: string,
): Promise<ApiDestinationRow> {
  assertCan(actor.role, "resource:read");
  checkName(name);
  const d = await findApiDestinationByName(pool(), tenant.id, name);
  if (!d) throw apiDestinationNotFound(name);
  return d;
}

export async function updateApiDestination(
  actor: Actor,
  tenant: TenantRef,
  input: ApiDestinationInput & { name: string },
): Promise<ApiDestinationRow> {
  assertCan(actor.role, "resource:write");
  const d = await describeApiDestination(actor, tenant, input.name);
  const p = await checkInput(tenant, input);
  return withTransaction(async (tx) => {
    await updateApiDestinationRow(tx, tenant.id, d.id, p);
    await recordAudit(
      actor,
      tenant.id,
      "api_destination.update",
      { type: "api_destination", id: d.id },
      { name: d.name },
      tx,
    );
    return (await findApiDestinationByName(tx, tenant.id, d.name))!;
  });
}

export async function deleteApiDestination(actor: Actor, tenant: TenantRef, name: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  const d = await describeApiDestination(actor, tenant, name);
  await withTransaction(async (tx) => {
    await deleteApiDestinationRow(tx, tenant.id, d.id);
    await recordAudit(
      actor,
      tenant.id,
      "api_destination.delete",
      { type: "api_destination", id: d.id },
      { before: { name: d.name } },
      tx,
    );
  });
}

export async function listApiDestinations(
  actor: Actor,
  tenant: TenantRef,
  opts: { namePrefix?: string; connectionArn?: string; nextToken?: string; limit?: number } = {},
): Promise<{ destinations: ApiDestinationRow[]; nextToken: string | null }> {
  assertCan(actor.role, "resource:read");
  const limit = opts.limit ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw ebValidation(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`,
      "limit",
    );
  const rows = await listApiDestinationsPage(pool(), tenant.id, {
    prefix: opts.namePrefix || null,
    connectionArn: opts.connectionArn ?? null,
    after: decodeNextToken(opts.nextToken),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    destinations: page,
    nextToken: rows.length > limit ? Buffer.from(page[page.length - 1]!.name).toString("base64url") : null,
  };
}
