import type http from "node:http";
import type { Duplex } from "node:stream";
import { STATUS_CODES } from "node:http";
import { randomBytes, randomUUID } from "node:crypto";
import { WebSocketServer, type WebSocket } from "ws";
import { logger } from "../../../logger";
import { isAppError } from "../../../core/errors";
import { can } from "../../../auth/permissions";
import { loadDeployedWsStage, type DeployedWsStage, type Wire } from "../../../domains/apis/ws/ws-api.service";
import {
  deliver,
  findConnection,
  onDeadConnection,
  registerConnection,
  startNode,
  stopNode,
  touchConnection,
  unregisterConnection,
  type ConnectionRow,
} from "../../../domains/apis/ws/connections";
import { admitApiRequest } from "../../../domains/apis/usage/admit";
import { routeThrottles, type RouteThrottleSettings } from "../../../core/apis/route-throttle";
import { authenticate } from "../../authenticate";
import { readBody } from "../../request";
import { runAuthorizer } from "../authorizer";
import { iamIdentity, notAuthorizedMessage } from "../iam-caller";
import { runWsIntegration } from "./ws-integrations";
import { routeByHost } from "../../../platform/execute-api";
import { recordApiRequest, recordWsMessageSent } from "../../../domains/apis/metrics/recorder";
import { accessLogLine } from "../../../core/apis/access-log";
import { requestTime } from "../../../core/apis/request-time";

// The data plane of WebSocket APIs: ws(s)://<host>/gw/<api id>/<stage>. The upgrade runs the
// $connect route's integration (a non-2xx answer refuses the handshake with that status); each
// message is routed by the API's routeSelectionExpression (else $default) to its route's
// integration with the Lambda WebSocket event, and a two-way route (routeResponseSelectionExpression
// set) sends the integration's answer back; $disconnect runs when the socket closes. The
// @connections management API (POST/GET/DELETE <stage endpoint>/@connections/<id>, SigV4 by the
// tenant's keys) reaches the connection in whichever web process holds it.
//
// $connect runs, in order: the route's authorization (AWS_IAM: a SigV4-signed upgrade by the API
// team's keys; CUSTOM: a REQUEST Lambda authorizer whose context every later event of the
// connection carries as requestContext.authorizer), then admission (API key when the route
// requires one, the usage plan's throttle and quota, the stage's and route's throttle: the shared
// limits of admitApiRequest), then the integration. Each message is admitted the same way with the
// key presented at $connect. A connection whose process died gets its $disconnect from the sweeper
// (connections.ts), run here through `onDeadConnection`.

const GW = "/gw/";
/** API Gateway's WebSocket frame limit (128 KB). */
const MAX_MESSAGE_BYTES = 128 * 1024;

/** API Gateway closes a connection idle for 10 minutes, and any connection after 2 hours. */
const idleMs = () => Number(process.env.SIGNALBOX_WS_IDLE_SECONDS ?? 600) * 1000;
const maxMs = () => Number(process.env.SIGNALBOX_WS_MAX_SECONDS ?? 7200) * 1000;

const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
const sockets = new Set<WebSocket>();
/** $disconnect runs in flight: a closing server waits for them. */
const pending = new Set<Promise<unknown>>();
const track = (p: Promise<unknown>) => {
  pending.add(p);
  void p.finally(() => pending.delete(p));
};
/** Waiters for every socket's close handler to have run (a closing server waits for them). */
const socketsGone: (() => void)[] = [];
const untrackSocket = (s: WebSocket) => {
  sockets.delete(s);
  if (sockets.size === 0) for (const w of socketsGone.splice(0)) w();
};
const allSocketsClosed = () => (sockets.size === 0 ? Promise.resolve() : new Promise<void>((r) => socketsGone.push(r)));

const apigwId = () => randomBytes(12).toString("base64").replace(/[+/=]/g, "").slice(0, 16);

type Conn = {
  id: string;
  stage: DeployedWsStage;
  connectedAt: Date;
  domainName: string;
  identity: { sourceIp: string; userAgent?: string } & Partial<ReturnType<typeof iamIdentity>>;
  /** The $connect authorizer's context: requestContext.authorizer of every later event. */
  authorizer?: Record<string, unknown>;
  /** The API key presented at $connect (messages to routes requiring a key count against it). */
  apiKey?: string;
};

