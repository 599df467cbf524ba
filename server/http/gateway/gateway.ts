import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import type { Integration, Method, Snapshot } from "../../core/apis/model";
import { matchRoute, type RouteMatch } from "../../core/apis/routing";
import { effectiveGatewayResponse } from "../../core/apis/gateway-responses";
import { validateSchema } from "../../core/apis/json-schema";
import { renderTemplate } from "../../core/apis/vtl";
import { isAppError } from "../../core/errors";
import { logger } from "../../logger";
import { loadDeployedStage, type DeployedStage } from "../../domains/apis/deployed";
import { admitApiRequest, type AdmitResult, type Throttle } from "../../domains/apis/usage/admit";
import { authenticate } from "../authenticate";
import { drain, publicBaseUrl, readBody } from "../request";
import { runIntegration, type IntegrationResult } from "./integrations";
import { lookupStageCache, storeStageCache, type CacheSetting } from "./stage-cache";
import { checkResourcePolicy } from "./resource-policy";
import { iamIdentity, notAuthorizedMessage } from "./iam-caller";
import { runAuthorizer } from "./authorizer";
import { handleHttpApi } from "./v2/http-api";
import { apigwRequestId } from "./ids";
import { recordApiRequest } from "../../domains/apis/metrics/recorder";
import { accessLogLine } from "../../core/apis/access-log";
import {
  headerKey,
  headerValue,
  mapResponseValue,
  readHeaders,
  readQuery,
  templateParams,
  type MethodRequest,
} from "./request";
import { requestTime } from "../../core/apis/request-time";

// The data plane of REST APIs: /gw/<api id>/<stage>/<path>, served from the stage's deployed
// snapshot. Per request: route (most specific resource, {proxy+}, ANY) → authorization (NONE,
// AWS_IAM with the tenant's keys) → request validation → admission (API key, usage plan and stage
// throttles: admitApiRequest) → the integration → integration response mapping (selection pattern,
// templates, header mappings) → the reply with x-amzn-RequestId and x-amz-apigw-id. Failures before
// the integration answer with the API's gateway responses, as API Gateway does.

export const GATEWAY_PREFIX = "/gw/";
/** API Gateway's payload limit. */
export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;

const ERROR_TYPES: Record<string, string> = {
  MISSING_AUTHENTICATION_TOKEN: "MissingAuthenticationTokenException",
  // No such API or stage (not a gateway response type: there is no API to customize it).
  FORBIDDEN: "ForbiddenException",
  ACCESS_DENIED: "AccessDeniedException",
  INVALID_API_KEY: "ForbiddenException",
  INVALID_SIGNATURE: "InvalidSignatureException",
  BAD_REQUEST_BODY: "BadRequestException",
  BAD_REQUEST_PARAMETERS: "BadRequestException",
  THROTTLED: "TooManyRequestsException",
  QUOTA_EXCEEDED: "LimitExceededException",
  UNSUPPORTED_MEDIA_TYPE: "UnsupportedMediaTypeException",
  REQUEST_TOO_LARGE: "RequestTooLargeException",
  INTEGRATION_TIMEOUT: "InternalServerErrorException",
  INTEGRATION_FAILURE: "InternalServerErrorException",
  API_CONFIGURATION_ERROR: "InternalServerErrorException",
  AUTHORIZER_CONFIGURATION_ERROR: "AuthorizerConfigurationException",
  UNAUTHORIZED: "UnauthorizedException",
};

type Reply = { status: number; headers: Record<string, string | string[]>; body: Buffer };

type Ids = {
  requestId: string;
  apigwId: string;
  onSent?: (status: number, length: number) => void;
  /** For the metrics recorder: time in the integration, and the response cache's answer. */
  integrationMs?: number;
  cache?: "hit" | "miss";
};

function write(res: ServerResponse, r: Reply, ids: Ids) {
  ids.onSent?.(r.status, r.body.length);
  const headers: Record<string, string | string[]> = {
    ...r.headers,
    "x-amzn-RequestId": ids.requestId,
    "x-amz-apigw-id": ids.apigwId,
    "content-length": String(r.body.length),
  };
  res.writeHead(r.status, headers);
  res.end(r.body);
}

