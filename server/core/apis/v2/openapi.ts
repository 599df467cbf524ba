import { badRequest } from "../model";
import type { Authorizer, Cors, HttpApiDoc, HttpSnapshot, Integration, Route } from "./model";

// HTTP APIs from and to OpenAPI 3 (API Gateway's "Working with OpenAPI definitions for HTTP APIs"):
// paths and operations become routes ("GET /pets", "ANY /{proxy+}", "$default"),
// x-amazon-apigateway-integration an integration per operation (or one per shared
// components.x-amazon-apigateway-integrations entry), securitySchemes with
// x-amazon-apigateway-authorizer (type jwt or request) authorizers, x-amazon-apigateway-cors the
// API's CORS configuration. What an HTTP API cannot hold is a warning. Pure: ids and validation
// are the domain's (server/domains/apis/v2/openapi.service.ts).

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
const strList = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.map(String) : undefined);
const strMap = (v: unknown): Record<string, string> | undefined => {
  const o = obj(v);
  return Object.keys(o).length ? Object.fromEntries(Object.entries(o).map(([k, x]) => [k, String(x)])) : undefined;
};
const defined = <T extends object>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

const OPS: Record<string, string> = {
  get: "GET",
  put: "PUT",
  post: "POST",
  delete: "DELETE",
  patch: "PATCH",
  options: "OPTIONS",
  head: "HEAD",
  "x-amazon-apigateway-any-method": "ANY",
};
const IGNORED_PATH_KEYS = new Set(["parameters", "summary", "description", "servers", "$ref"]);

/** An integration as the definition gives it (`key` groups operations that share one). */
export type ImportedIntegration = { key: string; input: Omit<Integration, "integrationId"> };
export type ImportedAuthorizer = Omit<Authorizer, "authorizerId">;
export type ImportedRoute = {
  routeKey: string;
  operationName?: string;
  authorizationType: string;
  /** The authorizer's name (JWT or CUSTOM). */
  authorizer?: string;
  authorizationScopes?: string[];
  /** The ImportedIntegration key it targets. */
  integration?: string;
};
export type ImportedHttpApi = {
  name: string;
  description?: string;
  version?: string;
  cors?: Cors;
  routes: ImportedRoute[];
  integrations: ImportedIntegration[];
  authorizers: ImportedAuthorizer[];
  warnings: string[];
};

export type Basepath = "ignore" | "prepend" | "split";

function basePathOf(def: Json): string {
  if (typeof def.basePath === "string") return def.basePath;
  const server = obj(Array.isArray(def.servers) ? def.servers[0] : undefined);
  const url = str(server.url);
  if (!url) return "";
  // Server variables take their defaults ("https://{host}/{basePath}").
  const vars = obj(server.variables);
  const filled = url.replace(/\{([^}]+)\}/g, (_, n: string) => String(obj(vars[n]).default ?? ""));
  const path = filled.replace(/^[a-z]+:\/\/[^/]*/i, "");
  return path.replace(/\/+$/, "");
}

function prefixFor(def: Json, mode: Basepath): string {
  if (mode === "ignore") return "";
  const base = basePathOf(def);
  const parts = base.split("/").filter(Boolean);
  // split: the topmost part of the base path is left out (it names the stage), the rest is kept.
  const kept = mode === "split" ? parts.slice(1) : parts;
  return kept.length ? `/${kept.join("/")}` : "";
}

function integrationInput(x: Json, where: string, warnings: string[]): Omit<Integration, "integrationId"> {
  const type = String(x.type ?? "").toUpperCase();
  const subtype = str(x.integrationSubtype);
  const input = defined({
    integrationType: type,
    integrationSubtype: subtype,
    integrationUri: str(x.uri),
    integrationMethod: str(x.httpMethod)?.toUpperCase(),
    connectionType: str(x.connectionType) ?? "INTERNET",
    connectionId: str(x.connectionId),
    credentialsArn: str(x.credentials),
    description: str(x.description),
    payloadFormatVersion: str(x.payloadFormatVersion) ?? (type === "HTTP_PROXY" || subtype ? "1.0" : "2.0"),
    requestParameters: strMap(x.requestParameters),
    responseParameters: Object.keys(obj(x.responseParameters)).length
      ? (Object.fromEntries(
          Object.entries(obj(x.responseParameters)).map(([status, m]) => [status, strMap(m) ?? {}]),
        ) as Record<string, Record<string, string>>)
      : undefined,
    timeoutInMillis: typeof x.timeoutInMillis === "number" ? x.timeoutInMillis : 30000,
    tlsConfig: Object.keys(obj(x.tlsConfig)).length
      ? { serverNameToVerify: str(obj(x.tlsConfig).serverNameToVerify) }
      : undefined,
  });
  // A Lambda proxy integration's method is POST (AWS exports it so and ignores another one).
  if (type === "AWS_PROXY" && !subtype) delete input.integrationMethod;
  for (const k of ["requestTemplates", "passthroughBehavior", "contentHandling", "responses", "cacheKeyParameters"])
    if (x[k] !== undefined)
      warnings.push(`${where}: x-amazon-apigateway-integration.${k} is not supported for HTTP APIs`);
  return input;
}

