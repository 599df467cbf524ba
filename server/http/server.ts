import http from "node:http";
import path from "node:path";
import { logger } from "../logger";
import { handleAws, AWS_PREFIX } from "./aws/door";
import { handleHealth } from "./health";
import { createRestHandler } from "./rest/route";
import { REST_ROUTES } from "./rest/routes";
import { listenForRevocations, stopListeningForRevocations } from "../domains/api-keys/api-key.service";
import { listenForGatewayChanges, stopListeningForGatewayChanges } from "../domains/apis/gateway-cache";
import { flushDailyUsage } from "../domains/apis/usage/daily-usage";
import { releaseQuotaLeases } from "../platform/quota-leases";
import { drain, sendJson } from "./request";
import { bodyLimitFor, bufferForNext } from "./front-limits";
import { stampPeerAddress } from "../auth/client-address";
import { GATEWAY_PREFIX, handleGateway } from "./gateway/gateway";
import { routeByHost } from "../platform/execute-api";
import { attachWebSockets, handleConnectionsApi, isConnectionsPath } from "./gateway/ws/websocket";

// The web process: one node:http server. The data plane (/api/aws, /api/v1, /gw, /api/health) is
// served by our own handlers (the hot path never touches Next's router); everything else — console
// pages, /api/trpc, /api/auth — goes to Next's request handler in the same process.

export type WebServer = { server: http.Server; port: number; close: () => Promise<void> };

export async function startWebServer(opts: {
  port: number;
  host?: string;
  dev?: boolean;
  withNext?: boolean;
}): Promise<WebServer> {
  const rest = createRestHandler(REST_ROUTES);
  let nextHandle: ((req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>) | undefined;
  let nextApp: { close?: () => Promise<void> } | undefined;
  if (opts.withNext !== false) {
    const { default: next } = await import("next");
    const app = next({
      dev: !!opts.dev,
      dir: path.resolve(import.meta.dirname, "../.."),
      hostname: "localhost",
      port: opts.port,
    });
    await app.prepare();
    nextHandle = app.getRequestHandler() as never;
    nextApp = app as never;
  }
  await listenForRevocations().catch((err) =>
    logger.warn({ err }, "revocation listener unavailable; relying on cache TTL"),
  );
  // The gateway's stage and API-key caches are trusted only while these notices arrive.
  await listenForGatewayChanges().catch((err) =>
    logger.warn({ err }, "gateway cache listener unavailable; the gateway reads stages and keys per request"),
  );

  const server = http.createServer((req, res) => {
    // <api id>.execute-api.<SIGNALBOX_EXECUTE_API_DOMAIN>: served as /gw/<api id>/<path>.
    routeByHost(req);
    const url = req.url ?? "/";
    const onError = (err: unknown) => {
      logger.error({ err }, "unhandled request error");
      if (!res.headersSent) sendJson(res, 500, { error: "internal" });
      else res.destroy();
    };
    if (url === AWS_PREFIX || url.startsWith(AWS_PREFIX + "/") || url.startsWith(AWS_PREFIX + "?"))
      return void handleAws(req, res).catch(onError);
    if (url.startsWith("/api/v1/") || url === "/api/v1") return void rest(req, res).catch(onError);
    if (url === "/api/health" || url.startsWith("/api/health?")) return void handleHealth(req, res).catch(onError);
    if (url.startsWith(GATEWAY_PREFIX) && isConnectionsPath(url))
      return void handleConnectionsApi(req, res).catch(onError);
    if (url.startsWith(GATEWAY_PREFIX)) return void handleGateway(req, res).catch(onError);
    // Routes served by Next (sign-in, tRPC, pages) read bodies themselves and without a limit: the
    // body is read here first, within the route's limit, and Next gets a replay of it.
    stampPeerAddress(req); // the replay shares these headers
    const limit = bodyLimitFor(url);
    void bufferForNext(req, limit)
      .then((buffered) => {
        if (!buffered) {
          drain(req);
          return sendJson(res, 413, { error: "payload_too_large", limit });
        }
        if (nextHandle) return nextHandle(buffered, res);
        sendJson(res, 404, { error: "not found" });
      })
      .catch(onError);
  });
  attachWebSockets(server); // WebSocket APIs: upgrades below /gw/
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  // Long polls hold requests for up to 20 s.
  server.requestTimeout = 120_000;

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host ?? "0.0.0.0", () => resolve());
  });
  const port = (server.address() as { port: number }).port;
  return {
    server,
    port,
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 2_000).unref();
      });
      await nextApp?.close?.().catch(() => {});
      // Spent quota units are reported and unspent ones given back before the pool closes.
      await releaseQuotaLeases().catch((err) => logger.warn({ err }, "quota leases not released at shutdown"));
      await flushDailyUsage().catch((err) => logger.warn({ err }, "daily usage not flushed at shutdown"));
      stopListeningForGatewayChanges();
      stopListeningForRevocations();
    },
  };
}
