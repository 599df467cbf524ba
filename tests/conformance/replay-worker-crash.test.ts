import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createQueue } from "../../server/domains/queues/queue.service";
import { createBus, type Caller } from "../../server/domains/events/bus.service";
import { putRule } from "../../server/domains/events/rule.service";
import { putTargets } from "../../server/domains/events/target.service";
import { putEvents } from "../../server/domains/events/put-events";
import { createArchive } from "../../server/domains/archives/archive.service";
import { startReplay } from "../../server/domains/archives/replay.service";
import { createTestTenant, uniqueName } from "../helpers/fixtures";
import { startWorker, type TestProcess } from "../helpers/server";
import { until } from "../helpers/sns-receiver";

// A replay survives a worker killed with SIGKILL in the middle: the next worker picks the job up
// (heartbeat lost) and resumes from the last committed batch, so every archived event of the
// window reaches the target queue exactly once. Not in time order: the replay reads and puts the
// window in time order, but PutEvents only accepts and the routers (the workers', this process's)
// route in concurrent batches, so target order is not kept, and AWS does not promise replay order
// to targets either. Keeping it would mean one router per bus at a time; exactly-once is the claim.

const workers: TestProcess[] = [];
beforeAll(async () => {
  await ensureQueues(CONTRACTS);
});
afterAll(async () => {
  await Promise.all(workers.map((w) => w.stop()));
});

const TOTAL = 800;
const t0 = Date.UTC(2026, 10, 1);

async function replayed(replayId: string): Promise<{ state: string; n: number }> {
  const r = await pool().query(`SELECT state, replayed_count AS n FROM event_replays WHERE id = $1`, [replayId]);
  return r.rows[0];
}

/** The `n` of each replayed event the queue received (with duplicates, in arrival order). */
async function replayedNs(queueId: string, replayName: string): Promise<number[]> {
  const rows = await pool().query(`SELECT body FROM queue_messages WHERE queue_id = $1 ORDER BY seq`, [queueId]);
  const bodies = rows.rows.map(
    (x: { body: string }) => JSON.parse(x.body) as { detail: { n: number }; "replay-name"?: string },
  );
  return bodies.filter((b) => b["replay-name"] === replayName).map((b) => b.detail.n);
}

async function unrouted(tenantId: string): Promise<number> {
  const r = await pool().query(
    `SELECT count(*)::int AS n FROM events WHERE tenant_id = $1 AND route_schema IS NOT NULL`,
    [tenantId],
  );
  return r.rows[0].n;
}

describe("replay and a killed worker", () => {
  it("resumes after SIGKILL and replays each event exactly once", async () => {
    const t = await createTestTenant();
    const c: Caller = { tenantId: t.tenant.id, accountId: t.tenant.accountId };
    const bus = await createBus(t.actor, c, { name: uniqueName("bus") });
    const { queue } = await createQueue(t.actor, t.tenant.id, { name: uniqueName("q") });
    const src = `crash.${uniqueName("s")}`;
    await putRule(t.actor, c, { name: "all", eventBusName: bus.name, eventPattern: JSON.stringify({ source: [src] }) });
    await putTargets(t.actor, c, { rule: "all", eventBusName: bus.name, targets: [{ Id: "q", Arn: queue.arn }] });
    const archive = await createArchive(t.actor, c, { name: uniqueName("a"), eventSourceArn: bus.arn });
    for (let i = 0; i < TOTAL; i += 10)
      await putEvents(
        pool(),
        c,
        bus.name,
        Array.from({ length: 10 }, (_, k) => ({
          Source: src,
          DetailType: "Tick",
          Detail: JSON.stringify({ n: i + k }),
          Time: new Date(t0 + (i + k) * 1000),
        })),
      );

    const name = uniqueName("rp");
    const r = await startReplay(t.actor, c, {
      name,
      eventSourceArn: archive.arn,
      eventStartTime: new Date(t0),
      eventEndTime: new Date(t0 + TOTAL * 1000),
      destination: { arn: bus.arn },
    });
    const first = await startWorker();
    workers.push(first);
    await until(async () => (await replayed(r.id)).n >= 100, 60_000, 20);
    process.kill(first.pid, "SIGKILL");
    await until(() => first.child.exitCode !== null || first.child.signalCode !== null, 10_000, 20);
    const atKill = await replayed(r.id);
    expect(atKill.n).toBeLessThan(TOTAL); // killed in the middle, not after the end

    workers.push(await startWorker());
    await until(async () => (await replayed(r.id)).state === "COMPLETED", 120_000, 200);
    // COMPLETED means every event was put (accepted); routing into the queue follows. Wait until
    // the queue holds them all and no event of this tenant still waits for a router (so a
    // duplicate, had there been one, is in the queue too).
    await until(
      async () => (await replayedNs(queue.id, name)).length >= TOTAL && (await unrouted(t.tenant.id)) === 0,
      120_000,
      200,
    );

    const ns = await replayedNs(queue.id, name);
    expect(ns.sort((a, b) => a - b)).toEqual(Array.from({ length: TOTAL }, (_, k) => k));
    expect((await replayed(r.id)).n).toBe(TOTAL);
  }, 240_000);
});
