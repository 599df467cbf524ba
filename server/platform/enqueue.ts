import type { Queryable } from "../db";
import { ensureQueues, getBoss } from "../jobs/boss";
import type { JobContract, PayloadOf } from "../jobs/registry";

// Transactional enqueue: the ONE adapter that sends pg-boss jobs through the caller's database
// handle. Pass `tx` (a client inside an open transaction) so the job commits or rolls back with the
// state it follows from; that is what makes background work durable.

export type EnqueueOptions = {
  tx?: Queryable;
  startAfter?: Date | number;
  singletonKey?: string;
  id?: string;
  priority?: number;
};

/** pg-boss runs its SQL through this when given `db`, so the job rides in our transaction. */
function through(tx: Queryable) {
  return { db: { executeSql: (text: string, values?: unknown[]) => tx.query(text, values as unknown[]) } };
}

export async function enqueue<C extends JobContract>(
  contract: C,
  data: PayloadOf<C>,
  opts: EnqueueOptions = {},
): Promise<string | null> {
  const payload = contract.schema.parse(data) as object;
  await ensureQueues([contract]);
  const boss = await getBoss();
  const { tx, ...rest } = opts;
  return boss.send(contract.name, payload, { ...rest, ...(tx ? through(tx) : {}) } as never);
}

/** Many jobs of one contract in one INSERT (pg-boss `insert`), e.g. a fan-out's chunks. */
export async function enqueueMany<C extends JobContract>(
  contract: C,
  jobs: Array<{ data: PayloadOf<C>; startAfter?: Date }>,
  opts: { tx?: Queryable } = {},
): Promise<void> {
  if (jobs.length === 0) return;
  const rows = jobs.map((j) => ({
    data: contract.schema.parse(j.data) as object,
    ...(j.startAfter ? { startAfter: j.startAfter } : {}),
  }));
  await ensureQueues([contract]);
  const boss = await getBoss();
  await boss.insert(contract.name, rows as never, (opts.tx ? through(opts.tx) : undefined) as never);
}