function authorizerFrom(name: string, scheme: Json): ImportedAuthorizer | null {
  const x = obj(scheme["x-amazon-apigateway-authorizer"]);
  const type = String(x.type ?? "").toLowerCase();
  const identity = x.identitySource;
  const identitySource = Array.isArray(identity)
    ? identity.map(String)
    : typeof identity === "string"
      ? identity
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean)
      : undefined;
  if (type === "jwt") {
    const jwt = obj(x.jwtConfiguration);
    return defined({
      authorizerType: "JWT" as const,
      name,
      identitySource: identitySource ?? ["$request.header.Authorization"],
      jwtConfiguration: defined({ audience: strList(jwt.audience), issuer: str(jwt.issuer) }),
    });
  }
  if (type === "request")
    return defined({
      authorizerType: "REQUEST" as const,
      name,
      identitySource,
      authorizerUri: str(x.authorizerUri),
      authorizerCredentialsArn: str(x.authorizerCredentials),
      authorizerPayloadFormatVersion: str(x.authorizerPayloadFormatVersion),
      authorizerResultTtlInSeconds:
        typeof x.authorizerResultTtlInSeconds === "number" ? x.authorizerResultTtlInSeconds : 0,
      enableSimpleResponses: typeof x.enableSimpleResponses === "boolean" ? x.enableSimpleResponses : undefined,
      identityValidationExpression: str(x.identityValidationExpression),
    });
  return null;
}

function corsFrom(x: unknown): Cors | undefined {
  const c = obj(x);
  if (!Object.keys(c).length) return undefined;
  return defined({
    allowCredentials: typeof c.allowCredentials === "boolean" ? c.allowCredentials : undefined,
    allowHeaders: strList(c.allowHeaders),
    allowMethods: strList(c.allowMethods),
    allowOrigins: strList(c.allowOrigins),
    exposeHeaders: strList(c.exposeHeaders),
    maxAge: typeof c.maxAge === "number" ? c.maxAge : undefined,
  });
}

