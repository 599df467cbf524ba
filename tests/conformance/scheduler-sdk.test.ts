import { AWS_CLI, runAwsCli } from "../helpers/aws-cli";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import {
  SchedulerClient,
  CreateScheduleCommand,
  CreateScheduleGroupCommand,
  DeleteScheduleCommand,
  DeleteScheduleGroupCommand,
  GetScheduleCommand,
  GetScheduleGroupCommand,
  ListScheduleGroupsCommand,
  ListSchedulesCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateScheduleCommand,
} from "@aws-sdk/client-scheduler";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";

// EventBridge Scheduler end to end: a real web + worker, the SDK v3 client and boto3. Schedules
// really fire into a Signalbox SQS queue (the message is received), one-time schedules complete
// (and delete themselves with ActionAfterCompletion DELETE), errors come in Scheduler's shape.

let web: TestProcess & { url: string };
let worker: TestProcess;
let t: TestTenant;
let scheduler: SchedulerClient;
let sqs: SQSClient;
const ROLE = "arn:aws:iam::123456789012:role/scheduler";

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  t = await createTestTenant();
  [web, worker] = await Promise.all([startWeb(), startWorker()]);
  const credentials = { accessKeyId: t.key.id, secretAccessKey: t.key.secret };
  scheduler = new SchedulerClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
  sqs = new SQSClient({ endpoint: `${web.url}/api/aws`, region: "us-east-1", credentials, maxAttempts: 1 });
});

afterAll(async () => {
  // Leave no recurring timer behind: a later run's workers would keep firing it.
  if (t) await pool().query(`DELETE FROM timers WHERE tenant_id = $1`, [t.tenant.id]);
  await Promise.all([web?.stop(), worker?.stop()]);
});

async function queue() {
  const name = uniqueName("sched");
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name }));
  return { url: QueueUrl!, arn: `arn:aws:sqs:us-east-1:${t.tenant.accountId}:${name}` };
}

async function receiveOne(url: string, seconds = 20) {
  const end = Date.now() + seconds * 1000;
  while (Date.now() < end) {
    const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, WaitTimeSeconds: 5, MaxNumberOfMessages: 10 }));
    if (r.Messages?.length) return r.Messages;
  }
  throw new Error("no message arrived");
}

async function errorOf(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; $metadata: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode };
  }
  throw new Error("expected an error");
}

const atIn = (ms: number) => `at(${new Date(Date.now() + ms).toISOString().slice(0, 19)})`;

describe("schedule groups and tags", () => {
  it("creates, reads, lists, tags and deletes a group; the default group always exists", async () => {
    const name = uniqueName("grp");
    const created = await scheduler.send(
      new CreateScheduleGroupCommand({ Name: name, Tags: [{ Key: "team", Value: "ops" }] }),
    );
    expect(created.ScheduleGroupArn).toBe(`arn:aws:scheduler:us-east-1:${t.tenant.accountId}:schedule-group/${name}`);
    const got = await scheduler.send(new GetScheduleGroupCommand({ Name: name }));
    expect(got).toMatchObject({ Name: name, State: "ACTIVE", Arn: created.ScheduleGroupArn });
    expect(got.CreationDate).toBeInstanceOf(Date);

    const list = await scheduler.send(new ListScheduleGroupsCommand({}));
    expect(list.ScheduleGroups!.map((g) => g.Name)).toEqual(expect.arrayContaining(["default", name]));

    await scheduler.send(
      new TagResourceCommand({ ResourceArn: created.ScheduleGroupArn, Tags: [{ Key: "env", Value: "test" }] }),
    );
    await scheduler.send(
      new UntagResourceCommand({ ResourceArn: created.ScheduleGroupArn, TagKeys: ["team", "nope"] }),
    );
    const tags = await scheduler.send(new ListTagsForResourceCommand({ ResourceArn: created.ScheduleGroupArn }));
    expect(tags.Tags).toEqual([{ Key: "env", Value: "test" }]);

    expect(await errorOf(scheduler.send(new CreateScheduleGroupCommand({ Name: name })))).toMatchObject({
      name: "ConflictException",
      status: 409,
    });
    await scheduler.send(new DeleteScheduleGroupCommand({ Name: name }));
    expect(await errorOf(scheduler.send(new GetScheduleGroupCommand({ Name: name })))).toEqual({
      name: "ResourceNotFoundException",
      message: `Schedule group ${name} does not exist.`,
      status: 404,
    });
  });
});

