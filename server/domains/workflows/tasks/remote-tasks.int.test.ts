import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../../db";
import { createTestTenant, uniqueName, type TestTenant } from "../../../../tests/helpers/fixtures";
import { startFunctionReceiver } from "../../../../tests/helpers/function-receiver";
import { insertRunningExecution, taskRequest } from "../../../../tests/helpers/workflow-tasks";
import { createFunction } from "../../functions/function.service";
import { createConnection } from "../../connections/connection.service";
import { urlEncode } from "./http";
import { taskResourceFor } from "./registry";
import type { RemoteTaskResource, TaskOutcome, TaskRequest } from "./resource";

// The remote Task resources (lambda:invoke, bare function ARNs, http:invoke) against the real
// database, a local function service (Standard Webhooks verified) and a local HTTP API.

let t: TestTenant;
let exec: Awaited<ReturnType<typeof insertRunningExecution>>;
let fnService: Awaited<ReturnType<typeof startFunctionReceiver>>;
let api: http.Server;
let apiUrl: string;
const apiHits: Array<{ method: string; url: string; headers: http.IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  t = await createTestTenant();
  exec = await insertRunningExecution(pool(), t.tenant);
  fnService = await startFunctionReceiver(async (event, hit) => {
    switch (hit.path) {
      case "/double":
        return { body: JSON.stringify({ n: (event as { n: number }).n * 2 }) };
      case "/fail":
        return {
          headers: { "x-amz-function-error": "Unhandled" },
          body: JSON.stringify({ errorType: "OrderError", errorMessage: "no such order", stackTrace: ["at x"] }),
        };
      case "/echo":
        return { body: JSON.stringify({ got: event }) };
      case "/slow":
        return { delayMs: 2500, body: "{}" };
      default:
        return { status: 404 };
    }
  });
  api = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      apiHits.push({ method: req.method!, url: req.url!, headers: req.headers, body });
      if (req.url!.startsWith("/missing")) {
        res.writeHead(404, { "content-type": "application/json" });
        return res.end(JSON.stringify({ message: "not here" }));
      }
      if (req.url!.startsWith("/text")) {
        res.writeHead(200, { "content-type": "text/plain" });
        return res.end("plain words");
      }
      res.writeHead(200, { "content-type": "application/json", "x-api": "yes" });
      res.end(JSON.stringify({ ok: true, method: req.method }));
    });
  });
  await new Promise<void>((r) => api.listen(0, "127.0.0.1", r));
  apiUrl = `http://127.0.0.1:${(api.address() as { port: number }).port}`;
});
afterAll(async () => {
  await fnService?.close();
  api?.closeAllConnections();
  await new Promise<void>((r) => (api ? api.close(() => r()) : r()));
});

function remote(resource: string): RemoteTaskResource {
  const r = taskResourceFor(resource);
  if (!r || r.mode !== "remote") throw new Error(`no remote resource for ${resource}`);
  return r;
}
const run = (req: TaskRequest): Promise<TaskOutcome> => remote(req.resource).run(req);

async function register(path: string, extra: Record<string, unknown> = {}) {
  const { fn, secret } = await createFunction(t.actor, t.tenant, {
    name: uniqueName("wf-fn"),
    url: `${fnService.url}${path}`,
    ...extra,
  });
  fnService.secrets.set(path, secret);
  return fn;
}

