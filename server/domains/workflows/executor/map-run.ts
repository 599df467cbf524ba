import { randomUUID } from "node:crypto";
import type { Queryable } from "../../../db";
import {
  applyTemplate,
  mapFailureTolerated,
  selectPath,
  withMapItem,
  type Json,
  type JsonObject,
  type MapWork,
  type RunContext,
} from "../../../core/states";
import { bindings, dataEnv, jsonata } from "../../../core/states/step-common";
import { mapRunArnOf } from "../execution.arns";
import * as repo from "../execution.repository";
import { batchMapItems, readMapItems, type ItemBatcherSpec } from "../map-items";
import * as mrepo from "../map-run.repository";
import { startExecutionInTx } from "../start";
import * as xrepo from "./executor.repository";
import { stopChildrenLater } from "./stop-children";

// Distributed Map (ItemProcessor.ProcessorConfig.Mode = DISTRIBUTED): a map run whose items each run
// as a child execution (STANDARD or EXPRESS per ProcessorConfig.ExecutionType) of the ItemProcessor,
// named `SM/LABEL:uuid`. The Map's thread waits ("children"); each child that ends counts itself in
// the parent's thread (under the parent's row lock), launches the next items within MaxConcurrency
// (read from the map run; UpdateMapRun launches what a raised MaxConcurrency allows at once), fails the Map with
// States.ExceedToleratedFailureThreshold past the tolerated failures, or hands the outputs in item
// order to the Map state (ResultSelector / ResultPath) when the last one ends.

export type HostFrame = {
  id: string;
  status: string;
  state_name: string;
  scope_path: Array<[string, number]>;
  input: Json;
  pending: Record<string, unknown> | null;
  last_event_id: number;
  dirty?: boolean;
};

export interface MapHost {
  tx: Queryable;
  ex: repo.ExecutionRow;
  definition: JsonObject;
  event(frame: HostFrame, type: string, details?: Record<string, unknown>): number;
  stateOf(f: HostFrame): JsonObject;
  runContext(f: HostFrame): RunContext;
}

/**
 * Items read by an ItemReader go through the state's ItemSelector (with $$.Map.Item) as items of
 * the input do; then an ItemBatcher groups them (BatchInput evaluated against the state input).
 * Throws StatesError (the executor hands it to the Map's Retry/Catch).
 */
async function prepareItems(run: MapHost, f: HostFrame, state: JsonObject, o: MapWork): Promise<Json[]> {
  const ctx = run.runContext(f);
  const jsonataLang = ((state.QueryLanguage ?? run.definition.QueryLanguage) as string | undefined) === "JSONata";
  const env = dataEnv(ctx);
  const effective = jsonataLang
    ? f.input
    : selectPath(state.InputPath as string | null | undefined, "InputPath", f.input, env);
  let items = o.items;
  if (state.ItemReader !== undefined) {
    items = (await readMapItems(run.tx, callerOf(run.ex), state.ItemReader, effective)) as Json[];
    const selector = (state.ItemSelector ?? state.Parameters) as Json | undefined;
    if (selector !== undefined) {
      const selected: Json[] = [];
      for (const [index, value] of items.entries()) {
        const itemCtx = { ...ctx, context: withMapItem(ctx.context, index, value) };
        selected.push(
          jsonataLang
            ? await jsonata(selector, "ItemSelector", bindings(f.input, itemCtx), itemCtx)
            : applyTemplate(selector, effective, dataEnv(itemCtx)),
        );
      }
      items = selected;
    }
  }
  const batcher = state.ItemBatcher as (ItemBatcherSpec & Record<string, Json>) | undefined;
  if (batcher && typeof batcher === "object") {
    const spec: ItemBatcherSpec = { ...batcher };
    for (const f2 of ["MaxItemsPerBatch", "MaxInputBytesPerBatch"] as const) {
      const path = batcher[`${f2}Path`];
      if (typeof path === "string" && !jsonataLang) spec[f2] = selectPath(path, `${f2}Path`, effective, env);
      else if (jsonataLang && batcher[f2] !== undefined)
        spec[f2] = await jsonata(batcher[f2], f2, bindings(f.input, ctx), ctx);
    }
    if (batcher.BatchInput !== undefined)
      spec.BatchInput = jsonataLang
        ? await jsonata(batcher.BatchInput, "BatchInput", bindings(f.input, ctx), ctx)
        : applyTemplate(batcher.BatchInput, effective, env);
    items = batchMapItems(items, spec);
  }
  return items;
}

