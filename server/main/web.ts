// `npm run start:web`: one web process (data plane + console) against DATABASE_URL.
export {};
process.env.SIGNALBOX_PROCESS ??= "web";
(process.env as Record<string, string>).NODE_ENV ??= "production";
const { loadRuntimeEnv } = await import("./runtime-env");
await loadRuntimeEnv({ requireDatabaseUrl: true });
const { startWebServer } = await import("../http/server");
const { closeDb } = await import("../db");
const { stopBoss } = await import("../jobs/boss");
const { logger } = await import("../logger");
const { shutdownQueues } = await import("../domains/queues/queue.lifecycle");
const { flushApiMetrics } = await import("../domains/apis/metrics/recorder");
const { ensureQueues } = await import("../jobs/boss");
const { CONTRACTS } = await import("../jobs/contracts");

const port = Number(process.env.PORT ?? 3000);
const web = await startWebServer({
  port,
  host: process.env.HOST ?? "0.0.0.0",
  dev: process.env.NODE_ENV === "development",
  withNext: process.env.SIGNALBOX_NO_NEXT !== "1",
});
// The web process enqueues; create every job queue now rather than on each first send (that
// still happens lazily in platform/enqueue.ts if the database was unreachable here).
await ensureQueues(CONTRACTS).catch((err) => logger.warn({ err }, "could not create job queues at start"));
// Accepted events are routed to their rules' targets by every web and worker process; while a
// backlog lasts, a web process's router takes at most SIGNALBOX_WEB_ROUTER_SHARE (0.3) of its time.
const { startEventRouter } = await import("../domains/events/event-router");
const router = startEventRouter({ share: Number(process.env.SIGNALBOX_WEB_ROUTER_SHARE ?? 0.3) });
logger.info({ port: web.port }, `Signalbox web listening on http://localhost:${web.port}`);
// Tells a parent process (npm start, tests) the port actually bound.
process.send?.({ type: "listening", port: web.port });

let stopping = false;
const shutdown = async (sig: string) => {
  if (stopping) return;
  stopping = true;
  logger.info(`received ${sig}, stopping web`);
  await web.close();
  await router.stop();
  // Flushes the last seconds of queue metrics and closes the long-poll LISTEN connection.
  await shutdownQueues();
  // Writes the gateway's last second of API metrics and access-log rows.
  await flushApiMetrics().catch((err) => logger.warn({ err }, "api metrics: last flush failed"));
  await stopBoss();
  await closeDb();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
// The supervisor died without stopping us (SIGKILL): stop, and do not hang on to the port.
const { watchParent, exitAfter } = await import("./parent-watch");
watchParent((why) => {
  logger.warn(`${why}: stopping web`);
  exitAfter(25_000);
  void shutdown("parent gone");
});
