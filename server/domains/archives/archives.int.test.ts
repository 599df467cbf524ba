import { describe, expect, it } from "vitest";
import { pool } from "../../db";
import { BOSS_SCHEMA } from "../../jobs/boss";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { createQueue } from "../queues/queue.service";
import { busArnFor, createBus, type Caller } from "../events/bus.service";
import { putRule } from "../events/rule.service";
import { putTargets } from "../events/target.service";
import { putEvents } from "../events/put-events";
import { routePendingEvents } from "../events/event-router";
import { createArchive, deleteArchive, describeArchive, listArchives, updateArchive } from "./archive.service";
import { cancelReplay, describeReplay, listReplays, startReplay } from "./replay.service";
import { runReplay, runReplayBatch } from "./replay.run";
import { runArchiveRetention } from "./archive.retention";

// Archives and replays against real PostgreSQL: archiving inside PutEvents (pattern, counts and
// sizes, replays not re-archived), replays of a window to filtered rules delivering into queues
// with replay-name, resuming after a batch, cancelling, retention, and AWS's refusals.

const callerOf = (t: TestTenant): Caller => ({ tenantId: t.tenant.id, accountId: t.tenant.accountId });

async function failure(p: Promise<unknown>): Promise<{ awsCode?: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { awsCode: (e as { awsCode?: string }).awsCode, message: (e as Error).message };
  }
  throw new Error("expected an error");
}

async function bodies(queueId: string): Promise<Array<Record<string, unknown>>> {
  const r = await pool().query(`SELECT body FROM queue_messages WHERE queue_id = $1 ORDER BY seq`, [queueId]);
  return r.rows.map((x: { body: string }) => JSON.parse(x.body));
}

/** The `n` of the events a replay has put on its bus so far (stored events, routed or not). */
async function replayedNs(tenantId: string, replayName: string): Promise<number[]> {
  const r = await pool().query(
    `SELECT (envelope::jsonb -> 'detail' ->> 'n')::int AS n FROM events WHERE tenant_id = $1 AND replay_name = $2 ORDER BY n`,
    [tenantId, replayName],
  );
  return r.rows.map((x: { n: number }) => x.n);
}

const at = (minute: number) => new Date(Date.UTC(2026, 11, 1, 12, minute, 0));
const entry = (source: string, detail: unknown, time?: Date) => ({
  Source: source,
  DetailType: "Order Placed",
  Detail: JSON.stringify(detail),
  ...(time ? { Time: time } : {}),
});

async function setup() {
  const t = await createTestTenant();
  const c = callerOf(t);
  const bus = await createBus(t.actor, c, { name: uniqueName("bus") });
  const src = `shop.${uniqueName("s")}`;
  return { t, c, bus, src };
}

