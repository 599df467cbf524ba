import { z } from "zod";
import type { Actor } from "../../auth/permissions";
import { AppError, isAppError } from "../../core/errors";
import { AUTH_TYPES, HTTP_METHODS, OAUTH_METHODS, type AuthParameters } from "../../core/connections/auth-params";
import {
  createConnection,
  deauthorizeConnection,
  deleteConnection,
  listConnections,
  updateConnection,
} from "../connections/connection.service";
import {
  createApiDestination,
  deleteApiDestination,
  listApiDestinations,
  updateApiDestination,
} from "../connections/api-destination.service";
import type { ApiDestinationRow, ConnectionRow } from "../connections/connection.repository";

// The console's EventBridge connections and API destinations (the event-buses section): the same
// use cases CreateConnection/CreateApiDestination call, so the console gets AWS's checks, with the
// form's fields mapped to AuthParameters and AWS's field names mapped back to the form's. Secrets
// (API key values, passwords, client secrets) go in and never come back out: a view carries only
// what DescribeConnection shows, and an edit that leaves a secret blank keeps the stored one.

type Tenant = { id: string; accountId: string };

const NAME = z
  .string()
  .trim()
  .min(1, "Give it a name.")
  .max(64, "Names are at most 64 characters.")
  .regex(/^[.\-_A-Za-z0-9]+$/, "Use letters, digits, and . - _ only.");
const secret = z.string().max(512, "At most 512 characters.").optional();
const text = z.string().trim().max(512, "At most 512 characters.").optional();

const authFields = {
  description: z.string().max(512, "Descriptions are at most 512 characters.").optional(),
  authorizationType: z.enum(AUTH_TYPES, { message: "Pick how the connection authorizes." }),
  apiKeyName: text,
  apiKeyValue: secret,
  username: text,
  password: secret,
  clientId: text,
  clientSecret: secret,
  authorizationEndpoint: z.string().trim().max(2048, "At most 2,048 characters.").optional(),
  oauthHttpMethod: z.enum(OAUTH_METHODS).optional(),
};

type AuthForm = {
  authorizationType: (typeof AUTH_TYPES)[number];
  apiKeyName?: string;
  apiKeyValue?: string;
  username?: string;
  password?: string;
  clientId?: string;
  clientSecret?: string;
  authorizationEndpoint?: string;
  oauthHttpMethod?: (typeof OAUTH_METHODS)[number];
};

/** Per type, the fields a connection needs; `secretsOptional` on edit (blank keeps the stored secret). */
function requireAuthFields(v: AuthForm, ctx: z.RefinementCtx, secretsOptional: boolean) {
  const need = (field: keyof AuthForm, message: string, isSecret = false) => {
    if (isSecret && secretsOptional) return;
    if (!v[field]) ctx.addIssue({ code: "custom", path: [field], message });
  };
  if (v.authorizationType === "API_KEY") {
    need("apiKeyName", "Name the header that carries the key (e.g. x-api-key).");
    need("apiKeyValue", "Enter the API key.", true);
  } else if (v.authorizationType === "BASIC") {
    need("username", "Enter the user name.");
    need("password", "Enter the password.", true);
  } else {
    need("clientId", "Enter the client ID.");
    need("clientSecret", "Enter the client secret.", true);
    need("authorizationEndpoint", "Enter the token endpoint (https://…/oauth/token).");
    if (v.authorizationEndpoint && !/^https?:\/\/[^\s]+$/.test(v.authorizationEndpoint))
      ctx.addIssue({ code: "custom", path: ["authorizationEndpoint"], message: "Enter an http(s) URL." });
    need("oauthHttpMethod", "Pick the method the token endpoint takes.");
  }
}

export const createConnectionInput = z
  .object({ name: NAME, ...authFields })
  .superRefine((v, ctx) => requireAuthFields(v, ctx, false));
export const updateConnectionInput = z
  .object({ name: NAME, ...authFields })
  .superRefine((v, ctx) => requireAuthFields(v, ctx, true));
export const connectionRef = z.object({ name: NAME });