describe("lambda:invoke", () => {
  it("calls the function and answers Invoke's result with the payload parsed", async () => {
    const fn = await register("/double");
    const out = await run(
      taskRequest(t.tenant, exec, "arn:aws:states:::lambda:invoke", { FunctionName: fn.name, Payload: { n: 21 } }),
    );
    expect(out.kind).toBe("succeeded");
    const output = (out as { output: Record<string, unknown> }).output;
    expect(Object.keys(output)).toEqual([
      "ExecutedVersion",
      "Payload",
      "SdkHttpMetadata",
      "SdkResponseMetadata",
      "StatusCode",
    ]);
    expect(output).toMatchObject({ ExecutedVersion: "$LATEST", Payload: { n: 42 }, StatusCode: 200 });
    const hit = fnService.hits.at(-1)!;
    expect(hit.signatureValid).toBe(true);
    expect(JSON.parse(hit.body)).toEqual({ n: 21 });
    expect((output.SdkResponseMetadata as { RequestId: string }).RequestId).toBe(
      hit.headers["lambda-runtime-aws-request-id"],
    );
  });

  it("a bare function ARN: the input is the event and the result is the output", async () => {
    const fn = await register("/double");
    const out = await run(taskRequest(t.tenant, exec, fn.arn, { n: 5 }));
    expect(out).toEqual({ kind: "succeeded", output: { n: 10 } });
  });

  it("the same scheduling calls with the same request id (the service can deduplicate a repeat)", async () => {
    const fn = await register("/double");
    const req = taskRequest(t.tenant, exec, fn.arn, { n: 1 });
    await run(req);
    await run(req);
    const [a, b] = fnService.hits.slice(-2);
    expect(a!.headers["webhook-id"]).toBe(b!.headers["webhook-id"]);
  });

  it("a function error is the function's errorType with its error JSON as the cause", async () => {
    const fn = await register("/fail");
    const out = await run(taskRequest(t.tenant, exec, "arn:aws:states:::lambda:invoke", { FunctionName: fn.arn }));
    expect(out.kind).toBe("failed");
    const f = out as { error: string; cause: string };
    expect(f.error).toBe("OrderError");
    expect(JSON.parse(f.cause)).toEqual({
      errorType: "OrderError",
      errorMessage: "no such order",
      stackTrace: ["at x"],
    });
  });

  it("a timeout is Sandbox.Timedout", async () => {
    const fn = await register("/slow", { timeoutSeconds: 1 });
    const out = await run(taskRequest(t.tenant, exec, fn.arn, {}));
    expect(out).toMatchObject({ kind: "failed", error: "Sandbox.Timedout" });
  });

  it("an unknown function is Lambda.ResourceNotFoundException with the SDK's cause", async () => {
    const out = await run(
      taskRequest(t.tenant, exec, "arn:aws:states:::lambda:invoke", { FunctionName: "no-such-function" }),
    );
    expect(out).toMatchObject({ kind: "failed", error: "Lambda.ResourceNotFoundException" });
    expect((out as { cause: string }).cause).toMatch(
      /^Function not found: arn:aws:lambda:[\w-]+:\d{12}:function:no-such-function \(Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: .+; Proxy: null\)$/,
    );
  });

  it("a service that cannot be reached is Lambda.ServiceException", async () => {
    const fn = await createFunction(t.actor, t.tenant, { name: uniqueName("wf-fn"), url: "http://127.0.0.1:1/" });
    const out = await run(taskRequest(t.tenant, exec, fn.fn.arn, {}));
    expect(out).toMatchObject({ kind: "failed", error: "Lambda.ServiceException" });
  });

  it("waitForTaskToken: the function is called with the token and the task stays pending (its response kept for TaskSubmitted)", async () => {
    const fn = await register("/double");
    const out = await run(
      taskRequest(
        t.tenant,
        exec,
        "arn:aws:states:::lambda:invoke.waitForTaskToken",
        { FunctionName: fn.name, Payload: { n: 2, token: "tok" } },
        { taskToken: "tok" },
      ),
    );
    // Pending, with Invoke's response for TaskSubmitted's output.
    expect(out).toMatchObject({ kind: "pending", submitted: { StatusCode: 200, Payload: expect.anything() } });
    expect(JSON.parse(fnService.hits.at(-1)!.body)).toEqual({ n: 2, token: "tok" });
  });
});

