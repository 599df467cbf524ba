import { randomUUID } from "node:crypto";
import { pool, withTransaction, type Queryable } from "../../../db";
import { gated } from "../../../platform/tx-gate";
import {
  applyError,
  applyResult,
  executionErrorCause,
  exceedsPayloadLimit,
  mapFailureTolerated,
  stepState,
  type Json,
  type JsonObject,
  type MapWork,
  type QueryLanguage,
  type RunContext,
  type Scope,
  type StepOutcome,
  type TaskWork,
  type Transition,
} from "../../../core/states";
import { enqueue } from "../../../platform/enqueue";
import { region } from "../execution.arns";
import * as repo from "../execution.repository";
import { emitExecutionStatusChange } from "../status-events";
import { statusRecord } from "../execution.status";
import { splitResource, type TaskOutcome, type TaskPattern, type TaskRequest } from "../tasks/resource";
import { taskResourceFor } from "../tasks/registry";
import { runTaskJob } from "../workflows.jobs";
import { finishStateMachineDeletion } from "../state-machine.service";
import * as xrepo from "./executor.repository";
import { newTaskToken } from "./tokens";
import {
  activityStartedEvent,
  endEvent,
  familyOf,
  scheduledEvents,
  submittedEvent,
  type TaskFamily,
} from "./task-events";
import { startDistributedMap, type MapHost } from "./map-run";
import { notifyParent } from "./parent";
import { stopChildrenLater } from "./stop-children";

// The durable executor. `advanceExecution(id)` takes the execution's row lock (FOR UPDATE SKIP
// LOCKED: one runner at a time, anywhere) and, in ONE transaction, moves every runnable thread
// (the machine, Parallel branches, Map iterations) as far as it can without the outside world:
// pure states (Pass, Choice, Succeed, Fail, Wait's entry) and local task resources run inside the
// transaction; remote tasks are handed to a job; waits, retries and task timeouts become the
// execution's `ready_at`. Events, threads and the execution row are written at the end, so a
// runner killed mid-way leaves the last committed transition and the next runner redoes the rest:
// nothing outside the database has seen the uncommitted part (local resources write in this
// transaction; remote jobs are enqueued in it).

const BUDGET = 1000; // transitions per transaction before committing and coming back

type Pending = Record<string, unknown> | null;

type Frame = {
  id: string;
  parent_id: string | null;
  child_index: number;
  scope_path: Array<[string, number]>;
  status: string;
  state_name: string;
  input: Json;
  variables: JsonObject;
  context: JsonObject;
  entered_event_id: number;
  last_event_id: number;
  entered_at: Date | null;
  retry_attempts: number[];
  retry_count: number;
  pending: Pending;
  wake_at: Date | null;
  output: Json | null;
  error: string | null;
  cause: string | null;
  isNew?: boolean;
  dirty?: boolean;
  token?: string;
};

const TERMINAL = new Set(["succeeded", "failed", "aborted"]);
const RUNNABLE = new Set(["enter", "step", "result", "error"]);

export function patternOf(resource: string): TaskPattern {
  if (resource.endsWith(".waitForTaskToken")) return "waitForTaskToken";
  if (resource.endsWith(".sync:2")) return "sync2";
  if (resource.endsWith(".sync")) return "sync";
  return "requestResponse";
}

const isActivity = (resource: string) => /^arn:[^:]+:states:[^:]*:\d*:activity:/.test(resource);

/** Advances one execution if it is due and no other runner holds it. Returns its next ready time. */
// Under gated(): the sqs/sns/events task resources look queues and topics up through the pool (a
// second connection) while this transaction holds one, so unbounded advances could take every
// connection and wait for one more (pool deadlock).
export async function advanceExecution(executionId: string): Promise<Date | null> {
  let deleting: string | null = null;
  const next = await gated(() =>
    withTransaction(async (tx) => {
      const now = new Date();
      const ex = await xrepo.lockDueExecution(tx, executionId, now);
      if (!ex) return null;
      if (ex.status !== "RUNNING") {
        await xrepo.clearReady(tx, ex.id);
        return null;
      }
      const frames = (await xrepo.activeFrames(tx, ex.id)) as Frame[];
      const run = new Run(tx, ex, frames, now);
      if (ex.machine_status === "DELETING") run.machineDeleted();
      else await run.advance();
      const ready = await run.flush();
      if (ex.machine_status === "DELETING" && ex.status !== "RUNNING") deleting = ex.tenant_id;
      return ready;
    }),
  );
  // After the commit: inside the transaction the cascade would take this execution's own row.
  if (deleting) await finishStateMachineDeletion(pool(), deleting);
  return next;
}