/** A gateway response (the API's customized one, else DEFAULT_4XX/5XX, else AWS's). */
function gatewayResponse(
  doc: Snapshot["doc"] | null,
  type: string,
  message: string,
  req: MethodRequest | null,
  extraHeaders: Record<string, string> = {},
  status?: number,
): Reply {
  const { status: defStatus, response } = doc
    ? effectiveGatewayResponse(doc, type)
    : { status: status ?? 403, response: { responseTemplates: undefined, responseParameters: {} } };
  const messageString = JSON.stringify(message);
  const context = { ...(req?.context ?? {}), error: { message, messageString, responseType: type } };
  let body = JSON.stringify({ message });
  const template =
    response.responseTemplates?.["application/json"] ?? Object.values(response.responseTemplates ?? {})[0];
  if (template) {
    try {
      body = renderTemplate(template, {
        body: req?.body.toString("utf8") ?? "",
        params: req ? templateParams(req) : { path: {}, querystring: {}, header: {} },
        context,
        stageVariables: req?.stageVariables ?? {},
      });
    } catch {
      body = JSON.stringify({ message });
    }
  }
  const headers: Record<string, string> = { "content-type": "application/json", ...extraHeaders };
  if (ERROR_TYPES[type]) headers["x-amzn-ErrorType"] = ERROR_TYPES[type];
  for (const [k, expr] of Object.entries(response.responseParameters ?? {})) {
    const name = k.replace(/^gatewayresponse\.header\./, "");
    const v = req ? mapResponseValue(expr, { headers: {}, body: "" }, req) : /^'(.*)'$/s.exec(expr)?.[1];
    if (v !== undefined) headers[name] = v;
  }
  return { status: doc && status === undefined ? defStatus : (status ?? defStatus), headers, body: Buffer.from(body) };
}

function throttleOf(settings: Record<string, unknown> | undefined): Throttle | null {
  if (!settings) return null;
  const rate = settings.throttlingRateLimit;
  const burst = settings.throttlingBurstLimit;
  if (typeof rate !== "number" || typeof burst !== "number") return null;
  // API Gateway's account defaults (10,000 rps, burst 5,000) are what every method setting starts
  // with: they limit nothing here, so admission needs no shared bucket (and no round trip) for them.
  if (rate >= 10_000 && burst >= 5_000) return null;
  return { rateLimit: rate, burstLimit: burst };
}

/** Method request parameters and body checked as the method's request validator says. */
function validate(snapshot: Snapshot, method: Method, r: MethodRequest): { type: string; message: string } | null {
  const v = method.requestValidatorId ? snapshot.doc.requestValidators[method.requestValidatorId] : undefined;
  if (!v) return null;
  if (v.validateRequestParameters) {
    const missing: string[] = [];
    for (const [p, required] of Object.entries(method.requestParameters ?? {})) {
      if (!required) continue;
      const m = /^method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader)\.(.+)$/.exec(p);
      if (!m) continue;
      const [, where, name] = m;
      const present =
        where === "path"
          ? r.pathParams[name] !== undefined && r.pathParams[name] !== ""
          : where.endsWith("querystring")
            ? r.query[name] !== undefined
            : headerValue(r.headers, name) !== undefined;
      if (!present) missing.push(name);
    }
    if (missing.length)
      return {
        type: "BAD_REQUEST_PARAMETERS",
        message: `Missing required request parameters: [${missing.join(", ")}]`,
      };
  }
  if (v.validateRequestBody) {
    const ct = (headerValue(r.headers, "content-type") ?? "application/json").split(";")[0].trim().toLowerCase();
    const models = method.requestModels ?? {};
    const modelName = models[ct] ?? models.$default;
    const model = modelName ? snapshot.doc.models[modelName] : undefined;
    if (model?.schema) {
      let schema: Record<string, unknown>;
      try {
        schema = JSON.parse(model.schema) as Record<string, unknown>;
      } catch {
        return null;
      }
      let value: unknown;
      try {
        value = JSON.parse(r.body.toString("utf8"));
      } catch {
        return { type: "BAD_REQUEST_BODY", message: "Invalid request body" };
      }
      if (validateSchema(schema, value).length) return { type: "BAD_REQUEST_BODY", message: "Invalid request body" };
    }
  }
  return null;
}

/** The integration response for `selector`: a selection pattern that matches it whole, else the default. */
function selectIntegrationResponse(i: Integration, selector: string) {
  const all = Object.values(i.integrationResponses ?? {});
  let fallback;
  for (const r of all) {
    if (!r.selectionPattern) {
      fallback ??= r;
      continue;
    }
    try {
      if (new RegExp(`^(?:${r.selectionPattern})$`, "s").test(selector)) return r;
    } catch {
      /* checked when it was put */
    }
  }
  return fallback;
}

