import { flushMetrics } from "./queue.metrics";
import { stopQueueListener } from "./queue.notify";

/**
 * For the web process's graceful shutdown (after the server stopped taking requests, before the
 * pool closes): writes the last few seconds of per-minute counters and closes the LISTEN connection.
 */
export async function shutdownQueues(): Promise<void> {
  await flushMetrics().catch(() => {});
  await stopQueueListener();
}