export class Run {
  readonly events: repo.EventInsert[] = [];
  readonly frames = new Map<string, Frame>();
  readonly history: boolean;
  readonly definition: JsonObject;
  readonly input: Json;
  private nextId: number;
  private startStatus: string;
  private budget = BUDGET;
  private scopes = new Map<string, Scope>();
  private tokens: Array<{ token: string; frame: Frame; scheduledEventId: number }> = [];
  private abortedFrames: string[] = [];
  private timedOutFrames: string[] = [];
  private collecting: Frame[] = [];
  private afterFlush: Array<() => Promise<void>> = [];

  constructor(
    readonly tx: Queryable,
    readonly ex: repo.ExecutionRow,
    frames: Frame[],
    readonly now: Date,
  ) {
    for (const f of frames) {
      this.frames.set(f.id, f);
      // A Parallel/Map whose children all ended in a transaction that ran out of budget.
      if (f.status === "collect") this.collecting.push(f);
    }
    this.history = ex.type !== "EXPRESS";
    this.definition = JSON.parse(ex.definition) as JsonObject;
    this.input = JSON.parse(ex.input) as Json;
    this.nextId = ex.next_event_id;
    this.startStatus = ex.status;
  }

  // ---- history ------------------------------------------------------------------------------

  event(frame: Frame | null, type: string, details: Record<string, unknown> = {}, timestamp = new Date()): number {
    const id = this.nextId++;
    const previousEventId = frame ? frame.last_event_id : this.lastRootEvent();
    if (this.history) this.events.push({ id, previousEventId, type, timestamp, details });
    if (frame) {
      frame.last_event_id = id;
      frame.dirty = true;
    }
    return id;
  }

  private lastRootEvent(): number {
    for (const f of this.frames.values()) if (f.parent_id === null) return f.last_event_id;
    return this.nextId - 1;
  }

  // ---- scopes and context -------------------------------------------------------------------

  scopeOf(path: Array<[string, number]>): Scope {
    const key = JSON.stringify(path);
    const hit = this.scopes.get(key);
    if (hit) return hit;
    const language = (this.definition.QueryLanguage as QueryLanguage | undefined) ?? "JSONPath";
    let scope: Scope = {
      StartAt: this.definition.StartAt as string,
      States: this.definition.States as Record<string, JsonObject>,
      QueryLanguage: language,
    };
    for (const [name, idx] of path) {
      const st = scope.States[name]!;
      const b = (idx >= 0 ? (st.Branches as JsonObject[])[idx] : (st.ItemProcessor ?? st.Iterator)) as JsonObject;
      scope = { StartAt: b.StartAt as string, States: b.States as Record<string, JsonObject>, QueryLanguage: language };
    }
    this.scopes.set(key, scope);
    return scope;
  }

  stateOf(f: Frame): JsonObject {
    return this.scopeOf(f.scope_path).States[f.state_name]!;
  }

  runContext(f: Frame, extra: JsonObject = {}): RunContext {
    const sm = this.ex.state_machine_arn;
    return {
      context: {
        Execution: {
          Id: this.ex.arn,
          Input: this.input,
          Name: this.ex.name,
          RoleArn: this.ex.role_arn,
          StartTime: this.ex.start_date.toISOString(),
          RedriveCount: this.ex.redrive_count,
        },
        StateMachine: { Id: sm, Name: sm.split(":")[6] ?? "" },
        State: {
          EnteredTime: (f.entered_at ?? this.now).toISOString(),
          Name: f.state_name,
          RetryCount: f.retry_count,
        },
        ...f.context,
        ...extra,
      },
      variables: f.variables,
      now: new Date(),
      retryAttempts: f.retry_attempts,
    };
  }