describe("schedules", () => {
  it("a one-time schedule a few seconds ahead delivers its Input, context attributes replaced, then deletes itself", async () => {
    const q = await queue();
    const name = uniqueName("once");
    const expression = atIn(3000);
    const { ScheduleArn } = await scheduler.send(
      new CreateScheduleCommand({
        Name: name,
        ScheduleExpression: expression,
        FlexibleTimeWindow: { Mode: "OFF" },
        ActionAfterCompletion: "DELETE",
        Target: {
          Arn: q.arn,
          RoleArn: ROLE,
          Input: JSON.stringify({
            arn: "<aws.scheduler.schedule-arn>",
            at: "<aws.scheduler.scheduled-time>",
            id: "<aws.scheduler.execution-id>",
            n: "<aws.scheduler.attempt-number>",
          }),
        },
      }),
    );
    expect(ScheduleArn).toBe(`arn:aws:scheduler:us-east-1:${t.tenant.accountId}:schedule/default/${name}`);
    const got = await scheduler.send(new GetScheduleCommand({ Name: name }));
    expect(got).toMatchObject({
      Name: name,
      GroupName: "default",
      ScheduleExpression: expression,
      ScheduleExpressionTimezone: "UTC",
      State: "ENABLED",
      ActionAfterCompletion: "DELETE",
      FlexibleTimeWindow: { Mode: "OFF" },
      Target: {
        Arn: q.arn,
        RoleArn: ROLE,
        RetryPolicy: { MaximumEventAgeInSeconds: 86400, MaximumRetryAttempts: 185 },
      },
    });

    const [m] = await receiveOne(q.url);
    const body = JSON.parse(m!.Body!);
    expect(body).toMatchObject({ arn: ScheduleArn, at: `${expression.slice(3, -1)}Z`, n: "1" });
    expect(body.id).toMatch(/^[0-9a-f-]{36}$/);

    // Recorded by the engine with the schedule as its source, and the schedule is gone.
    const d = await pool().query(`SELECT source_kind, source_arn FROM deliveries WHERE source_arn = $1`, [ScheduleArn]);
    expect(d.rows).toEqual([{ source_kind: "schedule", source_arn: ScheduleArn }]);
    const end = Date.now() + 10_000;
    let gone: Awaited<ReturnType<typeof errorOf>> | undefined;
    while (!gone && Date.now() < end) {
      gone = await scheduler.send(new GetScheduleCommand({ Name: name })).then(
        () => undefined,
        (e: { name: string }) => ({ name: e.name, message: "", status: 0 }),
      );
      if (!gone) await new Promise((r) => setTimeout(r, 200));
    }
    expect(gone?.name).toBe("ResourceNotFoundException");
  });

  it("rate(1 minute) fires at once, on time, and is next due a minute later", async () => {
    const q = await queue();
    const group = uniqueName("grp");
    await scheduler.send(new CreateScheduleGroupCommand({ Name: group }));
    const name = uniqueName("rate");
    await scheduler.send(
      new CreateScheduleCommand({
        Name: name,
        GroupName: group,
        ScheduleExpression: "rate(1 minute)",
        FlexibleTimeWindow: { Mode: "OFF" },
        Target: { Arn: q.arn, RoleArn: ROLE, Input: "tick" },
      }),
    );
    const [m] = await receiveOne(q.url);
    expect(m!.Body).toBe("tick");
    const timer = await pool().query(
      `SELECT t.last_fire_at, t.last_enqueued_at, t.next_fire_at FROM timers t JOIN schedules s ON s.id = t.owner_id
        WHERE s.name = $1 AND s.tenant_id = $2`,
      [name, t.tenant.id],
    );
    const row = timer.rows[0];
    expect(row.last_enqueued_at.getTime() - row.last_fire_at.getTime()).toBeLessThan(1000);
    expect(row.next_fire_at.getTime() - row.last_fire_at.getTime()).toBe(60_000);

    // Listing by group, prefix and state, one page at a time.
    const page1 = await scheduler.send(new ListSchedulesCommand({ GroupName: group, MaxResults: 1 }));
    expect(page1.Schedules).toEqual([
      expect.objectContaining({ Name: name, GroupName: group, State: "ENABLED", Target: { Arn: q.arn } }),
    ]);
    expect(page1.NextToken).toBeUndefined();

    // Disabled: it stays, and stops firing.
    await scheduler.send(
      new UpdateScheduleCommand({
        Name: name,
        GroupName: group,
        ScheduleExpression: "rate(1 minute)",
        FlexibleTimeWindow: { Mode: "FLEXIBLE", MaximumWindowInMinutes: 5 },
        State: "DISABLED",
        Target: { Arn: q.arn, RoleArn: ROLE, Input: "tick" },
      }),
    );
    const disabled = await scheduler.send(new ListSchedulesCommand({ GroupName: group, State: "DISABLED" }));
    expect(disabled.Schedules!.map((s) => s.Name)).toEqual([name]);
    const got = await scheduler.send(new GetScheduleCommand({ Name: name, GroupName: group }));
    expect(got.FlexibleTimeWindow).toEqual({ Mode: "FLEXIBLE", MaximumWindowInMinutes: 5 });
    await scheduler.send(new DeleteScheduleCommand({ Name: name, GroupName: group }));
    expect((await scheduler.send(new ListSchedulesCommand({ GroupName: group }))).Schedules).toEqual([]);
  });

  it("refuses bad input with Scheduler's errors, and changes nothing", async () => {
    const q = await queue();
    const base = { FlexibleTimeWindow: { Mode: "OFF" as const }, Target: { Arn: q.arn, RoleArn: ROLE } };
    expect(
      await errorOf(
        scheduler.send(new CreateScheduleCommand({ Name: "bad", ScheduleExpression: "rate(1 minutes)", ...base })),
      ),
    ).toEqual({ name: "ValidationException", message: "Invalid Schedule Expression rate(1 minutes).", status: 400 });
    expect(
      await errorOf(
        scheduler.send(new CreateScheduleCommand({ Name: "bad", ScheduleExpression: "cron(0 10 * * * *)", ...base })),
      ),
    ).toMatchObject({ name: "ValidationException", message: "Invalid Schedule Expression cron(0 10 * * * *)." });
    expect(
      await errorOf(
        scheduler.send(
          new CreateScheduleCommand({
            Name: "bad",
            ScheduleExpression: "rate(5 minutes)",
            Target: base.Target,
          } as never),
        ),
      ),
    ).toMatchObject({
      name: "ValidationException",
      message:
        "1 validation error detected: Value null at 'flexibleTimeWindow' failed to satisfy constraint: Member must not be null",
    });
    expect(
      await errorOf(
        scheduler.send(
          new CreateScheduleCommand({ Name: "bad", GroupName: "nope", ScheduleExpression: "rate(5 minutes)", ...base }),
        ),
      ),
    ).toEqual({ name: "ResourceNotFoundException", message: "Schedule group nope does not exist.", status: 404 });
    expect(await errorOf(scheduler.send(new GetScheduleCommand({ Name: "bad" })))).toEqual({
      name: "ResourceNotFoundException",
      message: "Schedule bad does not exist.",
      status: 404,
    });
    const name = uniqueName("dup");
    await scheduler.send(
      new CreateScheduleCommand({ Name: name, ScheduleExpression: "cron(0 9 ? * MON-FRI *)", ...base }),
    );
    expect(
      await errorOf(
        scheduler.send(new CreateScheduleCommand({ Name: name, ScheduleExpression: "rate(5 minutes)", ...base })),
      ),
    ).toEqual({ name: "ConflictException", message: `Schedule ${name} already exists.`, status: 409 });
    // Same ClientToken: the same schedule, not a conflict.
    const tok = { Name: uniqueName("idem"), ScheduleExpression: "rate(5 minutes)", ClientToken: "tok-1", ...base };
    const a = await scheduler.send(new CreateScheduleCommand(tok));
    const b = await scheduler.send(new CreateScheduleCommand(tok));
    expect(b.ScheduleArn).toBe(a.ScheduleArn);
    expect((await scheduler.send(new GetScheduleCommand({ Name: name }))).ScheduleExpression).toBe(
      "cron(0 9 ? * MON-FRI *)",
    );
  });
});