function requestContext(c: Conn, routeKey: string, eventType: string, extra: Wire = {}): Wire {
  const now = new Date();
  return {
    routeKey,
    ...extra,
    eventType,
    extendedRequestId: apigwId(),
    requestTime: requestTime(now),
    messageDirection: "IN",
    stage: c.stage.stageName,
    connectedAt: c.connectedAt.getTime(),
    requestTimeEpoch: now.getTime(),
    identity: c.identity,
    ...(c.authorizer ? { authorizer: c.authorizer } : {}),
    requestId: apigwId(),
    domainName: c.domainName,
    connectionId: c.id,
    apiId: c.stage.api.id,
  };
}

function routeFor(stage: DeployedWsStage, key: string): Wire | undefined {
  return Object.values(stage.snapshot.routes).find((r) => r.routeKey === key);
}

function integrationOf(stage: DeployedWsStage, route: Wire): Wire | undefined {
  const m = typeof route.target === "string" ? /^integrations\/(.+)$/.exec(route.target) : null;
  return m ? stage.snapshot.integrations[m[1]!] : undefined;
}

/** The route key a message selects: the expression's value in the JSON body, else $default. */
export function selectRouteKey(expression: string, body: string): string | null {
  const m = /^\$\{?request\.body\.([^}]+)\}?$/.exec(expression);
  if (!m) return null;
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return null;
  }
  for (const k of m[1]!.split(".")) v = v && typeof v === "object" ? (v as Record<string, unknown>)[k] : undefined;
  return typeof v === "string" || typeof v === "number" || typeof v === "boolean" ? String(v) : null;
}

const stageVars = (s: DeployedWsStage) => (s.stage.stageVariables ?? {}) as Record<string, string>;

async function runRoute(c: Conn, route: Wire, event: Wire) {
  const integration = integrationOf(c.stage, route);
  if (!integration) return { ok: false as const, message: "Internal server error" };
  return runWsIntegration(
    c.stage.tenant,
    integration,
    event,
    stageVars(c.stage),
    c.stage.snapshot.integrationResponses[String(integration.integrationId)],
  );
}

/** The API key a request presents, per the API's apiKeySelectionExpression. */
function apiKeyOf(stage: DeployedWsStage, headers: http.IncomingHttpHeaders, authorizerKey?: string): string | null {
  const expr = String(stage.api.doc.api.apiKeySelectionExpression ?? "$request.header.x-api-key");
  if (expr === "$context.authorizer.usageIdentifierKey") return authorizerKey ?? null;
  const m = /^\$request\.header\.(.+)$/.exec(expr);
  const v = m ? headers[m[1]!.toLowerCase()] : undefined;
  return typeof v === "string" && v ? v : null;
}

/** Usage plan (when the route requires a key) and stage/route throttles, across web processes. */
async function admit(stage: DeployedWsStage, route: Wire, apiKey: string | null) {
  const key = String(route.routeKey);
  return admitApiRequest({
    tenantId: stage.tenant.id,
    restApiId: stage.api.id,
    stage: stage.stageName,
    resourcePath: `/${key}`,
    httpMethod: "MESSAGE",
    apiKeyRequired: route.apiKeyRequired === true,
    apiKeyValue: apiKey,
    ...routeThrottles(
      stage.stage.defaultRouteSettings as RouteThrottleSettings | undefined,
      (stage.stage.routeSettings as Record<string, RouteThrottleSettings> | undefined)?.[key],
    ),
  });
}

const region = () => process.env.SIGNALBOX_REGION ?? "us-east-1";

type ConnectAuth =
  | { ok: true; authorizer?: Record<string, unknown>; usageKey?: string }
  | { ok: false; status: number; message: string };