/** Reads an OpenAPI 3 (or Swagger 2) definition as an HTTP API (ImportApi / ReimportApi). */
export function importHttpDefinition(def: Json, opts: { basepath?: string | null } = {}): ImportedHttpApi {
  if (typeof def.openapi !== "string" && def.swagger !== "2.0")
    throw badRequest("Invalid OpenAPI input: the definition has neither 'openapi' nor 'swagger: \"2.0\"'.");
  const mode = (opts.basepath ?? "ignore") as Basepath;
  if (!["ignore", "prepend", "split"].includes(mode))
    throw badRequest(`Invalid basepath specified: ${String(opts.basepath)}. Valid values are ignore, prepend, split`);
  const info = obj(def.info);
  const name = str(info.title);
  if (!name) throw badRequest("Invalid OpenAPI input: info.title (the API's name) is required.");
  const warnings: string[] = [];
  const version = def["x-amazon-apigateway-importexport-version"];
  if (version !== undefined && String(version) !== "1.0")
    throw badRequest(`Unsupported x-amazon-apigateway-importexport-version: ${String(version)}. Supported: 1.0`);
  for (const k of Object.keys(def))
    if (
      k.startsWith("x-amazon-apigateway-") &&
      !["x-amazon-apigateway-cors", "x-amazon-apigateway-importexport-version"].includes(k)
    )
      warnings.push(`${k} is not supported for HTTP APIs and was ignored`);

  const components = obj(def.components);
  const schemes = obj(components.securitySchemes ?? def.securityDefinitions);
  const authorizers: ImportedAuthorizer[] = [];
  const iamSchemes = new Set<string>();
  for (const [schemeName, raw] of Object.entries(schemes)) {
    const scheme = obj(raw);
    if (String(scheme["x-amazon-apigateway-authtype"] ?? "").toLowerCase() === "awssigv4") {
      iamSchemes.add(schemeName);
      continue;
    }
    const a = authorizerFrom(schemeName, scheme);
    if (a) authorizers.push(a);
    else
      warnings.push(
        `securitySchemes.${schemeName}: no x-amazon-apigateway-authorizer of type jwt or request; the scheme was ignored`,
      );
  }
  const byName = new Map(authorizers.map((a) => [a.name, a]));

  const shared = obj(components["x-amazon-apigateway-integrations"]);
  const integrations: ImportedIntegration[] = [];
  const sharedKeys = new Map<string, string>();
  const routes: ImportedRoute[] = [];
  const prefix = prefixFor(def, mode);
  const topSecurity = Array.isArray(def.security) ? def.security : undefined;

  for (const [rawPath, rawItem] of Object.entries(obj(def.paths))) {
    const item = obj(rawItem);
    for (const [op, rawOp] of Object.entries(item)) {
      const method = OPS[op.toLowerCase()];
      if (!method) {
        if (!IGNORED_PATH_KEYS.has(op)) warnings.push(`paths.'${rawPath}'.${op} is not an operation and was ignored`);
        continue;
      }
      const o = obj(rawOp);
      const routeKey = rawPath === "$default" || rawPath === "/$default" ? "$default" : `${method} ${prefix}${rawPath}`;
      const where = `paths.'${rawPath}'.${op}`;
      const route: ImportedRoute = { routeKey, authorizationType: "NONE" };
      if (typeof o.operationId === "string") route.operationName = o.operationId;
      const x = obj(o["x-amazon-apigateway-integration"]);
      if (typeof x.$ref === "string") {
        const m = /^#\/components\/x-amazon-apigateway-integrations\/(.+)$/.exec(x.$ref);
        const target = m ? obj(shared[m[1]]) : {};
        if (!m || !Object.keys(target).length) warnings.push(`${where}: unresolved integration reference ${x.$ref}`);
        else {
          let key = sharedKeys.get(m[1]);
          if (!key) {
            key = `shared:${m[1]}`;
            sharedKeys.set(m[1], key);
            integrations.push({
              key,
              input: integrationInput(target, `components.x-amazon-apigateway-integrations.${m[1]}`, warnings),
            });
          }
          route.integration = key;
        }
      } else if (Object.keys(x).length) {
        const key = `op:${routeKey}`;
        integrations.push({ key, input: integrationInput(x, where, warnings) });
        route.integration = key;
      }
      const security = Array.isArray(o.security) ? o.security : topSecurity;
      for (const req of security ?? []) {
        for (const [schemeName, scopes] of Object.entries(obj(req))) {
          if (iamSchemes.has(schemeName)) {
            route.authorizationType = "AWS_IAM";
            continue;
          }
          const a = byName.get(schemeName);
          if (!a) {
            warnings.push(`${where}: security scheme ${schemeName} is not defined with an authorizer and was ignored`);
            continue;
          }
          route.authorizationType = a.authorizerType === "JWT" ? "JWT" : "CUSTOM";
          route.authorizer = a.name;
          const list = strList(scopes) ?? [];
          if (list.length && a.authorizerType === "JWT") route.authorizationScopes = list;
        }
      }
      routes.push(route);
    }
  }
  return defined({
    name,
    description: str(info.description),
    version: str(info.version),
    cors: corsFrom(def["x-amazon-apigateway-cors"]),
    routes,
    integrations,
    authorizers,
    warnings,
  });
}

// ---------------------------------------------------------------------------------------------
// Export

function integrationExtension(i: Integration): Json {
  return defined({
    payloadFormatVersion: i.payloadFormatVersion,
    type: i.integrationType.toLowerCase(),
    integrationSubtype: i.integrationSubtype,
    httpMethod: i.integrationType === "AWS_PROXY" && !i.integrationSubtype ? "POST" : i.integrationMethod,
    uri: i.integrationUri,
    credentials: i.credentialsArn,
    connectionType: i.connectionType ?? "INTERNET",
    connectionId: i.connectionId,
    description: i.description,
    requestParameters: i.requestParameters,
    responseParameters: i.responseParameters,
    tlsConfig: i.tlsConfig,
    timeoutInMillis: i.timeoutInMillis,
  });
}