const BOTO_SCRIPT = `
import boto3, os, sys, json, time, datetime
kw = dict(endpoint_url=sys.argv[1] + "/api/aws", region_name="us-east-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
sch = boto3.client("scheduler", **kw)
sqs = boto3.client("sqs", **kw)
name = "boto-" + os.urandom(3).hex()
url = sqs.create_queue(QueueName=name)["QueueUrl"]
arn = "arn:aws:sqs:us-east-1:" + sys.argv[4] + ":" + name
group = sch.create_schedule_group(Name=name)["ScheduleGroupArn"]
at = (datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=3)).strftime("%Y-%m-%dT%H:%M:%S")
sch.create_schedule(Name=name, GroupName=name, ScheduleExpression="at(" + at + ")", ScheduleExpressionTimezone="UTC",
    FlexibleTimeWindow={"Mode": "OFF"}, Target={"Arn": arn, "RoleArn": "arn:aws:iam::123456789012:role/x", "Input": "from boto"})
got = sch.get_schedule(Name=name, GroupName=name)
assert got["ScheduleExpression"] == "at(" + at + ")", got
body = None
for _ in range(6):
    ms = sqs.receive_message(QueueUrl=url, WaitTimeSeconds=5).get("Messages", [])
    if ms:
        body = ms[0]["Body"]
        break
print("received", body)
try:
    sch.create_schedule(Name="x", ScheduleExpression="rate(0 minutes)", FlexibleTimeWindow={"Mode": "OFF"}, Target={"Arn": arn, "RoleArn": "arn:aws:iam::123456789012:role/x"})
except sch.exceptions.ValidationException as e:
    print("ValidationException", e.response["Error"]["Message"])
try:
    sch.get_schedule(Name="nope")
except sch.exceptions.ResourceNotFoundException as e:
    print("ResourceNotFoundException", e.response["Error"]["Message"])
`;

