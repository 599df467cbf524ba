import { afterAll, describe, expect, it } from "vitest";
import { closeDb, pool, withTransaction } from "./db";

afterAll(async () => {
  await closeDb();
});

// pg-pool only listens for errors on idle clients. A connection that dies while checked out
// between two statements would emit an unhandled 'error' and end the process (a web process
// died this way when PostgreSQL terminated its backends mid-transaction).
describe("a pooled connection lost while checked out", () => {
  it("fails its next statement instead of ending the process, and the pool replaces it", async () => {
    const unhandled: unknown[] = [];
    const onUncaught = (e: unknown) => unhandled.push(e);
    process.on("uncaughtException", onUncaught);
    try {
      const attempt = withTransaction(async (tx) => {
        const { rows } = await tx.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
        await pool().query("SELECT pg_terminate_backend($1)", [rows[0]!.pid]);
        // The termination reaches the client while no statement of it runs.
        await new Promise((r) => setTimeout(r, 300));
        await tx.query("SELECT 1");
      });
      await expect(attempt).rejects.toThrow();
      expect(unhandled).toEqual([]);
      const { rows } = await pool().query<{ one: number }>("SELECT 1 AS one");
      expect(rows[0]!.one).toBe(1);
    } finally {
      process.off("uncaughtException", onUncaught);
    }
  });
});