describe("archives", () => {
  it("archive what matches the pattern inside PutEvents, with counts and sizes", async () => {
    const { t, c, bus, src } = await setup();
    const all = await createArchive(t.actor, c, { name: uniqueName("all"), eventSourceArn: bus.arn });
    const big = await createArchive(t.actor, c, {
      name: uniqueName("big"),
      eventSourceArn: bus.arn,
      eventPattern: JSON.stringify({ detail: { total: [{ numeric: [">", 100] }] } }),
      retentionDays: 7,
      description: "big orders",
    });
    expect(big).toMatchObject({ state: "ENABLED", retentionDays: 7, eventSourceArn: bus.arn });
    expect(big.arn).toBe(`arn:aws:events:us-east-1:${t.tenant.accountId}:archive/${big.name}`);

    const entries = [entry(src, { total: 5 }), entry(src, { total: 500 }), entry(src, { total: 1000 })];
    const res = await putEvents(pool(), c, bus.name, entries);
    expect(res.every((r) => "EventId" in r)).toBe(true);
    const sizes = await pool().query(`SELECT size FROM events WHERE bus_id = $1 ORDER BY size`, [bus.id]);
    const total = sizes.rows.reduce((n: number, r: { size: number }) => n + r.size, 0);

    expect(await describeArchive(t.actor, c, all.name)).toMatchObject({ eventCount: 3, sizeBytes: total });
    const d = await describeArchive(t.actor, c, big.name);
    expect(d.eventCount).toBe(2);
    expect(d.sizeBytes).toBeGreaterThan(0);
    expect(d.sizeBytes).toBeLessThan(total);

    const listed = await listArchives(t.actor, c, { eventSourceArn: bus.arn });
    expect(listed.archives.map((a) => [a.name, a.eventCount]).sort()).toEqual(
      [
        [all.name, 3],
        [big.name, 2],
      ].sort(),
    );

    // A pattern change applies to the next PutEvents (this process dropped its cache).
    await updateArchive(t.actor, c, { name: big.name, eventPattern: JSON.stringify({ source: ["nobody"] }) });
    await putEvents(pool(), c, bus.name, [entry(src, { total: 999 })]);
    expect((await describeArchive(t.actor, c, big.name)).eventCount).toBe(2);
    expect((await describeArchive(t.actor, c, all.name)).eventCount).toBe(4);

    await deleteArchive(t.actor, c, big.name);
    expect(await failure(describeArchive(t.actor, c, big.name))).toEqual({
      awsCode: "ResourceNotFoundException",
      message: `Archive ${big.name} does not exist.`,
    });
  });

  it("keeps EventCount and SizeBytes as counters, exact under concurrent PutEvents and retention, without counting the archive", async () => {
    const { t, c, bus, src } = await setup();
    const a = await createArchive(t.actor, c, { name: uniqueName("count"), eventSourceArn: bus.arn, retentionDays: 1 });
    const b = await createArchive(t.actor, c, {
      name: uniqueName("half"),
      eventSourceArn: bus.arn,
      eventPattern: JSON.stringify({ detail: { even: [true] } }),
    });
    // 12 PutEvents calls at once, 3 events each, half of them matching b.
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        putEvents(
          pool(),
          c,
          bus.name,
          [0, 1, 2].map((k) => entry(src, { i, k, even: (i * 3 + k) % 2 === 0 })),
        ),
      ),
    );
    const actual = async (id: string) =>
      (
        await pool().query(
          `SELECT count(*)::int AS "eventCount", coalesce(sum(size), 0)::int AS "sizeBytes" FROM archived_events WHERE archive_id = $1`,
          [id],
        )
      ).rows[0];
    expect(await actual(a.id)).toMatchObject({ eventCount: 36 });
    for (const x of [a, b]) expect(await describeArchive(t.actor, c, x.name)).toMatchObject(await actual(x.id));
    expect((await describeArchive(t.actor, c, b.name)).eventCount).toBe(18);
    // Retention counts off what it deletes.
    await pool().query(
      `UPDATE archived_events SET archived_at = now() - interval '2 days'
        WHERE id IN (SELECT id FROM archived_events WHERE archive_id = $1 ORDER BY id LIMIT 10)`,
      [a.id],
    );
    await runArchiveRetention({});
    expect(await actual(a.id)).toMatchObject({ eventCount: 26 });
    expect(await describeArchive(t.actor, c, a.name)).toMatchObject(await actual(a.id));
    // DescribeArchive reads the counters (a handful of rows), not the archived events.
    const counters = await pool().query(`SELECT count(*)::int AS n FROM archive_counters WHERE archive_id = $1`, [
      a.id,
    ]);
    expect(counters.rows[0].n).toBeLessThanOrEqual(16);
    await pool().query(
      `UPDATE archive_counters SET event_count = event_count + 1000 WHERE archive_id = $1 AND shard = (SELECT min(shard) FROM archive_counters WHERE archive_id = $1)`,
      [a.id],
    );
    expect((await describeArchive(t.actor, c, a.name)).eventCount).toBe(1026);
  });

  it("refuses bad archives as AWS does and creates nothing", async () => {
    const { t, c, bus } = await setup();
    expect(
      await failure(createArchive(t.actor, c, { name: "bad", eventSourceArn: bus.arn, eventPattern: "{not json" })),
    ).toMatchObject({ awsCode: "InvalidEventPatternException" });
    expect(await failure(createArchive(t.actor, c, { name: "bad name!", eventSourceArn: bus.arn }))).toMatchObject({
      awsCode: "ValidationException",
    });
    expect(
      await failure(createArchive(t.actor, c, { name: "x", eventSourceArn: busArnFor(c, "missing-bus") })),
    ).toEqual({ awsCode: "ResourceNotFoundException", message: "Event bus missing-bus does not exist." });
    expect((await listArchives(t.actor, c, {})).archives).toEqual([]);
    await createArchive(t.actor, c, { name: "dup", eventSourceArn: bus.arn });
    expect(await failure(createArchive(t.actor, c, { name: "dup", eventSourceArn: bus.arn }))).toEqual({
      awsCode: "ResourceAlreadyExistsException",
      message: "Archive dup already exists.",
    });
  });

  it("retention deletes events older than RetentionDays and keeps RetentionDays 0 forever", async () => {
    const { t, c, bus, src } = await setup();
    const short = await createArchive(t.actor, c, {
      name: uniqueName("short"),
      eventSourceArn: bus.arn,
      retentionDays: 1,
    });
    const forever = await createArchive(t.actor, c, { name: uniqueName("forever"), eventSourceArn: bus.arn });
    await putEvents(pool(), c, bus.name, [entry(src, { n: 1 }), entry(src, { n: 2 })]);
    // Age one archived event of each archive past a day (the clock cannot be moved in a test).
    await pool().query(
      `UPDATE archived_events SET archived_at = now() - interval '2 days'
        WHERE id IN (SELECT min(id) FROM archived_events WHERE archive_id = ANY($1) GROUP BY archive_id)`,
      [[short.id, forever.id]],
    );
    await runArchiveRetention({});
    expect((await describeArchive(t.actor, c, short.name)).eventCount).toBe(1);
    expect((await describeArchive(t.actor, c, forever.name)).eventCount).toBe(2);
  });
});