/** A REQUEST (Lambda) authorizer on $connect, through the REST gateway's runAuthorizer. */
async function authorizeConnect(
  conn: Conn,
  route: Wire,
  req: {
    headers: Record<string, string>;
    multi: Record<string, string[]>;
    query: Record<string, string>;
    multiQuery: Record<string, string[]>;
  },
): Promise<ConnectAuth> {
  const stage = conn.stage;
  const a = typeof route.authorizerId === "string" ? stage.snapshot.authorizers?.[route.authorizerId] : undefined;
  if (!a || a.authorizerType !== "REQUEST") return { ok: false, status: 500, message: "Internal server error" };
  const sources = (Array.isArray(a.identitySource) ? a.identitySource : [a.identitySource ?? ""])
    .map((x) =>
      String(x)
        .trim()
        .replace(/^\$?route\.request\./, "method.request.")
        .replace(/^\$/, ""),
    )
    .filter(Boolean);
  const methodArn = `arn:aws:execute-api:${region()}:${stage.tenant.accountId}:${stage.api.id}/${stage.stageName}/$connect`;
  const out = await runAuthorizer(
    stage.tenant,
    {
      id: `ws:${stage.api.id}:${String(a.authorizerId)}`,
      name: String(a.name ?? ""),
      type: "REQUEST",
      authorizerUri: String(a.authorizerUri ?? ""),
      identitySource: sources.join(","),
      authorizerResultTtlInSeconds: Number(a.authorizerResultTtlInSeconds ?? 0),
    },
    {
      httpMethod: "GET",
      path: "/",
      pathParams: {},
      query: req.query,
      multiQuery: req.multiQuery,
      headers: req.headers,
      multiHeaders: req.multi,
      body: Buffer.alloc(0),
      stageVariables: stageVars(stage),
      context: requestContext(conn, "$connect", "CONNECT"),
    },
    methodArn,
    "/",
  );
  if (out.ok)
    return {
      ok: true,
      authorizer: { ...out.context, principalId: out.principalId },
      ...(out.usageIdentifierKey ? { usageKey: out.usageIdentifierKey } : {}),
    };
  if (out.type === "UNAUTHORIZED") return { ok: false, status: 401, message: "Unauthorized" };
  if (out.type === "ACCESS_DENIED") return { ok: false, status: 403, message: "Forbidden" };
  return { ok: false, status: 500, message: "Internal server error" };
}

