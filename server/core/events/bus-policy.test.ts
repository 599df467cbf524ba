import { describe, expect, it } from "vitest";
import { busPolicyDecision, permissionStatement } from "./bus-policy";
import { busArn, busRefProblem, newBusNameProblem, parseBusArn, parseRuleArn, ruleArn, ruleNameProblem } from "./names";
import { targetKindOf } from "./target-arn";

const BUS = "arn:aws:events:us-east-1:111111111111:event-bus/orders";
const req = (accountId: string, sourceArn?: string) => ({
  accountId,
  action: "events:PutEvents",
  busArn: BUS,
  sourceArn,
});
const doc = (...Statement: unknown[]) => JSON.stringify({ Version: "2012-10-17", Statement });

describe("bus policy decisions", () => {
  it.each([
    ["no policy", null, "222222222222", "none"],
    [
      "PutPermission's statement for the account",
      doc(
        permissionStatement({ statementId: "s", principal: "222222222222", action: "events:PutEvents", busArn: BUS }),
      ),
      "222222222222",
      "allow",
    ],
    [
      "the same statement, another account",
      doc(
        permissionStatement({ statementId: "s", principal: "222222222222", action: "events:PutEvents", busArn: BUS }),
      ),
      "333333333333",
      "none",
    ],
    [
      "principal * with a wildcard action",
      doc({ Effect: "Allow", Principal: "*", Action: "events:*", Resource: BUS }),
      "9",
      "allow",
    ],
    [
      "another resource",
      doc({ Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: `${BUS}-other` }),
      "9",
      "none",
    ],
    [
      "an explicit Deny wins",
      doc(
        { Effect: "Allow", Principal: "*", Action: "events:PutEvents", Resource: BUS },
        {
          Effect: "Deny",
          Principal: { AWS: "arn:aws:iam::444444444444:root" },
          Action: "events:PutEvents",
          Resource: BUS,
        },
      ),
      "444444444444",
      "deny",
    ],
    [
      "an unknown condition key never holds",
      doc({
        Effect: "Allow",
        Principal: "*",
        Action: "events:PutEvents",
        Resource: BUS,
        Condition: { StringEquals: { "aws:PrincipalOrgID": "o-1" } },
      }),
      "222222222222",
      "none",
    ],
    ["invalid JSON is no policy", "{", "222222222222", "none"],
  ])("%s", (_label, policy, account, expected) => {
    expect(busPolicyDecision(policy, req(account))).toBe(expected);
  });

  it("aws:SourceArn conditions match the forwarding rule", () => {
    const policy = doc({
      Effect: "Allow",
      Principal: "*",
      Action: "events:PutEvents",
      Resource: BUS,
      Condition: { ArnLike: { "aws:SourceArn": "arn:aws:events:*:222222222222:rule/*" } },
    });
    expect(busPolicyDecision(policy, req("222222222222", "arn:aws:events:us-east-1:222222222222:rule/fwd"))).toBe(
      "allow",
    );
    expect(busPolicyDecision(policy, req("222222222222"))).toBe("none");
  });
});

describe("names and ARNs", () => {
  it("builds and parses AWS's ARNs", () => {
    expect(busArn("us-east-1", "111111111111", "default")).toBe(
      "arn:aws:events:us-east-1:111111111111:event-bus/default",
    );
    expect(ruleArn("us-east-1", "111111111111", "default", "r")).toBe("arn:aws:events:us-east-1:111111111111:rule/r");
    expect(ruleArn("us-east-1", "111111111111", "orders", "r")).toBe(
      "arn:aws:events:us-east-1:111111111111:rule/orders/r",
    );
    expect(parseRuleArn("arn:aws:events:us-east-1:111111111111:rule/orders/r")).toEqual({
      accountId: "111111111111",
      busName: "orders",
      name: "r",
    });
    expect(parseRuleArn("arn:aws:events:us-east-1:111111111111:rule/r")?.busName).toBe("default");
    expect(parseBusArn(BUS)).toEqual({ region: "us-east-1", accountId: "111111111111", name: "orders" });
  });

  it("refuses names as AWS words it", () => {
    expect(ruleNameProblem("ok.name-1_x")).toBeNull();
    expect(ruleNameProblem("bad name")).toBe(
      "1 validation error detected: Value 'bad name' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\.\\-_A-Za-z0-9]+",
    );
    expect(ruleNameProblem("x".repeat(65))).toContain("Member must have length less than or equal to 64");
    expect(newBusNameProblem("a/b")).toBe("Event bus name must not contain '/'.");
    expect(busRefProblem("arn:aws:events:us-east-1:1:event-bus/x")).toContain("failed to satisfy constraint");
    expect(busRefProblem(BUS)).toBeNull();
  });

  it("knows which target kind an ARN names", () => {
    expect(targetKindOf("arn:aws:sqs:us-east-1:111111111111:q")).toBe("queue");
    expect(targetKindOf("arn:aws:sns:us-east-1:111111111111:t")).toBe("topic");
    expect(targetKindOf(BUS)).toBe("event-bus");
    expect(targetKindOf("arn:aws:lambda:us-east-1:111111111111:function:f")).toBe("function");
    expect(targetKindOf("arn:aws:events:us-east-1:111111111111:api-destination/d/1")).toBe("api-destination");
    expect(targetKindOf("arn:aws:states:us-east-1:111111111111:stateMachine:m")).toBe("workflow");
    expect(targetKindOf("arn:aws:kinesis:us-east-1:111111111111:stream/s")).toBeNull();
  });
});