type RunPending = {
  kind: "mapRun";
  mapRunId: string;
  mapRunArn: string;
  items: Json[];
  total: number;
  launched: number;
  running: number;
  done: number;
  failed: number;
  definition: string;
  arnPrefix: string;
  executionType: "STANDARD" | "EXPRESS";
  stateMachineArn: string;
};

const callerOf = (ex: repo.ExecutionRow) => ({ tenant: { id: ex.tenant_id, accountId: ex.arn.split(":")[4]! } });

export async function startDistributedMap(run: MapHost, f: HostFrame, o: MapWork): Promise<void> {
  const state = run.stateOf(f);
  const items = await prepareItems(run, f, state, o);
  const proc = (state.ItemProcessor ?? state.Iterator) as JsonObject;
  const config = (proc.ProcessorConfig ?? {}) as JsonObject;
  const executionType = config.ExecutionType === "EXPRESS" ? "EXPRESS" : "STANDARD";
  const label = typeof state.Label === "string" ? state.Label : f.state_name;
  const smName = run.ex.state_machine_arn.split(":")[6]!;
  const mapRunArn = mapRunArnOf(callerOf(run.ex).tenant, smName, label, randomUUID());
  const mapRunId = randomUUID();
  await mrepo.insertMapRun(run.tx, {
    id: mapRunId,
    tenant_id: run.ex.tenant_id,
    arn: mapRunArn,
    execution_id: run.ex.id,
    frame_id: f.id,
    max_concurrency: o.maxConcurrency,
    tolerated_failure_count: o.toleratedFailureCount ?? 0,
    tolerated_failure_percentage: o.toleratedFailurePercentage ?? 0,
    execution_type: executionType,
    item_count: items.length,
  });
  run.event(f, "MapRunStarted", { mapRunStartedEventDetails: { mapRunArn } });
  const pending: RunPending = {
    kind: "mapRun",
    mapRunId,
    mapRunArn,
    items,
    total: items.length,
    launched: 0,
    running: 0,
    done: 0,
    failed: 0,
    definition: JSON.stringify({
      StartAt: proc.StartAt,
      States: proc.States,
      QueryLanguage: run.definition.QueryLanguage ?? "JSONPath",
    }),
    arnPrefix: `${smName}/${label}`,
    executionType,
    stateMachineArn: run.ex.state_machine_arn,
  };
  f.status = "children";
  f.pending = pending;
  f.dirty = true;
  if (items.length === 0) {
    await mrepo.closeMapRun(run.tx, mapRunId, "SUCCEEDED");
    run.event(f, "MapRunSucceeded");
    f.status = "result";
    f.pending = { result: [] };
    return;
  }
  await launch(run.tx, run.ex, f.id, pending, o.maxConcurrency);
}

async function launch(tx: Queryable, ex: repo.ExecutionRow, frameId: string, p: RunPending, maxConcurrency: number) {
  while (p.launched < p.total && (maxConcurrency === 0 || p.running < maxConcurrency)) {
    const index = p.launched++;
    p.running++;
    await startExecutionInTx(tx, callerOf(ex), {
      stateMachineArn: p.stateMachineArn,
      name: randomUUID(),
      input: JSON.stringify(p.items[index] ?? null),
      parent: {
        executionId: ex.id,
        frameId,
        scheduledEventId: 0,
        pattern: "mapItem",
        mapRunArn: p.mapRunArn,
        itemIndex: index,
        type: p.executionType,
        definition: p.definition,
        arnPrefix: p.arnPrefix,
      },
    });
  }
}

