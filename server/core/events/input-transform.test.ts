// Examples from "Amazon EventBridge input transformation" (user guide) and the InputTransformer API
// reference, with the outputs the docs show.
import { describe, expect, it } from "vitest";
import { buildEnvelope, putEventsEntrySize } from "./envelope";
import {
  applyTargetInput,
  evaluateJsonPath,
  parseJsonPath,
  TargetInputError,
  validateInputTransformer,
  validateTargetInput,
} from "./input-transform";

const event = buildEnvelope({
  id: "7bf73129-1428-4cd3-a780-95db273d1602",
  detailType: "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "123456789012",
  time: "2015-11-11T21:29:54Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
  detail: { "instance-id": "i-0123456789", state: "RUNNING" },
});
const ctx = {
  ruleArn: "arn:aws:events:us-east-1:123456789012:rule/my-rule",
  ruleName: "my-rule",
  ingestionTime: "2015-11-11T21:29:55Z",
};
const docPaths = {
  timestamp: "$.time",
  instance: "$.detail.instance-id",
  state: "$.detail.state",
  resource: "$.resources[0]",
};

describe("applyTargetInput: documented examples", () => {
  it("JSON template, variables outside quotes become JSON values", () => {
    const inputTemplate = `{
 "timestamp" : <timestamp>,
 "instance_id": <instance>,
 "instance_state": <state>,
 "resource": <resource>
}`;
    const out = applyTargetInput(event, { inputTransformer: { inputPathsMap: docPaths, inputTemplate } }, ctx);
    expect(JSON.parse(out)).toEqual({
      timestamp: "2015-11-11T21:29:54Z",
      instance_id: "i-0123456789",
      instance_state: "RUNNING",
      resource: "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111",
    });
  });

  it("string template", () => {
    const out = applyTargetInput(
      event,
      { inputTransformer: { inputPathsMap: docPaths, inputTemplate: '"instance <instance> is in <state>"' } },
      ctx,
    );
    expect(out).toBe('"instance i-0123456789 is in RUNNING"');
  });

  it("lines of strings", () => {
    const inputTemplate = '"instance <instance> is in <state>"\n"instance <instance> is in <state>"';
    const out = applyTargetInput(event, { inputTransformer: { inputPathsMap: docPaths, inputTemplate } }, ctx);
    expect(out).toBe('"instance i-0123456789 is in RUNNING"\n"instance i-0123456789 is in RUNNING"');
  });

  it("JSON template mixing quoted and unquoted variables", () => {
    const inputTemplate = '{"instance" : "<instance>", "state": [ 9, <state>, true ], "Transformed" : "Yes" }';
    const out = applyTargetInput(event, { inputTransformer: { inputPathsMap: docPaths, inputTemplate } }, ctx);
    expect(JSON.parse(out)).toEqual({ instance: "i-0123456789", state: [9, "RUNNING", true], Transformed: "Yes" });
  });

  it("API reference: quoted variable inside an escaped-quote string", () => {
    const inputTemplate = '{"myInstance": <instance>,"myStatus": "<instance> is in state \\"<state>\\""}';
    const out = applyTargetInput(event, { inputTransformer: { inputPathsMap: docPaths, inputTemplate } }, ctx);
    expect(JSON.parse(out)).toEqual({ myInstance: "i-0123456789", myStatus: 'i-0123456789 is in state "RUNNING"' });
  });

  it("plain text template", () => {
    const out = applyTargetInput(
      event,
      { inputTransformer: { inputPathsMap: docPaths, inputTemplate: "<instance> is in state <state>" } },
      ctx,
    );
    expect(out).toBe("i-0123456789 is in state RUNNING");
  });

  it("reserved variables", () => {
    const inputTemplate =
      '{"arn": <aws.events.rule-arn>, "name": "<aws.events.rule-name>", "at": <aws.events.event.ingestion-time>, "event": <aws.events.event.json>, "envelope": <aws.events.event>}';
    const out = JSON.parse(applyTargetInput(event, { inputTransformer: { inputTemplate } }, ctx));
    expect(out.arn).toBe(ctx.ruleArn);
    expect(out.name).toBe("my-rule");
    expect(out.at).toBe(ctx.ingestionTime);
    expect(out.event).toEqual(event);
    expect(out.envelope.detail).toBeUndefined();
    expect(out.envelope.source).toBe("aws.ec2");
  });

  it("an object inside a string loses its inner quotes; outside it stays JSON", () => {
    const inputTemplate = '{"text": "Detail is <detail>", "detail": <detail>}';
    const out = JSON.parse(
      applyTargetInput(event, { inputTransformer: { inputPathsMap: { detail: "$.detail" }, inputTemplate } }, ctx),
    );
    expect(out.text).toBe("Detail is {instance-id:i-0123456789,state:RUNNING}");
    expect(out.detail).toEqual(event.detail);
  });

  it("a path that selects nothing gives an empty value", () => {
    const inputTemplate = '{"a": <missing>, "b": "x<missing>y"}';
    const out = applyTargetInput(
      event,
      { inputTransformer: { inputPathsMap: { missing: "$.detail.nope" }, inputTemplate } },
      ctx,
    );
    expect(JSON.parse(out)).toEqual({ a: "", b: "xy" });
  });

  it("Input, InputPath and the default (whole event)", () => {
    expect(applyTargetInput(event, { input: '{"fixed":true}' }, ctx)).toBe('{"fixed":true}');
    expect(applyTargetInput(event, { inputPath: "$.detail" }, ctx)).toBe(JSON.stringify(event.detail));
    expect(applyTargetInput(event, {}, ctx)).toBe(JSON.stringify(event));
  });
});

