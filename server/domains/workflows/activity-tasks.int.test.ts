import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool, withTransaction } from "../../db";
import { isAppError } from "../../core/errors";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { insertActivity, insertRunningExecution, taskRequest } from "../../../tests/helpers/workflow-tasks";
import { getActivityTask } from "./activity-tasks";
import { countQueuedActivityTasks, startedActivityTask } from "./activity-tasks.repository";
import { waitingActivityWorkers } from "./activity-tasks.notify";
import { taskResourceFor } from "./tasks/registry";
import type { LocalTaskResource, TaskRequest } from "./tasks/resource";

// Activities against the real database: a Task on an activity ARN queues a task in the executor's
// transaction; GetActivityTask hands the oldest live one to a worker, long-polling (woken by the
// NOTIFY of the commit) and answering without a token when nothing came.

let t: TestTenant;
let other: TestTenant;

beforeAll(async () => {
  [t, other] = await Promise.all([createTestTenant(), createTestTenant()]);
});
afterAll(async () => {});

const caller = (x: TestTenant = t) => ({ tenant: x.tenant, actor: x.actor });
// Task tokens are unique across the database (the executor makes them); the tests' readable ones get a suffix.
const run = randomUUID().slice(0, 8);
const tok = (name: string) => `${name}-${run}`;

async function schedule(req: TaskRequest) {
  const r = taskResourceFor(req.resource) as LocalTaskResource;
  return withTransaction((tx) => r.start(tx, req));
}

async function refusal(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  throw new Error("expected a refusal");
}

describe("activity tasks", () => {
  it("queues the task in the transaction and hands it to one worker with its token and input", async () => {
    const act = await insertActivity(pool(), t.tenant);
    const exec = await insertRunningExecution(pool(), t.tenant);
    const token = randomUUID();
    const out = await schedule(taskRequest(t.tenant, exec, act.arn, { job: 1 }, { taskToken: token }));
    expect(out).toEqual({ kind: "pending" });
    expect(await getActivityTask(caller(), { activityArn: act.arn, workerName: "w1" })).toEqual({
      taskToken: token,
      input: '{"job":1}',
    });
    expect(await getActivityTask(caller(), { activityArn: act.arn }, { waitMs: 100 })).toEqual({});
    expect(await startedActivityTask(pool(), token)).toMatchObject({ workerName: "w1", startedAt: expect.any(Date) });
  });

  it("hands tasks out oldest first; a repeated scheduling queues nothing twice", async () => {
    const act = await insertActivity(pool(), t.tenant);
    const exec = await insertRunningExecution(pool(), t.tenant);
    const first = taskRequest(t.tenant, exec, act.arn, { n: 1 }, { taskToken: tok("tok-1") });
    await schedule(first);
    await schedule(first);
    await schedule(taskRequest(t.tenant, exec, act.arn, { n: 2 }, { taskToken: tok("tok-2") }));
    expect(await countQueuedActivityTasks(pool(), act.id)).toBe(2);
    const a = await getActivityTask(caller(), { activityArn: act.arn });
    const b = await getActivityTask(caller(), { activityArn: act.arn });
    expect([a.taskToken, b.taskToken]).toEqual([tok("tok-1"), tok("tok-2")]);
  });

  it("a waiting worker is woken by the commit of a new task", async () => {
    const act = await insertActivity(pool(), t.tenant);
    const exec = await insertRunningExecution(pool(), t.tenant);
    const poll = getActivityTask(caller(), { activityArn: act.arn }, { waitMs: 30_000 });
    await new Promise((r) => setTimeout(r, 200));
    await schedule(taskRequest(t.tenant, exec, act.arn, { late: true }, { taskToken: tok("late") }));
    expect(await poll).toEqual({ taskToken: tok("late"), input: '{"late":true}' });
    expect(waitingActivityWorkers()).toBe(0);
  });

  it("a poll whose client went away stops waiting and takes nothing", async () => {
    const act = await insertActivity(pool(), t.tenant);
    const ac = new AbortController();
    const poll = getActivityTask(caller(), { activityArn: act.arn }, { signal: ac.signal, waitMs: 30_000 });
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    expect(await poll).toEqual({});
  });

  it("tasks of an execution that stopped, or past the state's TimeoutSeconds, are never handed out", async () => {
    const act = await insertActivity(pool(), t.tenant);
    const stopped = await insertRunningExecution(pool(), t.tenant);
    const running = await insertRunningExecution(pool(), t.tenant);
    await schedule(taskRequest(t.tenant, stopped, act.arn, {}, { taskToken: tok("stopped") }));
    await schedule(taskRequest(t.tenant, running, act.arn, {}, { taskToken: tok("expired"), timeoutSeconds: 30 }));
    await schedule(taskRequest(t.tenant, running, act.arn, {}, { taskToken: tok("live") }));
    await pool().query(`UPDATE executions SET status = 'ABORTED' WHERE id = $1`, [stopped.executionId]);
    await pool().query(`UPDATE activity_tasks SET expires_at = now() - interval '1 second' WHERE task_token = $1`, [
      tok("expired"),
    ]);
    expect((await getActivityTask(caller(), { activityArn: act.arn })).taskToken).toBe(tok("live"));
    expect(await countQueuedActivityTasks(pool(), act.id)).toBe(0);
  });

  it("refuses an activity that does not exist, another tenant's, a malformed ARN and a long worker name", async () => {
    const act = await insertActivity(pool(), t.tenant);
    const missing = act.arn.replace(/activity:.*/, "activity:nope");
    expect((await refusal(getActivityTask(caller(), { activityArn: missing }))).awsCode).toBe("ActivityDoesNotExist");
    expect((await refusal(getActivityTask(caller(), { activityArn: missing }))).message).toBe(
      `Activity Does Not Exist: '${missing}'`,
    );
    expect((await refusal(getActivityTask(caller(other), { activityArn: act.arn }))).awsCode).toBe(
      "ActivityDoesNotExist",
    );
    expect((await refusal(getActivityTask(caller(), { activityArn: "arn:aws:sqs:x" }))).awsCode).toBe("InvalidArn");
    expect(
      (await refusal(getActivityTask(caller(), { activityArn: act.arn, workerName: "w".repeat(81) }))).awsCode,
    ).toBe("ValidationException");
  });

  it("scheduling on an activity that does not exist fails the task", async () => {
    const exec = await insertRunningExecution(pool(), t.tenant);
    const arn = `arn:aws:states:us-east-1:${t.tenant.accountId}:activity:missing-${randomUUID().slice(0, 6)}`;
    expect(await schedule(taskRequest(t.tenant, exec, arn, {}, { taskToken: "x" }))).toMatchObject({
      kind: "failed",
      error: "States.Runtime",
    });
  });
});
