import * as ws from "../../../domains/apis/ws/ws-api.service";
import * as parts from "../../../domains/apis/ws/ws-resources.service";
import type { Wire } from "../../../domains/apis/ws/ws-api.service";
import type { AwsAction, AwsCall, AwsReply, RestJsonRoute } from "../types";

// The control plane of WebSocket APIs on API Gateway v2's paths (/v2/apis/...), as
// @aws-sdk/client-apigatewayv2 sends them: APIs with protocolType WEBSOCKET, routes, integrations,
// route responses, integration responses, authorizers, stages and deployments. A thin door: the
// checks and changes are the domain's (ws-api.service.ts, ws-resources.service.ts); this file maps
// paths to them and renders their wire shapes. Members are apigatewayv2's camelCase JSON; dates
// ISO 8601.
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
const api = (c: AwsCall) => p(c, "apiId");
const items = (list: Wire[]) => ({ items: list });

/** The wire action name (the service keys these actions as `ws:<Action>`: v1 has the same names). */
const wireAction = (c: AwsCall) => c.action.replace(/^(?:ws:|V2\.)/, "");

type Def = [action: string, method: string, path: string, fn: AwsAction];

const A = "/v2/apis/{apiId}";
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
  ["GetApi", "GET", A, async (c) => reply(200, ws.apiWire(await ws.getWsApi(caller(c), api(c)), c.ctx.baseUrl))],
  [
    "UpdateApi",
    "PATCH",
    A,
    async (c) => reply(200, ws.apiWire(await parts.updateWsApi(caller(c), api(c), body(c)), c.ctx.baseUrl)),
  ],
  [
    "DeleteApi",
    "DELETE",
    A,
    async (c) => {
      await ws.deleteWsApi(caller(c), api(c));
      return noContent();
    },
  ],
  // Routes and route responses (two-way routes).
  ["CreateRoute", "POST", `${A}/routes`, async (c) => reply(201, await parts.createRoute(caller(c), api(c), body(c)))],
  ["GetRoutes", "GET", `${A}/routes`, async (c) => reply(200, items(await parts.getRoutes(caller(c), api(c))))],
  [
    "GetRoute",
    "GET",
    `${A}/routes/{routeId}`,
    async (c) => reply(200, await parts.getRoute(caller(c), api(c), p(c, "routeId"))),
  ],
  [
    "UpdateRoute",
    "PATCH",
    `${A}/routes/{routeId}`,
    async (c) => reply(200, await parts.updateRoute(caller(c), api(c), p(c, "routeId"), body(c))),
  ],
  [
    "DeleteRoute",
    "DELETE",
    `${A}/routes/{routeId}`,
    async (c) => {
      await parts.deleteRoute(caller(c), api(c), p(c, "routeId"));
      return noContent();
    },
  ],
  [
    "CreateRouteResponse",
    "POST",
    `${A}/routes/{routeId}/routeresponses`,
    async (c) => reply(201, await parts.createRouteResponse(caller(c), api(c), p(c, "routeId"), body(c))),
  ],
  [
    "GetRouteResponses",
    "GET",
    `${A}/routes/{routeId}/routeresponses`,
    async (c) => reply(200, items(await parts.getRouteResponses(caller(c), api(c), p(c, "routeId")))),
  ],
  [
    "DeleteRouteResponse",
    "DELETE",
    `${A}/routes/{routeId}/routeresponses/{routeResponseId}`,
    async (c) => {
      await parts.deleteRouteResponse(caller(c), api(c), p(c, "routeId"), p(c, "routeResponseId"));
      return noContent();
    },
  ],
  // Integrations and integration responses.
  [
    "CreateIntegration",
    "POST",
    `${A}/integrations`,
    async (c) => reply(201, await parts.createIntegration(caller(c), api(c), body(c))),
  ],
  [
    "GetIntegrations",
    "GET",
    `${A}/integrations`,
    async (c) => reply(200, items(await parts.getIntegrations(caller(c), api(c)))),
  ],
  [
    "GetIntegration",
    "GET",
    `${A}/integrations/{integrationId}`,
    async (c) => reply(200, await parts.getIntegration(caller(c), api(c), p(c, "integrationId"))),
  ],
  [
    "UpdateIntegration",
    "PATCH",
    `${A}/integrations/{integrationId}`,
    async (c) => reply(200, await parts.updateIntegration(caller(c), api(c), p(c, "integrationId"), body(c))),
  ],
  [
    "DeleteIntegration",
    "DELETE",
    `${A}/integrations/{integrationId}`,
    async (c) => {
      await parts.deleteIntegration(caller(c), api(c), p(c, "integrationId"));
      return noContent();
    },
  ],
  [
    "CreateIntegrationResponse",
    "POST",
    `${A}/integrations/{integrationId}/integrationresponses`,
    async (c) => reply(201, await parts.createIntegrationResponse(caller(c), api(c), p(c, "integrationId"), body(c))),
  ],
  [
    "GetIntegrationResponses",
    "GET",
    `${A}/integrations/{integrationId}/integrationresponses`,
    async (c) => reply(200, items(await parts.getIntegrationResponses(caller(c), api(c), p(c, "integrationId")))),
  ],
  [
    "DeleteIntegrationResponse",
    "DELETE",
    `${A}/integrations/{integrationId}/integrationresponses/{integrationResponseId}`,
    async (c) => {
      await parts.deleteIntegrationResponse(caller(c), api(c), p(c, "integrationId"), p(c, "integrationResponseId"));
      return noContent();
    },
  ],
  // Authorizers (REQUEST: a Lambda function decides on $connect).
  [
    "CreateAuthorizer",
    "POST",
    `${A}/authorizers`,
    async (c) => reply(201, await parts.createAuthorizer(caller(c), api(c), body(c))),
  ],
  [
    "GetAuthorizers",
    "GET",
    `${A}/authorizers`,
    async (c) => reply(200, items(await parts.getAuthorizers(caller(c), api(c)))),
  ],
  [
    "GetAuthorizer",
    "GET",
    `${A}/authorizers/{authorizerId}`,
    async (c) => reply(200, await parts.getAuthorizer(caller(c), api(c), p(c, "authorizerId"))),
  ],
  [
    "UpdateAuthorizer",
    "PATCH",
    `${A}/authorizers/{authorizerId}`,
    async (c) => reply(200, await parts.updateAuthorizer(caller(c), api(c), p(c, "authorizerId"), body(c))),
  ],
  [
    "DeleteAuthorizer",
    "DELETE",
    `${A}/authorizers/{authorizerId}`,
    async (c) => {
      await parts.deleteAuthorizer(caller(c), api(c), p(c, "authorizerId"));
      return noContent();
    },
  ],
  // Deployments and stages.
  [
    "CreateDeployment",
    "POST",
    `${A}/deployments`,
    async (c) => reply(201, await parts.createDeployment(caller(c), api(c), body(c))),
  ],
  [
    "GetDeployments",
    "GET",
    `${A}/deployments`,
    async (c) => reply(200, items(await parts.getDeployments(caller(c), api(c)))),
  ],
  ["CreateStage", "POST", `${A}/stages`, async (c) => reply(201, await parts.createStage(caller(c), api(c), body(c)))],
  ["GetStages", "GET", `${A}/stages`, async (c) => reply(200, items(await parts.getStages(caller(c), api(c))))],
  [
    "GetStage",
    "GET",
    `${A}/stages/{stageName}`,
    async (c) => reply(200, await parts.getStage(caller(c), api(c), p(c, "stageName"))),
  ],
  [
    "UpdateStage",
    "PATCH",
    `${A}/stages/{stageName}`,
    async (c) => reply(200, await parts.updateStage(caller(c), api(c), p(c, "stageName"), body(c))),
  ],
  [
    "DeleteStage",
    "DELETE",
    `${A}/stages/{stageName}`,
    async (c) => {
      await parts.deleteStage(caller(c), api(c), p(c, "stageName"));
      return noContent();
    },
  ],
  [
    "DeleteAccessLogSettings",
    "DELETE",
    `${A}/stages/{stageName}/accesslogsettings`,
    async (c) => {
      await parts.deleteAccessLogSettings(caller(c), api(c), p(c, "stageName"));
      return noContent();
    },
  ],
  [
    "DeleteRouteSettings",
    "DELETE",
    `${A}/stages/{stageName}/routesettings/{routeKey}`,
    async (c) => {
      await parts.deleteRouteSettings(caller(c), api(c), p(c, "stageName"), p(c, "routeKey"));
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
