import { describe, expect, it } from "vitest";
import {
  formatDuration,
  stateRuns,
  stateStatuses,
  waterfall,
  type HistoryEventLike,
} from "@/components/workflows/execution-model";

// The execution page's reading of GetExecutionHistory (AWS's event shapes): runs per state with
// input/output/variables, a status per state for the graph, and the waterfall's geometry.

const t0 = Date.parse("2026-12-02T10:00:00.000Z");
const at = (ms: number) => new Date(t0 + ms);
let id = 0;
const ev = (ms: number, type: string, details?: Record<string, unknown>, key?: string): HistoryEventLike => {
  id += 1;
  const e: HistoryEventLike = { id, previousEventId: id - 1, timestamp: at(ms), type };
  if (details) e[key ?? `${type[0].toLowerCase()}${type.slice(1)}EventDetails`] = details;
  return e;
};
const entered = (ms: number, type: string, name: string, input: string) =>
  ev(ms, `${type}StateEntered`, { name, input }, "stateEnteredEventDetails");
const exited = (ms: number, type: string, name: string, output: string, assignedVariables?: Record<string, string>) =>
  ev(ms, `${type}StateExited`, { name, output, assignedVariables }, "stateExitedEventDetails");

describe("execution history → runs, statuses, waterfall", () => {
  it("pairs entered/exited events, keeps input/output/variables, marks caught and failed states", () => {
    id = 0;
    const events = [
      ev(0, "ExecutionStarted", { input: '{"a":1}' }),
      entered(10, "Pass", "Prepare", '{"a":1}'),
      exited(20, "Pass", "Prepare", '{"a":2}', { count: "2" }),
      entered(20, "Task", "Charge", '{"a":2}'),
      ev(25, "TaskScheduled", { resource: "lambda:invoke" }),
      ev(30, "TaskStarted", {}),
      ev(1530, "TaskFailed", { error: "Card.Declined", cause: "no funds" }),
      exited(1530, "Task", "Charge", '{"Error":"Card.Declined"}'),
      entered(1530, "Fail", "Declined", '{"Error":"Card.Declined"}'),
      ev(1540, "ExecutionFailed", { error: "Card.Declined", cause: "no funds" }),
    ];
    const runs = stateRuns(events, "FAILED");
    expect(runs.map((r) => [r.name, r.status])).toEqual([
      ["Prepare", "succeeded"],
      ["Charge", "caught"],
      ["Declined", "failed"],
    ]);
    expect(runs[0]).toMatchObject({ input: '{"a":1}', output: '{"a":2}', variables: { count: "2" } });
    expect(runs[1]).toMatchObject({ error: "Card.Declined", cause: "no funds" });
    expect(runs[1].steps.map((s) => s.type)).toEqual(["TaskScheduled", "TaskStarted", "TaskFailed"]);
    const statuses = stateStatuses(runs);
    expect(Object.fromEntries(statuses)).toEqual({ Prepare: "succeeded", Charge: "caught", Declined: "failed" });

    const w = waterfall(events, runs);
    expect(w.span).toBe(1540);
    const charge = w.rows[1];
    expect(charge.offset).toBe(20);
    expect(charge.duration).toBe(1510);
    expect(charge.left).toBeCloseTo(20 / 1540);
    expect(charge.width).toBeCloseTo(1510 / 1540);
  });

  it("shows a state still waiting as running, and an aborted execution's open state as aborted", () => {
    id = 0;
    const events = [
      ev(0, "ExecutionStarted", { input: "{}" }),
      entered(5, "Task", "Approve", "{}"),
      ev(6, "TaskScheduled", { resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken" }),
    ];
    const running = stateRuns(events, "RUNNING");
    expect(running[0].status).toBe("running");
    const w = waterfall(events, running, t0 + 1005);
    expect(w.rows[0].duration).toBe(1000);
    const aborted = stateRuns([...events, ev(2000, "ExecutionAborted", {})], "ABORTED");
    expect(aborted[0].status).toBe("aborted");
    expect(aborted[0].end).toBe(t0 + 2000);
  });

  it("keeps the most telling status when a state runs many times (Map iterations)", () => {
    id = 0;
    const events = [entered(0, "Pass", "Item", "1"), exited(1, "Pass", "Item", "1"), entered(2, "Pass", "Item", "2")];
    expect(stateStatuses(stateRuns(events, "RUNNING")).get("Item")).toBe("running");
  });

  it("tells which inline Map iteration each run belongs to, through the previousEventId chain, interleaved", () => {
    const E = (id: number, prev: number, type: string, details: Record<string, unknown> = {}): HistoryEventLike => ({
      id,
      previousEventId: prev,
      timestamp: at(id),
      type,
      [`${type[0].toLowerCase()}${type.slice(1)}EventDetails`]: details,
    });
    const st = (id: number, prev: number, type: string, name: string, io: string): HistoryEventLike => ({
      id,
      previousEventId: prev,
      timestamp: at(id),
      type,
      [type.endsWith("Entered") ? "stateEnteredEventDetails" : "stateExitedEventDetails"]: {
        name,
        [type.endsWith("Entered") ? "input" : "output"]: io,
      },
    });
    // Two iterations run at once; their events interleave, each chained to its own MapIterationStarted.
    const events = [
      E(1, 0, "ExecutionStarted", { input: "[10,20]" }),
      st(2, 1, "MapStateEntered", "Each", "[10,20]"),
      E(3, 2, "MapStateStarted", { length: 2 }),
      E(4, 3, "MapIterationStarted", { name: "Each", index: 0 }),
      E(5, 4, "MapIterationStarted", { name: "Each", index: 1 }),
      st(6, 5, "PassStateEntered", "Double", "20"),
      st(7, 4, "PassStateEntered", "Double", "10"),
      st(8, 7, "PassStateExited", "Double", "20x"),
      st(9, 8, "PassStateEntered", "Tag", "20x"),
      st(10, 6, "PassStateExited", "Double", "40"),
      st(11, 9, "PassStateExited", "Tag", "t20"),
      E(12, 5, "MapIterationSucceeded", { name: "Each", index: 0 }),
      E(13, 12, "MapIterationSucceeded", { name: "Each", index: 1 }),
      E(14, 13, "MapStateSucceeded"),
      st(15, 14, "MapStateExited", "Each", "[]"),
      st(16, 15, "PassStateEntered", "After", "[]"),
    ];
    const runs = stateRuns(events, "RUNNING");
    const of = (name: string) => runs.filter((r) => r.name === name).map((r) => [r.iteration, r.input]);
    expect(of("Double")).toEqual([
      [1, "20"],
      [0, "10"],
    ]);
    expect(of("Tag")).toEqual([[0, "20x"]]);
    expect(of("Each")).toEqual([[null, "[10,20]"]]);
    expect(of("After")).toEqual([[null, "[]"]]);
  });

  it("after a redrive, a state that failed and then succeeded shows as succeeded", () => {
    id = 0;
    const events = [
      ev(0, "ExecutionStarted", { input: "{}" }),
      entered(1, "Task", "Charge", "{}"),
      ev(2, "TaskFailed", { error: "Boom", cause: "x" }),
      ev(3, "ExecutionFailed", { error: "Boom", cause: "x" }),
      ev(10, "ExecutionRedriven", { redriveCount: 1 }),
      entered(11, "Task", "Charge", "{}"),
      ev(12, "TaskSucceeded", { output: "{}" }),
      exited(13, "Task", "Charge", "{}"),
      ev(14, "ExecutionSucceeded", { output: "{}" }),
    ];
    const runs = stateRuns(events, "SUCCEEDED");
    expect(runs.map((r) => [r.status, !!r.superseded])).toEqual([
      ["failed", true],
      ["succeeded", false],
    ]);
    expect(stateStatuses(runs).get("Charge")).toBe("succeeded");
    // Before the redrive the failure is what shows.
    expect(stateStatuses(stateRuns(events.slice(0, 4), "FAILED")).get("Charge")).toBe("failed");
  });

  it("formats durations for people", () => {
    expect(formatDuration(850)).toBe("850 ms");
    expect(formatDuration(2400)).toBe("2.4 s");
    expect(formatDuration(185_000)).toBe("3 min 5 s");
    expect(formatDuration(3_720_000)).toBe("1 h 2 min");
  });
});
