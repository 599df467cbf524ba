import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb } from "../../db";
import { stopBoss } from "../../jobs/boss";
import { stopListening } from "../../platform/listen";
import {
  addMember,
  createTestTenant,
  createTestUser,
  uniqueName,
  type TestTenant,
} from "../../../tests/helpers/fixtures";
import { startExecutionRunner, type Runner } from "./executor/runner";
import type { Actor } from "../../auth/permissions";
import {
  consoleCreateAlias,
  consoleCreateMachine,
  consoleExecution,
  consoleExecutions,
  consoleMachines,
  consoleMapRunExecutions,
  consoleMapRuns,
  consolePublishVersion,
  consoleStartExecution,
  consoleUpdateMapRun,
} from "./workflows.console";

// The console's tenant-wide executions list (one query, filters, keyset pages), the machines list's
// counts and latest execution, and the Distributed Map runs of an execution page.

let t: TestTenant;
let viewer: Actor;
let runner: Runner;

beforeAll(async () => {
  t = await createTestTenant();
  const u = await createTestUser();
  await addMember(t.tenant.id, u.id, "viewer");
  viewer = { type: "user", userId: u.id, email: u.email, role: "viewer" };
  runner = await startExecutionRunner();
});
afterAll(async () => {
  await runner.stop();
  await stopListening();
  await stopBoss();
  await closeDb();
});

async function rejected(p: Promise<unknown>): Promise<{ message: string; fieldErrors?: Record<string, string[]> }> {
  try {
    await p;
  } catch (err) {
    return err as { message: string; fieldErrors?: Record<string, string[]> };
  }
  throw new Error("expected an error");
}