const destinationFields = {
  description: z.string().max(512, "Descriptions are at most 512 characters.").optional(),
  connectionArn: z.string().trim().min(1, "Pick the connection that authorizes the calls.").max(1600),
  endpoint: z
    .string()
    .trim()
    .min(1, "Enter the URL to call.")
    .max(2048, "URLs are at most 2,048 characters.")
    .regex(/^https?:\/\/\S+$/, "Enter an https:// URL (use * for path parameters)."),
  httpMethod: z.enum(HTTP_METHODS, { message: "Pick an HTTP method." }),
  rateLimit: z
    .number({ message: "Enter a whole number from 1 to 300." })
    .int("Enter a whole number from 1 to 300.")
    .min(1, "At least 1 invocation per second.")
    .max(300, "At most 300 invocations per second.")
    .optional(),
};
export const apiDestinationInput = z.object({ name: NAME, ...destinationFields });

// --- views ---------------------------------------------------------------------------------------

type PublicAuth = {
  ApiKeyAuthParameters?: { ApiKeyName?: string };
  BasicAuthParameters?: { Username?: string };
  OAuthParameters?: { ClientParameters?: { ClientID?: string }; AuthorizationEndpoint?: string; HttpMethod?: string };
};

export function connectionView(c: ConnectionRow) {
  const a = c.authPublic as PublicAuth;
  return {
    name: c.name,
    arn: c.arn,
    description: c.description,
    authorizationType: c.authorizationType,
    state: c.state,
    stateReason: c.stateReason,
    // What DescribeConnection shows: never a key value, password or client secret.
    apiKeyName: a.ApiKeyAuthParameters?.ApiKeyName ?? null,
    username: a.BasicAuthParameters?.Username ?? null,
    clientId: a.OAuthParameters?.ClientParameters?.ClientID ?? null,
    authorizationEndpoint: a.OAuthParameters?.AuthorizationEndpoint ?? null,
    oauthHttpMethod: a.OAuthParameters?.HttpMethod ?? null,
    createdAt: c.createdAt,
    lastModifiedAt: c.lastModifiedAt,
    lastAuthorizedAt: c.lastAuthorizedAt,
  };
}

export function apiDestinationView(d: ApiDestinationRow) {
  return {
    name: d.name,
    arn: d.arn,
    description: d.description,
    connectionArn: d.connectionArn,
    connectionName: d.connectionArn.split("/")[1] ?? d.connectionArn,
    endpoint: d.endpoint,
    httpMethod: d.httpMethod,
    rateLimit: d.ratePerSecond,
    state: d.state,
    createdAt: d.createdAt,
    lastModifiedAt: d.lastModifiedAt,
  };
}

// --- AWS's field names → the form's ---------------------------------------------------------------

const FORM_FIELD: Record<string, string> = {
  name: "name",
  description: "description",
  authorizationType: "authorizationType",
  ApiKeyAuthParameters: "apiKeyValue",
  BasicAuthParameters: "password",
  OAuthParameters: "clientSecret",
  connectionArn: "connectionArn",
  invocationEndpoint: "endpoint",
  httpMethod: "httpMethod",
  invocationRateLimitPerSecond: "rateLimit",
};

function formFieldOf(field: string, message: string): string {
  if (field === "OAuthParameters") {
    if (/AuthorizationEndpoint/.test(message)) return "authorizationEndpoint";
    if (/HttpMethod/.test(message)) return "oauthHttpMethod";
  }
  return FORM_FIELD[field] ?? field;
}

/** Runs a use case; its field errors come back under the form's names. */
async function asForm<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (!isAppError(e)) throw e;
    if (e.code === "conflict" && /already exists/.test(e.message))
      throw new AppError("conflict", e.message, { fieldErrors: { name: [e.message] } });
    if (e.code === "not_found" && /Connection '/.test(e.message))
      throw new AppError("validation", e.message, { fieldErrors: { connectionArn: [e.message] } });
    if (!e.fieldErrors) throw e;
    const fieldErrors: Record<string, string[]> = {};
    for (const [f, msgs] of Object.entries(e.fieldErrors)) {
      for (const m of msgs) (fieldErrors[formFieldOf(f, m)] ??= []).push(m);
    }
    throw new AppError(e.code, e.message, { fieldErrors, awsCode: e.awsCode });
  }
}

const blank = (s: string | undefined) => (s === undefined || s === "" ? undefined : s);

