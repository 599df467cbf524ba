import { SFNClient, TestStateCommand, type SFNServiceException } from "@aws-sdk/client-sfn";
import { SQSClient, CreateQueueCommand, ReceiveMessageCommand } from "@aws-sdk/client-sqs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// TestState through @aws-sdk/client-sfn: one state run by the Workflows core with AWS's statuses
// (SUCCEEDED, FAILED, RETRIABLE, CAUGHT_ERROR), nextState, inspectionData at DEBUG, variables, a
// state picked from a full definition, and a Task state calling sqs:sendMessage once for real.

let web: TestProcess & { url: string };
let a: TestTenant;
let sfn: SFNClient;
let sqs: SQSClient;

beforeAll(async () => {
  a = await createTestTenant();
  web = await startWeb();
  const cfg = {
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: a.key.id, secretAccessKey: a.key.secret },
    maxAttempts: 1,
  };
  // TestState and StartSyncExecution carry the host prefix "sync-": a custom endpoint needs it off.
  sfn = new SFNClient({ ...cfg, disableHostPrefix: true });
  sqs = new SQSClient(cfg);
});
afterAll(async () => {
  await web?.stop();
});

async function errorOf(p: Promise<unknown>): Promise<SFNServiceException> {
  try {
    await p;
  } catch (e) {
    return e as SFNServiceException;
  }
  throw new Error("expected the call to fail");
}

const ROLE = "arn:aws:iam::123456789012:role/StepFunctionsRole";

