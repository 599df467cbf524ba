import { parseResourcePolicy } from "./resource-policy";
import {
  HTTP_METHODS,
  MAX_TIMEOUT_MS,
  badRequest,
  emptyDoc,
  newId,
  resourcePath,
  type ApiDoc,
  type ApiSettings,
  type Authorizer,
  type Integration,
  type IntegrationResponse,
  type Method,
  type MethodResponse,
  type StoredResource,
} from "./model";
import { parse as parseYaml } from "yaml";

// OpenAPI 3 (and Swagger 2) with API Gateway's extensions, both ways: an imported definition becomes
// an API document (resources from paths, methods from operations, integrations from
// x-amazon-apigateway-integration, models from components.schemas, validators, gateway responses);
// a deployed document exports as OpenAPI 3.0.1 the way GetExport writes it.

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v && typeof v === "object" && !Array.isArray(v) ? (v as Json) : {});
const strMap = (v: unknown): Record<string, string> =>
  Object.fromEntries(Object.entries(obj(v)).filter(([, x]) => typeof x === "string")) as Record<string, string>;

const OPS = ["get", "put", "post", "delete", "patch", "options", "head", "x-amazon-apigateway-any-method"];
const refName = (ref: unknown) =>
  typeof ref === "string" ? ref.replace(/^#\/(components\/schemas|definitions)\//, "") : undefined;

export type Imported = {
  name?: string;
  description?: string;
  version?: string;
  settings: Partial<ApiSettings>;
  doc: ApiDoc;
  warnings: string[];
};

/** An OpenAPI / Swagger definition in JSON or YAML (as ImportRestApi, PutRestApi and ImportApi take). */
export function parseDefinition(body: Buffer | string): Json {
  const text = (typeof body === "string" ? body : body.toString("utf8")).trim();
  if (!text) throw badRequest("Invalid OpenAPI input: the definition is empty.");
  let parsed: unknown;
  try {
    parsed = text.startsWith("{") ? JSON.parse(text) : parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
  } catch (e) {
    throw badRequest(`Invalid OpenAPI input: ${(e as Error).message.split("\n")[0].replace(/:$/, "")}`);
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw badRequest("Invalid OpenAPI input: the definition must be a JSON or YAML object.");
  return parsed as Json;
}

function integrationFrom(x: Json, resourceId: string): Integration {
  const type = String(x.type ?? "").toUpperCase();
  const responses: Record<string, IntegrationResponse> = {};
  for (const [pattern, raw] of Object.entries(obj(x.responses))) {
    const r = obj(raw);
    const statusCode = String(r.statusCode ?? "200");
    const ir: IntegrationResponse = { statusCode };
    if (pattern !== "default") ir.selectionPattern = pattern;
    if (Object.keys(obj(r.responseParameters)).length) ir.responseParameters = strMap(r.responseParameters);
    if (Object.keys(obj(r.responseTemplates)).length) ir.responseTemplates = strMap(r.responseTemplates);
    if (typeof r.contentHandling === "string") ir.contentHandling = r.contentHandling;
    responses[statusCode] = ir;
  }
  const i: Integration = {
    type: type as Integration["type"],
    passthroughBehavior: String(x.passthroughBehavior ?? "when_no_match").toUpperCase(),
    timeoutInMillis: typeof x.timeoutInMillis === "number" ? x.timeoutInMillis : MAX_TIMEOUT_MS,
    cacheNamespace: typeof x.cacheNamespace === "string" ? x.cacheNamespace : resourceId,
    cacheKeyParameters: Array.isArray(x.cacheKeyParameters) ? x.cacheKeyParameters.map(String) : [],
  };
  if (typeof x.httpMethod === "string") i.httpMethod = x.httpMethod.toUpperCase();
  if (typeof x.uri === "string") i.uri = x.uri;
  if (typeof x.credentials === "string") i.credentials = x.credentials;
  if (typeof x.connectionType === "string") i.connectionType = x.connectionType;
  else if (type === "HTTP" || type === "HTTP_PROXY") i.connectionType = "INTERNET";
  if (Object.keys(obj(x.requestParameters)).length) i.requestParameters = strMap(x.requestParameters);
  if (Object.keys(obj(x.requestTemplates)).length) i.requestTemplates = strMap(x.requestTemplates);
  if (typeof x.contentHandling === "string") i.contentHandling = x.contentHandling;
  if (Object.keys(responses).length) i.integrationResponses = responses;
  return i;
}

/** Converts an OpenAPI 3 / Swagger 2 definition into a new API document. */
export function importDefinition(def: Json): Imported {
  if (typeof def.openapi !== "string" && def.swagger !== "2.0")
    throw badRequest("Invalid OpenAPI input: the definition has neither 'openapi' nor 'swagger: \"2.0\"'.");
  const warnings: string[] = [];
  // An imported API has the definition's models only (no Empty/Error defaults).
  const doc: ApiDoc = { ...emptyDoc(), models: {} };
  const info = obj(def.info);
  // Models (replacing the defaults with the definition's own when it has them).
  const schemas = { ...obj(obj(def.components).schemas), ...obj(def.definitions) };
  for (const [name, schema] of Object.entries(schemas)) {
    if (!/^[a-zA-Z0-9]+$/.test(name)) {
      warnings.push(`Skipping model ${name}: a model name must be alphanumeric`);
      continue;
    }
    doc.models[name] = {
      id: newId(6),
      name,
      schema: JSON.stringify(schema, null, 2),
      contentType: "application/json",
    };
    const d = obj(schema).description;
    if (typeof d === "string") doc.models[name].description = d;
  }
  // Request validators.
  const validatorIds = new Map<string, string>();
  for (const [name, raw] of Object.entries(obj(def["x-amazon-apigateway-request-validators"]))) {
    const v = obj(raw);
    const id = newId(6);
    validatorIds.set(name, id);
    doc.requestValidators[id] = {
      id,
      name,
      validateRequestBody: v.validateRequestBody === true,
      validateRequestParameters: v.validateRequestParameters === true,
    };
  }
  const defaultValidator = def["x-amazon-apigateway-request-validator"];
  // Gateway responses.
  for (const [type, raw] of Object.entries(obj(def["x-amazon-apigateway-gateway-responses"]))) {
    const r = obj(raw);
    doc.gatewayResponses[type] = {
      responseType: type,
      ...(r.statusCode !== undefined ? { statusCode: String(r.statusCode) } : {}),
      responseParameters: strMap(r.responseParameters),
      responseTemplates: strMap(r.responseTemplates),
      defaultResponse: false,
    };
  }
  const apiKeySchemes = new Set(
    Object.entries({ ...obj(obj(def.components).securitySchemes), ...obj(def.securityDefinitions) })
      .filter(([, s]) => obj(s).type === "apiKey" && String(obj(s).name).toLowerCase() === "x-api-key")
      .map(([n]) => n),
  );
  // Lambda authorizers: security schemes with x-amazon-apigateway-authorizer.
  const authorizerIds = new Map<string, string>();
  for (const [name, raw] of Object.entries({
    ...obj(obj(def.components).securitySchemes),
    ...obj(def.securityDefinitions),
  })) {
    const x = obj(obj(raw)["x-amazon-apigateway-authorizer"]);
    if (!Object.keys(x).length) continue;
    const type = String(x.type ?? "token").toUpperCase();
    const id = newId(6);
    const a: Authorizer = {
      id,
      name,
      type: type === "COGNITO_USER_POOLS" ? "COGNITO_USER_POOLS" : type === "REQUEST" ? "REQUEST" : "TOKEN",
      authorizerResultTtlInSeconds:
        typeof x.authorizerResultTtlInSeconds === "number" ? x.authorizerResultTtlInSeconds : 300,
    };
    if (typeof x.authorizerUri === "string") a.authorizerUri = x.authorizerUri;
    if (typeof x.authorizerCredentials === "string") a.authorizerCredentials = x.authorizerCredentials;
    if (Array.isArray(x.providerARNs)) a.providerARNs = x.providerARNs.map(String);
    const headerName = obj(raw).name;
    a.identitySource =
      typeof x.identitySource === "string"
        ? x.identitySource
        : a.type === "TOKEN"
          ? `method.request.header.${typeof headerName === "string" ? headerName : "Authorization"}`
          : undefined;
    if (a.identitySource === undefined) delete a.identitySource;
    if (typeof x.identityValidationExpression === "string")
      a.identityValidationExpression = x.identityValidationExpression;
    const authType = obj(raw)["x-amazon-apigateway-authtype"];
    if (typeof authType === "string") a.authType = authType;
    doc.authorizers = { ...(doc.authorizers ?? {}), [id]: a };
    authorizerIds.set(name, id);
  }
  const sigv4Schemes = new Set(
    Object.entries({ ...obj(obj(def.components).securitySchemes), ...obj(def.securityDefinitions) })
      .filter(([, x]) => String(obj(x)["x-amazon-apigateway-authtype"] ?? "").toLowerCase() === "awssigv4")
      .map(([n]) => n),
  );
  const authorizerOf = (security: unknown) =>
    Array.isArray(security)
      ? Object.keys(obj(security.find((s) => Object.keys(obj(s)).some((k) => authorizerIds.has(k))))).find((k) =>
          authorizerIds.has(k),
        )
      : undefined;
  const usesKey = (security: unknown) =>
    Array.isArray(security) && security.some((s) => Object.keys(obj(s)).some((k) => apiKeySchemes.has(k)));

  // Resources and methods.
  const byPath = new Map<string, StoredResource>([["/", doc.resources[doc.rootResourceId]]]);
  const ensure = (path: string): StoredResource => {
    const hit = byPath.get(path);
    if (hit) return hit;
    const cut = path.lastIndexOf("/");
    const parent = ensure(cut <= 0 ? "/" : path.slice(0, cut));
    const r: StoredResource = { id: newId(6), parentId: parent.id, pathPart: path.slice(cut + 1), methods: {} };
    doc.resources[r.id] = r;
    byPath.set(path, r);
    return r;
  };
  for (const [rawPath, rawItem] of Object.entries(obj(def.paths))) {
    const path = "/" + rawPath.split("/").filter(Boolean).join("/");
    const resource = ensure(path);
    const item = obj(rawItem);
    for (const op of OPS) {
      if (!item[op]) continue;
      const o = obj(item[op]);
      const httpMethod = op === "x-amazon-apigateway-any-method" ? "ANY" : op.toUpperCase();
      if (!(HTTP_METHODS as readonly string[]).includes(httpMethod)) continue;
      const m: Method = {
        httpMethod,
        authorizationType: o["x-amazon-apigateway-auth"]
          ? String(obj(o["x-amazon-apigateway-auth"]).type ?? "NONE").toUpperCase()
          : "NONE",
        apiKeyRequired: usesKey(o.security ?? def.security),
      };
      if (m.authorizationType !== "NONE" && m.authorizationType !== "AWS_IAM") m.authorizationType = "NONE";
      const sec = o.security ?? def.security;
      if (Array.isArray(sec) && sec.some((x) => Object.keys(obj(x)).some((k) => sigv4Schemes.has(k))))
        m.authorizationType = "AWS_IAM";
      const authorizerName = authorizerOf(sec);
      if (authorizerName) {
        const a = doc.authorizers![authorizerIds.get(authorizerName)!];
        m.authorizationType = a.type === "COGNITO_USER_POOLS" ? "COGNITO_USER_POOLS" : "CUSTOM";
        m.authorizerId = a.id;
      }
      if (typeof o.operationId === "string") m.operationName = o.operationId;
      const params: Record<string, boolean> = {};
      for (const raw of [
        ...(Array.isArray(item.parameters) ? item.parameters : []),
        ...(Array.isArray(o.parameters) ? o.parameters : []),
      ]) {
        const p = obj(raw);
        const where = { path: "path", query: "querystring", header: "header" }[String(p.in)];
        if (where && typeof p.name === "string")
          params[`method.request.${where}.${p.name}`] = p.required === true || p.in === "path";
        if (p.in === "body") {
          const model = refName(obj(p.schema).$ref);
          if (model && doc.models[model]) m.requestModels = { "application/json": model };
        }
      }
      if (Object.keys(params).length) m.requestParameters = params;
      for (const [ct, media] of Object.entries(obj(obj(o.requestBody).content))) {
        const model = refName(obj(obj(media).schema).$ref);
        if (model && doc.models[model]) m.requestModels = { ...(m.requestModels ?? {}), [ct]: model };
      }
      const validator = o["x-amazon-apigateway-request-validator"] ?? defaultValidator;
      if (typeof validator === "string") {
        const id = validatorIds.get(validator);
        if (id) m.requestValidatorId = id;
        else warnings.push(`Unknown request validator ${validator} on ${httpMethod} ${path}`);
      }
      const responses: Record<string, MethodResponse> = {};
      for (const [code, rawR] of Object.entries(obj(o.responses))) {
        if (!/^[1-5]\d\d$/.test(code)) continue;
        const r = obj(rawR);
        const mr: MethodResponse = { statusCode: code };
        const headers = Object.keys(obj(r.headers));
        if (headers.length)
          mr.responseParameters = Object.fromEntries(headers.map((h) => [`method.response.header.${h}`, false]));
        const models: Record<string, string> = {};
        for (const [ct, media] of Object.entries(obj(r.content))) {
          const model = refName(obj(obj(media).schema).$ref);
          if (model && doc.models[model]) models[ct] = model;
        }
        const swaggerModel = refName(obj(r.schema).$ref);
        if (swaggerModel && doc.models[swaggerModel]) models["application/json"] = swaggerModel;
        if (Object.keys(models).length) mr.responseModels = models;
        responses[code] = mr;
      }
      if (Object.keys(responses).length) m.methodResponses = responses;
      const x = o["x-amazon-apigateway-integration"];
      if (x) m.methodIntegration = integrationFrom(obj(x), resource.id);
      else warnings.push(`No integration defined for method ${httpMethod} ${path}`);
      resource.methods[httpMethod] = m;
    }
  }
  const settings: Partial<ApiSettings> = {};
  if (Array.isArray(def["x-amazon-apigateway-binary-media-types"]))
    settings.binaryMediaTypes = (def["x-amazon-apigateway-binary-media-types"] as unknown[]).map(String);
  if (def["x-amazon-apigateway-api-key-source"] === "AUTHORIZER") settings.apiKeySource = "AUTHORIZER";
  const policy = def["x-amazon-apigateway-policy"];
  if (policy !== undefined) {
    settings.policy = typeof policy === "string" ? policy : JSON.stringify(policy);
    try {
      parseResourcePolicy(settings.policy);
    } catch (e) {
      throw badRequest(`Invalid x-amazon-apigateway-policy: ${(e as Error).message}`);
    }
  }
  return {
    name: typeof info.title === "string" ? info.title : undefined,
    description: typeof info.description === "string" ? info.description : undefined,
    version: typeof info.version === "string" ? info.version : undefined,
    settings,
    doc,
    warnings,
  };
}

/** PutRestApi's merge: the imported resources and methods over the existing ones (by path and method). */
export function mergeDocs(base: ApiDoc, incoming: ApiDoc): ApiDoc {
  const out = structuredClone(base);
  const byPath = new Map(Object.values(out.resources).map((r) => [resourcePath(out, r.id), r]));
  const paths = Object.values(incoming.resources)
    .map((r) => [resourcePath(incoming, r.id), r] as const)
    .sort(([a], [b]) => a.split("/").length - b.split("/").length);
  for (const [path, r] of paths) {
    let target = byPath.get(path);
    if (!target) {
      const cut = path.lastIndexOf("/");
      const parent = byPath.get(cut <= 0 ? "/" : path.slice(0, cut))!;
      target = { id: newId(6), parentId: parent.id, pathPart: r.pathPart, methods: {} };
      out.resources[target.id] = target;
      byPath.set(path, target);
    }
    for (const [name, m] of Object.entries(r.methods)) target.methods[name] = structuredClone(m);
  }
  for (const [name, m] of Object.entries(incoming.models))
    out.models[name] = { ...m, id: out.models[name]?.id ?? m.id };
  Object.assign(out.requestValidators, incoming.requestValidators);
  Object.assign(out.gatewayResponses, incoming.gatewayResponses);
  if (incoming.authorizers) out.authorizers = { ...(out.authorizers ?? {}), ...incoming.authorizers };
  return out;
}

function integrationExtension(i: Integration): Json {
  const x: Json = { type: i.type.toLowerCase() };
  if (i.httpMethod) x.httpMethod = i.httpMethod;
  if (i.uri) x.uri = i.uri;
  if (i.credentials) x.credentials = i.credentials;
  if (i.integrationResponses && Object.keys(i.integrationResponses).length)
    x.responses = Object.fromEntries(
      Object.values(i.integrationResponses).map((r) => [
        r.selectionPattern || "default",
        {
          statusCode: r.statusCode,
          ...(r.responseParameters ? { responseParameters: r.responseParameters } : {}),
          ...(r.responseTemplates ? { responseTemplates: r.responseTemplates } : {}),
          ...(r.contentHandling ? { contentHandling: r.contentHandling } : {}),
        },
      ]),
    );
  if (i.requestParameters) x.requestParameters = i.requestParameters;
  if (i.requestTemplates) x.requestTemplates = i.requestTemplates;
  x.passthroughBehavior = i.passthroughBehavior.toLowerCase();
  if (i.connectionType && i.connectionType !== "INTERNET") x.connectionType = i.connectionType;
  if (i.contentHandling) x.contentHandling = i.contentHandling;
  if (i.timeoutInMillis !== MAX_TIMEOUT_MS) x.timeoutInMillis = i.timeoutInMillis;
  if (i.cacheKeyParameters.length) {
    x.cacheNamespace = i.cacheNamespace;
    x.cacheKeyParameters = i.cacheKeyParameters;
  }
  return x;
}

/** OpenAPI 3.0.1 for a deployed document, as GetExport writes it (`withExtensions`: integrations too). */
export function exportDefinition(
  snapshot: { doc: ApiDoc; settings: ApiSettings; name: string },
  opts: { serverUrl: string; stage: string; version: string; withExtensions: boolean; withAuthorizers?: boolean },
): Json {
  const { doc, settings } = snapshot;
  const paths: Json = {};
  let usesApiKey = false;
  const validatorNames = new Map(Object.values(doc.requestValidators).map((v) => [v.id, v.name ?? v.id]));
  const resources = Object.values(doc.resources)
    .map((r) => [resourcePath(doc, r.id), r] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [path, r] of resources) {
    const methods = Object.values(r.methods);
    if (!methods.length) continue;
    const item: Json = {};
    for (const m of methods) {
      const op: Json = {};
      if (m.operationName) op.operationId = m.operationName;
      const params = Object.entries(m.requestParameters ?? {})
        .map(([k, required]) => {
          const mm = /^method\.request\.(path|querystring|header)\.(.+)$/.exec(k);
          if (!mm) return null;
          return {
            name: mm[2],
            in: { path: "path", querystring: "query", header: "header" }[mm[1]],
            required: mm[1] === "path" || required,
            schema: { type: "string" },
          };
        })
        .filter(Boolean);
      if (params.length) op.parameters = params;
      if (m.requestModels && Object.keys(m.requestModels).length)
        op.requestBody = {
          content: Object.fromEntries(
            Object.entries(m.requestModels).map(([ct, model]) => [
              ct,
              { schema: { $ref: `#/components/schemas/${model}` } },
            ]),
          ),
          required: true,
        };
      const responses: Json = {};
      for (const mr of Object.values(m.methodResponses ?? {})) {
        const resp: Json = { description: `${mr.statusCode} response` };
        if (mr.responseParameters && Object.keys(mr.responseParameters).length)
          resp.headers = Object.fromEntries(
            Object.keys(mr.responseParameters).map((h) => [
              h.replace(/^method\.response\.header\./, ""),
              { schema: { type: "string" } },
            ]),
          );
        if (mr.responseModels && Object.keys(mr.responseModels).length)
          resp.content = Object.fromEntries(
            Object.entries(mr.responseModels).map(([ct, model]) => [
              ct,
              { schema: { $ref: `#/components/schemas/${model}` } },
            ]),
          );
        responses[mr.statusCode] = resp;
      }
      op.responses = responses;
      const security: Json[] = [];
      if (m.apiKeyRequired) {
        usesApiKey = true;
        security.push({ api_key: [] });
      }
      const authorizer = m.authorizerId ? doc.authorizers?.[m.authorizerId] : undefined;
      if (authorizer && (m.authorizationType === "CUSTOM" || m.authorizationType === "COGNITO_USER_POOLS"))
        security.push({ [authorizer.name]: [] });
      if (m.authorizationType === "AWS_IAM") security.push({ sigv4: [] });
      if (security.length) op.security = security;
      if (opts.withExtensions) {
        if (m.requestValidatorId && validatorNames.has(m.requestValidatorId))
          op["x-amazon-apigateway-request-validator"] = validatorNames.get(m.requestValidatorId);
        if (m.methodIntegration) op["x-amazon-apigateway-integration"] = integrationExtension(m.methodIntegration);
      }
      item[m.httpMethod === "ANY" ? "x-amazon-apigateway-any-method" : m.httpMethod.toLowerCase()] = op;
    }
    paths[path] = item;
  }
  const out: Json = {
    openapi: "3.0.1",
    info: {
      title: snapshot.name,
      ...(settings.description ? { description: settings.description } : {}),
      version: settings.version ?? opts.version,
    },
    servers: [
      { url: opts.serverUrl.replace(/\/$/, "") + "/{basePath}", variables: { basePath: { default: opts.stage } } },
    ],
    paths,
  };
  const components: Json = {};
  const models = Object.values(doc.models);
  if (models.length)
    components.schemas = Object.fromEntries(
      models.map((m) => {
        let schema: unknown;
        try {
          schema = JSON.parse(m.schema ?? "{}");
        } catch {
          schema = {};
        }
        return [m.name, schema];
      }),
    );
  const schemes: Json = {};
  if (usesApiKey) schemes.api_key = { type: "apiKey", name: "x-api-key", in: "header" };
  const allMethods = Object.values(doc.resources).flatMap((r) => Object.values(r.methods));
  if (allMethods.some((m) => m.authorizationType === "AWS_IAM"))
    schemes.sigv4 = { type: "apiKey", name: "Authorization", in: "header", "x-amazon-apigateway-authtype": "awsSigv4" };
  for (const a of Object.values(doc.authorizers ?? {})) {
    if (!allMethods.some((m) => m.authorizerId === a.id)) continue;
    const header = /^method\.request\.header\.(.+)$/.exec(a.identitySource ?? "")?.[1] ?? "Unused";
    const x: Json = { type: a.type.toLowerCase(), authorizerResultTtlInSeconds: a.authorizerResultTtlInSeconds };
    if (a.authorizerUri) x.authorizerUri = a.authorizerUri;
    if (a.authorizerCredentials) x.authorizerCredentials = a.authorizerCredentials;
    if (a.providerARNs) x.providerARNs = a.providerARNs;
    if (a.type === "REQUEST" && a.identitySource) x.identitySource = a.identitySource;
    if (a.identityValidationExpression) x.identityValidationExpression = a.identityValidationExpression;
    schemes[a.name] = {
      type: "apiKey",
      name: header,
      in: "header",
      "x-amazon-apigateway-authtype": a.authType ?? (a.type === "COGNITO_USER_POOLS" ? "cognito_user_pools" : "custom"),
      ...(opts.withExtensions || opts.withAuthorizers ? { "x-amazon-apigateway-authorizer": x } : {}),
    };
  }
  if (Object.keys(schemes).length) components.securitySchemes = schemes;
  if (Object.keys(components).length) out.components = components;
  if (opts.withExtensions) {
    if (Object.keys(doc.requestValidators).length)
      out["x-amazon-apigateway-request-validators"] = Object.fromEntries(
        Object.values(doc.requestValidators).map((v) => [
          v.name ?? v.id,
          { validateRequestBody: v.validateRequestBody, validateRequestParameters: v.validateRequestParameters },
        ]),
      );
    if (Object.keys(doc.gatewayResponses).length)
      out["x-amazon-apigateway-gateway-responses"] = Object.fromEntries(
        Object.values(doc.gatewayResponses).map((g) => [
          g.responseType,
          {
            ...(g.statusCode ? { statusCode: g.statusCode } : {}),
            responseParameters: g.responseParameters ?? {},
            responseTemplates: g.responseTemplates ?? {},
          },
        ]),
      );
    if (settings.binaryMediaTypes?.length) out["x-amazon-apigateway-binary-media-types"] = settings.binaryMediaTypes;
    if (settings.policy) {
      try {
        out["x-amazon-apigateway-policy"] = JSON.parse(settings.policy) as Json;
      } catch {
        /* checked when it was put */
      }
    }
  }
  return out;
}
