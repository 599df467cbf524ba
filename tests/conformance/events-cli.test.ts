import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { AWS_CLI, runWithAwsKey } from "../helpers/aws-cli";

// EventBridge through clients we did not write: the AWS CLI 2.9 (`aws events …`) and boto3,
// against a started server: rule + SQS target + put-events → the message in the queue, and
// AWS's error codes as those clients parse them.

let web: TestProcess & { url: string };
let worker: TestProcess;
let t: TestTenant;

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  [web, worker] = await Promise.all([startWeb(), startWorker()]);
});
afterAll(async () => {
  await Promise.all([web?.stop(), worker?.stop()]);
});

const run = (cmd: string, args: string[]) => runWithAwsKey(cmd, args, t.key, { timeoutMs: 90_000 });

const aws = (args: string[]) => run(AWS_CLI, ["--endpoint-url", `${web.url}/api/aws`, "--output", "json", ...args]);

describe.skipIf(!existsSync(AWS_CLI))("AWS CLI", () => {
  it("put-rule, put-targets, put-events → the event in the SQS queue; errors by code", async () => {
    const q = uniqueName("cliq");
    const url = JSON.parse((await aws(["sqs", "create-queue", "--queue-name", q])).stdout).QueueUrl as string;
    const arn = `arn:aws:sqs:us-east-1:${t.tenant.accountId}:${q}`;
    const rule = uniqueName("cli-rule");
    const put = await aws(["events", "put-rule", "--name", rule, "--event-pattern", '{"source":["cli.test"]}']);
    expect(put.code, put.stderr).toBe(0);
    expect(JSON.parse(put.stdout).RuleArn).toBe(`arn:aws:events:us-east-1:${t.tenant.accountId}:rule/${rule}`);
    const targets = await aws(["events", "put-targets", "--rule", rule, "--targets", `Id=q,Arn=${arn}`]);
    expect(JSON.parse(targets.stdout)).toEqual({ FailedEntryCount: 0, FailedEntries: [] });

    const sent = await aws([
      "events",
      "put-events",
      "--entries",
      JSON.stringify([{ Source: "cli.test", DetailType: "Ping", Detail: '{"n":1}' }]),
    ]);
    expect(sent.code, sent.stderr).toBe(0);
    const { Entries, FailedEntryCount } = JSON.parse(sent.stdout);
    expect(FailedEntryCount).toBe(0);

    let body: Record<string, unknown> | undefined;
    for (let i = 0; i < 20 && !body; i++) {
      const r = await aws(["sqs", "receive-message", "--queue-url", url, "--wait-time-seconds", "1"]);
      const m = r.stdout.trim() ? JSON.parse(r.stdout).Messages?.[0] : undefined;
      if (m) body = JSON.parse(m.Body);
    }
    expect(body).toMatchObject({ id: Entries[0].EventId, source: "cli.test", "detail-type": "Ping", detail: { n: 1 } });

    const missing = await aws(["events", "describe-rule", "--name", uniqueName("nope")]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("(ResourceNotFoundException)");
  });
});

const BOTO_SCRIPT = String.raw`
import sys, json, boto3, botocore
url, key, secret = sys.argv[1:4]
eb = boto3.client("events", endpoint_url=url + "/api/aws", region_name="us-east-1",
                  aws_access_key_id=key, aws_secret_access_key=secret,
                  config=botocore.config.Config(retries={"max_attempts": 1}))
name = sys.argv[4]
bus = eb.create_event_bus(Name=name)["EventBusArn"]
eb.put_rule(Name="r1", EventBusName=name, EventPattern=json.dumps({"detail-type": [{"prefix": "Order"}]}))
rules = eb.list_rules(EventBusName=name)["Rules"]
r = eb.put_events(Entries=[
    {"Source": "boto", "DetailType": "OrderPlaced", "Detail": "{}", "EventBusName": bus},
    {"Source": "boto", "DetailType": "OrderPlaced", "Detail": "not json", "EventBusName": name},
])
try:
    eb.put_rule(Name="r2", EventBusName=name, EventPattern='{"source":"not-an-array"}')
    err = "none"
except eb.exceptions.InvalidEventPatternException as e:
    err = e.response["Error"]["Code"]
try:
    eb.create_event_bus(Name=name)
    dup = "none"
except eb.exceptions.ResourceAlreadyExistsException as e:
    dup = e.response["Error"]["Code"]
print(json.dumps({"rules": [x["Name"] for x in rules], "failed": r["FailedEntryCount"],
                  "codes": [e.get("ErrorCode") for e in r["Entries"]], "err": err, "dup": dup}))
`;

describe("boto3", () => {
  it("custom bus, rule on it, PutEvents by bus ARN and name, modelled exceptions", async () => {
    const r = await run("python3", ["-c", BOTO_SCRIPT, web.url, t.key.id, t.key.secret, uniqueName("boto-bus")]);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({
      rules: ["r1"],
      failed: 1,
      codes: [null, "MalformedDetail"],
      err: "InvalidEventPatternException",
      dup: "ResourceAlreadyExistsException",
    });
  });
});
