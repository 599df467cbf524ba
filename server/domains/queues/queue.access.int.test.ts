import { beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../../../tests/helpers/fixtures";
import { isAppError } from "../../core/errors";
import {
  addPermission,
  createQueue,
  deleteQueue,
  getQueueAttributes,
  listQueueTags,
  purgeQueue,
  setQueueAttributes,
  tagQueue,
} from "./queue.service";
import { sendMessages } from "./send";
import { receiveMessages } from "./receive";
import { changeVisibility, deleteMessages } from "./acknowledge";
import type { QueueRow } from "./queue.repository";

// Every queue use case checks the caller's tenant itself: a door that hands it another tenant's
// queue row (a bug, or a lookup that skipped the cross-account check) gets what resolveQueue would
// have answered, never the queue.

let owner: TestTenant;
let stranger: TestTenant;
let q: QueueRow;

async function codeOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e.awsCode ?? e.code;
    throw e;
  }
  return "ok";
}

beforeAll(async () => {
  owner = await createTestTenant();
  stranger = await createTestTenant();
  q = (await createQueue(owner.actor, owner.tenant.id, { name: uniqueName("access") })).queue;
});

describe("a service given a queue of another tenant", () => {
  it("answers QueueDoesNotExist for every action when no permission mentions the caller", async () => {
    const s = stranger;
    const checks = [
      () => sendMessages(s.actor, s.tenant.id, q, [{ body: "x" }], { senderId: "k", batch: false }),
      () => receiveMessages(s.actor, s.tenant.id, q, {}),
      () => deleteMessages(s.actor, s.tenant.id, q, ["h"], { batch: false }),
      () => changeVisibility(s.actor, s.tenant.id, q, [{ handle: "h", timeout: 0 }], { batch: false }),
      () => getQueueAttributes(s.actor, s.tenant.id, q, ["All"]),
      () => setQueueAttributes(s.actor, s.tenant.id, q, { delaySeconds: 5 }),
      () => purgeQueue(s.actor, s.tenant.id, q),
      () => listQueueTags(s.actor, s.tenant.id, q),
    ];
    for (const c of checks) expect(await codeOf(c())).toBe("QueueDoesNotExist");
    expect(await codeOf(deleteQueue(s.actor, s.tenant.id, q))).toBe("AccessDenied");
    expect(await codeOf(tagQueue(s.actor, s.tenant.id, q, { a: "b" }))).toBe("AccessDenied");
    // Nothing was sent: the owner's queue is still empty.
    expect(
      (await getQueueAttributes(owner.actor, owner.tenant.id, q, ["ApproximateNumberOfMessages"]))
        .ApproximateNumberOfMessages,
    ).toBe("0");
  });

  it("allows what a grant allows and refuses the rest with AccessDenied", async () => {
    await addPermission(owner.actor, owner.tenant.id, q, {
      label: "send-only",
      accounts: [stranger.tenant.accountId],
      actions: ["SendMessage"],
    });
    const granted = (await createQueue(owner.actor, owner.tenant.id, { name: q.name })).queue;
    const s = stranger;
    const [r] = await sendMessages(s.actor, s.tenant.id, granted, [{ body: "hi" }], { senderId: "k", batch: false });
    expect(r.ok).toBe(true);
    expect(await codeOf(receiveMessages(s.actor, s.tenant.id, granted, {}))).toBe("AccessDenied");
    expect(await codeOf(purgeQueue(s.actor, s.tenant.id, granted))).toBe("AccessDenied");
    const got = await receiveMessages(owner.actor, owner.tenant.id, granted, { maxMessages: 10 });
    expect(got.map((m) => m.body)).toEqual(["hi"]);
  });
});
