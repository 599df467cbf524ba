import { admitApiRequest, type AdmitRequest } from "../../server/domains/apis/usage/admit";
import { closeDb, pool } from "../../server/db";
import { flushDailyUsage } from "../../server/domains/apis/usage/daily-usage";
import { releaseQuotaLeases } from "../../server/platform/quota-leases";

// A separate process that calls the gateway's admission check as fast as it can, with
// `concurrency` calls in flight (tests/integration/api-admission.int.test.ts runs two at once on one
// database). It opens its connections, says "ready" over IPC, and starts at the `startAt` the parent
// sends back (so a slow start on a busy machine never shortens the run), for `durationMs`. Prints
// what it saw as one JSON line.
const { req, durationMs, concurrency } = JSON.parse(process.argv[2]!) as {
  req: AdmitRequest;
  durationMs: number;
  concurrency: number;
};

async function main() {
  await Promise.all(Array.from({ length: concurrency }, () => pool().query("SELECT 1")));
  const startAt = await new Promise<number>((resolve) => {
    process.once("message", (m: { startAt: number }) => resolve(m.startAt));
    process.send!({ type: "ready" });
  });
  await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
  const end = startAt + durationMs;
  let admitted = 0;
  let throttled = 0;
  let quota = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const r = await admitApiRequest(req);
      if (r.ok) admitted++;
      else if (r.message === "Limit Exceeded") quota++;
      else throttled++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  process.stdout.write(JSON.stringify({ admitted, throttled, quota }) + "\n");
  // As a web process's shutdown: spent quota reported, leases given back, the day's usage written.
  await releaseQuotaLeases();
  await flushDailyUsage();
  await closeDb();
  process.disconnect();
}
void main();
