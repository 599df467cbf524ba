import { admitApiRequest, type AdmitRequest } from "../../server/domains/apis/usage/admit";
import { closeDb, pool } from "../../server/db";

// A separate process that calls the gateway's admission check as fast as it can, from `startAt`
// for `durationMs`, with `concurrency` calls in flight (tests/integration/api-admission.int.test.ts
// runs two at once on one database). Prints what it saw as one JSON line.
const { req, startAt, durationMs, concurrency } = JSON.parse(process.argv[2]!) as {
  req: AdmitRequest;
  startAt: number;
  durationMs: number;
  concurrency: number;
};

async function main() {
  // Open the pool's connections first, so the first timed call does not wait for a connection.
  await Promise.all(Array.from({ length: concurrency }, () => pool().query("SELECT 1")));
  await new Promise((r) => setTimeout(r, Math.max(0, startAt - Date.now())));
  const end = startAt + durationMs;
  let admitted = 0;
  let throttled = 0;
  let quota = 0;
  let first = Infinity;
  let last = 0;
  const worker = async () => {
    while (Date.now() < end) {
      const sent = Date.now();
      first = Math.min(first, sent);
      const r = await admitApiRequest(req);
      last = Math.max(last, Date.now());
      if (r.ok) admitted++;
      else if (r.message === "Limit Exceeded") quota++;
      else throttled++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  process.stdout.write(JSON.stringify({ admitted, throttled, quota, first, last }) + "\n");
  await closeDb();
}
void main();
