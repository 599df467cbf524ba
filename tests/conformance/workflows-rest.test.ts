import { EventBridgeClient, PutEventsCommand, PutRuleCommand, PutTargetsCommand } from "@aws-sdk/client-eventbridge";
import { CreateScheduleCommand, SchedulerClient } from "@aws-sdk/client-scheduler";
import { CreateStateMachineCommand, SFNClient } from "@aws-sdk/client-sfn";
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { insertStateMachine } from "../helpers/workflows";

// REST for tenant apps (/api/v1/state-machines/{name}/executions, /api/v1/executions/{id|arn},
// /api/v1/task-tokens/...) against a started web process (and a worker that runs executions):
// Bearer key, JSON values for input and output, problem details, in the OpenAPI document.

let web: TestProcess & { url: string };
let worker: TestProcess;
let t: TestTenant;
let viewer: TestTenant;

beforeAll(async () => {
  t = await createTestTenant();
  viewer = await createTestTenant({ keyRole: "viewer" });
  web = await startWeb();
  worker = await startWorker();
}, 120_000);
afterAll(async () => {
  await web?.stop();
  await worker?.stop();
});

async function call(method: string, path: string, body?: unknown, who: TestTenant = t) {
  const r = await fetch(`${web.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${who.key.id}.${who.key.secret}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, type: r.headers.get("content-type"), json: text ? JSON.parse(text) : undefined };
}

async function until<T>(fn: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  for (let i = 0; ; i++) {
    const v = await fn();
    if (done(v) || i > 600) return v;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const smName = (arn: string) => arn.split(":").pop()!;

describe("REST /api/v1 workflows", () => {
  it("starts an execution (201, idempotent by name), reads its status and output by ARN and by id, lists them", async () => {
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "Add",
      States: { Add: { Type: "Pass", Parameters: { "sum.$": "States.MathAdd($.a, $.b)" }, End: true } },
    });
    const name = uniqueName("run");
    const s = await call("POST", `/api/v1/state-machines/${smName(sm)}/executions`, { input: { a: 2, b: 3 }, name });
    expect(s.status).toBe(201);
    expect(s.json).toMatchObject({
      executionArn: `arn:aws:states:us-east-1:${t.tenant.accountId}:execution:${smName(sm)}:${name}`,
      created: true,
    });
    expect(s.json.id).toMatch(/^[0-9a-f-]{36}$/);
    const byArn = await until(
      () => call("GET", `/api/v1/executions/${encodeURIComponent(s.json.executionArn)}`),
      (r) => r.json?.status !== "RUNNING",
    );
    expect(byArn.status).toBe(200);
    expect(byArn.json).toMatchObject({
      id: s.json.id,
      executionArn: s.json.executionArn,
      stateMachineArn: sm,
      name,
      status: "SUCCEEDED",
      input: { a: 2, b: 3 },
      output: { sum: 5 },
      error: null,
    });
    const byId = await call("GET", `/api/v1/executions/${s.json.id}`);
    expect(byId.json).toEqual(byArn.json);
    // The same name again after it finished: AWS refuses it (409 problem details).
    const again = await call("POST", `/api/v1/state-machines/${smName(sm)}/executions`, {
      input: { a: 2, b: 3 },
      name,
    });
    expect(again.status).toBe(409);
    expect(again.type).toMatch(/application\/problem\+json/);
    expect(again.json.code).toBe("ExecutionAlreadyExists");
    const second = await call("POST", `/api/v1/state-machines/${smName(sm)}/executions`, { input: { a: 1, b: 1 } });
    expect(second.status).toBe(201);
    const list = await until(
      () => call("GET", `/api/v1/state-machines/${smName(sm)}/executions?status=SUCCEEDED`),
      (r) => r.json?.executions?.length === 2,
    );
    expect(list.json.executions.map((e: { executionArn: string }) => e.executionArn).sort()).toEqual(
      [s.json.executionArn, second.json.executionArn].sort(),
    );
    expect(list.json.nextToken).toBeNull();
    const hist = await call("GET", `/api/v1/executions/${s.json.id}/history`);
    expect(hist.json.events[0]).toMatchObject({ id: 1, type: "ExecutionStarted" });
    expect(hist.json.events.at(-1).type).toBe("ExecutionSucceeded");
  });

  it("a running execution with the same name and input answers 200 with the same execution", async () => {
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "W",
      States: { W: { Type: "Wait", Seconds: 30, End: true } },
    });
    const name = uniqueName("wait");
    const a = await call("POST", `/api/v1/state-machines/${smName(sm)}/executions`, { input: { k: 1 }, name });
    const b = await call("POST", `/api/v1/state-machines/${smName(sm)}/executions`, { input: { k: 1 }, name });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.json).toMatchObject({ executionArn: a.json.executionArn, created: false });
    const c = await call("POST", `/api/v1/state-machines/${smName(sm)}/executions`, { input: { k: 2 }, name });
    expect(c.status).toBe(409);
    const stop = await call("POST", `/api/v1/executions/${a.json.id}/stop`, { error: "Manual", cause: "test" });
    expect(stop.status).toBe(200);
    const d = await call("GET", `/api/v1/executions/${a.json.id}`);
    expect(d.json).toMatchObject({ status: "ABORTED", error: "Manual", cause: "test" });
  });

  it("answers a waiting task with success, failure and heartbeat through task-tokens", async () => {
    // A task that waits for its token: a child execution receives it (wf-exec's states:startExecution resource).
    const child = await insertStateMachine(t.tenant, { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    const sm = await insertStateMachine(t.tenant, {
      StartAt: "Ask",
      States: {
        Ask: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution.waitForTaskToken",
          Parameters: { StateMachineArn: child, Input: { "token.$": "$$.Task.Token" } },
          HeartbeatSeconds: 600,
          Catch: [{ ErrorEquals: ["Rejected"], ResultPath: "$.why", Next: "No" }],
          End: true,
        },
        No: { Type: "Pass", End: true },
      },
    });
    const tokenOf = async (id: string) =>
      (
        await until(
          () => call("GET", `/api/v1/executions/${id}/task-tokens`),
          (r) => r.json?.taskTokens?.length === 1,
        )
      ).json.taskTokens[0].taskToken as string;

    const ok = await call("POST", `/api/v1/state-machines/${smName(sm)}/executions`, { input: {} });
    const okToken = await tokenOf(ok.json.id);
    expect((await call("POST", "/api/v1/task-tokens/heartbeat", { taskToken: okToken })).status).toBe(204);
    expect(
      (await call("POST", "/api/v1/task-tokens/success", { taskToken: okToken, output: { approved: true } })).status,
    ).toBe(204);
    const done = await until(
      () => call("GET", `/api/v1/executions/${ok.json.id}`),
      (r) => r.json?.status !== "RUNNING",
    );
    expect(done.json).toMatchObject({ status: "SUCCEEDED", output: { approved: true } });

    const no = await call("POST", `/api/v1/state-machines/${smName(sm)}/executions`, { input: {} });
    const noToken = await tokenOf(no.json.id);
    expect(
      (await call("POST", "/api/v1/task-tokens/failure", { taskToken: noToken, error: "Rejected", cause: "nope" }))
        .status,
    ).toBe(204);
    const caught = await until(
      () => call("GET", `/api/v1/executions/${no.json.id}`),
      (r) => r.json?.status !== "RUNNING",
    );
    expect(caught.json).toMatchObject({ status: "SUCCEEDED", output: { why: { Error: "Rejected", Cause: "nope" } } });
    // A token already used: 404 TaskDoesNotExist; a malformed one: 400 InvalidToken; nothing changes.
    const reused = await call("POST", "/api/v1/task-tokens/success", { taskToken: okToken, output: 1 });
    expect(reused).toMatchObject({ status: 404, json: { code: "TaskDoesNotExist" } });
    const garbage = await call("POST", "/api/v1/task-tokens/heartbeat", { taskToken: "not-a-token" });
    expect(garbage).toMatchObject({ status: 400, json: { code: "InvalidToken" } });
    expect((await call("GET", `/api/v1/executions/${ok.json.id}`)).json.output).toEqual({ approved: true });
  });

  it("refuses bad input and unknown resources with problem details, a viewer key may read but not start", async () => {
    const sm = await insertStateMachine(t.tenant, { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    const noSm = await call("POST", `/api/v1/state-machines/${uniqueName("nope")}/executions`, {});
    expect(noSm.status).toBe(404);
    expect(noSm.json).toMatchObject({ status: 404, code: "StateMachineDoesNotExist" });
    const badName = await call("POST", `/api/v1/state-machines/${smName(sm)}/executions`, { name: "a b" });
    expect(badName.status).toBe(400);
    expect(badName.json.code).toBe("InvalidName");
    const badJson = await call("POST", `/api/v1/state-machines/${smName(sm)}/executions`, "{not json");
    expect(badJson.status).toBe(400);
    const badField = await call("POST", "/api/v1/task-tokens/failure", { taskToken: "", error: 3 });
    expect(badField.status).toBe(400);
    expect(Object.keys(badField.json.errors).sort()).toEqual(["body.error", "body.taskToken"]);
    const noEx = await call("GET", `/api/v1/executions/${"0".repeat(8)}-0000-0000-0000-${"0".repeat(12)}`);
    expect(noEx.json).toMatchObject({ status: 404, code: "ExecutionDoesNotExist" });
    const badArn = await call("GET", `/api/v1/executions/${encodeURIComponent("arn:aws:sqs:us-east-1:1:q")}`);
    expect(badArn.status).toBe(400);
    expect(badArn.json.code).toBe("InvalidArn");
    const count = await pool().query(`SELECT count(*)::int AS n FROM executions WHERE state_machine_arn = $1`, [sm]);
    expect(count.rows[0].n).toBe(0);
    // Another tenant's execution does not exist for this key.
    const mine = await call("POST", `/api/v1/state-machines/${smName(sm)}/executions`, {});
    const theirs = await call("GET", `/api/v1/executions/${mine.json.id}`, undefined, viewer);
    expect(theirs.json.code).toBe("ExecutionDoesNotExist");
    const vsm = await insertStateMachine(viewer.tenant, { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    const denied = await call("POST", `/api/v1/state-machines/${smName(vsm)}/executions`, {}, viewer);
    expect(denied.status).toBe(403);
    expect((await call("GET", `/api/v1/state-machines/${smName(vsm)}/executions`, undefined, viewer)).status).toBe(200);
  });

  it("is in the OpenAPI document", async () => {
    const doc = (await fetch(`${web.url}/api/v1/openapi.json`).then((r) => r.json())) as {
      paths: Record<string, Record<string, unknown>>;
    };
    expect(Object.keys(doc.paths["/api/v1/state-machines/{stateMachine}/executions"]!).sort()).toEqual(["get", "post"]);
    for (const p of [
      "/api/v1/executions/{execution}",
      "/api/v1/executions/{execution}/history",
      "/api/v1/executions/{execution}/stop",
      "/api/v1/task-tokens/success",
      "/api/v1/task-tokens/failure",
      "/api/v1/task-tokens/heartbeat",
    ])
      expect(doc.paths[p]).toBeDefined();
  });
});

describe("state machine targets through the AWS SDK", () => {
  it("PutTargets wants a RoleArn for a state machine; then a matching PutEvents starts an execution", async () => {
    const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
    const endpoint = `${web.url}/api/aws`;
    const eb = new EventBridgeClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
    const scheduler = new SchedulerClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
    const sfn = new SFNClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
    const sqs = new SQSClient({ endpoint, region: "us-east-1", credentials, maxAttempts: 1 });
    // The machine is created through the Step Functions door.
    const { stateMachineArn } = await sfn.send(
      new CreateStateMachineCommand({
        name: uniqueName("sdk-sm"),
        roleArn: `arn:aws:iam::${t.tenant.accountId}:role/sfn`,
        definition: JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", Result: "done", End: true } } }),
      }),
    );
    const sm = stateMachineArn!;
    // A rule on the default bus catches its executions' SUCCEEDED status changes into a queue.
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("status") }));
    const queueArn = (await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ["QueueArn"] })))
      .Attributes!.QueueArn!;
    const watch = uniqueName("watch");
    await eb.send(
      new PutRuleCommand({
        Name: watch,
        EventPattern: JSON.stringify({
          source: ["aws.states"],
          "detail-type": ["Step Functions Execution Status Change"],
          detail: { status: ["SUCCEEDED"], stateMachineArn: [sm] },
        }),
      }),
    );
    await eb.send(new PutTargetsCommand({ Rule: watch, Targets: [{ Id: "q", Arn: queueArn }] }));
    const rule = uniqueName("sdk");
    const src = `app.${uniqueName("src")}`;
    await eb.send(new PutRuleCommand({ Name: rule, EventPattern: JSON.stringify({ source: [src] }) }));
    const refused = await eb.send(new PutTargetsCommand({ Rule: rule, Targets: [{ Id: "flow", Arn: sm }] })).then(
      () => null,
      (e: { name: string; message: string }) => e,
    );
    expect(refused).toMatchObject({ name: "ValidationException", message: `RoleArn is required for target ${sm}.` });
    const ok = await eb.send(
      new PutTargetsCommand({
        Rule: rule,
        Targets: [{ Id: "flow", Arn: sm, RoleArn: `arn:aws:iam::${t.tenant.accountId}:role/events` }],
      }),
    );
    expect(ok.FailedEntryCount).toBe(0);
    await eb.send(new PutEventsCommand({ Entries: [{ Source: src, DetailType: "Go", Detail: '{"go":1}' }] }));
    const list = await until(
      () => call("GET", `/api/v1/state-machines/${smName(sm)}/executions`),
      (r) => r.json?.executions?.length === 1,
    );
    expect(list.json.executions).toHaveLength(1);
    const ex = await call("GET", `/api/v1/executions/${encodeURIComponent(list.json.executions[0].executionArn)}`);
    expect(ex.json.input).toMatchObject({ source: src, "detail-type": "Go", detail: { go: 1 } });
    const got = await until(
      () => sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 })),
      (r) => (r.Messages?.length ?? 0) > 0,
    );
    const status = JSON.parse(got.Messages![0]!.Body!) as {
      source: string;
      resources: string[];
      detail: Record<string, unknown>;
    };
    expect(status).toMatchObject({
      source: "aws.states",
      "detail-type": "Step Functions Execution Status Change",
      resources: [ex.json.executionArn],
      detail: { executionArn: ex.json.executionArn, stateMachineArn: sm, status: "SUCCEEDED", output: '"done"' },
    });
    // Scheduler accepts a state machine target (it used to refuse it).
    const created = await scheduler.send(
      new CreateScheduleCommand({
        Name: uniqueName("sched"),
        ScheduleExpression: "rate(1 day)",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: { Arn: sm, RoleArn: `arn:aws:iam::${t.tenant.accountId}:role/s`, Input: "{}" },
      }),
    );
    expect(created.ScheduleArn).toMatch(/:schedule\/default\//);
    await pool().query(`DELETE FROM timers WHERE tenant_id = $1`, [t.tenant.id]);
  });
});
