import { runAwsCli } from "../helpers/aws-cli";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import {
  GetFunctionCommand,
  InvokeCommand,
  LambdaClient,
  ListFunctionsCommand,
  ResourceNotFoundException,
  InvalidRequestContentException,
  TooManyRequestsException,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startFunctionReceiver } from "../helpers/function-receiver";
import { startWeb, type TestProcess } from "../helpers/server";
import { createFunction } from "../../server/domains/functions/function.service";
import { pool } from "../../server/db";

// Lambda on the AWS door, driven by clients we did not write: @aws-sdk/client-lambda and the AWS
// CLI (`aws lambda invoke`), against a real web process and a local function service.

let web: TestProcess & { url: string };
let t: TestTenant;
let svc: Awaited<ReturnType<typeof startFunctionReceiver>>;
let lambda: LambdaClient;
let release: () => void = () => {};

beforeAll(async () => {
  t = await createTestTenant();
  svc = await startFunctionReceiver(async (event, hit) => {
    if (hit.path === "/fail")
      return {
        headers: { "x-amz-function-error": "Unhandled" },
        body: JSON.stringify({ errorType: "Error", errorMessage: "boom" }),
      };
    if (hit.path === "/hold") {
      await new Promise<void>((r) => (release = r));
      return { body: "{}" };
    }
    return { body: JSON.stringify({ statusCode: 200, echo: event }) };
  });
  for (const [name, p, extra] of [
    ["conf-echo", "/echo", {}],
    ["conf-fail", "/fail", {}],
    ["conf-hold", "/hold", { reservedConcurrency: 1, timeoutSeconds: 30 }],
  ] as const) {
    const { secret } = await createFunction(t.actor, t.tenant, { name, url: `${svc.url}${p}`, ...extra });
    svc.secrets.set(p, secret);
  }
  web = await startWeb();
  lambda = new LambdaClient({
    endpoint: `${web.url}/api/aws`,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: t.key.secret },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  release();
  await web?.stop();
  await svc?.close();
});

const awsCli = (args: string[]) => runAwsCli(`${web.url}/api/aws`, t.key, args);

const text = (b?: Uint8Array) => Buffer.from(b ?? []).toString("utf8");

describe("Lambda with @aws-sdk/client-lambda", () => {
  it("Invoke RequestResponse returns the function's result", async () => {
    const r = await lambda.send(
      new InvokeCommand({ FunctionName: "conf-echo", Payload: Buffer.from('{"a":1}'), LogType: "Tail" }),
    );
    expect(r.StatusCode).toBe(200);
    expect(r.ExecutedVersion).toBe("$LATEST");
    expect(r.FunctionError).toBeUndefined();
    expect(JSON.parse(text(r.Payload))).toEqual({ statusCode: 200, echo: { a: 1 } });
    expect(Buffer.from(r.LogResult!, "base64").toString()).toContain("START RequestId:");
    expect(svc.hits.at(-1)!.signatureValid).toBe(true);
  });

  it("reports a function error with X-Amz-Function-Error", async () => {
    const r = await lambda.send(
      new InvokeCommand({
        FunctionName: `arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:conf-fail`,
        Payload: Buffer.from("{}"),
      }),
    );
    expect(r.StatusCode).toBe(200);
    expect(r.FunctionError).toBe("Unhandled");
    expect(JSON.parse(text(r.Payload))).toEqual({ errorType: "Error", errorMessage: "boom" });
  });

  it("Event answers 202 and the invocation is queued in the delivery engine", async () => {
    const r = await lambda.send(
      new InvokeCommand({ FunctionName: "conf-echo", InvocationType: "Event", Payload: Buffer.from('{"async":true}') }),
    );
    expect(r.StatusCode).toBe(202);
    const rows = await pool().query(
      `SELECT source_kind, target_kind, status FROM deliveries WHERE tenant_id = $1 AND event_id = $2`,
      [t.tenant.id, r.$metadata.requestId],
    );
    expect(rows.rows).toEqual([{ source_kind: "function", target_kind: "function", status: "pending" }]);
  });

  it("DryRun answers 204 without calling the function", async () => {
    const before = svc.hits.length;
    const r = await lambda.send(new InvokeCommand({ FunctionName: "conf-echo", InvocationType: "DryRun" }));
    expect(r.StatusCode).toBe(204);
    expect(svc.hits.length).toBe(before);
  });

  it("answers Lambda's errors: not found, bad JSON, throttled", async () => {
    const missing = await lambda.send(new InvokeCommand({ FunctionName: "nope" })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect((missing as Error).message).toBe(
      `Function not found: arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:nope`,
    );
    expect((missing as ResourceNotFoundException).$metadata.httpStatusCode).toBe(404);

    const bad = await lambda
      .send(new InvokeCommand({ FunctionName: "conf-echo", Payload: Buffer.from("{oops") }))
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(InvalidRequestContentException);

    const held = lambda.send(new InvokeCommand({ FunctionName: "conf-hold", Payload: Buffer.from("{}") }));
    while (!svc.hits.some((h) => h.path === "/hold")) await new Promise((r) => setTimeout(r, 20));
    const throttled = await lambda
      .send(new InvokeCommand({ FunctionName: "conf-hold", Payload: Buffer.from("{}") }))
      .catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(TooManyRequestsException);
    expect((throttled as TooManyRequestsException).Reason).toBe("ReservedFunctionConcurrentInvocationLimitExceeded");
    release();
    expect((await held).StatusCode).toBe(200);
  });

  it("GetFunction and ListFunctions with Marker/MaxItems", async () => {
    const g = await lambda.send(new GetFunctionCommand({ FunctionName: "conf-hold" }));
    expect(g.Configuration).toMatchObject({
      FunctionName: "conf-hold",
      FunctionArn: `arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:conf-hold`,
      Timeout: 30,
      Version: "$LATEST",
      State: "Active",
    });
    expect(g.Configuration!.LastModified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
    expect(g.Concurrency).toEqual({ ReservedConcurrentExecutions: 1 });
    const p1 = await lambda.send(new ListFunctionsCommand({ MaxItems: 2 }));
    expect(p1.Functions!.map((f) => f.FunctionName)).toEqual(["conf-echo", "conf-fail"]);
    const p2 = await lambda.send(new ListFunctionsCommand({ MaxItems: 2, Marker: p1.NextMarker }));
    expect(p2.Functions!.map((f) => f.FunctionName)).toEqual(["conf-hold"]);
    expect(p2.NextMarker).toBeUndefined();
  });
});

describe("aws lambda invoke (AWS CLI)", () => {
  it("writes the result to the outfile and prints StatusCode and ExecutedVersion", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "lambda-")), "out.json");
    const r = await awsCli([
      "lambda",
      "invoke",
      "--function-name",
      "conf-echo",
      "--cli-binary-format",
      "raw-in-base64-out",
      "--payload",
      '{"from":"cli"}',
      out,
    ]);
    expect(r.stderr).toBe("");
    expect(JSON.parse(r.stdout)).toMatchObject({ StatusCode: 200, ExecutedVersion: "$LATEST" });
    expect(JSON.parse(readFileSync(out, "utf8"))).toEqual({ statusCode: 200, echo: { from: "cli" } });
  });

  it("shows a function error and a missing function as the CLI does", async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), "lambda-")), "out.json");
    const r = await awsCli(["lambda", "invoke", "--function-name", "conf-fail", out]);
    expect(JSON.parse(r.stdout)).toMatchObject({ StatusCode: 200, FunctionError: "Unhandled" });
    const missing = await awsCli(["lambda", "invoke", "--function-name", "nope", out]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("ResourceNotFoundException");
    const list = await awsCli(["lambda", "list-functions"]);
    expect(JSON.parse(list.stdout).Functions.map((f: { FunctionName: string }) => f.FunctionName)).toContain(
      "conf-echo",
    );
  });
});