function mapResponse(
  stage: DeployedStage,
  match: RouteMatch,
  i: Integration,
  out: Extract<IntegrationResult, { kind: "response" }>,
  r: MethodRequest,
): Reply {
  if (out.proxy) {
    const headers: Record<string, string | string[]> = { ...out.headers };
    for (const [k, vs] of Object.entries(out.multiHeaders ?? {})) {
      const existing = headerKey(headers, k);
      const prior = existing ? [headers[existing]].flat() : [];
      if (existing) delete headers[existing];
      headers[k] = [...vs, ...prior.filter((p) => !vs.includes(p))];
    }
    return { status: out.status, headers, body: out.body };
  }
  const selector = out.errorMessage ?? String(out.status);
  const ir =
    out.errorMessage !== undefined
      ? (selectIntegrationResponse(i, out.errorMessage) ?? selectIntegrationResponse(i, ""))
      : selectIntegrationResponse(i, selector);
  if (!ir) {
    logger.debug({ apiId: stage.restApiId, selector }, "gateway: no integration response matches");
    return gatewayResponse(stage.snapshot.doc, "API_CONFIGURATION_ERROR", "Internal server error", r, {}, 500);
  }
  // contentHandling on the response: CONVERT_TO_TEXT hands templates (and the client) base64 text,
  // CONVERT_TO_BINARY turns a base64 answer into bytes (no template applies then).
  const text = ir.contentHandling === "CONVERT_TO_TEXT" ? out.body.toString("base64") : out.body.toString("utf8");
  const headers: Record<string, string> = {};
  for (const [k, expr] of Object.entries(ir.responseParameters ?? {})) {
    const name = k.replace(/^method\.response\.header\./, "");
    const v = mapResponseValue(expr, { headers: out.headers, body: text }, r);
    if (v !== undefined) headers[name] = v;
  }
  const templates = ir.responseTemplates ?? {};
  const accept = (headerValue(r.headers, "accept") ?? "").split(",").map((s) => s.split(";")[0].trim().toLowerCase());
  const key =
    Object.keys(templates).find((k) => accept.includes(k.toLowerCase())) ??
    (Object.prototype.hasOwnProperty.call(templates, "application/json")
      ? "application/json"
      : Object.keys(templates)[0]);
  let body: Buffer = ir.contentHandling === "CONVERT_TO_TEXT" ? Buffer.from(text) : out.body;
  let contentType = key ?? out.headers["content-type"] ?? "application/json";
  const template = key !== undefined ? templates[key] : undefined;
  if (ir.contentHandling === "CONVERT_TO_BINARY") {
    body = Buffer.from(text, "base64");
    contentType = out.headers["content-type"] ?? "application/octet-stream";
  } else if (template) {
    try {
      body = Buffer.from(
        renderTemplate(template, {
          body: text,
          params: templateParams(r),
          context: r.context,
          stageVariables: r.stageVariables,
        }),
      );
    } catch (e) {
      logger.debug({ err: e }, "gateway: response template failed");
      return gatewayResponse(stage.snapshot.doc, "API_CONFIGURATION_ERROR", "Internal server error", r, {}, 500);
    }
  } else if (key === undefined) {
    contentType = out.headers["content-type"] ?? "application/json";
  }
  if (headerKey(headers, "content-type") === undefined) headers["Content-Type"] = contentType;
  return { status: Number(ir.statusCode), headers, body };
}

function isBinary(snapshot: Snapshot, contentType: string | undefined): boolean {
  const ct = (contentType ?? "").split(";")[0].trim().toLowerCase();
  if (!ct) return false;
  return (snapshot.settings.binaryMediaTypes ?? []).some((t) => {
    const pat = t.toLowerCase();
    if (pat === "*/*") return true;
    if (pat.endsWith("/*")) return ct.startsWith(pat.slice(0, -1));
    return pat === ct;
  });
}

export type GatewayInput = {
  httpMethod: string;
  /** The path below the stage, percent-decoded, by segment. */
  segments: string[];
  rawQuery: string;
  headers: Record<string, string>;
  multiHeaders: Record<string, string[]>;
  body: Buffer;
  sourceIp: string | null;
  httpVersion: string;
  baseUrl: string;
  started: Date;
  /** The HTTP request, when there is one (AWS_IAM signatures are checked on it). */
  req?: IncomingMessage;
  /** TestInvokeMethod: no authorizer, signature or API key check. */
  skipAuthorization?: boolean;
};

