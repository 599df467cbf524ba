import {
  SFNClient,
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListMapRunsCommand,
  PublishStateMachineVersionCommand,
  RedriveExecutionCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  UpdateMapRunCommand,
  UpdateStateMachineCommand,
  type DescribeExecutionCommandOutput,
  type SFNServiceException,
} from "@aws-sdk/client-sfn";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand, type Message } from "@aws-sdk/client-sqs";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AWS_CLI, runAwsCli } from "../helpers/aws-cli";
import { ensureQueues } from "../../server/jobs/boss";
import { CONTRACTS } from "../../server/jobs/contracts";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, startWorker, type TestProcess } from "../helpers/server";
import { until } from "../helpers/sns-receiver";

// Executions through @aws-sdk/client-sfn against a started web and worker: start (by machine and
// by version ARN), describe, list, history, stop, redrive, StartSyncExecution (host prefix off),
// task tokens (sqs:sendMessage.waitForTaskToken answered with SendTaskSuccess/Failure/Heartbeat),
// map-run actions' errors, and DeleteStateMachine while an execution runs (DELETING, then gone).

let web: TestProcess & { url: string };
let worker: TestProcess;
let a: TestTenant;
let sfn: SFNClient;
let sqs: SQSClient;

const ROLE = "arn:aws:iam::123456789012:role/StepFunctionsRole";

beforeAll(async () => {
  await ensureQueues(CONTRACTS);
  a = await createTestTenant();
  [web, worker] = await Promise.all([startWeb(), startWorker()]);
  const cfg = {
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: a.key.id, secretAccessKey: a.key.secret },
    maxAttempts: 1,
  };
  // StartSyncExecution (and TestState) carry the host prefix "sync-": off for a custom endpoint.
  sfn = new SFNClient({ ...cfg, disableHostPrefix: true });
  sqs = new SQSClient(cfg);
});
afterAll(async () => {
  await Promise.all([web?.stop(), worker?.stop()]);
});

async function errorOf(p: Promise<unknown>): Promise<SFNServiceException> {
  try {
    await p;
  } catch (e) {
    return e as SFNServiceException;
  }
  throw new Error("expected the call to fail");
}

async function machine(definition: object, type: "STANDARD" | "EXPRESS" = "STANDARD") {
  const r = await sfn.send(
    new CreateStateMachineCommand({
      name: uniqueName("ex"),
      definition: JSON.stringify(definition),
      roleArn: ROLE,
      type,
    }),
  );
  return r.stateMachineArn!;
}

async function finished(executionArn: string): Promise<DescribeExecutionCommandOutput> {
  let d!: DescribeExecutionCommandOutput;
  await until(async () => {
    d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    return d.status !== "RUNNING";
  }, 30_000);
  return d;
}

