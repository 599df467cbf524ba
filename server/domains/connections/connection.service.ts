import { randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import { env } from "../../env";
import {
  AUTH_TYPES,
  checkAuthParameters,
  mergeAuthParameters,
  publicAuthParameters,
  type AuthParameters,
  type AuthType,
} from "../../core/connections/auth-params";
import type { AllowList } from "../../core/net/ip-guard";
import { openSecret, sealSecret } from "../../platform/secrets";
import { recordAudit } from "../audit/audit.service";
import {
  countDestinationsOf,
  deleteConnectionRow,
  findConnectionByName,
  insertConnection,
  listConnectionsPage,
  updateConnectionRow,
  type ConnectionPatch,
  type ConnectionRow,
} from "./connection.repository";
import { connectionExists, connectionNotFound, ebValidation } from "./connection.errors";
import { fetchOAuthToken, sealToken } from "./connection.oauth";
import { AppError } from "../../core/errors";

// EventBridge connections: how an API destination authorizes (API key, basic, OAuth client
// credentials) plus invocation parameters. Secrets are sealed under the master key (bound to the
// connection id) and never returned; DescribeConnection shows the rest.

export type TenantRef = { id: string; accountId: string };

export const CONNECTION_NAME_RE = /^[.\-_A-Za-z0-9]{1,64}$/;
const STATES = ["CREATING", "UPDATING", "DELETING", "AUTHORIZED", "DEAUTHORIZED", "AUTHORIZING", "DEAUTHORIZING"];

const sealAuth = (id: string, p: AuthParameters) => sealSecret(JSON.stringify(p), `connection:${id}`);
export const openAuth = (c: Pick<ConnectionRow, "id" | "authSecretEnc">): AuthParameters =>
  JSON.parse(openSecret(c.authSecretEnc, `connection:${c.id}`)) as AuthParameters;

function checkName(name: string, field = "name") {
  if (!CONNECTION_NAME_RE.test(name))
    throw ebValidation(
      `1 validation error detected: Value '${name}' at '${field}' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+`,
      field,
    );
}

function checkDescription(d: string | undefined) {
  if (d !== undefined && d.length > 512)
    throw ebValidation(
      `1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 512`,
      "description",
    );
}

function checkAuthType(t: string): AuthType {
  if (!(AUTH_TYPES as readonly string[]).includes(t))
    throw ebValidation(
      `1 validation error detected: Value '${t}' at 'authorizationType' failed to satisfy constraint: Member must satisfy enum value set: [API_KEY, BASIC, OAUTH_CLIENT_CREDENTIALS]`,
      "authorizationType",
    );
  return t as AuthType;
}

/** API key and basic connections are authorized at once; OAuth ones when the token endpoint gives a token. */
async function authorize(
  id: string,
  type: AuthType,
  auth: AuthParameters,
  allowList?: AllowList,
): Promise<
  Pick<ConnectionPatch, "state" | "stateReason" | "oauthTokenEnc" | "oauthTokenExpiresAt" | "lastAuthorizedAt">
> {
  if (type !== "OAUTH_CLIENT_CREDENTIALS")
    return {
      state: "AUTHORIZED",
      stateReason: null,
      oauthTokenEnc: null,
      oauthTokenExpiresAt: null,
      lastAuthorizedAt: new Date(),
    };
  const t = await fetchOAuthToken(auth, allowList);
  if (!t.ok)
    return {
      state: "DEAUTHORIZED",
      stateReason: t.error,
      oauthTokenEnc: null,
      oauthTokenExpiresAt: null,
      lastAuthorizedAt: null,
    };
  return {
    state: "AUTHORIZED",
    stateReason: null,
    oauthTokenEnc: sealToken(id, t.token),
    oauthTokenExpiresAt: t.expiresAt ?? null,
    lastAuthorizedAt: new Date(),
  };
}

export type ConnectionInput = {
  name: string;
  description?: string;
  authorizationType: string;
  authParameters: AuthParameters;
};

export async function createConnection(
  actor: Actor,
  tenant: TenantRef,
  input: ConnectionInput,
  opts: { allowList?: AllowList } = {},
): Promise<ConnectionRow> {
  assertCan(actor.role, "resource:write");
  checkName(input.name);
  checkDescription(input.description);
  const type = checkAuthType(input.authorizationType);
  const bad = checkAuthParameters(type, input.authParameters ?? {});
  if (bad) throw ebValidation(bad.message, bad.field);
  if (await findConnectionByName(pool(), tenant.id, input.name)) throw connectionExists(input.name);
  const id = randomUUID();
  const authorized = await authorize(id, type, input.authParameters, opts.allowList);
  return withTransaction(async (tx) => {
    const row = await insertConnection(tx, {
      id,
      tenantId: tenant.id,
      name: input.name,
      arn: `arn:aws:events:${env().SIGNALBOX_REGION}:${tenant.accountId}:connection/${input.name}/${id}`,
      description: input.description ?? null,
      authorizationType: type,
      authPublic: publicAuthParameters(input.authParameters),
      authSecretEnc: sealAuth(id, input.authParameters),
      state: authorized.state!,
      stateReason: authorized.stateReason ?? null,
      lastAuthorizedAt: authorized.lastAuthorizedAt ?? null,
    });
    if (!row) throw connectionExists(input.name);
    let out = row;
    if (authorized.oauthTokenEnc)
      out =
        (await updateConnectionRow(
          tx,
          tenant.id,
          id,
          { oauthTokenEnc: authorized.oauthTokenEnc, oauthTokenExpiresAt: authorized.oauthTokenExpiresAt },
          { touch: false },
        )) ?? row;
    await recordAudit(
      actor,
      tenant.id,
      "connection.create",
      { type: "connection", id },
      { after: { name: input.name, authorizationType: type } },
      tx,
    );
    return out;
  });
}

export async function describeConnection(actor: Actor, tenant: TenantRef, name: string): Promise<ConnectionRow> {
  assertCan(actor.role, "resource:read");
  checkName(name);
  const c = await findConnectionByName(pool(), tenant.id, name);
  if (!c) throw connectionNotFound(name);
  return c;
}

export async function updateConnection(
  actor: Actor,
  tenant: TenantRef,
  input: { name: string; description?: string; authorizationType?: string; authParameters?: AuthParameters },
  opts: { allowList?: AllowList } = {},
): Promise<ConnectionRow> {
  assertCan(actor.role, "resource:write");
  const c = await describeConnection(actor, tenant, input.name);
  checkDescription(input.description);
  const type = input.authorizationType ? checkAuthType(input.authorizationType) : c.authorizationType;
  const stored = openAuth(c);
  // A change of type starts from nothing of the old type's credentials.
  const base = type === c.authorizationType ? stored : { InvocationHttpParameters: stored.InvocationHttpParameters };
  const auth = input.authParameters ? mergeAuthParameters(base, input.authParameters) : base;
  const bad = checkAuthParameters(type, auth);
  if (bad) throw ebValidation(bad.message, bad.field);
  const authChanged = input.authParameters !== undefined || type !== c.authorizationType;
  // Updating re-authorizes (AWS: update a connection to have it authorized again).
  const authorized = await authorize(c.id, type, auth, opts.allowList);
  return withTransaction(async (tx) => {
    const row = await updateConnectionRow(tx, tenant.id, c.id, {
      description: input.description,
      authorizationType: type,
      ...(authChanged ? { authPublic: publicAuthParameters(auth), authSecretEnc: sealAuth(c.id, auth) } : {}),
      ...authorized,
    });
    if (!row) throw connectionNotFound(input.name);
    await recordAudit(
      actor,
      tenant.id,
      "connection.update",
      { type: "connection", id: c.id },
      { name: c.name, authChanged },
      tx,
    );
    return row;
  });
}

export async function deauthorizeConnection(actor: Actor, tenant: TenantRef, name: string): Promise<ConnectionRow> {
  assertCan(actor.role, "resource:write");
  const c = await describeConnection(actor, tenant, name);
  return withTransaction(async (tx) => {
    const row = await updateConnectionRow(tx, tenant.id, c.id, {
      state: "DEAUTHORIZED",
      stateReason: "Deauthorized by DeauthorizeConnection",
      oauthTokenEnc: null,
      oauthTokenExpiresAt: null,
    });
    await recordAudit(
      actor,
      tenant.id,
      "connection.deauthorize",
      { type: "connection", id: c.id },
      { name: c.name },
      tx,
    );
    return row!;
  });
}

export async function deleteConnection(actor: Actor, tenant: TenantRef, name: string): Promise<ConnectionRow> {
  assertCan(actor.role, "resource:write");
  const c = await describeConnection(actor, tenant, name);
  return withTransaction(async (tx) => {
    if ((await countDestinationsOf(tx, c.id)) > 0)
      throw new AppError(
        "conflict",
        `Connection ${name} is in use by one or more API destinations; delete them first.`,
        {
          awsCode: "ValidationException",
        },
      );
    await deleteConnectionRow(tx, tenant.id, c.id);
    await recordAudit(
      actor,
      tenant.id,
      "connection.delete",
      { type: "connection", id: c.id },
      { before: { name: c.name } },
      tx,
    );
    return { ...c, state: "DELETING" };
  });
}

export const LIST_LIMIT = 100;

export function decodeNextToken(token: string | undefined | null): string | null {
  if (!token) return null;
  const v = Buffer.from(token, "base64url").toString("utf8");
  if (!v || !CONNECTION_NAME_RE.test(v)) throw ebValidation("The NextToken is not valid.", "nextToken");
  return v;
}

export async function listConnections(
  actor: Actor,
  tenant: TenantRef,
  opts: { namePrefix?: string; connectionState?: string; nextToken?: string; limit?: number } = {},
): Promise<{ connections: ConnectionRow[]; nextToken: string | null }> {
  assertCan(actor.role, "resource:read");
  const limit = opts.limit ?? LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw ebValidation(
      `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 100`,
      "limit",
    );
  if (opts.connectionState && !STATES.includes(opts.connectionState))
    throw ebValidation(
      `1 validation error detected: Value '${opts.connectionState}' at 'connectionState' failed to satisfy constraint: Member must satisfy enum value set: [${STATES.join(", ")}]`,
      "connectionState",
    );
  const rows = await listConnectionsPage(pool(), tenant.id, {
    prefix: opts.namePrefix || null,
    state: opts.connectionState ?? null,
    after: decodeNextToken(opts.nextToken),
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  return {
    connections: page,
    nextToken: rows.length > limit ? Buffer.from(page[page.length - 1]!.name).toString("base64url") : null,
  };
}