  // ---- the loop -----------------------------------------------------------------------------

  private due(f: Frame): boolean {
    if (RUNNABLE.has(f.status)) return true;
    if (f.status === "wait" || f.status === "retry" || f.status === "task")
      return f.wake_at !== null && new Date(f.wake_at) <= this.now;
    return false;
  }

  /** DeleteStateMachine: "on the next state transition, the state machine's executions are terminated". */
  machineDeleted(): void {
    this.closeExecution("FAILED", {
      error: "States.Runtime",
      cause: `The state machine '${this.ex.state_machine_arn}' is being deleted.`,
    });
  }

  async advance(): Promise<void> {
    if (this.ex.deadline_at && new Date(this.ex.deadline_at) <= this.now) {
      this.closeExecution("TIMED_OUT", { error: "States.Timeout", cause: "" });
      return;
    }
    let progressed = true;
    while (progressed && this.budget > 0 && this.ex.status === "RUNNING") {
      progressed = false;
      for (const f of [...this.frames.values()]) {
        if (this.ex.status !== "RUNNING") break;
        if (TERMINAL.has(f.status) || !this.due(f)) continue;
        await this.tick(f);
        progressed = true;
        this.budget--;
      }
    }
  }

  private async tick(f: Frame): Promise<void> {
    f.dirty = true;
    switch (f.status) {
      case "enter": {
        const state = this.stateOf(f);
        f.entered_at = new Date();
        f.retry_attempts = [];
        f.retry_count = 0;
        f.entered_event_id = this.event(f, `${state.Type as string}StateEntered`, {
          stateEnteredEventDetails: {
            name: f.state_name,
            input: JSON.stringify(f.input),
            inputDetails: { truncated: false },
          },
        });
        f.status = "step";
        return this.step(f);
      }
      case "step":
        return this.step(f);
      case "retry":
        f.status = "step";
        f.wake_at = null;
        return this.step(f);
      case "wait": {
        const then = (f.pending as { then: Transition }).then;
        f.wake_at = null;
        return this.transition(f, then);
      }
      case "task": {
        const p = f.pending as {
          resourceType: string;
          resource: string;
          heartbeatAt?: string;
          timeoutAt?: string;
          family?: TaskFamily;
          token?: string;
          startedEventId?: number;
        };
        const heartbeat = p.heartbeatAt && new Date(p.heartbeatAt) <= this.now;
        const error =
          heartbeat && !(p.timeoutAt && new Date(p.timeoutAt) <= this.now)
            ? "States.HeartbeatTimeout"
            : "States.Timeout";
        const family = p.family ?? "task";
        if (family === "activity" && p.startedEventId === undefined) {
          const started = await activityStartedEvent(this.tx, p.token);
          if (started) this.event(f, started.type, started.details, started.timestamp);
        }
        const ended = endEvent(family, p.resourceType, p.resource, { kind: "timedOut", error, cause: "" });
        this.event(f, ended.type, ended.details);
        this.timedOutFrames.push(f.id);
        f.wake_at = null;
        f.status = "error";
        f.pending = { failure: { error, cause: "" } };
        return;
      }
      case "result": {
        const result = (f.pending as { result: Json }).result;
        // A task (or Parallel/Map) result over 256 KiB: States.DataLimitExceeded, as AWS names it.
        if (exceedsPayloadLimit(result)) return this.dataLimitExceeded(f);
        const t = await applyResult(this.scopeOf(f.scope_path), f.state_name, f.input, result, this.runContext(f));
        return this.transition(f, t);
      }
      case "error": {
        const failure = (f.pending as { failure: { error: string; cause?: string } }).failure;
        if (failure.error === "States.Runtime") return this.transition(f, { kind: "fail", ...failure });
        const o = await applyError(this.scopeOf(f.scope_path), f.state_name, f.input, failure, this.runContext(f));
        return this.handle(f, o);
      }
    }
  }

  private async step(f: Frame): Promise<void> {
    const state = this.stateOf(f);
    let extra: JsonObject = {};
    if (state.Type === "Task" && typeof state.Resource === "string") {
      if (patternOf(state.Resource) === "waitForTaskToken" || isActivity(state.Resource)) {
        f.token = newTaskToken();
        extra = { Task: { Token: f.token } };
      }
    }
    const outcome = await stepState(this.scopeOf(f.scope_path), f.state_name, f.input, this.runContext(f, extra));
    return this.handle(f, outcome);
  }

