import { afterAll, describe, expect, it } from "vitest";
import { closeDb, pool } from "../db";
import { stopListening } from "./listen";
import { wakeWaiters } from "./wake-waiters";

// The per-key long-poll waiters queues and activity workers share, against a real LISTEN: a
// NOTIFY with a key wakes that key's waiters only; a notice that arrives before the wait is kept;
// closed subscriptions leave nothing behind.

afterAll(async () => {
  await stopListening();
  await closeDb();
});

const LONG = 120_000; // a wait that only a wake-up ends within the test's timeout

describe("wakeWaiters", () => {
  it("wakes the notified key's waiter, keeps a notice that came before the wait, and forgets closed ones", async () => {
    const channel = `sb_test_${Math.random().toString(36).slice(2, 8)}`;
    const w = wakeWaiters(channel);
    const a = await w.subscribe("a");
    const b = await w.subscribe("b");
    expect([w.waiting("a"), w.waiting("b"), w.waiting()]).toEqual([1, 1, 2]);

    let bWoke = false;
    const bWait = b.wait(LONG).then(() => (bWoke = true));
    const aWait = a.wait(LONG);
    await pool().query(`SELECT pg_notify($1, 'a')`, [channel]);
    await aWait; // woken by the notice (the wait itself is two minutes)
    expect(bWoke).toBe(false);

    await pool().query(`SELECT pg_notify($1, 'b')`, [channel]);
    await bWait;

    // A notice while nobody waits is kept: 'a' is notified, then 'c'; once c's waiter is woken the
    // notice for 'a' (sent before it) has arrived too, and a's next wait returns on it.
    const c = await w.subscribe("c");
    const cWait = c.wait(LONG);
    await pool().query(`SELECT pg_notify($1, 'a')`, [channel]);
    await pool().query(`SELECT pg_notify($1, 'c')`, [channel]);
    await cWait;
    await a.wait(LONG);
    c.close();

    // An aborted signal ends a wait; close is idempotent and leaves no waiter behind.
    const ac = new AbortController();
    const aborted = a.wait(LONG, ac.signal);
    ac.abort();
    await aborted;
    a.close();
    a.close();
    b.close();
    expect(w.waiting()).toBe(0);
    await w.stop();
  }, 60_000);
});