describe("boto3", () => {
  it("invokes, reads the function error header and the 404 as botocore does", async () => {
    const script = `
import boto3, json, sys
c = boto3.client("lambda", endpoint_url=sys.argv[1], region_name="us-east-1",
                 aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
r = c.invoke(FunctionName="conf-echo", Payload=b'{"py":true}')
f = c.invoke(FunctionName="conf-fail", Payload=b"{}")
try:
    c.get_function(FunctionName="nope")
    missing = None
except c.exceptions.ResourceNotFoundException as e:
    missing = e.response["Error"]["Code"]
print(json.dumps({"status": r["StatusCode"], "payload": json.loads(r["Payload"].read()),
                  "error": f.get("FunctionError"), "missing": missing}))
`;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        "python3",
        ["-c", script, `${web.url}/api/aws`, t.key.id, t.key.secret],
        { timeout: 60_000 },
        (err, stdout, stderr) => (err ? reject(new Error(stderr || err.message)) : resolve(stdout)),
      ),
    );
    expect(JSON.parse(out)).toEqual({
      status: 200,
      payload: { statusCode: 200, echo: { py: true } },
      error: "Unhandled",
      missing: "ResourceNotFoundException",
    });
  });
});

describe("REST /api/v1/functions", () => {
  const rest = async (method: string, p: string, body?: unknown) => {
    const r = await fetch(`${web.url}${p}`, {
      method,
      headers: { authorization: `Bearer ${t.key.id}.${t.key.secret}`, "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await r.text();
    return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : null, headers: r.headers };
  };

  it("creates (secret once), reads, updates, invokes and deletes; bad input is problem+json", async () => {
    const created = await rest("POST", "/api/v1/functions", {
      name: "rest-fn",
      url: `${svc.url}/echo`,
      timeoutSeconds: 5,
    });
    expect(created.status).toBe(201);
    expect(created.json!.signingSecret).toMatch(/^whsec_/);
    expect(created.json!.function).toMatchObject({ name: "rest-fn", timeoutSeconds: 5 });
    expect(JSON.stringify(created.json!.function)).not.toContain("secret");
    svc.secrets.set("/echo", created.json!.signingSecret as string);

    const got = await rest("GET", "/api/v1/functions/rest-fn");
    expect(got.json).toMatchObject({ arn: `arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:rest-fn` });
    const patched = await rest("PATCH", "/api/v1/functions/rest-fn", { reservedConcurrency: 3 });
    expect(patched.json).toMatchObject({ reservedConcurrency: 3 });

    const invoked = await rest("POST", "/api/v1/functions/rest-fn/invoke", { payload: '{"k":"v"}' });
    expect(invoked.json).toMatchObject({ statusCode: 200, functionError: null, payload: { echo: { k: "v" } } });
    expect(svc.hits.at(-1)!.signatureValid).toBe(true);

    const bad = await rest("POST", "/api/v1/functions", { name: "x", url: `${svc.url}/echo`, timeoutSeconds: 901 });
    expect(bad.status).toBe(400);
    expect(bad.headers.get("content-type")).toContain("application/problem+json");

    const listed = await rest("GET", "/api/v1/functions");
    expect((listed.json!.functions as Array<{ name: string }>).map((f) => f.name)).toContain("rest-fn");
    const openapi = await rest("GET", "/api/v1/openapi.json");
    expect(Object.keys(openapi.json!.paths as object)).toContain("/api/v1/functions/{name}/invoke");

    expect((await rest("DELETE", "/api/v1/functions/rest-fn")).status).toBe(204);
    expect((await rest("GET", "/api/v1/functions/rest-fn")).status).toBe(404);
  });
});
