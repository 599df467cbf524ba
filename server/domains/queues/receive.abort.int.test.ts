import { beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { createQueue } from "./queue.service";
import { sendMessages } from "./send";
import { receiveMessages } from "./receive";
import { waitingReceivers } from "./queue.notify";

// A long poll whose client went away (the doors abort the signal when the connection closes)
// must stop waiting, leave no waiter behind, and never receive on behalf of the dead connection:
// that would hide the message for the visibility timeout with nobody to process it.

let t: TestTenant;
beforeAll(async () => {
  t = await createTestTenant();
});

async function queue() {
  const { queue } = await createQueue(t.actor, t.tenant.id, { name: uniqueName("abort") });
  return queue;
}
type Q = Awaited<ReturnType<typeof queue>>;
const send = (q: Q, body: string) =>
  sendMessages(t.actor, t.tenant.id, q, [{ body }], { senderId: "tester", batch: false });
const receive = (q: Q, o: Parameters<typeof receiveMessages>[3]) => receiveMessages(t.actor, t.tenant.id, q, o);

async function untilWaiting(queueId: string, n: number) {
  while (waitingReceivers(queueId) !== n) await new Promise((r) => setTimeout(r, 10));
}

describe("aborted long polls", () => {
  it("stop waiting when aborted, remove their waiter, and do not take a message sent afterwards", async () => {
    const q = await queue();
    const ac = new AbortController();
    const poll = receive(q, { waitTimeSeconds: 20, signal: ac.signal });
    await untilWaiting(q.id, 1);
    ac.abort();
    // Sent before we even look at the poll's outcome: a poll that ignored the abort would take it.
    await send(q, "for the living");
    expect(await poll).toEqual([]);
    expect(waitingReceivers(q.id)).toBe(0);

    const [m] = await receive(q, { waitTimeSeconds: 1 });
    expect(m.body).toBe("for the living");
    expect(m.system.ApproximateReceiveCount).toBe("1");
  });

  it("an already aborted receive does not look at all, even with messages waiting", async () => {
    const q = await queue();
    await send(q, "untouched");
    const ac = new AbortController();
    ac.abort();
    expect(await receive(q, { waitTimeSeconds: 5, signal: ac.signal })).toEqual([]);
    expect(await receive(q, { waitTimeSeconds: 0, signal: ac.signal })).toEqual([]);
    expect(waitingReceivers(q.id)).toBe(0);
    const [m] = await receive(q, {});
    expect(m.system.ApproximateReceiveCount).toBe("1");
  });

  it("many aborted polls on one queue leave no waiters; one that is not aborted still gets the message", async () => {
    const q = await queue();
    const controllers = Array.from({ length: 5 }, () => new AbortController());
    const polls = controllers.map((ac) => receive(q, { waitTimeSeconds: 20, signal: ac.signal }));
    const live = receive(q, { waitTimeSeconds: 20 });
    await untilWaiting(q.id, 6);
    for (const ac of controllers) ac.abort();
    await send(q, "only for the live one");
    expect(await Promise.all(polls)).toEqual([[], [], [], [], []]);
    const [m] = await live;
    expect(m.body).toBe("only for the live one");
    expect(m.system.ApproximateReceiveCount).toBe("1");
    expect(waitingReceivers(q.id)).toBe(0);
  });
});
