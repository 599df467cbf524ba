import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../db";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { setClock } from "./queue.context";
import { changeVisibility } from "./acknowledge";
import { inlined, queryInIndexOrder } from "./message.repository";
import { createQueue } from "./queue.service";
import { receiveMessages } from "./receive";
import { sendMessages } from "./send";

// Issue 8: a standard queue returns available messages in send order where it can. The receive
// picks the oldest visible messages (ties in send order) and returns them sorted by sequence:
// UPDATE … RETURNING alone gives them back in whatever order the join produced.

let t: TestTenant;
const base = Date.now();
const at = (ms: number) => new Date(base + ms);

beforeAll(async () => {
  t = await createTestTenant();
});
afterEach(() => setClock(null));

async function standardQueue() {
  return (await createQueue(t.actor, t.tenant.id, { name: uniqueName("order") })).queue;
}
type Q = Awaited<ReturnType<typeof standardQueue>>;
const send = (q: Q, bodies: string[]) =>
  sendMessages(
    t.actor,
    t.tenant.id,
    q,
    bodies.map((body) => ({ body })),
    { senderId: "tester", batch: bodies.length > 1 },
  );
const receive = async (q: Q, maxMessages: number) =>
  receiveMessages(t.actor, t.tenant.id, q, { maxMessages, visibilityTimeout: 30 });

describe("standard receive order", () => {
  it("returns messages sent one by one in send order", async () => {
    const q = await standardQueue();
    const bodies = Array.from({ length: 10 }, (_, i) => `m${i}`);
    for (let i = 0; i < bodies.length; i++) {
      setClock(() => at(i));
      await send(q, [bodies[i]]);
    }
    setClock(() => at(1_000));
    expect((await receive(q, 10)).map((m) => m.body)).toEqual(bodies);
  });

  it("returns a batch (one visible_at for all) in send order, a few at a time", async () => {
    const q = await standardQueue();
    setClock(() => at(0));
    const bodies = Array.from({ length: 10 }, (_, i) => `b${i}`);
    await send(q, bodies);
    setClock(() => at(1_000));
    const got: string[] = [];
    for (const n of [3, 3, 4]) got.push(...(await receive(q, n)).map((m) => m.body));
    expect(got).toEqual(bodies);
  });

  it("a message that became visible again comes back in send order with newer ones", async () => {
    const q = await standardQueue();
    setClock(() => at(0));
    await send(q, ["first"]);
    const [first] = await receive(q, 1);
    setClock(() => at(10));
    await send(q, ["second", "third"]);
    await changeVisibility(t.actor, t.tenant.id, q, [{ handle: first.receiptHandle, timeout: 0 }], { batch: false });
    setClock(() => at(1_000));
    expect((await receive(q, 10)).map((m) => m.body)).toEqual(["first", "second", "third"]);
  });
});

describe("inlined statement values (the one-round-trip receive)", () => {
  it("round-trip through PostgreSQL unchanged, quotes, backslashes and placeholders included", async () => {
    const tricky = `it's a \\ 'test' $1 $$ --`;
    const when = new Date(Date.UTC(2026, 11, 1, 12, 34, 56, 789));
    const r = await pool().query(
      inlined({
        text: `SELECT $1::text AS s, $2::int AS n, $3::timestamptz AS d, $4::text AS z`,
        values: [tricky, 7, when, null],
      }),
    );
    expect(r.rows[0]).toEqual({ s: tricky, n: 7, d: when, z: null });
    expect(() => inlined({ text: "SELECT $1", values: [[1, 2]] })).toThrow();
  });

  it("a statement that fails leaves no aborted transaction on the pooled connection", async () => {
    await expect(queryInIndexOrder({ text: "SELECT 1 / $1 AS x", values: [0] })).rejects.toThrow(/division by zero/);
    // The pool hands out its most recently released connection: the same one, usable again.
    for (let i = 0; i < 3; i++) expect((await pool().query("SELECT 1 AS x")).rows[0].x).toBe(1);
    expect((await queryInIndexOrder({ text: "SELECT $1::int AS x", values: [2] })).rows[0].x).toBe(2);
  });
});
