import { describe, expect, it } from "vitest";
import { nameProblem, parseActivityArn, parseMachineArn } from "./state-machine.arns";
import { pageSize, pageToken, readPageToken, stableJson, tagMap } from "./state-machine.common";
import { variableReferences } from "./state-machine.service";

// Pure pieces of the catalog: ARN kinds and AWS's InvalidArn wording, the name rule, page tokens,
// maxResults bounds, tag lists and DescribeStateMachine's variableReferences.

const M = "arn:aws:states:us-east-1:123456789012:stateMachine:orders";

describe("state machine ARNs", () => {
  it("tells machines, versions and aliases apart", () => {
    expect(parseMachineArn(M)).toEqual({ kind: "machine", accountId: "123456789012", name: "orders" });
    expect(parseMachineArn(`${M}:3`)).toEqual({
      kind: "version",
      accountId: "123456789012",
      name: "orders",
      version: 3,
    });
    expect(parseMachineArn(`${M}:live`)).toEqual({
      kind: "alias",
      accountId: "123456789012",
      name: "orders",
      alias: "live",
    });
  });

  it("answers AWS's InvalidArn messages", () => {
    expect(() => parseMachineArn("orders")).toThrow("Invalid Arn: 'Invalid ARN prefix: orders'");
    expect(() => parseMachineArn("arn:aws:states:us-east-1:123456789012:activity:a")).toThrow(
      "Invalid Arn: 'Resource type not valid in this context: activity'",
    );
    expect(() => parseActivityArn(M)).toThrow("Invalid Arn: 'Resource type not valid in this context: stateMachine'");
    expect(() => parseMachineArn("arn:aws:sqs:us-east-1:1:q")).toThrow(/^Invalid Arn: 'Invalid ARN: /);
    try {
      parseMachineArn("x");
    } catch (e) {
      expect((e as { awsCode?: string }).awsCode).toBe("InvalidArn");
    }
  });

  it("applies AWS's name rule", () => {
    for (const ok of ["a", "Order-Flow_1.v2", "x".repeat(80), "ünï"]) expect(nameProblem(ok)).toBe(false);
    for (const bad of ["", "x".repeat(81), "a b", "a/b", "a:b", "a*", "a\u0001", "{x}", "a$", "a,b"])
      expect(nameProblem(bad)).toBe(true);
  });
});

describe("paging, tags and JSON comparison", () => {
  it("round-trips page tokens and refuses foreign ones", () => {
    expect(readPageToken("sm", pageToken("sm", "b"))).toBe("b");
    expect(readPageToken("sm", undefined)).toBeNull();
    expect(() => readPageToken("act", pageToken("sm", "b"))).toThrow(/^Invalid Token: /);
  });

  it("bounds maxResults as AWS does (0 means the default)", () => {
    expect(pageSize(undefined)).toBe(100);
    expect(pageSize(0)).toBe(100);
    expect(pageSize(7)).toBe(7);
    expect(() => pageSize(1001)).toThrow(
      "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
    );
  });

  it("checks tag lists with AWS's member paths", () => {
    expect(
      tagMap([
        { key: "a", value: "1" },
        { key: "a", value: "2" },
      ]),
    ).toEqual({ a: "2" });
    expect(() => tagMap([{ key: "", value: "1" }])).toThrow(
      "1 validation error detected: Value '' at 'tags.1.member.key' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  });

  it("compares JSON regardless of key order", () => {
    expect(stableJson({ b: 1, a: [{ y: 1, x: 2 }] })).toBe(stableJson({ a: [{ x: 2, y: 1 }], b: 1 }));
    expect(stableJson({ a: 1 })).not.toBe(stableJson({ a: 2 }));
  });
});

describe("variableReferences", () => {
  it("lists the variables each state reads, in JSONPath and JSONata, not function names", () => {
    const refs = variableReferences(
      JSON.stringify({
        StartAt: "A",
        States: {
          A: { Type: "Pass", Parameters: { "x.$": "$total", "y.$": "$.plain" }, Next: "B" },
          B: { Type: "Pass", QueryLanguage: "JSONata", Output: "{% $sum($items) + $count %}", End: true },
        },
      }),
    );
    expect(refs).toEqual({ A: ["total"], B: ["items", "count"] });
    expect(variableReferences(JSON.stringify({ StartAt: "A", States: { A: { Type: "Succeed" } } }))).toBeUndefined();
  });
});
