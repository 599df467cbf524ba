import { describe, expect, it } from "vitest";
import { createTestTenant } from "../../tests/helpers/fixtures";
import { FairGate, throttleCaller } from "./throttle";

// The fair gate admits waiting requests tenant by tenant, fewest running first: a tenant that
// queued many requests does not delay another tenant's single request behind all of them.

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe("FairGate", () => {
  it("admits up to its slots at once, then queues", async () => {
    const gate = new FairGate(2);
    const hold = deferred();
    const order: string[] = [];
    const runs = ["a1", "a2", "a3"].map((id) =>
      gate.run("a", async () => {
        order.push(id);
        await hold.promise;
      }),
    );
    await Promise.resolve();
    expect(order).toEqual(["a1", "a2"]);
    expect(gate.active).toBe(2);
    hold.resolve();
    await Promise.all(runs);
    expect(order).toEqual(["a1", "a2", "a3"]);
    expect(gate.active).toBe(0);
  });

  it("a second tenant's request goes ahead of the first tenant's backlog", async () => {
    const gate = new FairGate(1);
    const order: string[] = [];
    const gates = new Map<string, ReturnType<typeof deferred>>();
    const job = (tenant: string, id: string) => {
      const d = deferred();
      gates.set(id, d);
      return gate.run(tenant, async () => {
        order.push(id);
        await d.promise;
      });
    };
    const all = [job("flood", "f1"), job("flood", "f2"), job("flood", "f3"), job("flood", "f4")];
    all.push(job("calm", "c1"));
    await Promise.resolve();
    expect(order).toEqual(["f1"]);
    gates.get("f1")!.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect(order).toEqual(["f1", "c1"]);
    for (const id of ["c1", "f2", "f3", "f4"]) {
      gates.get(id)!.resolve();
      await new Promise((r) => setTimeout(r, 0));
    }
    await Promise.all(all);
    expect(order).toEqual(["f1", "c1", "f2", "f3", "f4"]);
  });

  it("tells a tenant with too many waiting requests to slow down, and releases its slot on errors", async () => {
    const gate = new FairGate(1, 1);
    const hold = deferred();
    const first = gate.run("a", () => hold.promise);
    const second = gate.run("a", async () => {
      throw new Error("boom");
    });
    await expect(gate.run("a", async () => "third")).rejects.toMatchObject({ code: "rate_limited" });
    hold.resolve();
    await first;
    await expect(second).rejects.toThrow("boom");
    expect(gate.active).toBe(0);
    await expect(gate.run("a", async () => "again")).resolves.toBe("again");
  });

  it("alone a tenant uses every slot; while another tenant is active it holds at most half", async () => {
    let now = 0;
    const gate = new FairGate(4, 100, () => now);
    const hold = deferred();
    const running = new Set<string>();
    const job = (tenant: string, id: string) =>
      gate.run(tenant, async () => {
        running.add(id);
        await hold.promise;
        running.delete(id);
      });
    const alone = [1, 2, 3, 4].map((i) => job("flood", `a${i}`));
    await Promise.resolve();
    expect(running.size).toBe(4);
    hold.resolve();
    await Promise.all(alone);

    now = 10_000;
    const hold2 = deferred();
    const running2: string[] = [];
    const job2 = (tenant: string, id: string) =>
      gate.run(tenant, async () => {
        running2.push(id);
        await hold2.promise;
      });
    const calm = job2("calm", "c1");
    const flood = [1, 2, 3, 4].map((i) => job2("flood", `f${i}`));
    await Promise.resolve();
    expect(running2).toEqual(["c1", "f1", "f2"]);
    hold2.resolve();
    await Promise.all([calm, ...flood]);
    expect(running2.length).toBe(5);
    expect(gate.active).toBe(0);
  });
});

// A caller's limits on the doors (against the database: the buckets and counters are shared by
// every web process). Counting across processes: tests/integration/api-admission.int.test.ts.
describe("throttleCaller", () => {
  it("applies a key's own rate: ThrottlingException with Retry-After once its burst is spent", async () => {
    const t = await createTestTenant();
    const auth = {
      tenant: { id: t.tenant.id },
      actor: { keyId: t.key.id },
      keyLimits: { rateLimit: 0.01, burstLimit: 2, quotaLimit: null, quotaPeriod: null },
    };
    await throttleCaller(auth);
    await throttleCaller(auth);
    const err = await throttleCaller(auth).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: "rate_limited", awsCode: "ThrottlingException", message: "Rate exceeded" });
    expect((err as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(60);
    // Another key of the same tenant is not limited by it.
    await expect(throttleCaller({ ...auth, actor: { keyId: "other" }, keyLimits: null })).resolves.toBeUndefined();
  });

  it("applies a key's daily quota until the next UTC midnight", async () => {
    const t = await createTestTenant();
    const auth = {
      tenant: { id: t.tenant.id },
      actor: { keyId: t.key.id },
      keyLimits: { rateLimit: null, burstLimit: null, quotaLimit: 2, quotaPeriod: "DAY" as const },
    };
    await throttleCaller(auth);
    await throttleCaller(auth);
    const err = (await throttleCaller(auth).catch((e: unknown) => e)) as { retryAfterSeconds: number };
    expect(err).toMatchObject({ code: "rate_limited", awsCode: "ThrottlingException" });
    const midnight = new Date();
    midnight.setUTCHours(24, 0, 0, 0);
    const untilMidnight = Math.ceil((midnight.getTime() - Date.now()) / 1000);
    expect(err.retryAfterSeconds).toBeGreaterThanOrEqual(untilMidnight - 5);
    expect(err.retryAfterSeconds).toBeLessThanOrEqual(untilMidnight + 5);
  });
});
