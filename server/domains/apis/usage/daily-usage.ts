import { pool } from "../../../db";
import { logger } from "../../../logger";
import { addDailyUsage } from "./usage.repository";

// The per-day request counts of usage plans (GetUsage, the console's chart) for keys whose plan has
// no quota, counted in memory and written in one statement every FLUSH_MS (and on shutdown), so an
// admitted request costs no write. Keys with a quota are counted with the quota, in the same round
// trip (exact at once, admit.ts). GetUsage in another process therefore lags by up to FLUSH_MS.

const FLUSH_MS = 1000;
type Pending = { tenantId: string; usagePlanId: string; keyId: string; day: string; used: number };
let pending = new Map<string, Pending>();
let timer: NodeJS.Timeout | undefined;
let flushing: Promise<void> | undefined;

/** Counts one admitted request of `keyId` under plan `usagePlanId` on the UTC day of `at`. */
export function countDailyUsage(tenantId: string, usagePlanId: string, keyId: string, at = new Date()): void {
  const day = at.toISOString().slice(0, 10);
  const k = `${usagePlanId}\n${keyId}\n${day}`;
  const p = pending.get(k);
  if (p) p.used++;
  else pending.set(k, { tenantId, usagePlanId, keyId, day, used: 1 });
  if (!timer) {
    timer = setTimeout(() => {
      timer = undefined;
      void flushDailyUsage();
    }, FLUSH_MS);
    timer.unref();
  }
}

/** Writes every pending count (the periodic flush; call it on shutdown, before the pool closes). */
export async function flushDailyUsage(): Promise<void> {
  if (flushing) await flushing;
  if (!pending.size) return;
  const batch = pending;
  pending = new Map();
  flushing = addDailyUsage(pool(), [...batch.values()])
    .catch((err: unknown) => {
      // Put the counts back: the next flush tries again.
      logger.warn({ err }, "daily usage flush failed; retrying");
      for (const [k, p] of batch) {
        const now = pending.get(k);
        if (now) now.used += p.used;
        else pending.set(k, p);
      }
      if (!timer) {
        timer = setTimeout(() => {
          timer = undefined;
          void flushDailyUsage();
        }, FLUSH_MS);
        timer.unref();
      }
    })
    .finally(() => (flushing = undefined));
  await flushing;
}
