import { randomUUID } from "node:crypto";
import { pool, type Queryable } from "../db";
import { logger } from "../logger";
import { quotaLeaseOp, type QuotaLeaseResult } from "./shared-limits.repository";

// Usage-plan quotas spent through leases (SQL: sb_quota_lease, migration 20261205300000_quota_leases).
// A process takes a chunk of a key's remaining quota — at most the remainder / (2 × processes
// holding one), so chunks shrink as the remainder does — and admits from it with no round trip.
// The quota stays exact across processes:
// - what may be admitted is `limit - used - units of every live lease`, under the counter's row
//   lock, so the chunks and direct admissions of all processes never add up to more than the limit;
// - a remainder of at most DIRECT_AT (or too small to share) is counted per request (one round
//   trip each, as before leases), so the last units are never stranded in another process's lease;
// - what a process spent is reported every FLUSH_MS (and on shutdown, `releaseQuotaLeases`) into
//   `used`, which is what GetUsage shows: consumed requests, not leased ones (the day's usage row is
//   written in the same statement, so GetUsage is exact after a report: no separate daily flush);
// - a lease expires LEASE_MS after it was granted. The process stops spending it SPEND_MS after it
//   asked (a second earlier, counted from before the request left, so clock offsets do not matter)
//   and then reports and drops it; a process killed with units in hand strands them until the
//   expiry only. What a killed process admitted since its last report (at most FLUSH_MS worth) is
//   not in `used`, the same loss an asynchronous commit accepts for a database crash.

export const LEASE_MS = 3000;
const SPEND_MS = 2000;
const FLUSH_MS = 200;
/** A remainder this small is counted per request. */
export const DIRECT_AT = 16;
const MIN_WANT = 8;
const MAX_WANT = 1000;
const IDLE_MS = 10_000;

/** This process's name on its lease rows. */
const holder = randomUUID();

export type QuotaSpec = { key: string; periodStart: Date; limit: number };
/** The plan and key whose day's usage (GetUsage) counts what the quota counts. */
export type DailySpec = { usagePlanId: string; keyId: string };
export type QuotaTake = { ok: boolean; remaining: number };

type State = {
  tenantId: string;
  daily: DailySpec | null;
  key: string;
  periodStart: Date;
  limit: number;
  /** Leased units not spent yet (spendable before `spendUntil`). */
  units: number;
  spendUntil: number;
  /** Units spent and not reported yet. */
  consumed: number;
  /** The remainder at the last round trip (for x-ratelimit-remaining). */
  left: number;
  /** Size of the next lease: doubled when one was spent before it ran out, halved when not. */
  want: number;
  /** The last lease was spent to its last unit (the next asks for more). */
  spentOut: boolean;
  /** The remainder was small at the last round trip: count per request. */
  direct: boolean;
  /** The round trips of this state run one after another (a report never overtakes a new lease). */
  chain: Promise<unknown>;
  leasing?: Promise<void>;
  /** Round trips queued or running on `chain`. */
  busy: number;
  /** Set when a newer state (another limit) replaced this one. */
  retired: boolean;
};

type Row = QuotaLeaseResult;

const quotaOp = (
  db: Queryable,
  s: State,
  mode: "lease" | "direct" | "flush" | "release",
  consumed: number,
  want = 0,
): Promise<Row> =>
  quotaLeaseOp(db, {
    tenantId: s.tenantId,
    key: s.key,
    periodStart: s.periodStart,
    limit: s.limit,
    holder,
    mode,
    consumed,
    want,
    leaseMs: LEASE_MS,
    directAt: DIRECT_AT,
    daily: s.daily,
  });

const states = new Map<string, State>();
let timer: NodeJS.Timeout | undefined;

function run<T>(s: State, fn: () => Promise<T>): Promise<T> {
  s.busy++;
  const p = s.chain.then(fn, fn).finally(() => s.busy--);
  s.chain = p.catch(() => undefined);
  return p;
}

function schedule(): void {
  if (timer) return;
  timer = setTimeout(() => {
    timer = undefined;
    void flushQuotaUsage().catch((err: unknown) => logger.warn({ err }, "quota usage flush failed"));
  }, FLUSH_MS);
  timer.unref();
}

/** Reports what `s` spent (and drops its lease once it may no longer be spent, or when `release`). */
function report(s: State, release: boolean): Promise<void> {
  return run(s, async () => {
    const now = Date.now();
    const drop = release || s.retired || (s.units > 0 && now >= s.spendUntil);
    if (!s.consumed && !drop) return;
    if (drop) s.units = 0;
    const c = s.consumed;
    s.consumed = 0;
    try {
      const r = await quotaOp(pool(), s, drop ? "release" : "flush", c);
      s.left = r.remaining;
      if (!drop && !r.held) s.units = 0;
    } catch (err) {
      s.consumed += c;
      throw err;
    }
  });
}

const stateKey = (s: { key: string; periodStart: Date }) => `${s.key}\n${s.periodStart.getTime()}`;

