import * as ws from "../../../domains/apis/ws/ws-api.service";
import type { Wire, WsDoc } from "../../../domains/apis/ws/ws-api.service";
import type { AwsAction, AwsCall, AwsReply, RestJsonRoute } from "../types";

// The control plane of WebSocket APIs on API Gateway v2's paths (/v2/apis/...), as
// @aws-sdk/client-apigatewayv2 sends them: APIs with protocolType WEBSOCKET, routes, integrations,
// route responses, integration responses, stages and deployments. Members are apigatewayv2's
// camelCase JSON; dates ISO 8601.
//
// The HTTP API control plane (api-v2) serves the same paths. The split: these actions handle a call
// when `ownsWsCall(call)` says so (CreateApi with protocolType WEBSOCKET, or any call on an API id
// that is a WebSocket API); GetApis lists `wsApiItems(call)` after the HTTP APIs. Until the two are
// merged, the apigateway service spreads these routes directly.

const JSON_CT = "application/json";
const reply = (status: number, body: unknown): AwsReply => ({
  status,
  headers: { "content-type": JSON_CT },
  body: JSON.stringify(body),
});
const noContent = (): AwsReply => ({ status: 204, headers: {}, body: "" });
const caller = (c: AwsCall) => ({ tenant: c.ctx.tenant, actor: c.ctx.actor });
const p = (c: AwsCall, n: string) => c.pathParams?.[n] ?? "";
const body = (c: AwsCall): Wire => (c.json ?? {}) as Wire;

const INTEGRATION_TYPES = new Set(["AWS", "AWS_PROXY", "HTTP", "HTTP_PROXY", "MOCK"]);
const ROUTE_KEY_RE = /^(\$connect|\$disconnect|\$default|[^$\s][^\s]{0,127})$/;

function pick(input: Wire, keys: readonly string[]): Wire {
  const out: Wire = {};
  for (const k of keys) if (input[k] !== undefined) out[k] = input[k];
  return out;
}

const ROUTE_KEYS = [
  "apiKeyRequired",
  "authorizationScopes",
  "authorizationType",
  "authorizerId",
  "modelSelectionExpression",
  "operationName",
  "requestModels",
  "requestParameters",
  "routeKey",
  "routeResponseSelectionExpression",
  "target",
] as const;
const INTEGRATION_KEYS = [
  "connectionId",
  "connectionType",
  "contentHandlingStrategy",
  "credentialsArn",
  "description",
  "integrationMethod",
  "integrationType",
  "integrationUri",
  "passthroughBehavior",
  "payloadFormatVersion",
  "requestParameters",
  "requestTemplates",
  "templateSelectionExpression",
  "timeoutInMillis",
] as const;
const STAGE_KEYS = [
  "accessLogSettings",
  "autoDeploy",
  "clientCertificateId",
  "defaultRouteSettings",
  "deploymentId",
  "description",
  "routeSettings",
  "stageVariables",
  "tags",
] as const;

function checkTarget(doc: WsDoc, target: unknown) {
  if (target === undefined) return;
  const m = typeof target === "string" ? /^integrations\/([a-z0-9]+)$/.exec(target) : null;
  if (!m || !doc.integrations[m[1]!]) throw ws.badRequest(`Invalid target: ${String(target)}`);
}

const AUTHORIZER_KEYS = [
  "authorizerCredentialsArn",
  "authorizerType",
  "authorizerUri",
  "identitySource",
  "identityValidationExpression",
  "name",
] as const;
const IDENTITY_SOURCE_RE =
  /^(?:route\.request\.(?:header|querystring)\.[^\s,]+|stageVariables\.[^\s,]+|context\.[^\s,]+)$/;

