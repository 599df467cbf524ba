import type { Queryable } from "../../db";
import { StatesError } from "../../core/states";

// wf-rest owns this file (a Distributed Map's ItemReader: S3 objects, CSV, JSON lines...). Until it
// is merged: only inline items exist, so any ItemReader is a States.Runtime failure.
export async function readMapItems(
  _q: Queryable,
  _caller: { tenant: { id: string; accountId: string } },
  itemReader: unknown,
  _input: unknown,
): Promise<unknown[]> {
  throw new StatesError("States.Runtime", `ItemReader is not supported: ${JSON.stringify(itemReader)}`);
}
