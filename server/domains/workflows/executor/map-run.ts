import type { Queryable } from "../../../db";
import type { MapWork } from "../../../core/states";
import type { ExecutionRow } from "../execution.repository";

// Distributed Map runs (ProcessorConfig Mode DISTRIBUTED): each item a child execution under a map
// run. Until the map run is in place, a distributed Map runs its items inline.
export type MapHost = { startInlineMapPublic(f: unknown, o: MapWork): void };

export function startDistributedMap(run: MapHost, f: unknown, o: MapWork): void {
  run.startInlineMapPublic(f, o);
}

export async function distributedChildEnded(_tx: Queryable, _ex: ExecutionRow): Promise<void> {}
