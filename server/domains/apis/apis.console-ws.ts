import { assertCan, type Actor } from "../../auth/permissions";
import { AppError } from "../../core/errors";
import { onField, type ConsoleTenant } from "./apis.console";
import { baseUrlOf, consoleSaveStage, stageSettingsView, type StageSettingsInput } from "./apis.console-v2";
import { deliver, findConnection, listConnections } from "./ws/connections";
import * as ws from "./ws/ws-api.service";
import * as parts from "./ws/ws-resources.service";

// The APIs console's calls for WebSocket APIs (API Gateway v2, protocolType WEBSOCKET). The
// checks for routes, integrations, stages and deployments are the domain's (ws-resources.service.ts,
// shared with the AWS door), run here with the signed-in member as the actor; the Connections
// panel lists the registry's live connections and posts to / closes them through the
// @connections functions (connections.ts), which reach a connection held by any web process.

type Ctx = { actor: Actor; tenant: ConsoleTenant };
type Wire = Record<string, unknown>;
const caller = (c: Ctx) => ({ actor: c.actor, tenant: c.tenant });

export async function consoleCreateWsApi(
  c: Ctx,
  input: { name: string; description?: string; routeSelectionExpression: string },
) {
  const row = await onField(input.name ? "routeSelectionExpression" : "name", () =>
    ws.createWsApi(caller(c), {
      name: input.name,
      protocolType: "WEBSOCKET",
      routeSelectionExpression: input.routeSelectionExpression,
      description: input.description || undefined,
    }),
  );
  return { id: row.id, name: row.name };
}

export async function consoleDeleteWsApi(c: Ctx, apiId: string) {
  await ws.deleteWsApi(caller(c), apiId);
  return { deleted: true };
}