  private async handle(f: Frame, o: StepOutcome): Promise<void> {
    switch (o.kind) {
      case "next":
      case "end":
      case "fail":
        return this.transition(f, o);
      case "wait":
        f.status = "wait";
        f.wake_at = o.until;
        f.pending = { then: o.then as unknown as Json };
        return;
      case "retry":
        f.retry_attempts = [...f.retry_attempts];
        f.retry_attempts[o.retrierIndex] = (f.retry_attempts[o.retrierIndex] ?? 0) + 1;
        for (let i = 0; i < f.retry_attempts.length; i++) f.retry_attempts[i] ??= 0;
        f.retry_count++;
        f.status = "retry";
        f.pending = null;
        f.wake_at = new Date(Date.now() + o.delaySeconds * 1000);
        return;
      case "task":
        return this.scheduleTask(f, o);
      case "parallel": {
        await this.supersedeChildren(f);
        this.event(f, "ParallelStateStarted");
        f.status = "children";
        f.pending = { kind: "parallel", total: o.branches.length, done: 0 };
        o.branches.forEach((b, i) =>
          this.spawn(f, i, [...f.scope_path, [f.state_name, i]], b.StartAt, o.input, f.context),
        );
        if (o.branches.length === 0) this.childrenSucceeded(f);
        return;
      }
      case "map":
        await this.supersedeChildren(f);
        if (o.mode === "DISTRIBUTED") return this.startDistributed(f, o);
        return this.startInlineMap(f, o);
    }
  }

  /**
   * A Distributed Map's map run. A StatesError while its items are read, selected or batched
   * (States.ItemReaderFailed, ...) goes to the Map's Retry/Catch like any state error; whatever
   * the attempt wrote is undone under its savepoint.
   */
  private async startDistributed(f: Frame, o: MapWork): Promise<void> {
    await xrepo.savepoint(this.tx, "SAVEPOINT");
    const before = { events: this.events.length, nextId: this.nextId, last: f.last_event_id };
    try {
      await startDistributedMap(this as unknown as MapHost, f, o);
      await xrepo.savepoint(this.tx, "RELEASE SAVEPOINT");
    } catch (err) {
      if ((err as Error).name !== "StatesError") throw err;
      await xrepo.savepoint(this.tx, "ROLLBACK TO SAVEPOINT");
      this.events.length = before.events;
      this.nextId = before.nextId;
      f.last_event_id = before.last;
      const e = err as { error: string; cause: string };
      f.status = "error";
      f.pending = { failure: { error: e.error, cause: e.cause } };
      f.dirty = true;
    }
  }

  /** A retried Parallel/Map starts over: the threads of its earlier attempt no longer count. */
  private async supersedeChildren(f: Frame) {
    await xrepo.supersedeChildren(this.tx, f.id);
    for (const c of this.frames.values()) if (c.parent_id === f.id) c.parent_id = `${f.id}:old`;
  }

  /** A thread for a Parallel branch or Map iteration, with a copy of the parent's variables. */
  spawn(
    parent: Frame,
    index: number,
    path: Array<[string, number]>,
    startAt: string,
    input: Json,
    context: JsonObject,
  ) {
    const f: Frame = {
      id: randomUUID(),
      parent_id: parent.id,
      child_index: index,
      scope_path: path,
      status: "enter",
      state_name: startAt,
      input,
      variables: { ...parent.variables },
      context,
      entered_event_id: 0,
      last_event_id: parent.last_event_id,
      entered_at: null,
      retry_attempts: [],
      retry_count: 0,
      pending: null,
      wake_at: null,
      output: null,
      error: null,
      cause: null,
      isNew: true,
      dirty: true,
    };
    this.frames.set(f.id, f);
    return f;
  }

  // ---- Map (inline) -------------------------------------------------------------------------

