// `npm run start:worker`: one worker process against DATABASE_URL. Run as many as you like.
export {};
process.env.SIGNALBOX_PROCESS ??= "worker";
const { loadRuntimeEnv } = await import("./runtime-env");
await loadRuntimeEnv({ requireDatabaseUrl: true });
const { startWorker } = await import("../jobs/worker");
const { closeDb } = await import("../db");
const { logger } = await import("../logger");

const worker = await startWorker();
// Tells a parent process (npm start, tests) that jobs are being taken.
process.send?.({ type: "ready" });
let stopping = false;
const shutdown = async (sig: string) => {
  if (stopping) return;
  stopping = true;
  logger.info(`received ${sig}, stopping worker`);
  await worker.stop();
  await closeDb();
  process.exit(0);
};
process.once("SIGTERM", () => void shutdown("SIGTERM"));
process.once("SIGINT", () => void shutdown("SIGINT"));
// The supervisor died without stopping us (SIGKILL): stop, and do not hang on to the port.
const { watchParent, exitAfter } = await import("./parent-watch");
watchParent((why) => {
  logger.warn(`${why}: stopping worker`);
  exitAfter(25_000);
  void shutdown("parent gone");
});
