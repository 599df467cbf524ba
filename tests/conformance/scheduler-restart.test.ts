import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";

// Worker restarts: a worker killed with SIGKILL while schedules come due loses no fire and doubles
// none (another worker, or the next one to start, fires them), and a fire time that passed while
// no worker ran at all fires once when one starts again.

let web: TestProcess & { url: string };
const workers: TestProcess[] = [];
let t: TestTenant;
let scheduler: SchedulerClient;
let sqs: SQSClient;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  web = await startWeb();
  const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
  scheduler = new SchedulerClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
});

afterAll(async () => {
  // Leave no recurring timer behind: a later run's workers would keep firing it.
  if (t) await pool().query(`DELETE FROM timers WHERE tenant_id = $1`, [t.tenant.id]);
  await Promise.all([web?.stop(), ...workers.map((w) => w.stop())]);
});

async function queue() {
  const name = uniqueName("restart");
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:${name}` };
}

/** Receives until `count` messages came, then keeps listening a few seconds for extras. */
async function drain(url: string, count: number): Promise<string[]> {
  const got: string[] = [];
  const end = Date.now() + 30_000;
  let quietUntil = Infinity;
  while (Date.now() < Math.min(end, quietUntil)) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 2, MaxNumberOfMessages: 10 }));
    const ms = r.Messages ?? [];
    got.push(...ms.map((m) => m.Body!));
    if (ms.length)
      await sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: url,
          Entries: ms.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
        }),
      );
    if (got.length >= count && quietUntil === Infinity) quietUntil = Date.now() + 4000;
  }
  return got.sort();
}

const atIn = (ms: number) => `at(${new Date(Date.now() + ms).toISOString().slice(0, 19)})`;

async function createAt(q: { arn: string }, input: string, ms: number) {
  await scheduler.send(
    new CreateScheduleCommand({
      Name: uniqueName("at"),
      ScheduleExpression: atIn(ms),
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: { Arn: q.arn, RoleArn: "arn:aws:iam::123456789012:role/x", Input: input },
    }),
  );
}

describe("worker restarts", () => {
  it("a worker killed with SIGKILL while schedules come due: every fire once", async () => {
    workers.push(await startWorker(), await startWorker());
    const q = await queue();
    const inputs = Array.from({ length: 8 }, (_, i) => `fire-${i}`);
    for (const [i, input] of inputs.entries()) await createAt(q, input, 2000 + (i % 4) * 500);
    // One of the two dies abruptly around the fire times; the other carries on.
    await new Promise((r) => setTimeout(r, 2200));
    process.kill(workers[0]!.pid, "SIGKILL");
    expect(await drain(q.url, inputs.length)).toEqual(inputs.sort());
  });

  it("a fire time that passed while no worker ran fires once when a worker starts", async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    const q = await queue();
    await createAt(q, "missed", 1000);
    // No worker runs: the fire time passes unattended (timers are fired only by workers of this
    // file's job schema). Then the timer is still due, with nothing enqueued.
    await new Promise((res) => setTimeout(res, 2500));
    const r = await pool().query(
      `SELECT t.due_at < now() AS passed, t.fire_count FROM timers t JOIN schedules s ON s.id = t.owner_id
        WHERE s.tenant_id = $1 AND s.target->>'Arn' = $2`,
      [t.tenant.id, q.arn],
    );
    expect(r.rows).toEqual([{ passed: true, fire_count: 0 }]);
    workers.push(await startWorker(), await startWorker());
    expect(await drain(q.url, 1)).toEqual(["missed"]);
  });
});