  private startInlineMap(f: Frame, o: MapWork) {
    this.event(f, "MapStateStarted", { mapStateStartedEventDetails: { length: o.items.length } });
    f.status = "children";
    f.pending = {
      kind: "map",
      items: o.items,
      total: o.items.length,
      launched: 0,
      running: 0,
      done: 0,
      failed: 0,
      maxConcurrency: o.maxConcurrency,
      ...(o.toleratedFailureCount !== undefined ? { toleratedFailureCount: o.toleratedFailureCount } : {}),
      ...(o.toleratedFailurePercentage !== undefined
        ? { toleratedFailurePercentage: o.toleratedFailurePercentage }
        : {}),
    };
    if (o.items.length === 0) return this.childrenSucceeded(f);
    this.launchItems(f);
  }

  private launchItems(f: Frame) {
    const p = f.pending as { items: Json[]; total: number; launched: number; running: number; maxConcurrency: number };
    const processor = this.scopeOf([...f.scope_path, [f.state_name, -1]]);
    while (p.launched < p.total && (p.maxConcurrency === 0 || p.running < p.maxConcurrency)) {
      const index = p.launched++;
      p.running++;
      const value = p.items[index]!;
      this.event(f, "MapIterationStarted", { mapIterationStartedEventDetails: { name: f.state_name, index } });
      this.spawn(f, index, [...f.scope_path, [f.state_name, -1]], processor.StartAt, value, {
        ...f.context,
        Map: { Item: { Index: index, Value: value } },
      });
    }
    f.dirty = true;
  }

  // ---- transitions and endings --------------------------------------------------------------

  private async transition(f: Frame, t: Transition): Promise<void> {
    const state = this.stateOf(f);
    if (t.kind === "fail") {
      let cause = t.cause;
      if (
        state.Type !== "Fail" &&
        cause !== undefined &&
        (t.error === "States.Runtime" || t.error === "States.QueryEvaluationError") &&
        !cause.startsWith("An error occurred while executing the state")
      )
        cause = executionErrorCause(f.state_name, f.entered_event_id, cause);
      return this.frameFailed(f, t.error ?? null, cause ?? null);
    }
    if (exceedsPayloadLimit(t.output)) return this.dataLimitExceeded(f);
    this.event(f, `${state.Type as string}StateExited`, {
      stateExitedEventDetails: {
        name: f.state_name,
        output: JSON.stringify(t.output),
        outputDetails: { truncated: false },
      },
    });
    f.pending = null;
    f.wake_at = null;
    if (t.kind === "end") return this.frameSucceeded(f, t.output);
    f.state_name = t.next;
    f.input = t.output;
    f.variables = t.variables;
    f.status = "enter";
  }

  /** A state's output or a task's result over 256 KiB: handled by the state's Retry/Catch like any error. */
  private dataLimitExceeded(f: Frame) {
    const state = this.stateOf(f);
    const who = typeof state.Resource === "string" ? state.Resource : f.state_name;
    const failure = {
      error: "States.DataLimitExceeded",
      cause: `The state/task '${who}' returned a result with a size exceeding the maximum number of bytes service limit.`,
    };
    // A Catch whose output is still too large ends the thread instead of catching again.
    const handling = (f.pending as { failure?: { error?: string } } | null)?.failure;
    if (handling?.error === failure.error) return this.frameFailed(f, failure.error, failure.cause);
    f.status = "error";
    f.pending = { failure };
    f.wake_at = null;
    f.dirty = true;
  }

  private frameSucceeded(f: Frame, output: Json) {
    f.status = "succeeded";
    f.output = output;
    f.dirty = true;
    if (f.parent_id === null) return this.closeExecution("SUCCEEDED", { output });
    const parent = this.frames.get(f.parent_id)!;
    const p = parent.pending as { kind: string; total: number; done: number; running?: number };
    if (p.kind === "map") {
      this.event(parent, "MapIterationSucceeded", {
        mapIterationSucceededEventDetails: { name: parent.state_name, index: f.child_index },
      });
      p.running!--;
    }
    p.done++;
    parent.dirty = true;
    this.afterChild(parent);
  }