describe("executions", () => {
  it("starts, describes, lists and shows the history of an execution", async () => {
    const sm = await machine({
      StartAt: "P",
      States: { P: { Type: "Pass", Parameters: { "doubled.$": "States.MathAdd($.n, $.n)" }, End: true } },
    });
    const started = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: sm, name: "first", input: JSON.stringify({ n: 21 }) }),
    );
    expect(started.executionArn).toBe(sm.replace(":stateMachine:", ":execution:") + ":first");
    expect(started.startDate).toBeInstanceOf(Date);
    const d = await finished(started.executionArn!);
    expect(d).toMatchObject({
      executionArn: started.executionArn,
      stateMachineArn: sm,
      name: "first",
      status: "SUCCEEDED",
      input: JSON.stringify({ n: 21 }),
    });
    expect(JSON.parse(d.output!)).toEqual({ doubled: 42 });
    expect(d.stopDate).toBeInstanceOf(Date);

    const dup = await errorOf(
      sfn.send(new StartExecutionCommand({ stateMachineArn: sm, name: "first", input: JSON.stringify({ n: 1 }) })),
    );
    expect(dup.name).toBe("ExecutionAlreadyExists");

    const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn: sm }));
    expect(listed.executions!.map((e) => e.name)).toEqual(["first"]);
    const none = await sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, statusFilter: "RUNNING" }));
    expect(none.executions).toEqual([]);
    const badFilter = await errorOf(
      sfn.send(new ListExecutionsCommand({ stateMachineArn: sm, statusFilter: "DONE" as never })),
    );
    expect(badFilter.message).toBe(
      "1 validation error detected: Value 'DONE' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [RUNNING, SUCCEEDED, FAILED, TIMED_OUT, ABORTED, PENDING_REDRIVE]",
    );

    const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn }));
    expect(history.events!.map((e) => e.type)).toEqual([
      "ExecutionStarted",
      "PassStateEntered",
      "PassStateExited",
      "ExecutionSucceeded",
    ]);
    expect(history.events![0]!.timestamp).toBeInstanceOf(Date);

    const forEx = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: started.executionArn }));
    expect(forEx).toMatchObject({ stateMachineArn: sm, roleArn: ROLE });

    const missing = await errorOf(
      sfn.send(new DescribeExecutionCommand({ executionArn: `${started.executionArn}-nope` })),
    );
    expect(missing.name).toBe("ExecutionDoesNotExist");
  });

  it("starts a published version, stops a waiting execution and redrives a failed one", async () => {
    const sm = await machine({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 3600, End: true } } });
    await sfn.send(
      new UpdateStateMachineCommand({
        stateMachineArn: sm,
        definition: JSON.stringify({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 3600, End: true } } }),
        publish: true,
      }),
    );
    const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${sm}:1` }));
    const running = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
    expect(running.status).toBe("RUNNING");
    expect(running.stateMachineVersionArn).toBe(`${sm}:1`);
    await sfn.send(
      new CreateStateMachineAliasCommand({
        name: "live",
        routingConfiguration: [{ stateMachineVersionArn: `${sm}:1`, weight: 100 }],
      }),
    );
    const viaAlias = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${sm}:live` }));
    const aliased = await sfn.send(new DescribeExecutionCommand({ executionArn: viaAlias.executionArn }));
    expect(aliased).toMatchObject({ stateMachineAliasArn: `${sm}:live`, stateMachineVersionArn: `${sm}:1` });
    await sfn.send(new StopExecutionCommand({ executionArn: viaAlias.executionArn }));
    const stopped = await sfn.send(
      new StopExecutionCommand({ executionArn: started.executionArn, error: "Manual", cause: "test" }),
    );
    expect(stopped.stopDate).toBeInstanceOf(Date);
    const d = await finished(started.executionArn!);
    expect(d).toMatchObject({ status: "ABORTED", error: "Manual", cause: "test" });

    const failing = await machine({ StartAt: "F", States: { F: { Type: "Fail", Error: "Boom", Cause: "no" } } });
    const f = await sfn.send(new StartExecutionCommand({ stateMachineArn: failing }));
    expect(await finished(f.executionArn!)).toMatchObject({ status: "FAILED", error: "Boom", cause: "no" });
    const redriven = await sfn.send(new RedriveExecutionCommand({ executionArn: f.executionArn }));
    expect(redriven.redriveDate).toBeInstanceOf(Date);
  });

  it("answers StartSyncExecution for EXPRESS machines with the result", async () => {
    const sm = await machine(
      { StartAt: "P", States: { P: { Type: "Pass", Result: { ok: true }, End: true } } },
      "EXPRESS",
    );
    const r = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: sm, input: "{}" }));
    expect(r).toMatchObject({ status: "SUCCEEDED", stateMachineArn: sm, output: '{"ok":true}' });
    expect(r.billingDetails).toBeDefined();
    const std = await machine({ StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    const refused = await errorOf(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: std })));
    expect(refused.name).toBe("StateMachineTypeNotSupported");
  });

  it("completes a waitForTaskToken task with SendTaskSuccess and SendTaskFailure", async () => {
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: uniqueName("tok") }));
    const sm = await machine({
      StartAt: "Ask",
      States: {
        Ask: {
          Type: "Task",
          Resource: "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
          Parameters: { QueueUrl, "MessageBody.$": "$$.Task.Token" },
          End: true,
        },
      },
    });
    const token = async (): Promise<string> => {
      let got: Message[] = [];
      await until(async () => {
        got = (await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }))).Messages ?? [];
        return got.length > 0;
      }, 30_000);
      return got[0]!.Body!;
    };
    const ok = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    const t1 = await token();
    await sfn.send(new SendTaskHeartbeatCommand({ taskToken: t1 }));
    await sfn.send(new SendTaskSuccessCommand({ taskToken: t1, output: JSON.stringify({ approved: true }) }));
    const d1 = await finished(ok.executionArn!);
    expect(d1.status).toBe("SUCCEEDED");
    expect(JSON.parse(d1.output!)).toEqual({ approved: true });

    const bad = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    const t2 = await token();
    await sfn.send(new SendTaskFailureCommand({ taskToken: t2, error: "Denied", cause: "by test" }));
    expect(await finished(bad.executionArn!)).toMatchObject({ status: "FAILED", error: "Denied", cause: "by test" });

    const again = await errorOf(sfn.send(new SendTaskSuccessCommand({ taskToken: t1, output: "{}" })));
    expect(["TaskDoesNotExist", "TaskTimedOut", "InvalidToken"]).toContain(again.name);
  });

  it("shows a Distributed Map's run: ListMapRuns, DescribeMapRun, its child executions, UpdateMapRun", async () => {
    const sm = await machine({
      StartAt: "M",
      States: {
        M: {
          Type: "Map",
          MaxConcurrency: 2,
          ItemProcessor: {
            ProcessorConfig: { Mode: "DISTRIBUTED", ExecutionType: "STANDARD" },
            StartAt: "Double",
            States: { Double: { Type: "Pass", Parameters: { "d.$": "States.MathAdd($.n, $.n)" }, End: true } },
          },
          End: true,
        },
      },
    });
    const ex = await sfn.send(
      new StartExecutionCommand({ stateMachineArn: sm, input: JSON.stringify([{ n: 1 }, { n: 2 }, { n: 3 }]) }),
    );
    const d = await finished(ex.executionArn!);
    expect(d.status).toBe("SUCCEEDED");
    expect(JSON.parse(d.output!)).toEqual([{ d: 2 }, { d: 4 }, { d: 6 }]);
    const runs = await sfn.send(new ListMapRunsCommand({ executionArn: ex.executionArn }));
    expect(runs.mapRuns).toHaveLength(1);
    const mapRunArn = runs.mapRuns![0]!.mapRunArn!;
    expect(runs.mapRuns![0]!.startDate).toBeInstanceOf(Date);
    const mr = await sfn.send(new DescribeMapRunCommand({ mapRunArn }));
    expect(mr).toMatchObject({
      mapRunArn,
      executionArn: ex.executionArn,
      status: "SUCCEEDED",
      maxConcurrency: 2,
      itemCounts: { total: 3, succeeded: 3 },
    });
    const children = await sfn.send(new ListExecutionsCommand({ mapRunArn }));
    expect(children.executions).toHaveLength(3);
    // The Distributed Map's child workflow, by its qualified ARN.
    const child = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${sm}/M` }));
    expect(child).toMatchObject({ stateMachineArn: `${sm}/M`, label: "M", status: "ACTIVE" });
    expect(JSON.parse(child.definition!)).toMatchObject({ StartAt: "Double" });
    const noLabel = await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${sm}/Nope` })));
    expect(noLabel.name).toBe("StateMachineDoesNotExist");
    const qualified = await errorOf(sfn.send(new DeleteStateMachineCommand({ stateMachineArn: `${sm}/M` })));
    expect(qualified.name).toBe("ValidationException");
    await sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 5 }));
    expect((await sfn.send(new DescribeMapRunCommand({ mapRunArn }))).maxConcurrency).toBe(5);
  });

  it("lists no map runs for an execution without a Distributed Map and refuses unknown map runs", async () => {
    const sm = await machine({ StartAt: "P", States: { P: { Type: "Pass", End: true } } });
    const ex = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    await finished(ex.executionArn!);
    expect((await sfn.send(new ListMapRunsCommand({ executionArn: ex.executionArn }))).mapRuns).toEqual([]);
    const mapRunArn = `${sm.replace(":stateMachine:", ":mapRun:")}/m:00000000-0000-0000-0000-000000000000`;
    const d = await errorOf(sfn.send(new DescribeMapRunCommand({ mapRunArn })));
    expect(d.name).toBe("ResourceNotFound");
    const u = await errorOf(sfn.send(new UpdateMapRunCommand({ mapRunArn, maxConcurrency: 2 })));
    expect(u.name).toBe("ResourceNotFound");
  });

  it("marks a machine DELETING while an execution runs and removes it once none does", async () => {
    const sm = await machine({ StartAt: "W", States: { W: { Type: "Wait", Seconds: 3600, End: true } } });
    const ex = await sfn.send(new StartExecutionCommand({ stateMachineArn: sm }));
    await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: sm }));
    expect((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: sm }))).status).toBe("DELETING");
    const refused = await errorOf(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: sm })));
    expect(refused.name).toBe("StateMachineDeleting");
    // The last execution's stop removes the machine (with its executions, as on AWS).
    await sfn.send(new StopExecutionCommand({ executionArn: ex.executionArn }));
    const gone = await errorOf(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: sm })));
    expect(gone.name).toBe("StateMachineDoesNotExist");
  });
});

