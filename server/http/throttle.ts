import os from "node:os";
import { AppError } from "../core/errors";
import { periodEnd, periodStart } from "../core/apis/usage/quota-period";
import { takeQuota } from "../platform/quota-leases";
import { LeasedBuckets } from "../platform/shared-limits";
import type { KeyLimits } from "../domains/api-keys/api-key.repository";

// Two things keep one tenant from crowding out the others on a web process:
//
// 1. A per-tenant token bucket (SIGNALBOX_TENANT_RPS, burst twice that), shared by every web
//    process: the bucket is a row in PostgreSQL (platform/shared-limits.ts), and each process takes
//    its tokens in small leases (1% of the rate, at least 1) that it spends locally, so the hot path
//    makes a round trip only once per lease while the limit holds across processes (a process never
//    spends a token the shared bucket did not give it). The default is a share one process can
//    actually serve (an SQS call costs ~0.3-1 ms of CPU here), not a number it can never reach.
//    A key's own limits (set in the console: a rate with a burst, a quota per day or month) are
//    checked next, the same way: the rate through a leased bucket of its own, the quota through
//    quota leases (platform/quota-leases.ts: a process takes a share of the remainder and spends it
//    locally; the last units are counted per request, so the quota stays exact across processes).
// 2. A fair gate in front of the use cases: at most SIGNALBOX_DOOR_CONCURRENCY requests run at once
//    (fewer than the database pool, so the pool's own first-come queue never decides who waits);
//    when they are all taken, waiting requests are admitted tenant by tenant, the tenant with the
//    fewest running first. A tenant flooding the door then waits behind itself, while another
//    tenant's occasional request is next in line. While other tenants have been active within the
//    last second, one tenant holds at most half the slots, so the others' requests also do not
//    compete with a full load of its work once admitted (alone, a tenant may use every slot).
//
// (Per-endpoint delivery limits, which must hold across workers, live in PostgreSQL instead.)

export const DEFAULT_TENANT_RPS = 1_000;
/**
 * Default gate size: one and a half statements per core keep PostgreSQL and this process busy; more
 * only adds latency, and with it what one tenant's load costs the others. Measured with
 * bench:fairness on 2 cores (steady tenant's p99 under a flood ÷ its idle p99): 8 slots 6.6×,
 * 4 slots 1.7–2.3×, 3 slots 1.0–1.3× (and bench:queues no slower). At most 8, and never more than the
 * database pool less a few connections for long polls and background work.
 */
export const defaultDoorConcurrency = () =>
  Math.max(2, Math.min(8, Math.round(1.5 * os.availableParallelism()), envNumber("DB_POOL_MAX", 20) - 4));
/** How long a tenant counts as "active" for sharing after its last admission. */
const ACTIVE_WINDOW_MS = 1_000;
/** Requests one tenant may have waiting at the gate before it is told to slow down. */
export const MAX_WAITING_PER_TENANT = 256;

const envNumber = (name: string, fallback: number) => {
  const n = Number(process.env[name]);
  return Number.isFinite(n) && n > 0 ? n : fallback;
};
const rate = () => envNumber("SIGNALBOX_TENANT_RPS", DEFAULT_TENANT_RPS);
const leased = new LeasedBuckets();

function throttled(retryAfterMs: number): AppError {
  return new AppError("rate_limited", "Rate exceeded", {
    awsCode: "ThrottlingException",
    awsStatus: 400,
    retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)),
  });
}

/** The tenant's limit, shared by every web process (a token from the tenant's leased bucket). */
export async function throttleTenant(tenantId: string): Promise<void> {
  const key = `t:${tenantId}`;
  // The fast path: a token this process already holds, no promise to wait for.
  const r = leased.tryLocal(key) ?? (await leased.take(tenantId, { key, rate: rate(), burst: rate() * 2 }));
  if (!r.ok) throw throttled(r.retryAfterMs);
}

function quotaExceeded(end: Date): AppError {
  return new AppError("rate_limited", "This API key's quota for the period is used up.", {
    awsCode: "ThrottlingException",
    awsStatus: 400,
    retryAfterSeconds: Math.max(1, Math.ceil((end.getTime() - Date.now()) / 1000)),
  });
}

/** A key's own rate and quota (after the tenant's limit). */
export async function throttleKey(tenantId: string, keyId: string, limits: KeyLimits): Promise<void> {
  const key = `k:${keyId}`;
  if (limits.rateLimit !== null) {
    const bucket = {
      key,
      rate: limits.rateLimit,
      burst: limits.burstLimit ?? Math.max(1, Math.ceil(limits.rateLimit)),
    };
    const r = leased.tryLocal(key, bucket) ?? (await leased.take(tenantId, bucket));
    if (!r.ok) throw throttled(r.retryAfterMs);
  }
  if (limits.quotaLimit !== null && limits.quotaPeriod) {
    // After the rate: a request the rate refuses does not use up the quota.
    const start = periodStart(limits.quotaPeriod, 0, new Date());
    const q = await takeQuota(tenantId, { key, periodStart: start, limit: limits.quotaLimit }, null);
    if (!q.ok) throw quotaExceeded(periodEnd(limits.quotaPeriod, start));
  }
}

