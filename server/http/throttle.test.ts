import { describe, expect, it } from "vitest";
import { FairGate } from "./throttle";

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