const BOTO_SCRIPT = `
import boto3, json, sys, time
from botocore.config import Config
kw = dict(endpoint_url=sys.argv[1] + "/api/aws", region_name="us-east-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
sfn = boto3.client("stepfunctions", config=Config(inject_host_prefix=False), **kw)
role = "arn:aws:iam::123456789012:role/StepFunctionsRole"
d = json.dumps({"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"got.$": "$.x"}, "End": True}}})
std = sfn.create_state_machine(name=sys.argv[4], definition=d, roleArn=role)["stateMachineArn"]
ex = sfn.start_execution(stateMachineArn=std, input=json.dumps({"x": 5}))["executionArn"]
for _ in range(300):
    r = sfn.describe_execution(executionArn=ex)
    if r["status"] != "RUNNING":
        break
    time.sleep(0.1)
print("describe", r["status"], r["output"], type(r["startDate"]).__name__)
print("history", [e["type"] for e in sfn.get_execution_history(executionArn=ex)["events"]][-1])
exp = sfn.create_state_machine(name=sys.argv[4] + "-x", definition=d, roleArn=role, type="EXPRESS")["stateMachineArn"]
s = sfn.start_sync_execution(stateMachineArn=exp, input=json.dumps({"x": 6}))
print("sync", s["status"], s["output"])
try:
    sfn.describe_execution(executionArn=ex + "-nope")
except sfn.exceptions.ExecutionDoesNotExist:
    print("ExecutionDoesNotExist")
`;

