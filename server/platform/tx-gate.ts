import { env } from "../env";

// Transactions that call deliverToQueue hold one pooled connection while the queue code may take
// another from the same pool; with unbounded concurrency every connection could be held by a
// transaction waiting for a second one (pool deadlock). This gate keeps such transactions to
// half the pool in each process.
let active = 0;
const waiting: Array<() => void> = [];

function limit(): number {
  return Math.max(1, Math.floor(env().DB_POOL_MAX / 2));
}

export async function gated<T>(fn: () => Promise<T>): Promise<T> {
  if (active >= limit()) await new Promise<void>((resolve) => waiting.push(resolve));
  active++;
  try {
    return await fn();
  } finally {
    active--;
    waiting.shift()?.();
  }
}