async function settled(machine: string, execution: string, mapRun?: string) {
  for (let i = 0; i < 300; i++) {
    const e = await consoleExecution(t.actor, t.tenant, { machine, execution, mapRun });
    if (e.status !== "RUNNING") return e;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("execution did not settle");
}

const pass = JSON.stringify({ StartAt: "A", States: { A: { Type: "Pass", End: true } } });

describe("workflows console: executions pages, machine summaries, map runs", () => {
  it("lists every Standard execution of the team in one query, newest first, page by page, with filters", async () => {
    const a = uniqueName("pa");
    const b = uniqueName("pb");
    const x = uniqueName("px");
    await consoleCreateMachine(t.actor, t.tenant, { name: a, type: "STANDARD", definition: pass });
    await consoleCreateMachine(t.actor, t.tenant, { name: b, type: "STANDARD", definition: pass });
    await consoleCreateMachine(t.actor, t.tenant, { name: x, type: "EXPRESS", definition: pass });
    const names = ["run_1", "run_2", "runX3", "run_4", "other-5", "run_6", "run_7"];
    for (const [i, n] of names.entries())
      await consoleStartExecution(t.actor, t.tenant, { machine: i % 2 ? b : a, name: n, input: "{}" });
    await consoleStartExecution(t.actor, t.tenant, { machine: x, input: "{}" });
    for (const [i, n] of names.entries()) await settled(i % 2 ? b : a, n);

    // Pages of 3 until nextCursor is null: each execution once, newest first; the Express run is not listed.
    const seen: { name: string; startDate: Date }[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const p = await consoleExecutions(viewer, t.tenant, { limit: 3, cursor });
      expect(p.items.length).toBeLessThanOrEqual(3);
      seen.push(...p.items);
      cursor = p.nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(pages).toBe(3);
    expect(seen.map((e) => e.name).sort()).toEqual([...names].sort());
    const times = seen.map((e) => new Date(e.startDate).getTime());
    expect(times).toEqual([...times].sort((p, q) => q - p));
    expect(seen.map((e) => e.name)[0]).toBe("run_7");

    // Filters: machine, status, name prefix (LIKE wildcards are literal), start-time range.
    const ofB = await consoleExecutions(viewer, t.tenant, { machine: b });
    expect(ofB.items.map((e) => e.name)).toEqual(["run_6", "run_4", "run_2"]);
    expect(ofB.items.every((e) => e.machineName === b)).toBe(true);
    expect((await consoleExecutions(viewer, t.tenant, { namePrefix: "run_" })).items.map((e) => e.name)).toEqual([
      "run_7",
      "run_6",
      "run_4",
      "run_2",
      "run_1",
    ]);
    expect((await consoleExecutions(viewer, t.tenant, { status: "FAILED" })).items).toEqual([]);
    expect(
      (await consoleExecutions(viewer, t.tenant, { status: "SUCCEEDED", machine: a, namePrefix: "other" })).items.map(
        (e) => e.name,
      ),
    ).toEqual(["other-5"]);
    const fifth = seen.find((e) => e.name === "other-5")!;
    expect(
      (await consoleExecutions(viewer, t.tenant, { startedBefore: new Date(fifth.startDate) })).items.map(
        (e) => e.name,
      ),
    ).toEqual(["run_4", "runX3", "run_2", "run_1"]);
    expect((await consoleExecutions(viewer, t.tenant, { startedAfter: new Date(Date.now() + 60_000) })).items).toEqual(
      [],
    );
    // An Express machine's tab lists nothing; a bad cursor is a field error.
    expect(await consoleExecutions(viewer, t.tenant, { machine: x })).toEqual({ items: [], nextCursor: null });
    expect(
      (await rejected(consoleExecutions(viewer, t.tenant, { cursor: "bm9wZQ" }))).fieldErrors?.cursor,
    ).toBeDefined();

    // The machines list: version and alias counts, the latest execution.
    await consolePublishVersion(t.actor, t.tenant, { machine: a });
    await consoleCreateAlias(t.actor, t.tenant, { machine: a, name: "live", version: 1 });
    await consoleCreateAlias(t.actor, t.tenant, { machine: a, name: "next", version: 1 });
    const list = await consoleMachines(viewer, t.tenant);
    expect(list.find((m) => m.name === a)).toMatchObject({
      versionCount: 1,
      aliasCount: 2,
      lastExecution: { name: "run_7", status: "SUCCEEDED" },
    });
    expect(list.find((m) => m.name === b)).toMatchObject({
      versionCount: 0,
      aliasCount: 0,
      lastExecution: { name: "run_6", status: "SUCCEEDED" },
    });
  });

  it("shows a Distributed Map's run with its counts and child executions, and updates its MaxConcurrency", async () => {
    const name = uniqueName("dmap");
    await consoleCreateMachine(t.actor, t.tenant, {
      name,
      type: "STANDARD",
      definition: JSON.stringify({
        StartAt: "Fan",
        States: {
          Fan: {
            Type: "Map",
            Label: "Fan",
            ItemsPath: "$.items",
            MaxConcurrency: 2,
            ToleratedFailureCount: 1,
            ItemProcessor: {
              ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
              StartAt: "Double",
              States: { Double: { Type: "Pass", Parameters: { "v.$": "States.MathAdd($, $)" }, End: true } },
            },
            End: true,
          },
        },
      }),
    });
    await consoleStartExecution(t.actor, t.tenant, { machine: name, name: "fan-1", input: '{"items":[1,2,3]}' });
    const done = await settled(name, "fan-1");
    expect(done.status).toBe("SUCCEEDED");
    expect(JSON.parse(done.output!)).toEqual([{ v: 2 }, { v: 4 }, { v: 6 }]);

    const runs = await consoleMapRuns(viewer, t.tenant, { machine: name, execution: "fan-1" });
    expect(runs).toHaveLength(1);
    const run = runs[0]!;
    expect(run).toMatchObject({
      label: "Fan",
      status: "SUCCEEDED",
      maxConcurrency: 2,
      toleratedFailureCount: 1,
      itemCounts: { total: 3, succeeded: 3, failed: 0, running: 0, pending: 0 },
    });
    const kids = await consoleMapRunExecutions(viewer, t.tenant, {
      machine: name,
      execution: "fan-1",
      mapRunArn: run.arn,
    });
    expect(kids.items).toHaveLength(3);
    expect(kids.items.every((k) => k.mapRun === "Fan" && k.status === "SUCCEEDED")).toBe(true);
    // A child's own page: its ARN is …:execution:<machine>/Fan:<name>; it names its parent.
    const child = await consoleExecution(viewer, t.tenant, {
      machine: name,
      execution: kids.items[0]!.name,
      mapRun: "Fan",
    });
    expect(child.arn).toBe(kids.items[0]!.arn);
    expect(child.parent).toEqual({ name: "fan-1", mapRunArn: run.arn });
    expect(done.parent).toBeNull();
    // Children are not in the team-wide list.
    expect((await consoleExecutions(viewer, t.tenant, { machine: name })).items.map((e) => e.name)).toEqual(["fan-1"]);

    const updated = await consoleUpdateMapRun(t.actor, t.tenant, {
      machine: name,
      execution: "fan-1",
      mapRunArn: run.arn,
      maxConcurrency: 5,
    });
    expect(updated).toMatchObject({ maxConcurrency: 5, toleratedFailureCount: 1 });
    expect(
      (
        await rejected(
          consoleUpdateMapRun(viewer, t.tenant, {
            machine: name,
            execution: "fan-1",
            mapRunArn: run.arn,
            maxConcurrency: 1,
          }),
        )
      ).message,
    ).toMatch(/does not allow/);
    // A map run of another execution is not this page's to change.
    const other = uniqueName("dother");
    await consoleCreateMachine(t.actor, t.tenant, { name: other, type: "STANDARD", definition: pass });
    await consoleStartExecution(t.actor, t.tenant, { machine: other, name: "o-1", input: "{}" });
    expect(
      (
        await rejected(
          consoleUpdateMapRun(t.actor, t.tenant, {
            machine: other,
            execution: "o-1",
            mapRunArn: run.arn,
            maxConcurrency: 1,
          }),
        )
      ).message,
    ).toMatch(/Resource not found/);
    expect((await consoleMapRuns(viewer, t.tenant, { machine: other, execution: "o-1" })).length).toBe(0);
  });

  it("chains each inline Map iteration's events to its MapIterationStarted (the page picks an iteration by it)", async () => {
    const name = uniqueName("imap");
    await consoleCreateMachine(t.actor, t.tenant, {
      name,
      type: "STANDARD",
      definition: JSON.stringify({
        StartAt: "Each",
        States: {
          Each: {
            Type: "Map",
            ItemProcessor: {
              StartAt: "Double",
              States: { Double: { Type: "Pass", Parameters: { "v.$": "States.MathAdd($, $)" }, End: true } },
            },
            End: true,
          },
        },
      }),
    });
    await consoleStartExecution(t.actor, t.tenant, { machine: name, name: "i-1", input: "[5,6,7]" });
    const e = await settled(name, "i-1");
    expect(e.status).toBe("SUCCEEDED");
    const byId = new Map(e.events.map((x) => [x.id, x]));
    const entered = e.events.filter((x) => x.type === "PassStateEntered");
    expect(entered).toHaveLength(3);
    const pairs = entered.map((x) => {
      const started = byId.get(x.previousEventId)!;
      expect(started.type).toBe("MapIterationStarted");
      const index = (started.mapIterationStartedEventDetails as { index: number }).index;
      return [index, JSON.parse((x.stateEnteredEventDetails as { input: string }).input)];
    });
    expect(pairs.sort()).toEqual([
      [0, 5],
      [1, 6],
      [2, 7],
    ]);
  });
});