describe("http:invoke", () => {
  async function connection(kind: "API_KEY" | "BASIC" = "API_KEY", invocation?: Record<string, unknown>) {
    const c = await createConnection(t.actor, t.tenant, {
      name: uniqueName("wf-conn"),
      authorizationType: kind,
      authParameters:
        kind === "API_KEY"
          ? { ApiKeyAuthParameters: { ApiKeyName: "x-api-key", ApiKeyValue: "secret-1" }, ...invocation }
          : { BasicAuthParameters: { Username: "u", Password: "p" }, ...invocation },
    });
    return c.arn;
  }

  it("sends the request with the connection's authorization and answers Headers, ResponseBody, StatusCode, StatusText", async () => {
    const arn = await connection("API_KEY", {
      InvocationHttpParameters: { HeaderParameters: [{ Key: "x-from-connection", Value: "c" }] },
    });
    const out = await run(
      taskRequest(t.tenant, exec, "arn:aws:states:::http:invoke", {
        ApiEndpoint: `${apiUrl}/orders`,
        Method: "POST",
        Authentication: { ConnectionArn: arn },
        Headers: { "x-custom": "1", "x-literal": "$.not.a.path" },
        QueryParameters: { page: "2" },
        RequestBody: { item: "book" },
      }),
    );
    expect(out.kind).toBe("succeeded");
    const output = (out as { output: Record<string, unknown> }).output;
    expect(Object.keys(output)).toEqual(["Headers", "ResponseBody", "StatusCode", "StatusText"]);
    expect(output).toMatchObject({ ResponseBody: { ok: true, method: "POST" }, StatusCode: 200, StatusText: "OK" });
    expect((output.Headers as Record<string, string[]>)["x-api"]).toEqual(["yes"]);
    const hit = apiHits.at(-1)!;
    expect(hit.url).toBe("/orders?page=2");
    expect(hit.headers["x-api-key"]).toBe("secret-1");
    expect(hit.headers["x-custom"]).toBe("1");
    expect(hit.headers["x-literal"]).toBe("$.not.a.path");
    expect(hit.headers["x-from-connection"]).toBe("c");
    expect(hit.headers["content-type"]).toBe("application/json; charset=UTF-8");
    expect(hit.headers["user-agent"]).toMatch(/^Amazon\|StepFunctions\|HttpInvoke\|/);
    expect(JSON.parse(hit.body)).toEqual({ item: "book" });
  });

  it("URL_ENCODED bodies with the array format", async () => {
    const arn = await connection("BASIC");
    const out = await run(
      taskRequest(t.tenant, exec, "arn:aws:states:::http:invoke", {
        ApiEndpoint: `${apiUrl}/form`,
        Method: "PUT",
        Authentication: { ConnectionArn: arn },
        RequestBody: { a: "x y", list: [1, 2] },
        Transform: { RequestBodyEncoding: "URL_ENCODED", RequestEncodingOptions: { ArrayFormat: "BRACKETS" } },
      }),
    );
    expect(out.kind).toBe("succeeded");
    const hit = apiHits.at(-1)!;
    expect(hit.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(hit.headers.authorization).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
    expect(decodeURIComponent(hit.body)).toBe("a=x y&list[]=1&list[]=2");
  });

  it("a non-2xx answer fails with States.Http.StatusCode.<code> and the response as the cause", async () => {
    const arn = await connection();
    const out = await run(
      taskRequest(t.tenant, exec, "arn:aws:states:::http:invoke", {
        ApiEndpoint: `${apiUrl}/missing`,
        Method: "GET",
        Authentication: { ConnectionArn: arn },
      }),
    );
    expect(out).toMatchObject({ kind: "failed", error: "States.Http.StatusCode.404" });
    expect(JSON.parse((out as { cause: string }).cause)).toMatchObject({
      ResponseBody: { message: "not here" },
      StatusCode: 404,
      StatusText: "Not Found",
    });
  });

  it("a text answer stays text; an unreachable endpoint is States.Http.Socket", async () => {
    const arn = await connection();
    const text = await run(
      taskRequest(t.tenant, exec, "arn:aws:states:::http:invoke", {
        ApiEndpoint: `${apiUrl}/text`,
        Method: "GET",
        Authentication: { ConnectionArn: arn },
      }),
    );
    expect((text as { output: { ResponseBody: unknown } }).output.ResponseBody).toBe("plain words");
    const down = await run(
      taskRequest(t.tenant, exec, "arn:aws:states:::http:invoke", {
        ApiEndpoint: "http://127.0.0.1:1/",
        Method: "GET",
        Authentication: { ConnectionArn: arn },
      }),
    );
    expect(down).toMatchObject({ kind: "failed", error: "States.Http.Socket" });
  });

  it("an unknown connection is a run-time error", async () => {
    const out = await run(
      taskRequest(t.tenant, exec, "arn:aws:states:::http:invoke", {
        ApiEndpoint: `${apiUrl}/x`,
        Method: "GET",
        Authentication: { ConnectionArn: `arn:aws:events:us-east-1:${t.tenant.accountId}:connection/none/abc` },
      }),
    );
    expect(out).toMatchObject({ kind: "failed", error: "States.Runtime" });
  });

  it("urlEncode: every array format and nested objects", () => {
    const v = { a: [1, 2], o: { k: "v" } };
    expect(decodeURIComponent(urlEncode(v, "INDICES"))).toBe("a[0]=1&a[1]=2&o[k]=v");
    expect(decodeURIComponent(urlEncode(v, "REPEAT"))).toBe("a=1&a=2&o[k]=v");
    expect(decodeURIComponent(urlEncode(v, "COMMAS"))).toBe("a=1,2&o[k]=v");
  });
});

describe("delivery log", () => {
  it("each call is a finished 'workflow' invocation with its attempt (secrets redacted)", async () => {
    const mine = await insertRunningExecution(pool(), t.tenant);
    const fn = await register("/fail");
    await run(taskRequest(t.tenant, mine, fn.arn, { n: 1 }));
    const c = await createConnection(t.actor, t.tenant, {
      name: uniqueName("wf-conn"),
      authorizationType: "API_KEY",
      authParameters: { ApiKeyAuthParameters: { ApiKeyName: "x-api-key", ApiKeyValue: "very-secret" } },
    });
    await run(
      taskRequest(t.tenant, mine, "arn:aws:states:::http:invoke", {
        ApiEndpoint: `${apiUrl}/logged`,
        Method: "POST",
        Authentication: { ConnectionArn: c.arn },
        RequestBody: { a: 1 },
      }),
    );
    const rows = await pool().query(
      `SELECT d.source_kind, d.source_arn, d.target_kind, d.target_arn, d.status, a.outcome, a.request_headers, a.response_status
         FROM deliveries d JOIN delivery_attempts a ON a.delivery_id = d.id
        WHERE d.tenant_id = $1 AND d.event_id = $2 ORDER BY d.created_at`,
      [t.tenant.id, mine.executionArn],
    );
    expect(rows.rows.map((r) => [r.source_kind, r.source_arn, r.target_kind, r.status, r.outcome])).toEqual([
      ["workflow", mine.stateMachineArn, "function", "failed", "failed"],
      ["workflow", mine.stateMachineArn, "http", "succeeded", "succeeded"],
    ]);
    expect(rows.rows[0].target_arn).toBe(fn.arn);
    expect(rows.rows[1].target_arn).toBe(`${apiUrl}/logged`);
    expect(rows.rows[1].request_headers["x-api-key"]).toBe("(redacted)");
    expect(rows.rows[1].response_status).toBe(200);
  });
});

describe("lambda:invoke payloads", () => {
  it("Payload is JSON: a string goes as a JSON string, no Payload as the empty event", async () => {
    const fn = await register("/echo");
    const text = await run(
      taskRequest(t.tenant, exec, "arn:aws:states:::lambda:invoke", { FunctionName: fn.name, Payload: "hello" }),
    );
    expect((text as { output: { Payload: unknown } }).output.Payload).toEqual({ got: "hello" });
    const none = await run(taskRequest(t.tenant, exec, "arn:aws:states:::lambda:invoke", { FunctionName: fn.name }));
    expect((none as { output: { Payload: unknown } }).output.Payload).toEqual({ got: {} });
  });
});

describe("lambda:invoke refusals", () => {
  it("another account's function is Lambda.AWSLambdaException with AccessDeniedException as the code", async () => {
    const out = await run(
      taskRequest(t.tenant, exec, "arn:aws:states:::lambda:invoke", {
        FunctionName: "arn:aws:lambda:us-east-1:999999999999:function:theirs",
      }),
    );
    expect(out).toMatchObject({ kind: "failed", error: "Lambda.AWSLambdaException" });
    expect((out as { cause: string }).cause).toContain("Status Code: 403; Error Code: AccessDeniedException");
  });
});