/** The WebSocket API page: the API, routes (with their integration and two-way flag), stages with URLs. */
export async function consoleWsApi(c: Ctx, apiId: string, origin: string | null) {
  const row = await ws.getWsApi(caller(c), apiId);
  const base = baseUrlOf(origin);
  const api = ws.apiWire(row, base);
  const doc = row.doc;
  const endpoint = String(api.apiEndpoint);
  const integrations = Object.values(doc.integrations).map((i) => ({
    integrationId: String(i.integrationId),
    integrationType: String(i.integrationType),
    integrationUri: (i.integrationUri as string | undefined) ?? null,
    integrationMethod: (i.integrationMethod as string | undefined) ?? null,
    timeoutInMillis: Number(i.timeoutInMillis ?? 29000),
    /** The `$default` integration response's template: what a two-way route sends back (MOCK, HTTP). */
    responseTemplate: defaultResponseTemplate(doc.integrationResponses[String(i.integrationId)]),
  }));
  const routes = Object.values(doc.routes)
    .map((r) => {
      const target = (r.target as string | undefined) ?? null;
      const integrationId = target?.replace(/^integrations\//, "") ?? null;
      return {
        routeId: String(r.routeId),
        routeKey: String(r.routeKey),
        integration: integrations.find((i) => i.integrationId === integrationId) ?? null,
        twoWay: !!r.routeResponseSelectionExpression,
        routeResponses: Object.values(doc.routeResponses[String(r.routeId)] ?? {}).map((rr) => ({
          routeResponseId: String(rr.routeResponseId),
          routeResponseKey: String(rr.routeResponseKey),
        })),
      };
    })
    .sort((a, b) => rank(a.routeKey) - rank(b.routeKey) || a.routeKey.localeCompare(b.routeKey));
  return {
    id: row.id,
    name: row.name,
    description: (api.description as string | undefined) ?? null,
    endpoint,
    createdDate: String(api.createdDate),
    routeSelectionExpression: doc.routeSelectionExpression,
    routes,
    stages: Object.values(doc.stages).map((s) => ({
      stageName: String(s.stageName),
      description: (s.description as string | undefined) ?? null,
      autoDeploy: s.autoDeploy === true,
      deploymentId: (s.deploymentId as string | undefined) ?? null,
      ...stageSettingsView(s),
      invokeUrl: `${endpoint}/${String(s.stageName)}`,
      connectionsUrl: `${base}/gw/${row.id}/${String(s.stageName)}/@connections`,
      lastUpdatedDate: String(s.lastUpdatedDate),
    })),
    deployments: Object.values(doc.deployments)
      .map((d) => ({
        id: String(d.wire.deploymentId),
        description: (d.wire.description as string | undefined) ?? null,
        autoDeployed: d.wire.autoDeployed === true,
        createdDate: String(d.wire.createdDate),
      }))
      .sort((a, b) => b.createdDate.localeCompare(a.createdDate)),
  };
}

function defaultResponseTemplate(responses: Record<string, Wire> | undefined): string | null {
  const r = Object.values(responses ?? {}).find((x) => x.integrationResponseKey === "$default");
  const t = r?.responseTemplates as Record<string, string> | undefined;
  return t ? (t.$default ?? Object.values(t)[0] ?? null) : null;
}

const rank = (k: string) => (k === "$connect" ? 0 : k === "$disconnect" ? 1 : k === "$default" ? 2 : 3);

export async function consoleUpdateWsApi(
  c: Ctx,
  input: { apiId: string; name: string; description: string; routeSelectionExpression: string },
) {
  await onField("routeSelectionExpression", () =>
    parts.updateWsApi(caller(c), input.apiId, {
      name: input.name,
      description: input.description,
      routeSelectionExpression: input.routeSelectionExpression,
    }),
  );
  return { saved: true };
}

export type WsRouteInput = {
  apiId: string;
  routeId?: string;
  routeKey: string;
  integration:
    | { type: "MOCK" }
    | { type: "HTTP_PROXY" | "HTTP"; uri: string; method: string; timeoutInMillis: number }
    | { type: "AWS_PROXY"; uri: string; timeoutInMillis: number }
    | null;
  twoWay: boolean;
  /**
   * A two-way route's answer for integrations that map one (MOCK, HTTP): the template of the
   * integration's `$default` integration response; empty: none; absent: left as it is.
   */
  responseTemplate?: string;
};

/**
 * A route with its integration, as the AWS console's route editor: the route's integration is
 * created (or updated in place when the route already has one), then the route is created or
 * updated to target it. A two-way route gets a `$default` route response and
 * routeResponseSelectionExpression `$default` (and, for MOCK and HTTP integrations, the `$default`
 * integration response with the template it answers with); a one-way route loses its route responses.
 */
export async function consoleSaveWsRoute(c: Ctx, input: WsRouteInput) {
  const { apiId } = input;
  const doc = (await ws.getWsApi(caller(c), apiId)).doc;
  const existing = input.routeId ? doc.routes[input.routeId] : undefined;
  if (input.routeId && !existing)
    throw new AppError("not_found", `Invalid Route identifier specified ${input.routeId}`);
  const currentTarget = (existing?.target as string | undefined)?.replace(/^integrations\//, "");
  let target: string | undefined;
  if (input.integration) {
    const i = input.integration;
    const body: Wire =
      i.type === "MOCK"
        ? { integrationType: "MOCK", requestTemplates: { $default: '{"statusCode": 200}' } }
        : {
            integrationType: i.type,
            integrationUri: i.uri,
            timeoutInMillis: i.timeoutInMillis,
            ...(i.type === "AWS_PROXY" ? {} : { integrationMethod: i.method }),
          };
    const out = await onField("integration", () =>
      currentTarget && doc.integrations[currentTarget]
        ? parts.updateIntegration(caller(c), apiId, currentTarget, body)
        : parts.createIntegration(caller(c), apiId, body),
    );
    target = `integrations/${String(out.integrationId)}`;
  }
  const routeBody: Wire = {
    routeKey: input.routeKey,
    ...(target ? { target } : {}),
    routeResponseSelectionExpression: input.twoWay ? "$default" : "",
  };
  const route = await onField("routeKey", () =>
    existing
      ? parts.updateRoute(caller(c), apiId, input.routeId!, routeBody)
      : parts.createRoute(caller(c), apiId, routeBody),
  );
  const routeId = String(route.routeId);
  const responses = await parts.getRouteResponses(caller(c), apiId, routeId);
  if (input.twoWay && !responses.length)
    await parts.createRouteResponse(caller(c), apiId, routeId, { routeResponseKey: "$default" });
  if (!input.twoWay)
    for (const r of responses) await parts.deleteRouteResponse(caller(c), apiId, routeId, String(r.routeResponseId));
  const integrationId = target?.replace(/^integrations\//, "");
  const mapped = input.integration?.type === "MOCK" || input.integration?.type === "HTTP";
  if (integrationId && mapped && input.twoWay && input.responseTemplate !== undefined)
    await setDefaultResponseTemplate(c, apiId, integrationId, input.responseTemplate);
  return { routeId };
}

/** Replaces the integration's `$default` integration response with one answering `template` (none when empty). */
async function setDefaultResponseTemplate(c: Ctx, apiId: string, integrationId: string, template: string) {
  for (const r of await parts.getIntegrationResponses(caller(c), apiId, integrationId))
    if (r.integrationResponseKey === "$default")
      await parts.deleteIntegrationResponse(caller(c), apiId, integrationId, String(r.integrationResponseId));
  if (template.trim())
    await onField("responseTemplate", () =>
      parts.createIntegrationResponse(caller(c), apiId, integrationId, {
        integrationResponseKey: "$default",
        responseTemplates: { $default: template },
      }),
    );
}

export async function consoleDeleteWsRoute(c: Ctx, input: { apiId: string; routeId: string }) {
  const doc = (await ws.getWsApi(caller(c), input.apiId)).doc;
  const target = (doc.routes[input.routeId]?.target as string | undefined)?.replace(/^integrations\//, "");
  await parts.deleteRoute(caller(c), input.apiId, input.routeId);
  // The integration made for this route goes too, unless another route still targets it.
  const after = (await ws.getWsApi(caller(c), input.apiId)).doc;
  if (target && !Object.values(after.routes).some((r) => r.target === `integrations/${target}`))
    await parts.deleteIntegration(caller(c), input.apiId, target);
  return { deleted: true };
}

/**
 * CreateStage / UpdateStage of a WebSocket API's stage through the console's stage service (the
 * same as HTTP APIs': default and per-route throttling, access logging, stage variables).
 */
export async function consoleSaveWsStage(c: Ctx, input: StageSettingsInput) {
  await consoleSaveStage(c, input, parts);
  if (input.create) {
    const doc = (await ws.getWsApi(caller(c), input.apiId)).doc;
    // A new stage without auto-deploy serves nothing until deployed: deploy it when there are routes.
    if (!doc.stages[input.stageName]?.deploymentId && Object.keys(doc.routes).length)
      await parts.createDeployment(caller(c), input.apiId, { stageName: input.stageName });
  }
  return { saved: true };
}

export async function consoleDeleteWsStage(c: Ctx, input: { apiId: string; stageName: string }) {
  await parts.deleteStage(caller(c), input.apiId, input.stageName);
  return { deleted: true };
}

export async function consoleDeployWs(c: Ctx, input: { apiId: string; stageName: string; description?: string }) {
  const out = await onField("stageName", () =>
    parts.createDeployment(caller(c), input.apiId, {
      stageName: input.stageName,
      ...(input.description ? { description: input.description } : {}),
    }),
  );
  return { id: String(out.deploymentId) };
}

/** The API's live connections (every stage), newest first. */
export async function consoleWsConnections(c: Ctx, apiId: string) {
  await ws.getWsApi(caller(c), apiId); // read access and the API's existence in this tenant
  return (await listConnections(c.tenant.id, apiId)).map((x) => ({
    id: x.id,
    stage: x.stage,
    connectedAt: x.connectedAt.toISOString(),
    lastActiveAt: x.lastActiveAt.toISOString(),
    sourceIp: x.identity.sourceIp ?? null,
    userAgent: x.identity.userAgent ?? null,
  }));
}

async function connectionOf(c: Ctx, input: { apiId: string; stage: string; connectionId: string }) {
  assertCan(c.actor.role, "resource:write");
  await ws.getWsApi(caller(c), input.apiId);
  const conn = await findConnection(input.apiId, input.stage, input.connectionId);
  if (!conn || conn.tenantId !== c.tenant.id)
    throw new AppError("not_found", "The connection is gone (closed, or its server stopped).", {
      awsCode: "GoneException",
      awsStatus: 410,
    });
  return conn;
}

/** POST @connections/<id>: sends the message to the client, wherever its connection is held. */
export async function consoleWsSend(
  c: Ctx,
  input: { apiId: string; stage: string; connectionId: string; data: string },
) {
  const conn = await connectionOf(c, input);
  await deliver(conn, "send", Buffer.from(input.data, "utf8"));
  return { sent: true };
}

/** DELETE @connections/<id>: closes the client's connection. */
export async function consoleWsDisconnect(c: Ctx, input: { apiId: string; stage: string; connectionId: string }) {
  const conn = await connectionOf(c, input);
  await deliver(conn, "close");
  return { disconnected: true };
}