describe("replays", () => {
  async function replaySetup() {
    const s = await setup();
    const { t, c, bus, src } = s;
    const q1 = (await createQueue(t.actor, t.tenant.id, { name: uniqueName("q1") })).queue;
    const q2 = (await createQueue(t.actor, t.tenant.id, { name: uniqueName("q2") })).queue;
    const r1 = await putRule(t.actor, c, {
      name: "r1",
      eventBusName: bus.name,
      eventPattern: JSON.stringify({ source: [src] }),
    });
    const r2 = await putRule(t.actor, c, {
      name: "r2",
      eventBusName: bus.name,
      eventPattern: JSON.stringify({ source: [src] }),
    });
    await putTargets(t.actor, c, { rule: "r1", eventBusName: bus.name, targets: [{ Id: "q", Arn: q1.arn }] });
    await putTargets(t.actor, c, { rule: "r2", eventBusName: bus.name, targets: [{ Id: "q", Arn: q2.arn }] });
    const archive = await createArchive(t.actor, c, { name: uniqueName("arch"), eventSourceArn: bus.arn });
    return { ...s, q1, q2, r1: r1.ruleArn, r2: r2.ruleArn, archive };
  }

  it("replays a window to the filtered rule only, with replay-name and event times, and is not re-archived", async () => {
    const { t, c, bus, src, q1, q2, r1, archive } = await replaySetup();
    // Put out of order: the replay sends them by event time.
    await putEvents(pool(), c, bus.name, [
      entry(src, { n: 2 }, at(2)),
      entry(src, { n: 0 }, at(0)),
      entry(src, { n: 1 }, at(1)),
    ]);
    await putEvents(pool(), c, bus.name, [entry(src, { n: 9 }, at(9))]);
    await routePendingEvents({ tenantId: t.tenant.id }); // PutEvents only accepts; routing is asynchronous
    expect(await bodies(q1.id)).toHaveLength(4);
    expect(await bodies(q2.id)).toHaveLength(4);

    const name = uniqueName("rp");
    const started = await startReplay(t.actor, c, {
      name,
      eventSourceArn: archive.arn,
      eventStartTime: at(0),
      eventEndTime: at(5),
      destination: { arn: bus.arn, filterArns: [r1] },
    });
    expect(started).toMatchObject({
      state: "STARTING",
      totalCount: 3,
      arn: `arn:aws:events:us-east-1:${t.tenant.accountId}:replay/${name}`,
    });
    await runReplay({ tenantId: t.tenant.id, replayId: started.id });
    await routePendingEvents({ tenantId: t.tenant.id });

    // The replay reads the archive in time order (the resume test checks its batches), but the
    // router does not keep order across its batches and AWS promises targets no replay order: what
    // is checked here is each event of the window once, with replay-name and its original time.
    const replayed = (await bodies(q1.id)).slice(4);
    const byN = (x: Record<string, unknown>) => (x.detail as { n: number }).n;
    replayed.sort((a, b) => byN(a) - byN(b));
    expect(replayed.map((b) => [b["replay-name"], byN(b), b.time])).toEqual([
      [name, 0, at(0).toISOString().replace(".000Z", "Z")],
      [name, 1, at(1).toISOString().replace(".000Z", "Z")],
      [name, 2, at(2).toISOString().replace(".000Z", "Z")],
    ]);
    expect(await bodies(q2.id)).toHaveLength(4); // r2 was not in FilterArns
    const d = await describeReplay(t.actor, c, name);
    expect(d).toMatchObject({ state: "COMPLETED", replayedCount: 3 });
    expect(d.eventLastReplayedTime?.toISOString()).toBe(at(2).toISOString());
    expect(d.replayEndTime).toBeInstanceOf(Date);
    expect((await describeArchive(t.actor, c, archive.name)).eventCount).toBe(4);
    expect((await listReplays(t.actor, c, { state: "COMPLETED" })).replays.map((r) => r.name)).toEqual([name]);
  });

  it("resumes after the last committed batch and replays each event once", async () => {
    const { t, c, bus, src, q1, archive } = await replaySetup();
    for (let i = 0; i < 12; i += 6)
      await putEvents(
        pool(),
        c,
        bus.name,
        Array.from({ length: 6 }, (_, k) => entry(src, { n: i + k }, at(i + k))),
      );
    const name = uniqueName("rp");
    const r = await startReplay(t.actor, c, {
      name,
      eventSourceArn: archive.arn,
      eventStartTime: at(0),
      eventEndTime: at(30),
      destination: { arn: bus.arn },
    });
    // One batch, then the "worker dies": the next run starts from the committed cursor.
    expect(await runReplayBatch(t.tenant.id, r.id)).toBe(true);
    expect(await describeReplay(t.actor, c, name)).toMatchObject({ state: "RUNNING", replayedCount: 10 });
    // The committed batch is the window's first ten events by event time.
    expect(await replayedNs(t.tenant.id, name)).toEqual(Array.from({ length: 10 }, (_, k) => k));
    await runReplay({ tenantId: t.tenant.id, replayId: r.id });
    await runReplay({ tenantId: t.tenant.id, replayId: r.id }); // a duplicate job finds it COMPLETED
    await routePendingEvents({ tenantId: t.tenant.id });
    // Each event exactly once (delivery order across routing batches is not promised, as in AWS).
    const replayed = (await bodies(q1.id)).filter((b) => b["replay-name"] === name);
    expect(replayed.map((b) => (b.detail as { n: number }).n).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, k) => k),
    );
    expect(await describeReplay(t.actor, c, name)).toMatchObject({ state: "COMPLETED", replayedCount: 12 });
  });

  it("cancels: CANCELLING until the job sees it, then CANCELLED with nothing more replayed", async () => {
    const { t, c, bus, src, q1, archive } = await replaySetup();
    await putEvents(pool(), c, bus.name, [entry(src, { n: 1 }, at(1))]);
    const name = uniqueName("rp");
    const r = await startReplay(t.actor, c, {
      name,
      eventSourceArn: archive.arn,
      eventStartTime: at(0),
      eventEndTime: at(5),
      destination: { arn: bus.arn },
    });
    expect((await cancelReplay(t.actor, c, name)).state).toBe("CANCELLING");
    await runReplay({ tenantId: t.tenant.id, replayId: r.id });
    expect((await describeReplay(t.actor, c, name)).state).toBe("CANCELLED");
    expect((await bodies(q1.id)).filter((b) => b["replay-name"])).toEqual([]);
    expect(await failure(cancelReplay(t.actor, c, name))).toEqual({
      awsCode: "IllegalStatusException",
      message: `Replay ${name} is not in a valid state for this operation.`,
    });
  });

  it("refuses bad replays as AWS does", async () => {
    const { t, c, bus, archive } = await replaySetup();
    const other = await createBus(t.actor, c, { name: uniqueName("other") });
    const base = {
      eventSourceArn: archive.arn,
      eventStartTime: at(0),
      eventEndTime: at(5),
      destination: { arn: bus.arn },
    };
    expect(await failure(startReplay(t.actor, c, { ...base, name: "x", destination: { arn: other.arn } }))).toEqual({
      awsCode: "ValidationException",
      message: "Parameter Destination.Arn is not valid. Reason: Cross event bus replay is not permitted.",
    });
    expect(
      await failure(startReplay(t.actor, c, { ...base, name: "x", eventStartTime: at(5), eventEndTime: at(1) })),
    ).toEqual({
      awsCode: "ValidationException",
      message: "Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.",
    });
    expect(
      await failure(startReplay(t.actor, c, { ...base, name: "x", eventSourceArn: `${archive.arn}-missing` })),
    ).toEqual({
      awsCode: "ValidationException",
      message: `Parameter EventSourceArn is not valid. Reason: Archive ${archive.name}-missing does not exist.`,
    });
    expect(await failure(startReplay(t.actor, c, { ...base, name: "x", destination: { arn: archive.arn } }))).toEqual({
      awsCode: "ValidationException",
      message: "Parameter Destination.Arn is not valid. Reason: Must contain an event bus ARN.",
    });
    expect(await failure(listReplays(t.actor, c, { namePrefix: "a", state: "RUNNING" }))).toEqual({
      awsCode: "ValidationException",
      message: "At most one filter is allowed for ListReplays. Use either : State, EventSourceArn, or NamePrefix.",
    });
    expect(await failure(listReplays(t.actor, c, { state: "DONE" }))).toMatchObject({
      awsCode: "ValidationException",
      message:
        "1 validation error detected: Value 'DONE' at 'state' failed to satisfy constraint: Member must satisfy enum value set: [CANCELLED, CANCELLING, COMPLETED, FAILED, RUNNING, STARTING]",
    });
    expect(
      await failure(
        startReplay(t.actor, c, {
          ...base,
          name: "x",
          destination: {
            arn: bus.arn,
            filterArns: [`arn:aws:events:us-east-1:${t.tenant.accountId}:rule/${bus.name}/nope`],
          },
        }),
      ),
    ).toMatchObject({ awsCode: "ResourceNotFoundException" });
    expect((await listReplays(t.actor, c, {})).replays).toEqual([]);
  });
});