describe("TestState", () => {
  it("runs a Pass state and shows each processing step at DEBUG", async () => {
    const r = await sfn.send(
      new TestStateCommand({
        definition: JSON.stringify({
          Type: "Pass",
          InputPath: "$.order",
          Parameters: { "id.$": "$.id", "who.$": "$who" },
          ResultPath: "$.out",
          Assign: { "seen.$": "$.id" },
          Next: "Ship",
        }),
        roleArn: ROLE,
        input: JSON.stringify({ order: { id: 7 } }),
        variables: JSON.stringify({ who: "ana" }),
        inspectionLevel: "DEBUG",
      }),
    );
    expect(r.status).toBe("SUCCEEDED");
    expect(r.nextState).toBe("Ship");
    expect(JSON.parse(r.output!)).toEqual({ order: { id: 7 }, out: { id: 7, who: "ana" } });
    expect(r.inspectionData).toMatchObject({
      input: JSON.stringify({ order: { id: 7 } }),
      afterInputPath: JSON.stringify({ id: 7 }),
      afterParameters: JSON.stringify({ id: 7, who: "ana" }),
    });
    expect(JSON.parse(r.inspectionData!.variables!)).toEqual({ who: "ana", seen: 7 });
    // INFO: no inspection data.
    const info = await sfn.send(
      new TestStateCommand({ definition: JSON.stringify({ Type: "Pass", End: true }), input: "{}" }),
    );
    expect(info).toMatchObject({ status: "SUCCEEDED", output: "{}" });
    expect(info.inspectionData).toBeUndefined();
    expect(info.nextState).toBeUndefined();
  });

  it("takes a Choice, fails a Fail state and runs a state of a full definition by stateName", async () => {
    const choice = {
      Type: "Choice",
      Choices: [{ Variable: "$.n", NumericGreaterThan: 5, Next: "Big" }],
      Default: "Small",
    };
    const big = await sfn.send(
      new TestStateCommand({ definition: JSON.stringify(choice), input: JSON.stringify({ n: 9 }) }),
    );
    expect(big).toMatchObject({ status: "SUCCEEDED", nextState: "Big" });
    const fail = await sfn.send(
      new TestStateCommand({ definition: JSON.stringify({ Type: "Fail", Error: "Oops", Cause: "because" }) }),
    );
    expect(fail).toMatchObject({ status: "FAILED", error: "Oops", cause: "because" });
    const machine = JSON.stringify({
      StartAt: "A",
      States: { A: { Type: "Pass", Next: "B" }, B: { Type: "Pass", Result: "b", End: true } },
    });
    const b = await sfn.send(new TestStateCommand({ definition: machine, stateName: "B", input: "{}" }));
    expect(b).toMatchObject({ status: "SUCCEEDED", output: '"b"' });
    const noState = await errorOf(sfn.send(new TestStateCommand({ definition: machine, stateName: "Z" })));
    expect(noState.name).toBe("ValidationException");
    const badInput = await errorOf(
      sfn.send(new TestStateCommand({ definition: JSON.stringify({ Type: "Pass", End: true }), input: "{nope" })),
    );
    expect(badInput.name).toBe("InvalidExecutionInput");
    const badDef = await errorOf(
      sfn.send(new TestStateCommand({ definition: JSON.stringify({ Type: "Pass", Bogus: 1, End: true }) })),
    );
    expect(badDef.name).toBe("InvalidDefinition");
  });

  it("calls a Task's resource once: success, RETRIABLE and CAUGHT_ERROR", async () => {
    const q = uniqueName("ts");
    const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: q }));
    const task = (queueUrl: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        Type: "Task",
        Resource: "arn:aws:states:::sqs:sendMessage",
        Parameters: { QueueUrl: queueUrl, "MessageBody.$": "$.body" },
        ResultSelector: { "id.$": "$.MessageId" },
        ResultPath: "$.sent",
        End: true,
        ...extra,
      });
    const ok = await sfn.send(
      new TestStateCommand({
        definition: task(QueueUrl!),
        roleArn: ROLE,
        input: JSON.stringify({ body: "hello" }),
        inspectionLevel: "DEBUG",
      }),
    );
    expect(ok.status).toBe("SUCCEEDED");
    const out = JSON.parse(ok.output!);
    expect(out.body).toBe("hello");
    expect(out.sent.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(ok.inspectionData!.result!).MessageId).toBe(out.sent.id);
    expect(JSON.parse(ok.inspectionData!.afterResultSelector!)).toEqual({ id: out.sent.id });
    expect(JSON.parse(ok.inspectionData!.afterParameters!)).toEqual({ QueueUrl, MessageBody: "hello" });
    const got = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(got.Messages?.map((m) => m.Body)).toEqual(["hello"]);

    // JSONata: Arguments and Output with $states, afterArguments in the inspection data.
    const jsonataTask = await sfn.send(
      new TestStateCommand({
        definition: JSON.stringify({
          Type: "Task",
          QueryLanguage: "JSONata",
          Resource: "arn:aws:states:::sqs:sendMessage",
          Arguments: { QueueUrl, MessageBody: "{% $uppercase($states.input.body) %}" },
          Output: "{% {'id': $states.result.MessageId} %}",
          End: true,
        }),
        input: JSON.stringify({ body: "quiet" }),
        inspectionLevel: "DEBUG",
      }),
    );
    expect(jsonataTask.status).toBe("SUCCEEDED");
    expect(JSON.parse(jsonataTask.inspectionData!.afterArguments!)).toEqual({ QueueUrl, MessageBody: "QUIET" });
    expect(Object.keys(JSON.parse(jsonataTask.output!))).toEqual(["id"]);
    const loud = await sqs.send(new ReceiveMessageCommand({ QueueUrl, WaitTimeSeconds: 1 }));
    expect(loud.Messages?.map((m) => m.Body)).toEqual(["QUIET"]);

    const missing = `${QueueUrl}-missing`;
    const retry = await sfn.send(
      new TestStateCommand({
        definition: task(missing, { Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 3, MaxAttempts: 2 }] }),
        roleArn: ROLE,
        input: JSON.stringify({ body: "x" }),
        inspectionLevel: "DEBUG",
      }),
    );
    expect(retry.status).toBe("RETRIABLE");
    expect(retry.error).toMatch(/^SQS\./);
    expect(retry.inspectionData!.errorDetails).toMatchObject({ retryIndex: 0, retryBackoffIntervalSeconds: 3 });
    const caught = await sfn.send(
      new TestStateCommand({
        definition: task(missing, { Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.err", Next: "Handle" }] }),
        roleArn: ROLE,
        input: JSON.stringify({ body: "x" }),
        inspectionLevel: "DEBUG",
      }),
    );
    expect(caught).toMatchObject({ status: "CAUGHT_ERROR", nextState: "Handle" });
    expect(JSON.parse(caught.output!).err.Error).toBe(caught.error);
    expect(caught.inspectionData!.errorDetails).toMatchObject({ catchIndex: 0 });
    const failed = await sfn.send(
      new TestStateCommand({ definition: task(missing), roleArn: ROLE, input: JSON.stringify({ body: "x" }) }),
    );
    expect(failed.status).toBe("FAILED");
    expect(failed.cause).toBeTruthy();
  });
  it("takes a mock: a Map state runs with it as its result; without one it is refused", async () => {
    const definition = JSON.stringify({
      Type: "Map",
      ItemsPath: "$.items",
      ItemProcessor: { StartAt: "P", States: { P: { Type: "Pass", End: true } } },
      ResultPath: "$.out",
      End: true,
    });
    const r = await sfn.send(
      new TestStateCommand({
        definition,
        input: '{"items":[1]}',
        mock: { result: "[1,2]", fieldValidationMode: "NONE" },
      }),
    );
    expect(r).toMatchObject({ status: "SUCCEEDED", output: '{"items":[1],"out":[1,2]}' });
    const e = await errorOf(sfn.send(new TestStateCommand({ definition, roleArn: ROLE, input: '{"items":[]}' })));
    expect(e.name).toBe("ValidationException");
  });
});