/** Serves one request on a deployed (or, for TestInvokeMethod, the current) API document. */
export async function serveRequest(stage: DeployedStage, input: GatewayInput, ids: Ids): Promise<Reply> {
  const { httpMethod, segments, headers, multiHeaders, body, started } = input;
  const apiId = stage.restApiId;
  const doc = stage.snapshot.doc;
  const { requestId, apigwId } = ids;
  const { query, multi: multiQuery } = readQuery(input.rawQuery);
  const path = "/" + segments.join("/");
  const match = matchRoute(stage.router, httpMethod, segments);
  const context: Record<string, unknown> = {
    resourceId: match?.resource.id,
    resourcePath: match?.resourcePath,
    httpMethod,
    extendedRequestId: apigwId,
    requestTime: requestTime(started),
    path: `/${stage.stageName}${path}`,
    accountId: stage.tenant.accountId,
    protocol: `HTTP/${input.httpVersion}`,
    stage: stage.stageName,
    domainPrefix: apiId,
    requestTimeEpoch: started.getTime(),
    requestId,
    identity: {
      sourceIp: input.sourceIp,
      userAgent: headerValue(headers, "user-agent") ?? null,
      apiKey: null as string | null,
      apiKeyId: null as string | null,
      accountId: null,
      caller: null,
      user: null,
      userArn: null,
      accessKey: null,
      cognitoIdentityPoolId: null,
      cognitoIdentityId: null,
      cognitoAuthenticationType: null,
      cognitoAuthenticationProvider: null,
      principalOrgId: null,
    },
    domainName: headerValue(headers, "host") ?? "",
    apiId,
  };
  Object.defineProperty(context, "baseUrl", { value: input.baseUrl, enumerable: false });
  const accessLog = stage.settings.accessLogSettings?.format;
  // Once the reply is written: the metrics recorder (per-minute counters and the searchable access
  // log, flushed in batches) and, when the stage has accessLogSettings, its line in the process log.
  ids.onSent = (status, length) => {
    const latency = Date.now() - started.getTime();
    const line = accessLog
      ? accessLogLine(accessLog, {
          ...context,
          status,
          responseLength: length,
          responseLatency: latency,
          integrationLatency: ids.integrationMs,
        })
      : null;
    if (line) {
      const destinationArn = stage.settings.accessLogSettings?.destinationArn;
      logger.info({ apiId, stage: stage.stageName, destinationArn, accessLog: line }, "api access log");
    }
    const identity = context.identity as { apiKeyId: string | null; userAgent: string | null };
    recordApiRequest({
      tenantId: stage.tenant.id,
      apiId,
      stage: stage.stageName,
      resource: match?.resourcePath ?? null,
      method: httpMethod,
      path,
      status,
      startedAt: started.getTime(),
      latencyMs: latency,
      integrationLatencyMs: ids.integrationMs ?? null,
      cache: ids.cache ?? null,
      requestId,
      sourceIp: input.sourceIp,
      apiKeyId: identity.apiKeyId,
      userAgent: identity.userAgent,
      responseLength: length,
      line,
    });
  };
  const methodReq: MethodRequest = {
    httpMethod,
    path,
    pathParams: match?.pathParams ?? {},
    query,
    multiQuery,
    headers,
    multiHeaders,
    body,
    stageVariables: stage.settings.variables ?? {},
    context,
  };
  if (!match || !match.method.methodIntegration)
    return gatewayResponse(doc, "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token", methodReq);
  const { method } = match;
  const integration = match.method.methodIntegration;

  // Authorization.
  let usageIdentifierKey: string | null = null;
  let crossAccount = false;
  let policyChecked = false;
  if (input.skipAuthorization) {
    // TestInvokeMethod: no authorization, as API Gateway's test invocations.
  } else if (method.authorizationType === "AWS_IAM") {
    if (!input.req?.headers.authorization && !input.rawQuery.includes("X-Amz-Signature"))
      return gatewayResponse(doc, "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token", methodReq);
    try {
      const who = await authenticate(input.req!, body);
      // Another tenant's key is another AWS account's caller: admitted only when the resource policy
      // allows it (checked below), as API Gateway's cross-account IAM calls.
      crossAccount = who.tenant.id !== stage.tenant.id;
      Object.assign(
        context.identity as Record<string, unknown>,
        iamIdentity({ accountId: who.tenant.accountId, keyId: who.actor.keyId }),
      );
    } catch (e) {
      return gatewayResponse(doc, "INVALID_SIGNATURE", isAppError(e) ? e.message : "Invalid signature", methodReq);
    }
  } else if (method.authorizationType === "CUSTOM" || method.authorizationType === "COGNITO_USER_POOLS") {
    const authorizer = method.authorizerId ? doc.authorizers?.[method.authorizerId] : undefined;
    if (!authorizer) return gatewayResponse(doc, "AUTHORIZER_CONFIGURATION_ERROR", "Internal server error", methodReq);
    if (method.authorizationType === "CUSTOM") {
      // API Gateway looks for an explicit Deny before it calls a Lambda authorizer; once the
      // authorizer allows, the policy's "neither" admits (table A), so this is the only check.
      const decision = await checkResourcePolicy(stage, methodReq, {
        req: input.req,
        sourceIp: input.sourceIp,
        authorizedBy: "lambda",
      });
      if (decision && !decision.allowed) return gatewayResponse(doc, "ACCESS_DENIED", decision.message, methodReq);
      policyChecked = true;
    }
    const methodArn = `arn:aws:execute-api:${process.env.SIGNALBOX_REGION ?? "us-east-1"}:${stage.tenant.accountId}:${apiId}/${stage.stageName}/${httpMethod}${path}`;
    const outcome = await runAuthorizer(stage.tenant, authorizer, methodReq, methodArn, match.resourcePath, [
      ...(method.authorizationScopes ?? []),
    ]);
    if (!outcome.ok) return gatewayResponse(doc, outcome.type, outcome.message, methodReq);
    // A Cognito authorizer has no principal: its claims are $context.authorizer.claims.
    context.authorizer = { ...outcome.context, ...(outcome.principalId ? { principalId: outcome.principalId } : {}) };
    usageIdentifierKey = outcome.usageIdentifierKey ?? null;
  }

  // The API's resource policy, by API Gateway's outcome tables (resource-policy.ts): explicit Deny
  // wins; otherwise an Allow is needed, except AWS_IAM by the API's own account.
  if (!input.skipAuthorization && !policyChecked) {
    const decision = await checkResourcePolicy(stage, methodReq, {
      req: input.req,
      sourceIp: input.sourceIp,
      authorizedBy: method.authorizationType === "AWS_IAM" ? "iam" : null,
    });
    if (decision && !decision.allowed) return gatewayResponse(doc, "ACCESS_DENIED", decision.message, methodReq);
    // Another account's caller and no resource policy: nothing grants it.
    if (!decision && crossAccount) {
      const identity = context.identity as { accessKey: string; accountId: string };
      return gatewayResponse(
        doc,
        "ACCESS_DENIED",
        notAuthorizedMessage(
          { accountId: identity.accountId, keyId: identity.accessKey },
          `arn:aws:execute-api:${process.env.SIGNALBOX_REGION ?? "us-east-1"}:${stage.tenant.accountId}:${apiId}/${stage.stageName}/${httpMethod}${path}`,
        ),
        methodReq,
      );
    }
  }

  const invalid = validate(stage.snapshot, method, methodReq);
  if (invalid) return gatewayResponse(doc, invalid.type, invalid.message, methodReq);

  // Admission: API key, usage plan, stage and method throttles.
  const ms = stage.settings.methodSettings ?? {};
  const methodKey = `${match.resourcePath.replace(/^\//, "")}/${method.httpMethod}`;
  const apiKeyValue =
    stage.snapshot.settings.apiKeySource === "AUTHORIZER"
      ? usageIdentifierKey
      : (headerValue(headers, "x-api-key") ?? null);
  const admitted: AdmitResult = input.skipAuthorization
    ? { ok: true, apiKeyId: null, headers: {} }
    : await admitApiRequest({
        tenantId: stage.tenant.id,
        restApiId: apiId,
        stage: stage.stageName,
        resourcePath: match.resourcePath,
        httpMethod: method.httpMethod,
        apiKeyRequired: method.apiKeyRequired,
        apiKeyValue,
        stageThrottle: throttleOf(ms["*/*"]),
        methodThrottle: throttleOf(ms[methodKey]),
      });
  if (!admitted.ok) {
    const type =
      admitted.status === 429
        ? admitted.message.includes("Limit Exceeded")
          ? "QUOTA_EXCEEDED"
          : "THROTTLED"
        : "INVALID_API_KEY";
    return gatewayResponse(doc, type, admitted.message, methodReq, admitted.headers);
  }
  if (admitted.apiKeyId) {
    (context.identity as Record<string, unknown>).apiKeyId = admitted.apiKeyId;
    (context.identity as Record<string, unknown>).apiKey = apiKeyValue;
  }

  // Response cache (stage cache enabled, caching on for this method).
  // Shared by every web process; Cache-Control: max-age=0 invalidates (stage-cache.ts).
  const setting = (ms[methodKey] ?? ms["*/*"]) as CacheSetting | undefined;
  const cache = await lookupStageCache(stage, integration, methodReq, setting, method.httpMethod, input.req);
  if (cache.kind === "hit" || cache.kind === "miss") ids.cache = cache.kind;
  if (cache.kind === "refused") return gatewayResponse(doc, "ACCESS_DENIED", cache.message, methodReq);
  if (cache.kind === "hit") return { ...cache.reply, headers: { ...cache.reply.headers, ...admitted.headers } };

  const binary = isBinary(stage.snapshot, headerValue(headers, "content-type"));
  const integrationStart = performance.now();
  const out = await runIntegration(stage.tenant, integration, methodReq, match.resourcePath, binary);
  ids.integrationMs = Math.round((performance.now() - integrationStart) * 100) / 100;
  if (out.kind === "failure") {
    return gatewayResponse(doc, out.type, out.message, methodReq, {}, out.status);
  }
  const reply = mapResponse(stage, match, integration, out, methodReq);
  if (cache.kind === "miss") {
    await storeStageCache(cache.plan, reply);
    if (cache.plan.warning) reply.headers.Warning = cache.plan.warning;
  }
  for (const [k, v] of Object.entries(admitted.headers)) reply.headers[k] = v;
  return reply;
}