/** Every limit of an authenticated caller on the AWS and REST doors: the tenant's, then its key's. */
export async function throttleCaller(auth: {
  tenant: { id: string };
  actor: { keyId: string };
  keyLimits?: KeyLimits | null;
}): Promise<void> {
  await throttleTenant(auth.tenant.id);
  if (auth.keyLimits) await throttleKey(auth.tenant.id, auth.actor.keyId, auth.keyLimits);
}

type Waiter = { grant: () => void };

export class FairGate {
  private running = 0;
  private readonly perTenant = new Map<string, number>();
  /** When each tenant was last admitted (a counter): ties go to the tenant served longest ago. */
  private readonly lastAdmitted = new Map<string, number>();
  private admissions = 0;
  /** Last admission time per tenant (ms), to know who else is active. */
  private readonly lastSeen = new Map<string, number>();
  private readonly waiting = new Map<string, Waiter[]>();

  constructor(
    readonly slots: number,
    readonly maxWaitingPerTenant = MAX_WAITING_PER_TENANT,
    private readonly clock: () => number = () => performance.now(),
  ) {}

  /** The most slots `tenantId` may hold now: all when alone, half while others are active. */
  private capFor(tenantId: string): number {
    const now = this.clock();
    for (const [t, at] of this.lastSeen) {
      if (now - at > ACTIVE_WINDOW_MS) {
        this.lastSeen.delete(t);
        continue;
      }
      if (t !== tenantId) return Math.max(1, Math.floor(this.slots / 2));
    }
    return this.slots;
  }

  get active(): number {
    return this.running;
  }

  async run<T>(tenantId: string, fn: () => Promise<T>): Promise<T> {
    await this.acquire(tenantId);
    try {
      return await fn();
    } finally {
      this.release(tenantId);
    }
  }

  private admit(tenantId: string): void {
    this.running++;
    this.lastAdmitted.delete(tenantId);
    this.lastAdmitted.set(tenantId, ++this.admissions);
    this.lastSeen.set(tenantId, this.clock());
    // Forget tenants not seen for a long while, oldest first (the map stays small).
    if (this.lastAdmitted.size > 10_000) this.lastAdmitted.delete(this.lastAdmitted.keys().next().value!);
    this.perTenant.set(tenantId, (this.perTenant.get(tenantId) ?? 0) + 1);
  }

  acquire(tenantId: string): Promise<void> {
    if (
      this.running < this.slots &&
      this.waiting.size === 0 &&
      (this.perTenant.get(tenantId) ?? 0) < this.capFor(tenantId)
    ) {
      this.admit(tenantId);
      return Promise.resolve();
    }
    const queue = this.waiting.get(tenantId) ?? [];
    if (queue.length >= this.maxWaitingPerTenant) return Promise.reject(throttled(1000));
    return new Promise<void>((resolve) => {
      queue.push({ grant: resolve });
      this.waiting.set(tenantId, queue);
      this.pump();
    });
  }

  release(tenantId: string): void {
    this.running--;
    const n = (this.perTenant.get(tenantId) ?? 1) - 1;
    if (n > 0) this.perTenant.set(tenantId, n);
    else this.perTenant.delete(tenantId);
    this.pump();
  }

  private pump(): void {
    while (this.running < this.slots && this.waiting.size > 0) {
      let pick: string | undefined;
      let fewest = Infinity;
      let longestAgo = Infinity;
      for (const t of this.waiting.keys()) {
        const n = this.perTenant.get(t) ?? 0;
        if (n >= this.capFor(t)) continue;
        const last = this.lastAdmitted.get(t) ?? 0;
        if (n < fewest || (n === fewest && last < longestAgo)) {
          fewest = n;
          longestAgo = last;
          pick = t;
        }
      }
      // Everyone waiting is at their share: the free slots stay free for the others.
      if (pick === undefined) return;
      const queue = this.waiting.get(pick)!;
      const w = queue.shift()!;
      this.waiting.delete(pick!);
      if (queue.length) this.waiting.set(pick!, queue);
      this.admit(pick!);
      w.grant();
    }
  }
}

let gate: FairGate | undefined;
/** The process's gate for data-plane use cases (long polls stay outside: they mostly wait). */
export function doorGate(): FairGate {
  gate ??= new FairGate(envNumber("SIGNALBOX_DOOR_CONCURRENCY", defaultDoorConcurrency()));
  return gate;
}