describe("boto3 and the AWS CLI", () => {
  it("boto3 starts an execution, reads it and runs StartSyncExecution with host-prefix injection off", async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        "python3",
        ["-c", BOTO_SCRIPT, web.url, a.key.id, a.key.secret, uniqueName("boto")],
        { timeout: 90_000 },
        (err: Error | null, stdout: string, stderr: string) =>
          err ? reject(new Error(stderr || String(err))) : resolve(stdout),
      ),
    );
    expect(out.trim().split("\n")).toEqual([
      'describe SUCCEEDED {"got":5} datetime',
      "history ExecutionSucceeded",
      'sync SUCCEEDED {"got":6}',
      "ExecutionDoesNotExist",
    ]);
  });

  it.skipIf(!existsSync(AWS_CLI))(
    "the AWS CLI starts an execution and reads its status and history",
    async () => {
      const cli = (args: string[]) => runAwsCli(`${web.url}/api/aws`, a.key, ["stepfunctions", ...args]);
      const sm = await machine({ StartAt: "P", States: { P: { Type: "Pass", Result: "hi", End: true } } });
      const started = await cli(["start-execution", "--state-machine-arn", sm, "--name", "from-cli", "--input", "{}"]);
      expect(started.code, started.stderr).toBe(0);
      const executionArn = JSON.parse(started.stdout).executionArn as string;
      expect(executionArn).toBe(sm.replace(":stateMachine:", ":execution:") + ":from-cli");
      await finished(executionArn);
      const d = await cli(["describe-execution", "--execution-arn", executionArn]);
      expect(JSON.parse(d.stdout)).toMatchObject({ status: "SUCCEEDED", output: '"hi"', name: "from-cli" });
      const h = await cli(["get-execution-history", "--execution-arn", executionArn, "--reverse-order"]);
      expect(JSON.parse(h.stdout).events[0].type).toBe("ExecutionSucceeded");
      const l = await cli(["list-executions", "--state-machine-arn", sm]);
      expect(JSON.parse(l.stdout).executions.map((e: { name: string }) => e.name)).toEqual(["from-cli"]);
      const missing = await cli(["describe-execution", "--execution-arn", `${executionArn}-nope`]);
      expect(missing.stderr).toContain("(ExecutionDoesNotExist)");
    },
    240_000,
  );
});