/** A map run's child ended: count it in the parent's Map thread (under the parent's row lock). */
export async function distributedChildEnded(tx: Queryable, child: repo.ExecutionRow): Promise<void> {
  const ref = child.parent_task!;
  const parent = await xrepo.lockExecution(tx, ref.executionId);
  if (!parent || parent.status !== "RUNNING") return;
  const frame = await xrepo.getFrame(tx, ref.frameId, true);
  const p = frame?.pending as RunPending | null;
  if (!frame || frame.status !== "children" || p?.kind !== "mapRun" || p.mapRunArn !== child.map_run_arn) return;
  const mr = await mrepo.findMapRunByArn(tx, p.mapRunArn);
  if (!mr) return;
  p.running--;
  if (child.status === "SUCCEEDED") p.done++;
  else p.failed++;
  await settle(tx, parent, frame, p, mr, true);
}

/**
 * UpdateMapRun: the new limits apply now, not at the next child's end. Locks the map run's parent
 * execution first (the order every other writer of map_runs uses: parent, then map run), writes the
 * limits and, in the same transaction, launches the items a higher MaxConcurrency allows, or fails the
 * Map when the failures so far exceed a lowered tolerance. False when the map run is not running.
 */
export async function updateRunningMapRun(
  tx: Queryable,
  mapRun: { id: string; execution_id: string; frame_id: string; arn: string },
  limits: { maxConcurrency?: number; toleratedFailurePercentage?: number; toleratedFailureCount?: number },
): Promise<void> {
  const parent = await xrepo.lockExecution(tx, mapRun.execution_id);
  await mrepo.updateMapRunLimits(tx, mapRun.id, limits);
  if (!parent || parent.status !== "RUNNING") return;
  const frame = await xrepo.getFrame(tx, mapRun.frame_id, true);
  const p = frame?.pending as RunPending | null;
  if (!frame || frame.status !== "children" || p?.kind !== "mapRun" || p.mapRunArn !== mapRun.arn) return;
  const mr = await mrepo.findMapRunByArn(tx, mapRun.arn);
  if (!mr || mr.status !== "RUNNING") return;
  await settle(tx, parent, frame, p, mr, false);
}

async function settle(
  tx: Queryable,
  parent: repo.ExecutionRow,
  frame: xrepo.FrameRecord,
  p: RunPending,
  mr: mrepo.MapRunRow,
  childEnded: boolean,
): Promise<void> {
  let nextId = parent.next_event_id;
  let last = frame.last_event_id;
  const events: repo.EventInsert[] = [];
  const event = (type: string, details: Record<string, unknown> = {}) => {
    events.push({ id: nextId, previousEventId: last, type, timestamp: new Date(), details });
    last = nextId++;
  };
  const work = {
    toleratedFailureCount: mr.tolerated_failure_count,
    toleratedFailurePercentage: mr.tolerated_failure_percentage,
  } as MapWork;
  let status = "children";
  let pending: unknown = p;
  if (!mapFailureTolerated(work, p.failed, p.total)) {
    const failure = {
      error: "States.ExceedToleratedFailureThreshold",
      cause: "The specified tolerated failure threshold was exceeded",
    };
    await mrepo.closeMapRun(tx, mr.id, "FAILED");
    event("MapRunFailed", { mapRunFailedEventDetails: failure });
    status = "error";
    pending = { ...p, failure };
    await stopChildrenLater(tx, parent, p.mapRunArn);
  } else if (p.done + p.failed === p.total) {
    const rows = await mrepo.childOutputs(tx, p.mapRunArn);
    const out: Json[] = new Array<Json>(p.total).fill(null);
    for (const r of rows)
      if (r.status === "SUCCEEDED" && r.output !== null && r.item_index !== null)
        out[r.item_index] = JSON.parse(r.output) as Json;
    await mrepo.closeMapRun(tx, mr.id, "SUCCEEDED");
    event("MapRunSucceeded");
    status = "result";
    pending = { result: out };
  } else {
    const before = p.launched;
    await launch(tx, parent, frame.id, p, mr.max_concurrency);
    // A limit raised with nothing more to start (or lowered): nothing changes until a child ends.
    if (!childEnded && p.launched === before) return;
  }
  if (parent.type !== "EXPRESS") await repo.insertEvents(tx, parent.id, parent.tenant_id, events);
  await xrepo.setFrameState(tx, frame.id, { status, pending, lastEventId: last, wakeAt: null });
  await xrepo.setNextEventAndReady(tx, parent.id, nextId, new Date());
  await repo.notifyRunners(tx, parent.runner_schema, parent.id);
}
