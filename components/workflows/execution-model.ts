// What the execution page derives from GetExecutionHistory's events, pure: each state's runs
// (entered → exited, with input, output, assigned variables and the error that ended or was caught),
// one status per state for colouring the graph, and the waterfall's rows. Events have AWS's shape:
// { id, previousEventId, timestamp, type, <type>EventDetails }.

export interface HistoryEventLike {
  id: number;
  previousEventId?: number;
  timestamp: Date | string;
  type: string;
  [key: string]: unknown;
}

export type StateStatus = "running" | "succeeded" | "failed" | "caught" | "aborted";

export interface StateRun {
  name: string;
  type: string;
  enteredEventId: number;
  start: number;
  end: number | null;
  input: string | null;
  output: string | null;
  /** assignedVariables of the exited event (JSON text per name). */
  variables: Record<string, string> | null;
  error: string | null;
  cause: string | null;
  status: StateStatus;
  /** The task/iteration events between entered and exited (scheduled, started, succeeded …). */
  steps: { id: number; type: string; at: number }[];
  /** Ended by the execution's end and run again after a redrive (the graph shows the newer run). */
  superseded?: boolean;
  /** The inline Map iteration (index) this run belongs to, the innermost one; null outside a Map. */
  iteration: number | null;
}

const time = (t: Date | string) => new Date(t).getTime();

/** The `...EventDetails` member of an event (AWS names it after the event type). */
export function detailsOf(e: HistoryEventLike): Record<string, unknown> | null {
  for (const [k, v] of Object.entries(e)) {
    if (k.endsWith("EventDetails") && v && typeof v === "object") return v as Record<string, unknown>;
  }
  return null;
}

const ENTERED = /^(\w+)StateEntered$/;
const EXITED = /^(\w+)StateExited$/;
const FAILURE = /(Failed|TimedOut|Aborted)$/;
const EXECUTION_END = /^Execution(Succeeded|Failed|Aborted|TimedOut)$/;

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** The state runs of an execution, in the order they were entered. */
export function stateRuns(events: HistoryEventLike[], executionStatus?: string): StateRun[] {
  const runs: StateRun[] = [];
  const open: StateRun[] = [];
  let endedWithExecution: StateRun[] = [];
  const sorted = [...events].sort((a, b) => a.id - b.id);
  const iterationOf = iterations(sorted);
  for (const e of sorted) {
    const d = detailsOf(e) ?? {};
    const entered = ENTERED.exec(e.type);
    if (entered) {
      const run: StateRun = {
        name: str(d.name) ?? "?",
        type: entered[1],
        enteredEventId: e.id,
        start: time(e.timestamp),
        end: null,
        input: str(d.input),
        output: null,
        variables: null,
        error: null,
        cause: null,
        status: "running",
        steps: [],
        iteration: iterationOf(e),
      };
      if (run.type === "Fail") {
        run.end = run.start;
        run.status = "failed";
      } else open.push(run);
      runs.push(run);
      continue;
    }
    const exited = EXITED.exec(e.type);
    if (exited) {
      const name = str(d.name);
      const i = findLastIndex(open, (r) => r.name === name);
      if (i < 0) continue;
      const run = open[i];
      open.splice(i, 1);
      run.end = time(e.timestamp);
      run.output = str(d.output);
      const assigned = d.assignedVariables;
      if (assigned && typeof assigned === "object") run.variables = assigned as Record<string, string>;
      run.status = run.error ? "caught" : "succeeded";
      continue;
    }
    if (e.type === "ExecutionRedriven") {
      // The states that did not finish run again (a new *StateEntered follows for each).
      for (const run of endedWithExecution) run.superseded = true;
      for (const run of runs) if (run.type === "Fail" && run.status === "failed") run.superseded = true;
      endedWithExecution = [];
      continue;
    }
    if (EXECUTION_END.test(e.type)) {
      const status = e.type === "ExecutionSucceeded" ? null : e.type === "ExecutionAborted" ? "aborted" : "failed";
      endedWithExecution = [...open];
      for (const run of open.splice(0)) {
        run.end = time(e.timestamp);
        if (status) run.status = status;
        else run.status = "succeeded";
        if (status === "failed") {
          run.error ??= str(d.error);
          run.cause ??= str(d.cause);
        }
      }
      continue;
    }
    if (e.type.startsWith("Execution")) continue;
    // A task, map, parallel or iteration event: it belongs to the most recently entered open run.
    const owner = open[open.length - 1];
    if (!owner) continue;
    owner.steps.push({ id: e.id, type: e.type, at: time(e.timestamp) });
    if (FAILURE.test(e.type) && !e.type.startsWith("MapIteration")) {
      owner.error = str(d.error) ?? e.type;
      owner.cause = str(d.cause);
    }
  }
  if (executionStatus && executionStatus !== "RUNNING" && executionStatus !== "PENDING_REDRIVE") {
    for (const run of open) run.status = executionStatus === "ABORTED" ? "aborted" : "failed";
  }
  return runs;
}