/** The form as AuthParameters; on edit, blank secrets are left out (the stored ones stay). */
function authOf(f: AuthForm): AuthParameters {
  if (f.authorizationType === "API_KEY")
    return { ApiKeyAuthParameters: { ApiKeyName: f.apiKeyName, ApiKeyValue: blank(f.apiKeyValue) } };
  if (f.authorizationType === "BASIC")
    return { BasicAuthParameters: { Username: f.username, Password: blank(f.password) } };
  return {
    OAuthParameters: {
      ClientParameters: { ClientID: f.clientId, ClientSecret: blank(f.clientSecret) },
      AuthorizationEndpoint: f.authorizationEndpoint,
      HttpMethod: f.oauthHttpMethod,
    },
  };
}

// --- use cases -----------------------------------------------------------------------------------

async function allPages<T>(page: (token?: string) => Promise<{ items: T[]; next: string | null }>): Promise<T[]> {
  const out: T[] = [];
  let token: string | undefined;
  do {
    const p = await page(token);
    out.push(...p.items);
    token = p.next ?? undefined;
  } while (token);
  return out;
}

export async function consoleConnections(actor: Actor, tenant: Tenant) {
  const [connections, destinations] = await Promise.all([
    allPages(async (nextToken) => {
      const p = await listConnections(actor, tenant, { nextToken });
      return { items: p.connections, next: p.nextToken };
    }),
    allPages(async (nextToken) => {
      const p = await listApiDestinations(actor, tenant, { nextToken });
      return { items: p.destinations, next: p.nextToken };
    }),
  ]);
  return {
    connections: connections.map((c) => ({
      ...connectionView(c),
      destinations: destinations.filter((d) => d.connectionId === c.id).length,
    })),
    apiDestinations: destinations.map(apiDestinationView),
  };
}

export async function consoleCreateConnection(actor: Actor, tenant: Tenant, f: z.infer<typeof createConnectionInput>) {
  const c = await asForm(() =>
    createConnection(actor, tenant, {
      name: f.name,
      description: f.description || undefined,
      authorizationType: f.authorizationType,
      authParameters: authOf(f),
    }),
  );
  return connectionView(c);
}

export async function consoleUpdateConnection(actor: Actor, tenant: Tenant, f: z.infer<typeof updateConnectionInput>) {
  // A type change needs every credential of the new type (the old type's secrets do not carry over):
  // the service says which is missing, under the form's field.
  const c = await asForm(() =>
    updateConnection(actor, tenant, {
      name: f.name,
      description: f.description,
      authorizationType: f.authorizationType,
      authParameters: authOf(f),
    }),
  );
  return connectionView(c);
}

export async function consoleDeauthorizeConnection(actor: Actor, tenant: Tenant, name: string) {
  return connectionView(await deauthorizeConnection(actor, tenant, name));
}

export async function consoleDeleteConnection(actor: Actor, tenant: Tenant, name: string) {
  await deleteConnection(actor, tenant, name);
  return { deleted: true };
}

export async function consoleCreateApiDestination(
  actor: Actor,
  tenant: Tenant,
  f: z.infer<typeof apiDestinationInput>,
) {
  const d = await asForm(() =>
    createApiDestination(actor, tenant, {
      name: f.name,
      description: f.description || undefined,
      connectionArn: f.connectionArn,
      invocationEndpoint: f.endpoint,
      httpMethod: f.httpMethod,
      invocationRateLimitPerSecond: f.rateLimit,
    }),
  );
  return apiDestinationView(d);
}

export async function consoleUpdateApiDestination(
  actor: Actor,
  tenant: Tenant,
  f: z.infer<typeof apiDestinationInput>,
) {
  const d = await asForm(() =>
    updateApiDestination(actor, tenant, {
      name: f.name,
      description: f.description,
      connectionArn: f.connectionArn,
      invocationEndpoint: f.endpoint,
      httpMethod: f.httpMethod,
      invocationRateLimitPerSecond: f.rateLimit ?? 300,
    }),
  );
  return apiDestinationView(d);
}

export async function consoleDeleteApiDestination(actor: Actor, tenant: Tenant, name: string) {
  await deleteApiDestination(actor, tenant, name);
  return { deleted: true };
}
