import { randomUUID } from "node:crypto";
import { SQSClient, CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool, withTransaction } from "../../server/db";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createInvocations, type Invocation } from "../../server/domains/deliveries/invocations";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { until } from "../helpers/sns-receiver";

// Invocations (an event rule's queue targets) whose queues do not exist yet when the source
// commits: the source transaction cannot deliver them, so each is left pending with a deliver
// job. The queues are then created and a worker started and killed (SIGKILL) in the middle of the
// chunk; after a new worker starts, every queue holds every payload exactly once (a local kind
// delivers and marks its invocations done in one transaction).

let web: TestProcess & { url: string };
const workers: TestProcess[] = [];
let t: TestTenant;
let sqs: SQSClient;
const QUEUES = 40;
const EVENTS = 25;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  web = await startWeb();
  const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
  sqs = new SQSClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
});
afterAll(async () => {
  await Promise.all([web?.stop(), ...workers.map((w) => w.stop())]);
});

describe("worker crash during invocation delivery", () => {
  it("still delivers every invocation exactly once", { timeout: 300_000 }, async () => {
    const ruleArn = `arn:aws:events:us-east-1:${t.tenant.accountId}:rule/crash`;
    const names = Array.from({ length: QUEUES }, (_, i) => `inv-crash-${i}`);
    const events = Array.from({ length: EVENTS }, () => randomUUID());
    const invocations: Invocation[] = events.flatMap((eventId) =>
      names.map((n) => ({
        tenantId: t.tenant.id,
        sourceKind: "rule" as const,
        sourceArn: ruleArn,
        targetKind: "queue" as const,
        targetArn: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:${n}`,
        targetId: n,
        payload: JSON.stringify({ id: eventId }),
        eventId,
        dedupeKey: `${eventId}:${ruleArn}:${n}`,
      })),
    );
    const created = await withTransaction((tx) => createInvocations(tx, invocations));
    expect(new Set(created.map((r) => r.status))).toEqual(new Set(["pending"]));
    const ids = created.map((r) => r.deliveryId);
    const urls: string[] = [];
    for (let i = 0; i < QUEUES; i += 10)
      urls.push(
        ...(await Promise.all(
          names.slice(i, i + 10).map(async (n) => (await sqs.send(new CreateQueueCommand({ QueueName: n }))).QueueUrl!),
        )),
      );
    const delivered = async () =>
      Number(
        (
          await pool().query(
            `SELECT count(*) FILTER (WHERE status = 'succeeded') AS n FROM deliveries WHERE id = ANY($1::text[])`,
            [ids],
          )
        ).rows[0].n,
      );

    const first = await startWorker();
    workers.push(first);
    await until(async () => (await delivered()) > 0, 60_000, 5);
    process.kill(first.pid, "SIGKILL");
    expect(await delivered()).toBeLessThan(QUEUES * EVENTS);

    workers.push(await startWorker());
    await until(async () => (await delivered()) === QUEUES * EVENTS, 240_000, 500);

    for (const url of urls) {
      const a = await sqs.send(
        new GetQueueAttributesCommand({
          QueueUrl: url,
          AttributeNames: ["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
      );
      expect(
        Number(a.Attributes!.ApproximateNumberOfMessages) + Number(a.Attributes!.ApproximateNumberOfMessagesNotVisible),
      ).toBe(EVENTS);
    }
    const seen = new Set<string>();
    await until(async () => {
      const r = await sqs.send(
        new ReceiveMessageCommand({ QueueUrl: urls[17]!, MaxNumberOfMessages: 10, WaitTimeSeconds: 1 }),
      );
      for (const m of r.Messages ?? []) seen.add(JSON.parse(m.Body!).id);
      return seen.size >= EVENTS;
    });
    expect([...seen].sort()).toEqual([...events].sort());
    // Exactly one succeeded attempt per invocation.
    const attempts = await pool().query(
      `SELECT count(*)::int AS n, count(DISTINCT delivery_id)::int AS d FROM delivery_attempts WHERE delivery_id = ANY($1::text[]) AND outcome = 'succeeded'`,
      [ids],
    );
    expect(attempts.rows[0]).toEqual({ n: QUEUES * EVENTS, d: QUEUES * EVENTS });
  });
});