  private frameFailed(f: Frame, error: string | null, cause: string | null) {
    f.status = "failed";
    f.error = error;
    f.cause = cause;
    f.dirty = true;
    if (f.parent_id === null) return this.closeExecution("FAILED", { error, cause });
    const parent = this.frames.get(f.parent_id)!;
    const p = parent.pending as MapPending;
    parent.dirty = true;
    if (p.kind === "parallel") {
      this.abortChildren(parent);
      this.event(parent, "ParallelStateFailed");
      parent.status = "error";
      parent.pending = { ...p, failure: { error: error ?? "", cause: cause ?? "" } };
      return;
    }
    this.event(parent, "MapIterationFailed", {
      mapIterationFailedEventDetails: { name: parent.state_name, index: f.child_index },
    });
    p.running--;
    p.failed++;
    if (!mapFailureTolerated(p as unknown as MapWork, p.failed, p.total)) {
      const tolerance = p.toleratedFailureCount !== undefined || p.toleratedFailurePercentage !== undefined;
      this.abortChildren(parent);
      this.event(parent, "MapStateFailed");
      parent.status = "error";
      parent.pending = {
        ...p,
        failure: tolerance
          ? {
              error: "States.ExceedToleratedFailureThreshold",
              cause: "The specified tolerated failure threshold was exceeded",
            }
          : { error: error ?? "", cause: cause ?? "" },
      };
      return;
    }
    this.afterChild(parent);
  }

  private afterChild(parent: Frame) {
    const p = parent.pending as MapPending;
    if (p.kind === "map") {
      if (p.done + p.failed < p.total) return this.launchItems(parent);
    } else if (p.done < p.total) return;
    this.childrenSucceeded(parent);
  }

  /** Every branch / iteration ended well: collect their outputs in order, as the state's result. */
  childrenSucceeded(parent: Frame) {
    const p = parent.pending as MapPending;
    parent.status = "collect";
    parent.dirty = true;
    this.event(parent, p.kind === "parallel" ? "ParallelStateSucceeded" : "MapStateSucceeded");
    this.collecting.push(parent);
  }

  /** Reads the outputs of the collected parents' children (some committed in earlier transactions). */
  private async collect(): Promise<boolean> {
    if (!this.collecting.length) return false;
    const parents = this.collecting.splice(0);
    const ids = parents.map((p) => p.id);
    const rows = await xrepo.childOutputs(this.tx, ids);
    for (const parent of parents) {
      const p = parent.pending as MapPending;
      const out: Json[] = new Array<Json>(p.total).fill(null);
      for (const r of rows)
        if (r.parent_id === parent.id && r.status === "succeeded") out[r.child_index] = r.output as Json;
      for (const c of this.frames.values())
        if (c.parent_id === parent.id && c.status === "succeeded") out[c.child_index] = c.output;
      parent.status = "result";
      parent.pending = { result: out };
    }
    return true;
  }

  abortChildren(parent: Frame) {
    for (const c of this.frames.values()) {
      if (c.parent_id !== parent.id || TERMINAL.has(c.status)) continue;
      this.abortChildren(c);
      c.status = "aborted";
      c.wake_at = null;
      c.dirty = true;
      this.abortTokens(c);
    }
  }

  private abortTokens(f: Frame) {
    this.abortedFrames.push(f.id);
  }

  closeExecution(
    status: "SUCCEEDED" | "FAILED" | "TIMED_OUT" | "ABORTED",
    r: { output?: Json; error?: string | null; cause?: string | null },
  ) {
    const ex = this.ex;
    ex.status = status;
    ex.stop_date = new Date();
    if (status === "SUCCEEDED") {
      ex.output = JSON.stringify(r.output ?? null);
      this.event(null, "ExecutionSucceeded", {
        executionSucceededEventDetails: { output: ex.output, outputDetails: { truncated: false } },
      });
    } else {
      ex.error = r.error ?? null;
      ex.cause = r.cause ?? null;
      const details = {
        ...(ex.error !== null ? { error: ex.error } : {}),
        ...(ex.cause !== null ? { cause: ex.cause } : {}),
      };
      if (status === "FAILED") this.event(null, "ExecutionFailed", { executionFailedEventDetails: details });
      else if (status === "TIMED_OUT")
        this.event(null, "ExecutionTimedOut", { executionTimedOutEventDetails: details });
      else this.event(null, "ExecutionAborted", { executionAbortedEventDetails: details });
      for (const f of this.frames.values())
        if (!TERMINAL.has(f.status)) {
          f.status = "aborted";
          f.wake_at = null;
          f.dirty = true;
          this.abortTokens(f);
        }
    }
  }