function refuse(socket: Duplex, status: number, message: string) {
  const body = JSON.stringify({ message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

async function onUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
  routeByHost(req);
  const url = new URL(req.url ?? "/", "http://x");
  if (!url.pathname.startsWith(GW)) return refuse(socket, 404, "Not Found");
  const [apiId = "", stageName = "", ...rest] = url.pathname.slice(GW.length).split("/");
  if (rest.some((s) => s !== "")) return refuse(socket, 403, "Forbidden");
  const stage = apiId && stageName ? await loadDeployedWsStage(apiId, decodeURIComponent(stageName)) : null;
  if (!stage) return refuse(socket, 403, "Forbidden");
  await startNode();

  const ua = req.headers["user-agent"];
  const conn: Conn = {
    id: randomBytes(11).toString("base64"),
    stage,
    connectedAt: new Date(),
    domainName: String(req.headers.host ?? "localhost"),
    identity: { sourceIp: req.socket.remoteAddress ?? "", ...(ua ? { userAgent: String(ua) } : {}) },
  };

  const headers: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (let i = 0; i < req.rawHeaders.length; i += 2) {
    const k = req.rawHeaders[i]!;
    headers[k] = req.rawHeaders[i + 1]!;
    (multi[k] ??= []).push(req.rawHeaders[i + 1]!);
  }
  const query: Record<string, string> = {};
  const multiQuery: Record<string, string[]> = {};
  for (const [k, v] of url.searchParams) {
    query[k] = v;
    (multiQuery[k] ??= []).push(v);
  }

  const connectRoute = routeFor(stage, "$connect");
  // ConnectCount and the errors of $connect (a refused handshake counts as an error of its kind).
  const connectStarted = Date.now();
  const connectRequestId = apigwId();
  let connectIntegrationMs: number | null = null;
  const recordConnect = (status: number, wsError?: WsError) =>
    recordWs(conn, "CONNECT", "$connect", connectRequestId, connectStarted, status, connectIntegrationMs, wsError);
  const deny = (status: number, message: string) => {
    recordConnect(status, status >= 500 ? "execution" : "client");
    refuse(socket, status, message);
  };
  // AWS_IAM on $connect: the upgrade request signed (usually presigned) by one of the API team's keys.
  if (connectRoute?.authorizationType === "AWS_IAM") {
    if (!req.headers.authorization && !url.searchParams.has("X-Amz-Signature"))
      return deny(403, "Missing Authentication Token");
    try {
      const who = await authenticate(req, Buffer.alloc(0));
      const caller = { accountId: who.tenant.accountId, keyId: who.actor.keyId };
      // WebSocket APIs have no resource policy: another team's key (another account) is never granted.
      if (who.tenant.id !== stage.tenant.id)
        return deny(
          403,
          notAuthorizedMessage(
            caller,
            `arn:aws:execute-api:${process.env.SIGNALBOX_REGION ?? "us-east-1"}:${stage.tenant.accountId}:${apiId}/${stage.stageName}/$connect`,
          ),
        );
      Object.assign(conn.identity, iamIdentity(caller));
    } catch (e) {
      return deny(403, isAppError(e) ? e.message : "Forbidden");
    }
  }
  let usageKey: string | undefined;
  if (connectRoute?.authorizationType === "CUSTOM") {
    const auth = await authorizeConnect(conn, connectRoute, { headers, multi, query, multiQuery });
    if (!auth.ok) return deny(auth.status, auth.message);
    conn.authorizer = auth.authorizer;
    usageKey = auth.usageKey;
  }
  const apiKey = apiKeyOf(stage, req.headers, usageKey);
  if (apiKey) conn.apiKey = apiKey;
  if (connectRoute) {
    const admitted = await admit(stage, connectRoute, apiKey);
    if (!admitted.ok)
      return deny(
        admitted.status,
        admitted.status === 403
          ? "Forbidden"
          : admitted.message === "Limit Exceeded"
            ? "Limit Exceeded"
            : "Too Many Requests",
      );
  }
  if (connectRoute) {
    const event: Wire = {
      headers,
      multiValueHeaders: multi,
      ...(url.searchParams.size ? { queryStringParameters: query, multiValueQueryStringParameters: multiQuery } : {}),
      requestContext: requestContext(conn, "$connect", "CONNECT"),
      isBase64Encoded: false,
    };
    const t0 = performance.now();
    const out = await runRoute(conn, connectRoute, event);
    connectIntegrationMs = msSince(t0);
    if (!out.ok) return deny(500, out.message);
    // A proxy integration's status decides; a non-proxy one's is mapped by its integration
    // responses and does not refuse the connection (as API Gateway behaves).
    const proxy = /_PROXY$/.test(String(integrationOf(stage, connectRoute)?.integrationType));
    if (proxy && (out.status < 200 || out.status > 299)) {
      recordConnect(out.status, "integration");
      return refuse(socket, out.status, out.status === 403 ? "Forbidden" : out.body);
    }
    recordConnect(out.status >= 400 ? out.status : 200, out.status >= 400 ? "integration" : undefined);
  } else recordConnect(200);

  // Registered before the handshake completes: once the client is open, a post from the backend
  // (on any process) finds the connection; frames arriving before the socket exists wait.
  let ws: WebSocket | undefined;
  const early: { data: Buffer; binary: boolean }[] = [];
  let closeEarly = false;
  await registerConnection(
    {
      id: conn.id,
      tenantId: stage.tenant.id,
      apiId: stage.api.id,
      stage: stage.stageName,
      identity: conn.identity,
      connectedAt: conn.connectedAt,
      authorizer: conn.authorizer ?? null,
    },
    {
      // An @connections POST reaching this process: a message to the client (MessageCount).
      send: (data, binary) => {
        recordWsMessageSent({ tenantId: stage.tenant.id, apiId: stage.api.id, stage: stage.stageName, resource: null });
        if (ws) ws.send(data, { binary: !!binary });
        else early.push({ data, binary: !!binary });
      },
      close: (code = 1000, reason) => (ws ? ws.close(code, reason) : void (closeEarly = true)),
    },
  );
  const abandoned = () => {
    if (!ws) void unregisterConnection(conn.id).catch(() => {});
  };
  socket.once("close", abandoned);
  wss.handleUpgrade(req, socket, head, (client) => {
    socket.off("close", abandoned);
    ws = client;
    sockets.add(client);
    let closed = false;
    for (const d of early.splice(0)) client.send(d.data, { binary: d.binary });
    if (closeEarly) client.close(1000);

    const goAway = () => client.close(1001, "Going away");
    let idle = setTimeout(goAway, idleMs());
    const lifetime = setTimeout(goAway, maxMs());
    client.on("message", (data, isBinary) => {
      if (client.readyState !== client.OPEN) return;
      // API Gateway takes no binary frames from clients: it closes the connection with 1003
      // (unsupported data); $disconnect runs as for any close.
      if (isBinary) return client.close(1003, "Binary frames are not supported");
      clearTimeout(idle);
      idle = setTimeout(goAway, idleMs());
      void onMessage(conn, client, Buffer.from(data as Buffer)).catch((err) =>
        logger.warn({ err }, "websocket message failed"),
      );
    });
    client.on("close", (code, reason) => {
      if (closed) return;
      closed = true;
      clearTimeout(idle);
      clearTimeout(lifetime);
      track(
        (async () => {
          // Only the holder of the connection's row runs $disconnect: a sweeper that took it (this
          // process looked dead to the others) has run it already.
          const ours = await unregisterConnection(conn.id).catch(() => true);
          if (ours) await runDisconnect(conn, code, reason.toString("utf8"));
        })(),
      );
      untrackSocket(client);
    });
    client.on("error", () => client.terminate());
  });
}

async function runDisconnect(conn: Conn, code: number, reason: string): Promise<void> {
  const route = routeFor(conn.stage, "$disconnect");
  if (!route) return;
  const event: Wire = {
    headers: {},
    multiValueHeaders: {},
    requestContext: requestContext(conn, "$disconnect", "DISCONNECT", {
      disconnectStatusCode: code,
      disconnectReason: reason,
    }),
    isBase64Encoded: false,
  };
  await runRoute(conn, route, event).catch((err) => logger.warn({ err }, "$disconnect integration failed"));
}

/** $disconnect of a connection whose web process died (claimed once by the sweeper). */
async function disconnectDead(row: ConnectionRow): Promise<void> {
  const stage = await loadDeployedWsStage(row.apiId, row.stage);
  if (!stage) return;
  const conn: Conn = {
    id: row.id,
    stage,
    connectedAt: row.connectedAt,
    domainName: "",
    identity: { sourceIp: "", ...row.identity },
    ...(row.authorizer ? { authorizer: row.authorizer } : {}),
  };
  // 1006: the connection was closed abnormally (no close frame: its process went away).
  await runDisconnect(conn, 1006, "Going away");
}

type WsError = "client" | "integration" | "execution";

/**
 * One CONNECT ($connect) or MESSAGE (a client frame) for the metrics recorder, under its route key:
 * CloudWatch's ConnectCount / MessageCount, ClientError (a 4XX before the integration ran),
 * IntegrationError (the integration answered 4XX/5XX), ExecutionError (it could not be called).
 */
function recordWs(
  conn: Conn,
  method: "CONNECT" | "MESSAGE",
  routeKey: string | null,
  requestId: string,
  startedAt: number,
  status: number,
  integrationMs: number | null,
  wsError?: WsError,
) {
  const latencyMs = Date.now() - startedAt;
  const settings = conn.stage.stage.accessLogSettings as { destinationArn?: string; format?: string } | undefined;
  // The stage's access-log line ($context.eventType CONNECT or MESSAGE), as HTTP APIs write theirs.
  const line = settings?.format
    ? accessLogLine(settings.format, {
        requestId,
        apiId: conn.stage.api.id,
        stage: conn.stage.stageName,
        connectionId: conn.id,
        connectedAt: conn.connectedAt.getTime(),
        domainName: conn.domainName,
        eventType: method,
        routeKey: routeKey ?? "-",
        messageDirection: "IN",
        requestTime: requestTime(new Date(startedAt)),
        requestTimeEpoch: startedAt,
        identity: conn.identity,
        status,
        integrationLatency: integrationMs,
        responseLatency: latencyMs,
      })
    : null;
  if (line)
    logger.info(
      {
        apiId: conn.stage.api.id,
        stage: conn.stage.stageName,
        destinationArn: settings?.destinationArn,
        accessLog: line,
      },
      "api access log",
    );
  recordApiRequest({
    tenantId: conn.stage.tenant.id,
    apiId: conn.stage.api.id,
    stage: conn.stage.stageName,
    resource: routeKey,
    method,
    path: routeKey ?? "-",
    status,
    startedAt,
    latencyMs,
    integrationLatencyMs: integrationMs,
    cache: null,
    requestId,
    sourceIp: conn.identity.sourceIp || null,
    apiKeyId: null,
    userAgent: conn.identity.userAgent ?? null,
    responseLength: null,
    line,
    ...(wsError ? { wsError } : {}),
  });
}

const msSince = (t0: number) => Math.round((performance.now() - t0) * 100) / 100;

async function onMessage(conn: Conn, client: WebSocket, data: Buffer): Promise<void> {
  void touchConnection(conn.id).catch(() => {});
  const started = Date.now();
  const text = data.toString("utf8");
  const key = selectRouteKey(conn.stage.snapshot.routeSelectionExpression, text);
  const route = (key !== null ? routeFor(conn.stage, key) : undefined) ?? routeFor(conn.stage, "$default");
  const ctx = requestContext(conn, route ? String(route.routeKey) : "$default", "MESSAGE", {
    messageId: apigwId(),
  });
  // The metrics recorder: one MESSAGE per frame, under its route key (403 unrouted, 500 failed).
  let integrationMs: number | null = null;
  const record = (status: number, wsError?: WsError) =>
    recordWs(
      conn,
      "MESSAGE",
      route ? String(route.routeKey) : null,
      String(ctx.requestId),
      started,
      status,
      integrationMs,
      wsError,
    );
  const fail = (message: string, status: number) => {
    client.send(JSON.stringify({ message, connectionId: conn.id, requestId: ctx.requestId }));
    record(status, status >= 500 ? "execution" : "client");
  };
  if (!route) return fail("Forbidden", 403);
  const admitted = await admit(conn.stage, route, conn.apiKey ?? null);
  if (!admitted.ok)
    return fail(
      admitted.status === 403
        ? "Forbidden"
        : admitted.message === "Limit Exceeded"
          ? "Limit Exceeded"
          : "Too many requests",
      admitted.status,
    );
  const t0 = performance.now();
  const out = await runRoute(conn, route, { requestContext: ctx, body: text, isBase64Encoded: false });
  integrationMs = msSince(t0);
  if (!out.ok) return fail(out.message, 500);
  // Two-way routes answer with the integration's response (binary when it says so).
  if (route.routeResponseSelectionExpression && client.readyState === client.OPEN && out.body !== "") {
    if (out.binary) client.send(Buffer.from(out.body, "base64"), { binary: true });
    else client.send(out.body);
    // The route response is a message too (MessageCount counts both directions).
    recordWsMessageSent({
      tenantId: conn.stage.tenant.id,
      apiId: conn.stage.api.id,
      stage: conn.stage.stageName,
      resource: String(route.routeKey),
    });
  }
  // The integration's own 4XX/5XX answer still reaches the client: an IntegrationError, not a failure.
  record(out.status >= 400 ? out.status : 200, out.status >= 400 ? "integration" : undefined);
}

/** Serves WebSocket upgrades below /gw/ and closes every socket when the server closes. */
export function attachWebSockets(server: http.Server): void {
  onDeadConnection(disconnectDead);
  // Every web process is a node from the start: it heartbeats and sweeps dead nodes' connections.
  void startNode().catch((err) => logger.warn({ err }, "websocket node start failed"));
  server.on("upgrade", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    onUpgrade(req, socket, head).catch((err) => {
      logger.error({ err }, "websocket upgrade failed");
      if (socket.writable) refuse(socket, 500, "Internal server error");
    });
  });
  // Upgraded sockets hold server.close() open until they end: closing the server closes them
  // first (their $disconnect integrations run) and takes this node out of the registry.
  const close = server.close.bind(server);
  server.close = ((cb?: (err?: Error) => void) => {
    for (const s of sockets) s.close(1001, "Going away");
    setTimeout(() => {
      for (const s of sockets) s.terminate();
    }, 1_000).unref();
    return close((err) => {
      // The HTTP server may report closed before each socket's close handler ran: wait for those
      // (each one starts its $disconnect), then for the $disconnect calls, then leave the registry.
      void allSocketsClosed()
        .then(() => Promise.allSettled([...pending]))
        .then(() => stopNode())
        .then(() => cb?.(err));
    });
  }) as typeof server.close;
}

// ---- @connections ----

const CONNECTIONS_RE = /^\/gw\/([^/]+)\/([^/]+)\/@connections\/([^/?]+)\/?(?:\?.*)?$/;

/** Whether a request is for the @connections management API. */
export const isConnectionsPath = (url: string) => CONNECTIONS_RE.test(url) || url.includes("/%40connections/");

/** @connections POST: valid UTF-8 goes as a text frame, other bytes as a binary frame. */
const isUtf8 = (b: Buffer) => {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
};

function sendError(res: http.ServerResponse, status: number, type: string, message: string | null) {
  const body = JSON.stringify(message === null ? {} : { message });
  res.writeHead(status, {
    "content-type": "application/json",
    "x-amzn-errortype": type,
    "x-amzn-requestid": randomUUID(),
    "content-length": String(Buffer.byteLength(body)),
  });
  res.end(body);
}

export async function handleConnectionsApi(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const m = CONNECTIONS_RE.exec((req.url ?? "").replace("/%40connections/", "/@connections/"));
  let body: Buffer;
  try {
    body = await readBody(req, MAX_MESSAGE_BYTES);
  } catch (e) {
    if (isAppError(e) && e.code === "too_large")
      return sendError(res, 413, "PayloadTooLargeException", "Message too long");
    throw e;
  }
  if (!m) return sendError(res, 403, "ForbiddenException", "Forbidden");
  let apiId: string, stageName: string, connectionId: string;
  try {
    [apiId, stageName, connectionId] = [m[1]!, m[2]!, m[3]!].map(decodeURIComponent) as [string, string, string];
  } catch {
    return sendError(res, 403, "ForbiddenException", "Forbidden");
  }
  if (!req.headers.authorization && !(req.url ?? "").includes("X-Amz-Signature"))
    return sendError(res, 403, "ForbiddenException", "Missing Authentication Token");
  let who: Awaited<ReturnType<typeof authenticate>>;
  try {
    who = await authenticate(req, body);
  } catch (e) {
    return sendError(res, 403, "ForbiddenException", isAppError(e) ? e.message : "Forbidden");
  }
  const stage = await loadDeployedWsStage(apiId, stageName);
  if (!stage) return sendError(res, 403, "ForbiddenException", "Forbidden");
  const method = (req.method ?? "GET").toUpperCase();
  // execute-api:ManageConnections, refused as API Gateway words it: the caller's user ARN and the
  // connection's resource ARN. Another team (another account) is never granted; in the API's own
  // team, reading a connection needs read access, posting or closing it write access.
  const resourceArn = `arn:aws:execute-api:${who.region}:${stage.tenant.accountId}:${apiId}/${stageName}/${method}/@connections/${connectionId}`;
  const callerIam = { accountId: who.tenant.accountId, keyId: who.actor.keyId };
  if (
    stage.tenant.id !== who.tenant.id ||
    !can(who.actor.role, method === "GET" ? "resource:read" : "resource:write")
  ) {
    const message = notAuthorizedMessage(callerIam, resourceArn, "execute-api:ManageConnections");
    return sendError(res, 403, "ForbiddenException", message);
  }
  const conn = await findConnection(apiId, stageName, connectionId);
  if (!conn) return sendError(res, 410, "GoneException", null);
  const ok = (status: number, payload?: unknown) => {
    const text = payload === undefined ? "" : JSON.stringify(payload);
    res.writeHead(status, {
      ...(text ? { "content-type": "application/json" } : {}),
      "x-amzn-requestid": randomUUID(),
      "content-length": String(Buffer.byteLength(text)),
    });
    res.end(text);
  };
  if (method === "POST") {
    await deliver(conn, isUtf8(body) ? "send" : "binary", body);
    return ok(200);
  }
  if (method === "GET")
    return ok(200, {
      connectedAt: conn.connectedAt.toISOString(),
      // GetConnection shows the client's address and user agent only, as API Gateway does.
      identity: {
        sourceIp: conn.identity.sourceIp ?? "",
        ...(conn.identity.userAgent ? { userAgent: conn.identity.userAgent } : {}),
      },
      lastActiveAt: conn.lastActiveAt.toISOString(),
    });
  if (method === "DELETE") {
    await deliver(conn, "close");
    return ok(204);
  }
  return sendError(res, 403, "ForbiddenException", "Forbidden");
}
