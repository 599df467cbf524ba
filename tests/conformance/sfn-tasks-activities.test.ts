import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { ActivityDoesNotExist, GetActivityTaskCommand, InvalidArn, SFNClient } from "@aws-sdk/client-sfn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool, withTransaction } from "../../server/db";
import { taskResourceFor } from "../../server/domains/workflows/tasks/registry";
import type { LocalTaskResource } from "../../server/domains/workflows/tasks/resource";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";
import { insertActivity, insertRunningExecution, taskRequest } from "../helpers/workflow-tasks";

// GetActivityTask through the AWS door (JSON 1.0, AWSStepFunctions) with the SDK v3 client and
// boto3 against a started web process: a queued task is handed over with its token and input, a
// waiting poll is woken by a task scheduled meanwhile (the NOTIFY crosses processes), and AWS's
// error codes come back as the SDKs' exception classes.

let web: TestProcess & { url: string };
let t: TestTenant;
let sfn: SFNClient;

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb();
  sfn = new SFNClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
  });
});
afterAll(async () => {
  sfn?.destroy();
  await web?.stop();
});

async function queueTask(activityArn: string, input: unknown): Promise<string> {
  const exec = await insertRunningExecution(pool(), t.tenant);
  const token = randomUUID();
  const r = taskResourceFor(activityArn) as LocalTaskResource;
  await withTransaction((tx) => r.start(tx, taskRequest(t.tenant, exec, activityArn, input, { taskToken: token })));
  return token;
}

describe("GetActivityTask with the SDK v3 client", () => {
  it("takes a queued task with its token and input", async () => {
    const act = await insertActivity(pool(), t.tenant);
    const token = await queueTask(act.arn, { order: 1 });
    const got = await sfn.send(new GetActivityTaskCommand({ activityArn: act.arn, workerName: "sdk-worker" }));
    expect(got.taskToken).toBe(token);
    expect(JSON.parse(got.input!)).toEqual({ order: 1 });
  });

  it("a waiting poll is woken by a task scheduled in another process", async () => {
    const act = await insertActivity(pool(), t.tenant);
    const poll = sfn.send(new GetActivityTaskCommand({ activityArn: act.arn }));
    await new Promise((r) => setTimeout(r, 500));
    const token = await queueTask(act.arn, { late: true });
    const got = await poll;
    expect(got.taskToken).toBe(token);
    expect(got.input).toBe('{"late":true}');
  });

  it("ActivityDoesNotExist and InvalidArn as the SDK's exceptions", async () => {
    const missing = `arn:aws:states:us-east-1:${t.tenant.accountId}:activity:none-${randomUUID().slice(0, 6)}`;
    const e1 = await sfn.send(new GetActivityTaskCommand({ activityArn: missing })).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(ActivityDoesNotExist);
    expect((e1 as Error).message).toBe(`Activity Does Not Exist: '${missing}'`);
    const e2 = await sfn.send(new GetActivityTaskCommand({ activityArn: "not-an-arn" })).catch((e: unknown) => e);
    expect(e2).toBeInstanceOf(InvalidArn);
  });
});

describe("GetActivityTask with boto3", () => {
  it("takes a task, and reports ActivityDoesNotExist as botocore does", async () => {
    const act = await insertActivity(pool(), t.tenant);
    const token = await queueTask(act.arn, { py: true });
    const script = `
import boto3, json, sys
c = boto3.client("stepfunctions", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
r = c.get_activity_task(activityArn=sys.argv[4], workerName="py-worker")
try:
    c.get_activity_task(activityArn=sys.argv[4] + "-missing")
    missing = None
except c.exceptions.ActivityDoesNotExist as e:
    missing = e.response["Error"]["Code"]
print(json.dumps({"token": r.get("taskToken"), "input": json.loads(r["input"]), "missing": missing}))
`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        "python3",
        ["-c", script, `${web.url}/api/aws`, t.key.id, t.key.secret, act.arn],
        { timeout: 60_000 },
        (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)),
      ),
    );
    expect(JSON.parse(out)).toEqual({ token, input: { py: true }, missing: "ActivityDoesNotExist" });
  });
});
