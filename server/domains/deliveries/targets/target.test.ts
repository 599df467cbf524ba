import { describe, expect, it } from "vitest";
import { AppError } from "../../../core/errors";
import { classifyError } from "./target";

describe("classifyError", () => {
  it.each([
    [
      new AppError("not_found", "The specified queue does not exist.", { awsCode: "QueueDoesNotExist" }),
      "permanent",
      "NO_RESOURCE",
    ],
    [
      new AppError("forbidden", "Access to the resource is denied.", { awsCode: "AccessDenied" }),
      "permanent",
      "NO_PERMISSIONS",
    ],
    [new AppError("validation", "MessageGroupId is required"), "permanent", "ERROR_FROM_TARGET"],
    [new AppError("too_large", "too big"), "permanent", "ERROR_FROM_TARGET"],
    [new AppError("unavailable", "database busy"), "retryable", "ERROR_FROM_TARGET"],
    [new Error("connection terminated"), "retryable", "ERROR_FROM_TARGET"],
  ])("%s → %s %s", (e, result, errorCode) => {
    expect(classifyError(e)).toMatchObject({ result, errorCode, statusCode: null });
  });

  it("keeps AWS's code in the error text and the record it is given", () => {
    const c = classifyError(
      new AppError("not_found", "The specified queue does not exist.", { awsCode: "QueueDoesNotExist" }),
      {
        requestBody: "x",
      },
    );
    expect(c.error).toBe("QueueDoesNotExist: The specified queue does not exist.");
    expect(c.record).toEqual({ requestBody: "x" });
  });
});