export async function handleGateway(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const requestId = randomUUID();
  const apigwId = apigwRequestId();
  const ids: Ids = { requestId, apigwId };
  const started = new Date();
  const url = req.url ?? "/";
  const qi = url.indexOf("?");
  const rawPath = (qi < 0 ? url : url.slice(0, qi)).slice(GATEWAY_PREFIX.length);
  const rawQuery = qi < 0 ? "" : url.slice(qi + 1);
  const [apiId = "", stageName = "", ...rest] = rawPath.split("/");
  let stage: DeployedStage | null = null;
  try {
    stage = apiId && stageName ? await loadDeployedStage(apiId, decodeURIComponent(stageName)) : null;
    if (!stage) {
      if (await handleHttpApi(req, res, apiId, [stageName, ...rest], rawQuery)) return;
      drain(req);
      return write(res, gatewayResponse(null, "FORBIDDEN", "Forbidden", null, {}, 403), ids);
    }
    const doc = stage.snapshot.doc;
    let body: Buffer;
    try {
      body = await readBody(req, MAX_PAYLOAD_BYTES);
    } catch (e) {
      if (isAppError(e) && e.code === "too_large")
        return write(res, gatewayResponse(doc, "REQUEST_TOO_LARGE", "Request Too Long", null), ids);
      throw e;
    }
    let segments: string[];
    try {
      segments = rest.map((s) => decodeURIComponent(s));
    } catch {
      return write(
        res,
        gatewayResponse(doc, "MISSING_AUTHENTICATION_TOKEN", "Missing Authentication Token", null),
        ids,
      );
    }
    if (segments.length === 1 && segments[0] === "") segments = [];
    if (segments.length > 1 && segments[segments.length - 1] === "") segments.pop();
    const { headers, multi: multiHeaders } = readHeaders(req);
    const reply = await serveRequest(
      stage,
      {
        httpMethod: (req.method ?? "GET").toUpperCase(),
        segments,
        rawQuery,
        headers,
        multiHeaders,
        body,
        sourceIp: req.socket.remoteAddress ?? null,
        httpVersion: req.httpVersion,
        baseUrl: publicBaseUrl(req),
        started,
        req,
      },
      ids,
    );
    write(res, reply, ids);
  } catch (e) {
    logger.error({ err: e, apiId }, "gateway request failed");
    if (res.headersSent) return void res.destroy();
    write(
      res,
      gatewayResponse(stage?.snapshot.doc ?? null, "DEFAULT_5XX", "Internal server error", null, {}, 500),
      ids,
    );
  }
}