function authorizerScheme(a: Authorizer, withExtensions: boolean): Json {
  if (a.authorizerType === "JWT") {
    return defined({
      type: "oauth2",
      flows: {},
      "x-amazon-apigateway-authorizer": withExtensions
        ? {
            identitySource: (a.identitySource ?? []).join(","),
            jwtConfiguration: defined({ audience: a.jwtConfiguration?.audience, issuer: a.jwtConfiguration?.issuer }),
            type: "jwt",
          }
        : undefined,
    });
  }
  const header = /^\$request\.header\.(.+)$/.exec(a.identitySource?.[0] ?? "")?.[1] ?? "Unused";
  return defined({
    type: "apiKey",
    name: header,
    in: "header",
    "x-amazon-apigateway-authorizer": withExtensions
      ? defined({
          identitySource: (a.identitySource ?? []).join(","),
          authorizerUri: a.authorizerUri,
          authorizerCredentials: a.authorizerCredentialsArn,
          authorizerPayloadFormatVersion: a.authorizerPayloadFormatVersion,
          authorizerResultTtlInSeconds: a.authorizerResultTtlInSeconds ?? 0,
          enableSimpleResponses: a.enableSimpleResponses,
          identityValidationExpression: a.identityValidationExpression,
          type: "request",
        })
      : undefined,
  });
}

/**
 * OpenAPI 3.0.1 for an HTTP API as ExportApi writes it: the API's current configuration, or a stage's
 * deployment (`snapshot`) when a stage is named.
 */
export function exportHttpDefinition(
  api: { name: string; description?: string; version?: string; cors?: Cors; updatedAt: string },
  served:
    | Pick<HttpSnapshot, "routes" | "integrations" | "authorizers">
    | Pick<HttpApiDoc, "routes" | "integrations" | "authorizers">,
  opts: { endpoint: string; stageName?: string; includeExtensions: boolean },
): Json {
  const routes: Route[] = Array.isArray(served.routes) ? served.routes : Object.values(served.routes);
  const paths: Record<string, Json> = {};
  const used = new Set<string>();
  let iam = false;
  // By path, then method ("$default" last), as a reader scans them.
  const sortKey = (r: Route) => (r.routeKey === "$default" ? "\uffff" : `${r.routeKey.split(" ")[1]} ${r.routeKey}`);
  const sorted = [...routes].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : sortKey(a) > sortKey(b) ? 1 : 0));
  for (const r of sorted) {
    const [method, path] = r.routeKey === "$default" ? ["ANY", "$default"] : r.routeKey.split(" ", 2);
    const item = (paths[path] ??= {});
    const op: Json = {};
    if (r.operationName) op.operationId = r.operationName;
    op.responses = { default: { description: `Default response for ${r.routeKey}` } };
    const a = r.authorizerId ? served.authorizers[r.authorizerId] : undefined;
    if (a && (r.authorizationType === "JWT" || r.authorizationType === "CUSTOM")) {
      op.security = [{ [a.name]: r.authorizationType === "JWT" ? (r.authorizationScopes ?? []) : [] }];
      used.add(a.authorizerId);
    } else if (r.authorizationType === "AWS_IAM") {
      op.security = [{ sigv4: [] }];
      iam = true;
    }
    const target = /^integrations\/(.+)$/.exec(r.target ?? "")?.[1];
    const integration = target ? served.integrations[target] : undefined;
    if (integration && opts.includeExtensions)
      op["x-amazon-apigateway-integration"] = integrationExtension(integration);
    item[method === "ANY" ? "x-amazon-apigateway-any-method" : method.toLowerCase()] = op;
    const params = [...path.matchAll(/\{([^}+]+)\+?\}/g)].map((m) => m[1]);
    if (params.length && !item.parameters)
      item.parameters = params.map((name) => ({ name, in: "path", required: true, schema: { type: "string" } }));
  }
  // Parameters first within a path item, as AWS writes them.
  for (const [k, item] of Object.entries(paths)) {
    if (!item.parameters) continue;
    const { parameters, ...ops } = item;
    paths[k] = { ...ops, parameters };
  }
  const out: Json = {
    openapi: "3.0.1",
    info: defined({ title: api.name, description: api.description, version: api.version ?? api.updatedAt }),
    servers: [
      {
        url: `${opts.endpoint.replace(/\/$/, "")}/{basePath}`,
        variables: { basePath: { default: opts.stageName && opts.stageName !== "$default" ? opts.stageName : "" } },
      },
    ],
    paths,
  };
  const schemes: Json = {};
  for (const a of Object.values(served.authorizers))
    if (used.has(a.authorizerId)) schemes[a.name] = authorizerScheme(a, opts.includeExtensions);
  if (iam)
    schemes.sigv4 = {
      type: "apiKey",
      name: "Authorization",
      in: "header",
      "x-amazon-apigateway-authtype": "awsSigv4",
    };
  if (Object.keys(schemes).length) out.components = { securitySchemes: schemes };
  if (opts.includeExtensions) {
    if (api.cors && Object.keys(api.cors).length) out["x-amazon-apigateway-cors"] = api.cors;
    out["x-amazon-apigateway-importexport-version"] = "1.0";
  }
  return out;
}