/** Writes every state's spent units into `used`; leases past their spending time are dropped. */
export async function flushQuotaUsage(): Promise<void> {
  const now = Date.now();
  const due = [...states.values()].filter((s) => s.consumed > 0 || (s.units > 0 && now >= s.spendUntil));
  const results = await Promise.allSettled(due.map((s) => report(s, false)));
  // Reports (and leases, which report too) already on their way are waited for as well.
  await Promise.all([...states.values()].map((s) => s.chain));
  // A state still holding units must be looked at again when it may no longer spend them.
  for (const s of states.values()) if (s.units > 0 || s.consumed > 0) schedule();
  const failed = results.find((r) => r.status === "rejected");
  if (failed) throw (failed as PromiseRejectedResult).reason;
  // States idle for a while go (an old period's, a key no longer called); only with no round trip
  // queued, so a late report can never land on a newer state's lease.
  for (const [k, s] of states)
    if (!s.units && !s.consumed && !s.busy && now > s.spendUntil + IDLE_MS && states.get(k) === s) states.delete(k);
}

/** Reports every spent unit and gives every lease back (graceful shutdown, before the pool closes). */
export async function releaseQuotaLeases(): Promise<void> {
  if (timer) clearTimeout(timer);
  timer = undefined;
  await Promise.allSettled([...states.values()].map((s) => report(s, true)));
  states.clear();
}

function spendLocal(s: State): QuotaTake | undefined {
  if (s.units > 0 && Date.now() < s.spendUntil && !s.retired) {
    s.units--;
    s.consumed++;
    if (!s.units) s.spentOut = true;
    schedule();
    return { ok: true, remaining: Math.max(0, s.left + s.units) };
  }
  return undefined;
}

/** One unit of the quota, from this process's lease when it holds one, else from the database. */
export async function takeQuota(tenantId: string, q: QuotaSpec, daily: DailySpec | null): Promise<QuotaTake> {
  const k = stateKey(q);
  let s = states.get(k);
  let prior: Promise<unknown> = Promise.resolve();
  if (s && s.limit !== q.limit) {
    // The plan's limit changed: what was taken under the old one is reported and given back, before
    // the new state's first lease replaces the same lease row.
    s.retired = true;
    void report(s, true).catch((err: unknown) => logger.warn({ err }, "quota lease release failed"));
    prior = s.chain;
    s = undefined;
  }
  if (!s) {
    s = {
      tenantId,
      daily,
      key: q.key,
      periodStart: q.periodStart,
      limit: q.limit,
      units: 0,
      spendUntil: 0,
      consumed: 0,
      left: 0,
      want: MIN_WANT,
      spentOut: false,
      direct: false,
      chain: prior,
      busy: 0,
      retired: false,
    };
    states.set(k, s);
  }
  for (;;) {
    // Replaced meanwhile (the limit changed while this request waited): start over on the new state.
    if (s.retired) return takeQuota(tenantId, q, daily);
    const local = spendLocal(s);
    if (local) return local;
    if (s.direct && !s.leasing) {
      // Small remainder: one round trip per request, concurrently (no lease to share).
      const st = s;
      const r = await quotaOp(pool(), st, "direct", 0);
      st.left = r.remaining;
      // The remainder grew (UpdateUsage): lease again.
      if (r.remaining > DIRECT_AT * 4) st.direct = false;
      return { ok: r.granted > 0, remaining: r.remaining };
    }
    if (!s.leasing) {
      const st = s;
      let directGrant = false;
      st.leasing = run(st, async () => {
        const sentAt = Date.now();
        // A lease spent before it ran out asks for twice as much next time; a lease that expired
        // with units left, half (a quiet key holds little).
        if (st.spentOut) st.want = Math.min(MAX_WANT, st.want * 2);
        else if (st.spendUntil) st.want = Math.max(MIN_WANT, st.want >> 1);
        st.spentOut = false;
        st.units = 0;
        const c = st.consumed;
        st.consumed = 0;
        let r: Row;
        try {
          r = await quotaOp(pool(), st, "lease", c, st.want);
        } catch (err) {
          st.consumed += c;
          throw err;
        }
        st.left = r.remaining;
        if (r.direct) {
          st.direct = true;
          st.spendUntil = 0;
          directGrant = true;
        } else {
          st.units = r.granted;
          st.spendUntil = sentAt + SPEND_MS;
          if (r.granted > 0) schedule();
        }
      }).finally(() => (st.leasing = undefined));
      await st.leasing;
      // The unit granted directly is this request's (the others wait for nothing and go direct).
      if (directGrant) return { ok: true, remaining: st.left };
      const after = spendLocal(st);
      if (after) return after;
      return { ok: false, remaining: 0 };
    }
    await s.leasing;
    const after = spendLocal(s);
    if (after) return after;
    if (!s.direct) return { ok: false, remaining: 0 };
  }
}