describe("replay job slices", () => {
  it("hands a long replay over to a fresh job instead of running past its slice", async () => {
    const t = await createTestTenant();
    const c = callerOf(t);
    const bus = await createBus(t.actor, c, { name: uniqueName("bus") });
    const archive = await createArchive(t.actor, c, { name: uniqueName("a"), eventSourceArn: bus.arn });
    await putEvents(
      pool(),
      c,
      bus.name,
      Array.from({ length: 10 }, (_, k) => entry("app.slice", { k }, at(k))),
    );
    await putEvents(
      pool(),
      c,
      bus.name,
      Array.from({ length: 5 }, (_, k) => entry("app.slice", { k }, at(20 + k))),
    );
    const r = await startReplay(t.actor, c, {
      name: uniqueName("rp"),
      eventSourceArn: archive.arn,
      eventStartTime: at(0),
      eventEndTime: at(59),
      destination: { arn: bus.arn },
    });
    const jobs = async () =>
      (
        await pool().query(
          `SELECT count(*)::int AS n FROM ${BOSS_SCHEMA}.job WHERE name = 'archives.replay' AND data->>'replayId' = $1`,
          [r.id],
        )
      ).rows[0].n as number;
    const before = await jobs();
    await runReplay({ tenantId: t.tenant.id, replayId: r.id }, undefined, 0); // a zero-length slice: one batch
    expect(await describeReplay(t.actor, c, r.name)).toMatchObject({ state: "RUNNING", replayedCount: 10 });
    expect(await jobs()).toBe(before + 1);
    await runReplay({ tenantId: t.tenant.id, replayId: r.id });
    expect(await describeReplay(t.actor, c, r.name)).toMatchObject({ state: "COMPLETED", replayedCount: 15 });
  });
});
