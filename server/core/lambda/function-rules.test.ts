import { describe, expect, it } from "vitest";
import { normalizeFunctionError, parseFunctionRef, timeoutError } from "./function-rules";

describe("FunctionName references", () => {
  it.each([
    ["my-fn", { name: "my-fn", accountId: null, region: null, qualifier: null }],
    ["my-fn:$LATEST", { name: "my-fn", accountId: null, region: null, qualifier: "$LATEST" }],
    ["123456789012:function:my-fn", { name: "my-fn", accountId: "123456789012", region: null, qualifier: null }],
    [
      "arn:aws:lambda:eu-west-1:123456789012:function:my-fn:prod",
      { name: "my-fn", accountId: "123456789012", region: "eu-west-1", qualifier: "prod" },
    ],
  ])("%s", (ref, expected) => expect(parseFunctionRef(ref)).toEqual(expected));

  it.each(["", "bad name", "arn:aws:sqs:us-east-1:123456789012:q", "x".repeat(171)])("refuses %j", (ref) =>
    expect(parseFunctionRef(ref)).toBeNull(),
  );
});

describe("function errors", () => {
  it("keeps the function's own error shape", () => {
    expect(normalizeFunctionError('{"errorType":"E","errorMessage":"m","stackTrace":["a"]}')).toEqual({
      errorType: "E",
      errorMessage: "m",
      stackTrace: ["a"],
    });
    expect(normalizeFunctionError("plain text")).toEqual({ errorType: "Unhandled", errorMessage: "plain text" });
  });
  it("words a timeout as Lambda does", () => {
    expect(timeoutError("r-1", 3).errorMessage).toBe("RequestId: r-1 Error: Task timed out after 3.00 seconds");
  });
});
