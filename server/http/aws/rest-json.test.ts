import { describe, expect, it } from "vitest";
import { AppError } from "../../core/errors";
import { restJsonErrorReply, restJsonMatcher } from "./rest-json";
import type { AwsService } from "./types";

const service = (name: string, routes: AwsService["routes"]): AwsService => ({
  name,
  actions: new Map(),
  routes,
  renderError: () => ({ body: "" }),
});

const scheduler = service("scheduler", [
  { method: "POST", path: "/schedules/{Name}", action: "CreateSchedule" },
  { method: "GET", path: "/schedules/{Name}", action: "GetSchedule" },
  { method: "GET", path: "/schedules", action: "ListSchedules" },
  { method: "GET", path: "/tags/{ResourceArn}", action: "ListTagsForResource" },
]);
const lambda = service("lambda", [
  { method: "POST", path: "/2015-03-31/functions/{FunctionName}/invocations", action: "Invoke" },
  { method: "GET", path: "/files/{Key+}", action: "Greedy" },
]);
const other = service("other", [{ method: "GET", path: "/schedules", action: "OtherList" }]);
const match = restJsonMatcher([scheduler, lambda, other]);

describe("REST JSON routing", () => {
  it("matches method and path, decoding path parameters", () => {
    expect(match("POST", "/schedules/nightly", null)).toMatchObject({
      action: "CreateSchedule",
      pathParams: { Name: "nightly" },
    });
    expect(match("GET", "/schedules/nightly", null)?.action).toBe("GetSchedule");
    expect(match("GET", "/tags/arn%3Aaws%3Ascheduler%3Aus-east-1%3A1%3Aschedule%2Fdefault%2Fx", null)).toMatchObject({
      action: "ListTagsForResource",
      pathParams: { ResourceArn: "arn:aws:scheduler:us-east-1:1:schedule/default/x" },
    });
    expect(match("POST", "/2015-03-31/functions/fn/invocations", null)?.service.name).toBe("lambda");
    expect(match("GET", "/files/a/b/c", null)?.pathParams).toEqual({ Key: "a/b/c" });
  });

  it("a single-segment parameter does not swallow slashes, and the method must agree", () => {
    expect(match("POST", "/schedules/a/b", null)).toBeUndefined();
    expect(match("DELETE", "/schedules/nightly", null)).toBeUndefined();
    expect(match("POST", "/123456789012/orders", null)).toBeUndefined();
  });

  it("prefers the service named by the credential scope when two services share a path", () => {
    expect(match("GET", "/schedules", null)?.action).toBe("ListSchedules");
    expect(match("GET", "/schedules", "other")?.action).toBe("OtherList");
  });

  it("refuses a path parameter that is not valid percent-encoding", () => {
    expect(() => match("GET", "/schedules/%E0%A4%A", null)).toThrow(/percent-encoding/);
  });

  it("renders errors with the code in x-amzn-ErrorType and the message in the body", () => {
    const reply = restJsonErrorReply(
      new AppError("not_found", "Schedule nightly does not exist.", {
        awsCode: "ResourceNotFoundException",
        awsStatus: 404,
      }),
      "rid-1",
    );
    expect(reply.status).toBe(404);
    expect(reply.headers?.["x-amzn-errortype"]).toBe("ResourceNotFoundException");
    expect(JSON.parse(String(reply.body))).toMatchObject({ message: "Schedule nightly does not exist." });
  });
});