  // ---- tasks --------------------------------------------------------------------------------

  private async scheduleTask(f: Frame, work: TaskWork): Promise<void> {
    const pattern = patternOf(work.resource);
    const { resourceType, resource } = splitResource(work.resource);
    const res = taskResourceFor(work.resource);
    if (!res || (!res.patterns.includes(pattern) && !isActivity(work.resource)))
      return this.transition(f, {
        kind: "fail",
        error: "States.Runtime",
        cause: `The resource '${work.resource}' is not supported${res ? ` with the integration pattern '${pattern}'` : ""}.`,
      });
    const rt = res.resourceType || resourceType;
    const family = familyOf(work.resource);
    const [first, ...rest] = scheduledEvents(family, {
      resourceType: rt,
      resource,
      fullResource: work.resource,
      region: region(),
      input: work.input,
      ...(work.timeoutSeconds !== undefined ? { timeoutSeconds: work.timeoutSeconds } : {}),
      ...(work.heartbeatSeconds !== undefined ? { heartbeatSeconds: work.heartbeatSeconds } : {}),
      ...(work.credentials !== undefined ? { credentials: work.credentials } : {}),
    });
    const scheduledEventId = this.event(f, first!.type, first!.details);
    const token = f.token ?? null;
    f.token = undefined;
    const req: TaskRequest = {
      tenant: { id: this.ex.tenant_id, accountId: this.ex.arn.split(":")[4]! },
      executionId: this.ex.id,
      executionArn: this.ex.arn,
      stateMachineArn: this.ex.state_machine_arn,
      stateName: f.state_name,
      resource: work.resource,
      pattern,
      input: work.input,
      taskToken: token,
      idempotencyKey: `${this.ex.id}:${f.id}:${scheduledEventId}`,
      ...(work.timeoutSeconds !== undefined ? { timeoutSeconds: work.timeoutSeconds } : {}),
      ...(work.heartbeatSeconds !== undefined ? { heartbeatSeconds: work.heartbeatSeconds } : {}),
      ...(work.credentials !== undefined ? { credentials: work.credentials } : {}),
    };
    for (const e of rest) this.event(f, e.type, e.details);
    const timeoutAt = work.timeoutSeconds !== undefined ? new Date(Date.now() + work.timeoutSeconds * 1000) : null;
    // An activity's heartbeat clock starts when a worker takes it (executor/activity-started.ts).
    const heartbeatAt =
      work.heartbeatSeconds !== undefined && family !== "activity"
        ? new Date(Date.now() + work.heartbeatSeconds * 1000)
        : null;
    const waiting = () => {
      f.status = "task";
      f.pending = {
        scheduledEventId,
        resourceType: rt,
        resource,
        ...(family !== "task" ? { family } : {}),
        ...(token ? { token } : {}),
        ...(timeoutAt ? { timeoutAt: timeoutAt.toISOString() } : {}),
        ...(work.heartbeatSeconds !== undefined ? { heartbeatSeconds: work.heartbeatSeconds } : {}),
        ...(heartbeatAt ? { heartbeatAt: heartbeatAt.toISOString() } : {}),
        ...(res.mode === "remote" ? { request: req as unknown as Json } : {}),
      };
      const wakes = [timeoutAt, heartbeatAt].filter((d): d is Date => d !== null);
      f.wake_at = wakes.length ? new Date(Math.min(...wakes.map((d) => d.getTime()))) : null;
      if (token) this.tokens.push({ token, frame: f, scheduledEventId });
    };
    if (res.mode === "remote") {
      waiting();
      await enqueue(runTaskJob, { executionId: this.ex.id, frameId: f.id, scheduledEventId }, { tx: this.tx });
      return;
    }
    let outcome: TaskOutcome;
    await xrepo.savepoint(this.tx, "SAVEPOINT");
    try {
      outcome = await res.start(this.tx, req);
      await xrepo.savepoint(this.tx, "RELEASE SAVEPOINT");
    } catch (err) {
      await xrepo.savepoint(this.tx, "ROLLBACK TO SAVEPOINT");
      const e = err as { awsCode?: string; name?: string; message?: string; error?: string; cause?: string };
      outcome =
        e.name === "StatesError"
          ? { kind: "failed", error: e.error ?? "States.TaskFailed", cause: e.cause ?? "" }
          : { kind: "failed", error: e.awsCode ?? "States.TaskFailed", cause: e.message ?? String(err) };
    }
    if (outcome.kind === "pending") {
      if (family === "task" && pattern !== "requestResponse") {
        const submitted = submittedEvent(rt, resource, outcome.submitted ?? {});
        this.event(f, submitted.type, submitted.details);
      }
      return waiting();
    }
    if (outcome.kind === "succeeded") {
      const ended = endEvent(family, rt, resource, { kind: "succeeded", output: outcome.output ?? null });
      this.event(f, ended.type, ended.details);
      f.status = "result";
      f.pending = { result: (outcome.output ?? null) as Json };
      return;
    }
    const ended = endEvent(family, rt, resource, {
      kind: family === "activity" ? "scheduleFailed" : "failed",
      error: outcome.error,
      cause: outcome.cause,
    });
    this.event(f, ended.type, ended.details);
    f.status = "error";
    f.pending = { failure: { error: outcome.error, cause: outcome.cause } };
  }