/** A WebSocket API's authorizer: REQUEST (a Lambda function) only, as API Gateway allows. */
function checkAuthorizer(a: Wire) {
  if (typeof a.name !== "string" || !a.name.length || a.name.length > 128)
    throw ws.badRequest("Invalid request input: name must be 1 to 128 characters");
  if (a.authorizerType !== "REQUEST")
    throw ws.badRequest(
      a.authorizerType === "JWT"
        ? "JWT authorizers are only supported for HTTP APIs"
        : `Invalid authorizer type: ${String(a.authorizerType)}`,
    );
  if (typeof a.authorizerUri !== "string" || !/^arn:aws:apigateway:[^:]+:lambda:path\//.test(a.authorizerUri))
    throw ws.badRequest("AuthorizerUri must be a Lambda function invocation URI");
  if (a.identitySource !== undefined) {
    const list = a.identitySource;
    if (!Array.isArray(list) || list.some((x) => typeof x !== "string" || !IDENTITY_SOURCE_RE.test(x)))
      throw ws.badRequest(
        "Invalid identity source: expected route.request.header.<name>, route.request.querystring.<name>, stageVariables.<name> or context.<name>",
      );
  }
}

function authorizer(doc: WsDoc, id: string): Wire {
  const a = doc.authorizers?.[id];
  if (!a) throw ws.notFound(`Invalid Authorizer identifier specified ${id}`);
  return a;
}

/** Authorization is on $connect only, and CUSTOM needs an authorizer of this API. */
function checkRouteAuth(doc: WsDoc, r: Wire) {
  const type = r.authorizationType ?? "NONE";
  if (!["NONE", "AWS_IAM", "CUSTOM"].includes(String(type)))
    throw ws.badRequest(`Invalid authorization type: ${String(type)}`);
  if (type !== "NONE" && r.routeKey !== "$connect")
    throw ws.badRequest("Currently, authorization is restricted to the $connect route only");
  if (type === "CUSTOM") {
    if (typeof r.authorizerId !== "string") throw ws.badRequest("AuthorizerId is required for CUSTOM authorization");
    authorizer(doc, r.authorizerId);
  }
}

function checkRouteKey(doc: WsDoc, key: unknown, except?: string) {
  if (typeof key !== "string" || !ROUTE_KEY_RE.test(key)) throw ws.badRequest(`Invalid route key: ${String(key)}`);
  for (const r of Object.values(doc.routes))
    if (r.routeKey === key && r.routeId !== except)
      throw ws.conflict(`Route with key ${key} already exists for this API`);
}

function checkIntegration(i: Wire) {
  if (typeof i.integrationType !== "string" || !INTEGRATION_TYPES.has(i.integrationType))
    throw ws.badRequest(`Invalid integration type: ${String(i.integrationType)}`);
  if (i.integrationType !== "MOCK" && typeof i.integrationUri !== "string")
    throw ws.badRequest("IntegrationUri is required for this integration type");
  if (i.timeoutInMillis !== undefined) {
    const t = Number(i.timeoutInMillis);
    if (!Number.isInteger(t) || t < 50 || t > 29_000)
      throw ws.badRequest("Timeout must be between 50 milliseconds and 29 seconds.");
  }
}

function route(doc: WsDoc, id: string): Wire {
  const r = doc.routes[id];
  if (!r) throw ws.notFound(`Invalid Route identifier specified ${id}`);
  return r;
}
function integration(doc: WsDoc, id: string): Wire {
  const i = doc.integrations[id];
  if (!i) throw ws.notFound(`Invalid Integration identifier specified ${id}`);
  return i;
}
function stage(doc: WsDoc, name: string): Wire {
  const s = doc.stages[name];
  if (!s) throw ws.notFound(`Invalid stage identifier specified`);
  return s;
}
const items = (o: Record<string, Wire>) => ({ items: Object.values(o) });

/** The wire action name (the service keys these actions as `ws:<Action>`: v1 has the same names). */
const wireAction = (c: AwsCall) => c.action.replace(/^(?:ws:|V2\.)/, "");
const mutate = <T>(c: AwsCall, fn: (doc: WsDoc) => T) => ws.mutateWsApi(caller(c), p(c, "apiId"), wireAction(c), fn);
const read = async (c: AwsCall) => (await ws.getWsApi(caller(c), p(c, "apiId"))).doc;

type Def = [action: string, method: string, path: string, fn: AwsAction];

const DEFS: Def[] = [
  [
    "CreateApi",
    "POST",
    "/v2/apis",
    async (c) => {
      const b = body(c);
      if (b.protocolType !== "WEBSOCKET") throw ws.badRequest("Only protocolType WEBSOCKET is served here");
      return reply(201, ws.apiWire(await ws.createWsApi(caller(c), b), c.ctx.baseUrl));
    },
  ],
  ["GetApis", "GET", "/v2/apis", async (c) => reply(200, { items: await wsApiItems(c) })],
  [
    "GetApi",
    "GET",
    "/v2/apis/{apiId}",
    async (c) => reply(200, ws.apiWire(await ws.getWsApi(caller(c), p(c, "apiId")), c.ctx.baseUrl)),
  ],
  [
    "UpdateApi",
    "PATCH",
    "/v2/apis/{apiId}",
    async (c) => {
      const b = body(c);
      await mutate(c, (doc) => {
        if (b.routeSelectionExpression !== undefined)
          doc.routeSelectionExpression = doc.api.routeSelectionExpression = ws.checkSelection(
            b.routeSelectionExpression,
          );
        Object.assign(
          doc.api,
          pick(b, ["apiKeySelectionExpression", "description", "disableExecuteApiEndpoint", "version", "name"]),
        );
      });
      return reply(200, ws.apiWire(await ws.getWsApi(caller(c), p(c, "apiId")), c.ctx.baseUrl));
    },
  ],
  [
    "DeleteApi",
    "DELETE",
    "/v2/apis/{apiId}",
    async (c) => {
      await ws.deleteWsApi(caller(c), p(c, "apiId"));
      return noContent();
    },
  ],
  // Routes.
  [
    "CreateRoute",
    "POST",
    "/v2/apis/{apiId}/routes",
    async (c) => {
      const b = body(c);
      return reply(
        201,
        await mutate(c, (doc) => {
          checkRouteKey(doc, b.routeKey);
          checkTarget(doc, b.target);
          const routeId = ws.newResourceId();
          const r: Wire = {
            apiKeyRequired: false,
            authorizationType: "NONE",
            ...pick(b, ROUTE_KEYS),
            routeId,
          };
          checkRouteAuth(doc, r);
          doc.routes[routeId] = r;
          return r;
        }),
      );
    },
  ],
  ["GetRoutes", "GET", "/v2/apis/{apiId}/routes", async (c) => reply(200, items((await read(c)).routes))],
  [
    "GetRoute",
    "GET",
    "/v2/apis/{apiId}/routes/{routeId}",
    async (c) => reply(200, route(await read(c), p(c, "routeId"))),
  ],
  [
    "UpdateRoute",
    "PATCH",
    "/v2/apis/{apiId}/routes/{routeId}",
    async (c) => {
      const b = body(c);
      return reply(
        200,
        await mutate(c, (doc) => {
          const r = route(doc, p(c, "routeId"));
          if (b.routeKey !== undefined) checkRouteKey(doc, b.routeKey, r.routeId as string);
          checkTarget(doc, b.target);
          const next = { ...r, ...pick(b, ROUTE_KEYS) };
          if (next.authorizationType !== "CUSTOM") delete next.authorizerId;
          checkRouteAuth(doc, next);
          for (const k of Object.keys(r)) delete r[k];
          return Object.assign(r, next);
        }),
      );
    },
  ],
  [
    "DeleteRoute",
    "DELETE",
    "/v2/apis/{apiId}/routes/{routeId}",
    async (c) => {
      await mutate(c, (doc) => {
        route(doc, p(c, "routeId"));
        delete doc.routes[p(c, "routeId")];
        delete doc.routeResponses[p(c, "routeId")];
      });
      return noContent();
    },
  ],
  // Route responses (two-way routes).
  [
    "CreateRouteResponse",
    "POST",
    "/v2/apis/{apiId}/routes/{routeId}/routeresponses",
    async (c) => {
      const b = body(c);
      return reply(
        201,
        await mutate(c, (doc) => {
          route(doc, p(c, "routeId"));
          if (typeof b.routeResponseKey !== "string") throw ws.badRequest("RouteResponseKey is required");
          const id = ws.newResourceId();
          const rr: Wire = {
            ...pick(b, ["modelSelectionExpression", "responseModels", "responseParameters", "routeResponseKey"]),
            routeResponseId: id,
          };
          (doc.routeResponses[p(c, "routeId")] ??= {})[id] = rr;
          return rr;
        }),
      );
    },
  ],
  [
    "GetRouteResponses",
    "GET",
    "/v2/apis/{apiId}/routes/{routeId}/routeresponses",
    async (c) => {
      const doc = await read(c);
      route(doc, p(c, "routeId"));
      return reply(200, items(doc.routeResponses[p(c, "routeId")] ?? {}));
    },
  ],
  // Integrations.
  [
    "CreateIntegration",
    "POST",
    "/v2/apis/{apiId}/integrations",
    async (c) => {
      const b = body(c);
      checkIntegration(b);
      return reply(
        201,
        await mutate(c, (doc) => {
          const integrationId = ws.newResourceId();
          const i: Wire = {
            connectionType: "INTERNET",
            passthroughBehavior: "WHEN_NO_MATCH",
            timeoutInMillis: 29_000,
            ...pick(b, INTEGRATION_KEYS),
            ...(b.integrationType === "AWS_PROXY" || b.integrationType === "HTTP_PROXY"
              ? {}
              : { integrationResponseSelectionExpression: "${integration.response.statuscode}" }),
            integrationId,
          };
          if (b.integrationType === "HTTP_PROXY" || b.integrationType === "HTTP") i.integrationMethod ??= "POST";
          doc.integrations[integrationId] = i;
          return i;
        }),
      );
    },
  ],
  [
    "GetIntegrations",
    "GET",
    "/v2/apis/{apiId}/integrations",
    async (c) => reply(200, items((await read(c)).integrations)),
  ],
  [
    "GetIntegration",
    "GET",
    "/v2/apis/{apiId}/integrations/{integrationId}",
    async (c) => reply(200, integration(await read(c), p(c, "integrationId"))),
  ],
  [
    "UpdateIntegration",
    "PATCH",
    "/v2/apis/{apiId}/integrations/{integrationId}",
    async (c) => {
      const b = body(c);
      return reply(
        200,
        await mutate(c, (doc) => {
          const i = integration(doc, p(c, "integrationId"));
          const next = { ...i, ...pick(b, INTEGRATION_KEYS) };
          checkIntegration(next);
          return Object.assign(i, next);
        }),
      );
    },
  ],
  [
    "DeleteIntegration",
    "DELETE",
    "/v2/apis/{apiId}/integrations/{integrationId}",
    async (c) => {
      await mutate(c, (doc) => {
        const id = p(c, "integrationId");
        integration(doc, id);
        if (Object.values(doc.routes).some((r) => r.target === `integrations/${id}`))
          throw ws.conflict(`Integration ${id} is used as target of a route`);
        delete doc.integrations[id];
        delete doc.integrationResponses[id];
      });
      return noContent();
    },
  ],
  [
    "CreateIntegrationResponse",
    "POST",
    "/v2/apis/{apiId}/integrations/{integrationId}/integrationresponses",
    async (c) => {
      const b = body(c);
      return reply(
        201,
        await mutate(c, (doc) => {
          integration(doc, p(c, "integrationId"));
          if (typeof b.integrationResponseKey !== "string") throw ws.badRequest("IntegrationResponseKey is required");
          const id = ws.newResourceId();
          const ir: Wire = {
            ...pick(b, [
              "contentHandlingStrategy",
              "integrationResponseKey",
              "responseParameters",
              "responseTemplates",
              "templateSelectionExpression",
            ]),
            integrationResponseId: id,
          };
          (doc.integrationResponses[p(c, "integrationId")] ??= {})[id] = ir;
          return ir;
        }),
      );
    },
  ],
  [
    "GetIntegrationResponses",
    "GET",
    "/v2/apis/{apiId}/integrations/{integrationId}/integrationresponses",
    async (c) => {
      const doc = await read(c);
      integration(doc, p(c, "integrationId"));
      return reply(200, items(doc.integrationResponses[p(c, "integrationId")] ?? {}));
    },
  ],
  // Authorizers (REQUEST: a Lambda function decides on $connect).
  [
    "CreateAuthorizer",
    "POST",
    "/v2/apis/{apiId}/authorizers",
    async (c) => {
      const b = body(c);
      checkAuthorizer(b);
      return reply(
        201,
        await mutate(c, (doc) => {
          const authorizerId = ws.newResourceId();
          const a: Wire = { ...pick(b, AUTHORIZER_KEYS), authorizerId };
          (doc.authorizers ??= {})[authorizerId] = a;
          return a;
        }),
      );
    },
  ],
  [
    "GetAuthorizers",
    "GET",
    "/v2/apis/{apiId}/authorizers",
    async (c) => reply(200, items((await read(c)).authorizers ?? {})),
  ],
  [
    "GetAuthorizer",
    "GET",
    "/v2/apis/{apiId}/authorizers/{authorizerId}",
    async (c) => reply(200, authorizer(await read(c), p(c, "authorizerId"))),
  ],
  [
    "UpdateAuthorizer",
    "PATCH",
    "/v2/apis/{apiId}/authorizers/{authorizerId}",
    async (c) => {
      const b = body(c);
      return reply(
        200,
        await mutate(c, (doc) => {
          const a = authorizer(doc, p(c, "authorizerId"));
          const next = { ...a, ...pick(b, AUTHORIZER_KEYS) };
          checkAuthorizer(next);
          return Object.assign(a, next);
        }),
      );
    },
  ],
  [
    "DeleteAuthorizer",
    "DELETE",
    "/v2/apis/{apiId}/authorizers/{authorizerId}",
    async (c) => {
      await mutate(c, (doc) => {
        const id = p(c, "authorizerId");
        authorizer(doc, id);
        if (Object.values(doc.routes).some((r) => r.authorizerId === id))
          throw ws.conflict(`Authorizer ${id} is used by a route`);
        delete doc.authorizers![id];
      });
      return noContent();
    },
  ],
  // Deployments and stages.
  [
    "CreateDeployment",
    "POST",
    "/v2/apis/{apiId}/deployments",
    async (c) => {
      const b = body(c);
      return reply(
        201,
        await mutate(c, (doc) => {
          if (!Object.keys(doc.routes).length)
            throw ws.badRequest("At least one route is required before deploying the Api.");
          const id = ws.newResourceId();
          const wire: Wire = {
            autoDeployed: false,
            createdDate: ws.iso(),
            deploymentId: id,
            deploymentStatus: "DEPLOYED",
            ...(b.description !== undefined ? { description: b.description } : {}),
          };
          doc.deployments[id] = { wire, snapshot: ws.snapshotOf(doc) };
          if (typeof b.stageName === "string") {
            const s = stage(doc, b.stageName);
            s.deploymentId = id;
            s.lastUpdatedDate = ws.iso();
          }
          return wire;
        }),
      );
    },
  ],
  [
    "GetDeployments",
    "GET",
    "/v2/apis/{apiId}/deployments",
    async (c) => reply(200, { items: Object.values((await read(c)).deployments).map((d) => d.wire) }),
  ],
  [
    "CreateStage",
    "POST",
    "/v2/apis/{apiId}/stages",
    async (c) => {
      const b = body(c);
      const name = b.stageName;
      if (typeof name !== "string" || !/^[A-Za-z0-9_-]{1,128}$/.test(name))
        throw ws.badRequest("Stage name only allows a-zA-Z0-9_- and must be 1-128 characters");
      return reply(
        201,
        await mutate(c, (doc) => {
          if (doc.stages[name]) throw ws.conflict(`Stage ${name} already exists`);
          if (typeof b.deploymentId === "string" && !doc.deployments[b.deploymentId])
            throw ws.badRequest(`Invalid deployment identifier specified ${b.deploymentId}`);
          const now = ws.iso();
          const s: Wire = {
            createdDate: now,
            defaultRouteSettings: { dataTraceEnabled: false, detailedMetricsEnabled: false, loggingLevel: "OFF" },
            lastUpdatedDate: now,
            routeSettings: {},
            stageVariables: {},
            tags: {},
            ...pick(b, STAGE_KEYS),
            stageName: name,
          };
          if (s.autoDeploy === true && Object.keys(doc.routes).length) {
            const id = ws.newResourceId();
            doc.deployments[id] = {
              wire: { autoDeployed: true, createdDate: now, deploymentId: id, deploymentStatus: "DEPLOYED" },
              snapshot: ws.snapshotOf(doc),
            };
            s.deploymentId = id;
          }
          doc.stages[name] = s;
          return s;
        }),
      );
    },
  ],
  ["GetStages", "GET", "/v2/apis/{apiId}/stages", async (c) => reply(200, items((await read(c)).stages))],
  [
    "GetStage",
    "GET",
    "/v2/apis/{apiId}/stages/{stageName}",
    async (c) => reply(200, stage(await read(c), p(c, "stageName"))),
  ],
  [
    "UpdateStage",
    "PATCH",
    "/v2/apis/{apiId}/stages/{stageName}",
    async (c) => {
      const b = body(c);
      return reply(
        200,
        await mutate(c, (doc) => {
          const s = stage(doc, p(c, "stageName"));
          if (typeof b.deploymentId === "string" && !doc.deployments[b.deploymentId])
            throw ws.badRequest(`Invalid deployment identifier specified ${b.deploymentId}`);
          return Object.assign(s, pick(b, STAGE_KEYS), { lastUpdatedDate: ws.iso() });
        }),
      );
    },
  ],
  [
    "DeleteStage",
    "DELETE",
    "/v2/apis/{apiId}/stages/{stageName}",
    async (c) => {
      await mutate(c, (doc) => {
        stage(doc, p(c, "stageName"));
        delete doc.stages[p(c, "stageName")];
      });
      return noContent();
    },
  ],
];

/** The WebSocket APIs of the caller's tenant as GetApis items (for the merged GetApis). */
export async function wsApiItems(c: AwsCall): Promise<Wire[]> {
  return (await ws.listWsApis(caller(c))).map((a) => ws.apiWire(a, c.ctx.baseUrl));
}

/** Whether a v2 call is for a WebSocket API (the merged dispatch sends it to `wsV2Actions`). */
export async function ownsWsCall(c: AwsCall): Promise<boolean> {
  if (wireAction(c) === "CreateApi") return (c.json as Wire | undefined)?.protocolType === "WEBSOCKET";
  const apiId = c.pathParams?.apiId;
  return !!apiId && (await ws.isWebSocketApi(c.ctx.tenant.id, apiId));
}

/**
 * Routes and actions keyed `ws:<Action>`: API Gateway v1 has actions of the same names
 * (CreateDeployment, CreateStage, GetStage, …) in the same service, so the wire names cannot be keys.
 */
export const wsV2Routes: RestJsonRoute[] = DEFS.map(([action, method, path]) => ({
  action: `ws:${action}`,
  method,
  path,
}));
export const wsV2Actions: [string, AwsAction][] = DEFS.map(([name, , , fn]) => [`ws:${name}`, fn]);