/**
 * Which inline Map iteration an event belongs to. The executor (as AWS) chains each iteration's
 * events by previousEventId from its MapIterationStarted, so walking back through the chain finds it;
 * reaching an event of a Map state's own frame (Map…) first means the event is outside any iteration.
 */
function iterations(sorted: HistoryEventLike[]): (e: HistoryEventLike) => number | null {
  const byId = new Map(sorted.map((e) => [e.id, e]));
  const memo = new Map<number, number | null>();
  const of = (e: HistoryEventLike): number | null => {
    const seen: HistoryEventLike[] = [];
    let cur: HistoryEventLike | undefined = e;
    let found: number | null = null;
    while (cur) {
      if (memo.has(cur.id)) {
        found = memo.get(cur.id)!;
        break;
      }
      seen.push(cur);
      const p: HistoryEventLike | undefined = cur.previousEventId ? byId.get(cur.previousEventId) : undefined;
      if (!p || p.id >= cur.id) break;
      if (p.type === "MapIterationStarted") {
        const idx = (detailsOf(p) ?? {}).index;
        found = typeof idx === "number" ? idx : null;
        break;
      }
      if (p.type.startsWith("Map")) break;
      cur = p;
    }
    for (const x of seen) memo.set(x.id, found);
    return found;
  };
  return of;
}

function findLastIndex<T>(a: T[], f: (x: T) => boolean): number {
  for (let i = a.length - 1; i >= 0; i--) if (f(a[i])) return i;
  return -1;
}

const RANK: Record<StateStatus, number> = { running: 5, failed: 4, aborted: 3, caught: 2, succeeded: 1 };

/**
 * One status per state name (the most telling of its runs: a Map's failed iteration outweighs the
 * ones that succeeded), for colouring the graph. Runs a redrive superseded count only when the
 * state has not run since.
 */
export function stateStatuses(runs: StateRun[]): Map<string, StateStatus> {
  const out = new Map<string, StateStatus>();
  const rerun = new Set(runs.filter((r) => !r.superseded).map((r) => r.name));
  for (const r of runs) {
    if (r.superseded && rerun.has(r.name)) continue;
    const prev = out.get(r.name);
    if (!prev || RANK[r.status] > RANK[prev]) out.set(r.name, r.status);
  }
  return out;
}

export interface WaterfallRow {
  run: StateRun;
  /** Milliseconds from the execution's start. */
  offset: number;
  /** Milliseconds the state took (to now, or to the last event, while running). */
  duration: number;
  /** Bar position as fractions of the whole span (0…1). */
  left: number;
  width: number;
}

/** The waterfall: one row per state run, placed on the span from the first to the last event (or `now`). */
export function waterfall(
  events: HistoryEventLike[],
  runs: StateRun[],
  now?: number,
): { rows: WaterfallRow[]; span: number } {
  if (events.length === 0) return { rows: [], span: 0 };
  const times = events.map((e) => time(e.timestamp));
  const first = Math.min(...times);
  const running = runs.some((r) => r.end === null);
  const last = Math.max(...times, running && now ? now : 0);
  const span = Math.max(last - first, 1);
  const rows = runs.map((run) => {
    const end = run.end ?? last;
    const offset = run.start - first;
    const duration = Math.max(end - run.start, 0);
    return { run, offset, duration, left: offset / span, width: Math.max(duration / span, 0.004) };
  });
  return { rows, span: last - first };
}

/** "850 ms", "2.4 s", "3 min 5 s", "1 h 2 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s < 10 ? s.toFixed(1) : Math.round(s)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s - m * 60)} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${m - h * 60} min`;
}

/** Pretty-prints a JSON text for display; leaves anything else as it is. */
export function prettyJson(text: string | null | undefined): string {
  if (text == null) return "";
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
