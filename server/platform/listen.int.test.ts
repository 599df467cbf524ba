import { afterAll, describe, expect, it } from "vitest";
import { closeDb, pool } from "../db";
import { isListening, listen, stopListening } from "./listen";

afterAll(async () => {
  await stopListening();
  await closeDb();
});

async function until(what: string, check: () => boolean | Promise<boolean>, limitMs = 10_000) {
  const deadline = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe("listen", () => {
  it("delivers notices, and after its backend is terminated resyncs, reconnects and delivers again", async () => {
    const channel = `sb_test_${Math.random().toString(36).slice(2, 8)}`;
    const got: string[] = [];
    let resyncs = 0;
    const unsubscribe = await listen(channel, { onNotify: (p) => got.push(p), onResync: () => resyncs++ });
    expect(isListening(channel)).toBe(true);
    await pool().query(`SELECT pg_notify($1, 'one')`, [channel]);
    await until("the first notice", () => got.includes("one"));
    const resyncsBefore = resyncs;

    await pool().query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'signalbox-listen' AND datname = current_database() AND query ILIKE '%' || $1 || '%'`,
      [channel],
    );
    await until("the loss to be noticed", () => !isListening(channel));
    await until("the reconnect", () => isListening(channel));
    // Once when the connection went, once when it came back.
    expect(resyncs - resyncsBefore).toBe(2);
    await pool().query(`SELECT pg_notify($1, 'two')`, [channel]);
    await until("a notice after the reconnect", () => got.includes("two"));
    unsubscribe();
  });
});
