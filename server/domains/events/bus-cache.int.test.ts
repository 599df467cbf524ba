import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool, readsCommitted } from "../../db";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { resolveBusForPut, type Caller } from "./bus.service";

// PutEvents' per-process bus cache keeps only committed rows. The default bus is created on first
// use, possibly inside a caller's transaction (a workflow's status-change event): that row must not
// be handed to other callers, since the transaction may still roll back.

let t: TestTenant;
let caller: Caller;

beforeAll(async () => {
  t = await createTestTenant();
  caller = { tenantId: t.tenant.id, accountId: t.tenant.accountId };
});
afterAll(async () => {
  await pool().query(`DELETE FROM event_buses WHERE tenant_id = $1`, [t.tenant.id]);
});

async function busExists(id: string): Promise<boolean> {
  const r = await pool().query(`SELECT 1 FROM event_buses WHERE id = $1`, [id]);
  return r.rowCount === 1;
}

describe("readsCommitted", () => {
  it("is true for the pool and an idle client, false inside an open or failed transaction", async () => {
    expect(readsCommitted(pool())).toBe(true);
    const c = await pool().connect();
    try {
      await c.query("SELECT 1");
      expect(readsCommitted(c)).toBe(true);
      await c.query("BEGIN");
      expect(readsCommitted(c)).toBe(false);
      await c.query("SELECT 1 / 0").catch(() => {});
      expect(readsCommitted(c)).toBe(false);
      await c.query("ROLLBACK");
      expect(readsCommitted(c)).toBe(true);
    } finally {
      c.release();
    }
  });
});

describe("bus cache", () => {
  it("does not hand out a default bus created by a transaction that rolls back", async () => {
    const c = await pool().connect();
    let uncommitted: string;
    try {
      await c.query("BEGIN");
      uncommitted = (await resolveBusForPut(c, caller, "default")).id;
      expect(await busExists(uncommitted)).toBe(false); // not visible outside the transaction
      await c.query("ROLLBACK");
    } finally {
      c.release();
    }
    // Another caller right after: it must get a bus that exists, not the rolled-back row.
    const bus = await resolveBusForPut(pool(), caller, "default");
    expect(bus.id).not.toBe(uncommitted);
    expect(await busExists(bus.id)).toBe(true);
    // ...and the same by ARN, and from inside a transaction of its own.
    expect((await resolveBusForPut(pool(), caller, bus.arn)).id).toBe(bus.id);
    const c2 = await pool().connect();
    try {
      await c2.query("BEGIN");
      expect((await resolveBusForPut(c2, caller, "default")).id).toBe(bus.id);
      await c2.query("COMMIT");
    } finally {
      c2.release();
    }
  });
});