  onFlush(fn: () => Promise<void>) {
    this.afterFlush.push(fn);
  }

  // ---- persistence --------------------------------------------------------------------------

  async flush(): Promise<Date | null> {
    // Collect results of Parallel/Map states whose children all ended (may need a read), and keep
    // going while that unblocks more pure work within the budget.
    while ((await this.collect()) && this.budget > 0 && this.ex.status === "RUNNING") await this.advance();
    const ex = this.ex;
    const fresh = [...this.frames.values()].filter((f) => f.isNew) as xrepo.FrameRecord[];
    const dirty = [...this.frames.values()].filter((f) => f.dirty && !f.isNew) as xrepo.FrameRecord[];
    await xrepo.insertTokens(
      this.tx,
      ex.tenant_id,
      ex.id,
      this.tokens.map((t) => ({
        token: t.token,
        frame_id: t.frame.id,
        sid: t.scheduledEventId,
        state_name: t.frame.state_name,
      })),
    );
    await xrepo.closeTokens(this.tx, this.timedOutFrames, "timed_out");
    await xrepo.closeTokens(this.tx, this.abortedFrames, "aborted");
    let readyAt: Date | null = null;
    if (ex.status === "RUNNING") {
      const times: number[] = [];
      if (this.budget <= 0) times.push(Date.now());
      for (const f of this.frames.values()) {
        if (TERMINAL.has(f.status)) continue;
        if (RUNNABLE.has(f.status) || f.status === "collect") times.push(Date.now());
        else if (f.wake_at) times.push(new Date(f.wake_at).getTime());
      }
      if (ex.deadline_at) times.push(new Date(ex.deadline_at).getTime());
      if (times.length) readyAt = new Date(Math.min(...times));
    }
    await xrepo.saveRun(this.tx, {
      ex,
      eventsJson: repo.eventsJson(ex.id, ex.tenant_id, this.history ? this.events : []),
      fresh,
      dirty,
      nextEventId: this.nextId,
      readyAt,
    });
    if (ex.status !== this.startStatus) await this.closed();
    for (const fn of this.afterFlush) await fn();
    return readyAt;
  }

  /** The execution ended: tell status listeners, and the parent task or map run it belongs to. */
  private async closed() {
    const ex = this.ex;
    if (ex.type === "STANDARD") await emitExecutionStatusChange(this.tx, statusRecord(ex));
    await notifyParent(this.tx, ex);
    if (ex.status !== "SUCCEEDED") await stopChildrenLater(this.tx, ex);
  }
}

type MapPending = {
  kind: "map" | "parallel";
  total: number;
  done: number;
  failed: number;
  running: number;
  toleratedFailureCount?: number;
  toleratedFailurePercentage?: number;
};