describe("JSON paths", () => {
  it.each([
    ["$", event],
    ["$.detail.state", "RUNNING"],
    ["$.resources[0]", "arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"],
    ["$.resources[*]", ["arn:aws:ec2:us-east-1:123456789012:instance/i-abcd1111"]],
    ["$.detail.*", ["i-0123456789", "RUNNING"]],
    ["$.detail.nope", undefined],
  ])("%s", (path, expected) => {
    expect(evaluateJsonPath(parseJsonPath(path)!, event)).toEqual(expected);
  });

  it.each(["detail", "$..x", "$.a[", "$['a']", "$.a[-1]"])("refuses %s", (p) => {
    expect(parseJsonPath(p)).toBeNull();
  });
});

describe("validation (PutTargets)", () => {
  function message(fn: () => void): string {
    try {
      fn();
    } catch (e) {
      if (e instanceof TargetInputError) return e.message;
      throw e;
    }
    return "accepted";
  }

  it("one input kind per target", () => {
    expect(message(() => validateTargetInput("t1", { input: "{}", inputPath: "$" }))).toBe(
      "Only one of Input, InputPath, or InputTransformer must be provided for target t1.",
    );
  });

  it("Input must be JSON", () => {
    expect(message(() => validateTargetInput("LogGroupTarget", { input: "not json" }))).toBe(
      "Input for target LogGroupTarget is not a valid JSON text.",
    );
  });

  it("placeholders must be defined", () => {
    expect(message(() => validateInputTransformer("t1", { inputTemplate: '{"a": <nope>}' }))).toBe(
      "InputTemplate for target t1 contains invalid placeholder nope.",
    );
    expect(
      message(() =>
        validateInputTransformer("t1", { inputPathsMap: { a: "$.x" }, inputTemplate: "<a> <aws.events.rule-name>" }),
      ),
    ).toBe("accepted");
  });

  it("at most 100 paths, keys AWS accepts, lengths: AWS's request-validation messages", () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, "$.id"]));
    expect(
      message(() => validateInputTransformer("t1", { inputPathsMap: many, inputTemplate: "x" }, { targetIndex: 2 })),
    ).toMatch(
      /^1 validation error detected: Value '\{k0=\$\.id, k1=\$\.id, .*\}' at 'targets\.2\.member\.inputTransformer\.inputPathsMap' failed to satisfy constraint: Member must have length less than or equal to 100$/,
    );
    expect(
      message(() =>
        validateInputTransformer("t1", { inputPathsMap: { "aws.events.rule-arn": "$.id" }, inputTemplate: "x" }),
      ),
    ).toBe(
      "1 validation error detected: Value '{aws.events.rule-arn=$.id}' at 'targets.1.member.inputTransformer.inputPathsMap' failed to satisfy constraint: Map keys must satisfy constraint: [Member must satisfy regular expression pattern: [A-Za-z0-9\\_\\-]+]",
    );
    expect(message(() => validateInputTransformer("t1", { inputTemplate: "" }))).toBe(
      "1 validation error detected: Value '' at 'targets.1.member.inputTransformer.inputTemplate' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
    expect(
      message(() => validateInputTransformer("t1", { inputPathsMap: { AWSx: "$.id" }, inputTemplate: "x" })),
    ).toMatch(/cannot start with "AWS"/);
    expect(
      message(() => validateInputTransformer("t1", { inputPathsMap: { a: "detail" }, inputTemplate: "x" })),
    ).toMatch(/invalid JSON path/);
  });
});

describe("envelope", () => {
  it("keeps AWS's key order and time format", () => {
    const e = buildEnvelope({
      id: "1",
      detailType: "t",
      source: "s",
      account: "123456789012",
      time: new Date("2017-12-22T18:43:48.123Z"),
      region: "us-east-1",
      detail: {},
      replayName: "r",
    });
    expect(Object.keys(e)).toEqual([
      "version",
      "id",
      "detail-type",
      "source",
      "account",
      "time",
      "region",
      "resources",
      "detail",
      "replay-name",
    ]);
    expect(e.time).toBe("2017-12-22T18:43:48Z");
  });

  it("counts entry size as AWS documents", () => {
    expect(
      putEventsEntrySize({
        Time: new Date(),
        Source: "aé",
        DetailType: "x",
        Detail: '{"a":1}',
        Resources: ["r1", "r2"],
      }),
    ).toBe(14 + 3 + 1 + 7 + 4);
    expect(putEventsEntrySize({ Source: "s", DetailType: "d" })).toBe(2);
  });
});