describe("boto3 scheduler client", () => {
  it("creates a group and an at() schedule that delivers to SQS, and maps errors", async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        "python3",
        ["-c", BOTO_SCRIPT, web.url, t.key.id, t.key.secret, t.tenant.accountId],
        { timeout: 90_000 },
        (err: Error | null, stdout: string, stderr: string) =>
          err ? reject(new Error(stderr || String(err))) : resolve(stdout),
      ),
    );
    expect(out.trim().split("\n")).toEqual([
      "received from boto",
      "ValidationException Invalid Schedule Expression rate(0 minutes).",
      "ResourceNotFoundException Schedule nope does not exist.",
    ]);
  });
});

const aws = (args: string[]) => runAwsCli(`${web.url}/api/aws`, t.key, args);

describe.skipIf(!existsSync(AWS_CLI))("AWS CLI", () => {
  it("create-schedule as the README shows it, get-schedule, list-schedules, and an error", async () => {
    const q = await queue();
    const name = uniqueName("cli");
    const created = await aws([
      "scheduler",
      "create-schedule",
      "--name",
      name,
      "--schedule-expression",
      "cron(0 9 ? * MON-FRI *)",
      "--schedule-expression-timezone",
      "Europe/Berlin",
      "--flexible-time-window",
      "Mode=OFF",
      "--target",
      JSON.stringify({ Arn: q.arn, RoleArn: ROLE, Input: "hi" }),
    ]);
    expect(created.stderr).toBe("");
    expect(JSON.parse(created.stdout).ScheduleArn).toMatch(new RegExp(`:schedule/default/${name}$`));
    const got = JSON.parse((await aws(["scheduler", "get-schedule", "--name", name])).stdout);
    expect(got).toMatchObject({ Name: name, ScheduleExpressionTimezone: "Europe/Berlin", State: "ENABLED" });
    const listed = JSON.parse((await aws(["scheduler", "list-schedules", "--name-prefix", name])).stdout);
    expect(listed.Schedules.map((s: { Name: string }) => s.Name)).toEqual([name]);
    const bad = await aws(["scheduler", "get-schedule", "--name", "nope"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("ResourceNotFoundException");
    expect(bad.stderr).toContain("Schedule nope does not exist.");
  });
});
