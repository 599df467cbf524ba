import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AppError } from "../../core/errors";
import { createTestTenant, type TestTenant } from "../../../tests/helpers/fixtures";
import { startFunctionReceiver } from "../../../tests/helpers/function-receiver";
import {
  createFunction,
  deleteFunction,
  getFunction,
  listFunctions,
  rotateFunctionSecret,
  updateFunction,
} from "./function.service";
import { invokeFunction } from "./function.invoke";

// Functions against the real database and a local function service that verifies the Standard
// Webhooks signature with the standardwebhooks package.

let t: TestTenant;
let fnService: Awaited<ReturnType<typeof startFunctionReceiver>>;
let release: () => void = () => {};

beforeAll(async () => {
  t = await createTestTenant();
  fnService = await startFunctionReceiver(async (event, hit) => {
    switch (hit.path) {
      case "/echo":
        return { body: JSON.stringify({ got: event, requestId: hit.headers["lambda-runtime-aws-request-id"] }) };
      case "/fail":
        return {
          headers: { "x-amz-function-error": "Unhandled" },
          body: JSON.stringify({ errorType: "OrderError", errorMessage: "no such order", stackTrace: ["at x"] }),
        };
      case "/slow":
        return { delayMs: 1500, body: "{}" };
      case "/hold":
        await new Promise<void>((r) => (release = r));
        return { body: '"held"' };
      case "/empty":
        return { body: "" };
      case "/text":
        return { headers: { "content-type": "text/plain" }, body: "hello" };
      case "/boom":
        return { status: 500, body: "internal" };
      default:
        return { status: 404 };
    }
  });
});
afterAll(async () => {
  release();
  await fnService?.close();
});

const caller = () => ({ actor: t.actor, tenant: t.tenant });

async function register(name: string, path: string, extra: Record<string, unknown> = {}) {
  const { fn, secret } = await createFunction(t.actor, t.tenant, { name, url: `${fnService.url}${path}`, ...extra });
  fnService.secrets.set(path, secret);
  return fn;
}

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(AppError);
  return e as AppError;
}

describe("functions", () => {
  it("registers a function under a Lambda ARN with Lambda's defaults and a signing secret shown once", async () => {
    const { fn, secret } = await createFunction(t.actor, t.tenant, { name: "reg-one", url: `${fnService.url}/echo` });
    expect(fn.arn).toBe(`arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:reg-one`);
    expect(fn.timeoutSeconds).toBe(3);
    expect(fn.maximumRetryAttempts).toBe(2);
    expect(fn.maximumEventAgeSeconds).toBe(21600);
    expect(secret).toMatch(/^whsec_/);
    expect(fn.secretEnc).not.toContain(secret.slice(6));
    const again = await refusal(createFunction(t.actor, t.tenant, { name: "reg-one", url: `${fnService.url}/echo` }));
    expect(again.awsCode).toBe("ResourceConflictException");
    expect((await getFunction(t.actor, t.tenant, fn.arn)).id).toBe(fn.id);
    expect((await getFunction(t.actor, t.tenant, `${t.tenant.accountId}:function:reg-one`)).id).toBe(fn.id);
    expect((await getFunction(t.actor, t.tenant, "reg-one:$LATEST")).id).toBe(fn.id);
  });

  it("refuses bad settings with Lambda's codes and changes nothing", async () => {
    const url = `${fnService.url}/echo`;
    expect((await refusal(createFunction(t.actor, t.tenant, { name: "bad name", url }))).awsCode).toBe(
      "ValidationException",
    );
    expect(
      (await refusal(createFunction(t.actor, t.tenant, { name: "t0", url, timeoutSeconds: 0 }))).message,
    ).toContain("Member must have value greater than or equal to 1");
    expect((await refusal(createFunction(t.actor, t.tenant, { name: "t9", url, timeoutSeconds: 901 }))).awsCode).toBe(
      "ValidationException",
    );
    expect(
      (await refusal(createFunction(t.actor, t.tenant, { name: "r3", url, maximumRetryAttempts: 3 }))).awsCode,
    ).toBe("ValidationException");
    expect(
      (await refusal(createFunction(t.actor, t.tenant, { name: "age", url, maximumEventAgeSeconds: 59 }))).awsCode,
    ).toBe("ValidationException");
    const ssrf = await refusal(
      createFunction(t.actor, t.tenant, { name: "meta", url: "http://169.254.169.254/latest" }),
    );
    expect(ssrf.awsCode).toBe("InvalidParameterValueException");
    expect(ssrf.message).toContain("refused");
    const dest = await refusal(
      createFunction(t.actor, t.tenant, { name: "dst", url, onFailureDestination: "arn:aws:s3:::bucket" }),
    );
    expect(dest.awsCode).toBe("InvalidParameterValueException");
    const names = (await listFunctions(t.actor, t.tenant)).functions.map((f) => f.name);
    for (const n of ["bad name", "t0", "t9", "r3", "age", "meta", "dst"]) expect(names).not.toContain(n);
  });

  it("invokes synchronously: the event signed with Standard Webhooks, the JSON answer as the result", async () => {
    const fn = await register("echo", "/echo");
    const r = await invokeFunction(caller(), "echo", '{"orderId":42}', { requestId: "req-echo-1" });
    expect(r.statusCode).toBe(200);
    if (r.statusCode !== 200) throw new Error("unreachable");
    expect(r.functionError).toBeNull();
    expect(JSON.parse(r.payload)).toEqual({ got: { orderId: 42 }, requestId: "req-echo-1" });
    const hit = fnService.hits.find((h) => h.headers["webhook-id"] === "req-echo-1")!;
    expect(hit.signatureValid).toBe(true);
    expect(hit.headers["lambda-runtime-invoked-function-arn"]).toBe(fn.arn);
    expect(Number(hit.headers["lambda-runtime-deadline-ms"])).toBeGreaterThan(Date.now() - 60_000);
    // An empty payload is the event {} as Lambda passes it.
    const empty = await invokeFunction(caller(), fn.arn, "");
    expect(empty.statusCode === 200 && JSON.parse(empty.payload)).toMatchObject({ got: {} });
  });

  it("reports function errors, timeouts, HTTP failures and non-JSON answers as Lambda does", async () => {
    await register("fail", "/fail");
    const failed = await invokeFunction(caller(), "fail", "{}");
    expect(failed.statusCode === 200 && failed.functionError).toBe("Unhandled");
    expect(failed.statusCode === 200 && JSON.parse(failed.payload)).toEqual({
      errorType: "OrderError",
      errorMessage: "no such order",
      stackTrace: ["at x"],
    });

    await register("slow", "/slow", { timeoutSeconds: 1 });
    const slow = await invokeFunction(caller(), "slow", "{}", { requestId: "req-slow" });
    expect(slow.statusCode === 200 && slow.functionError).toBe("Unhandled");
    expect(slow.statusCode === 200 && JSON.parse(slow.payload)).toEqual({
      errorType: "Sandbox.Timedout",
      errorMessage: "RequestId: req-slow Error: Task timed out after 1.00 seconds",
    });

    await register("boom", "/boom");
    const boom = await invokeFunction(caller(), "boom", "{}");
    expect(boom.statusCode === 200 && boom.functionError).toBe("Unhandled");
    expect(boom.statusCode === 200 && JSON.parse(boom.payload).errorMessage).toContain("HTTP 500");

    await register("text", "/text");
    const text = await invokeFunction(caller(), "text", "{}");
    expect(text.statusCode === 200 && JSON.parse(text.payload).errorType).toBe("Runtime.InvalidResponse");

    await register("empty", "/empty");
    const empty = await invokeFunction(caller(), "empty", "{}");
    expect(empty).toMatchObject({ statusCode: 200, payload: "null", functionError: null });
  });

  it("refuses bad payloads, unknown functions and qualifiers; DryRun only checks", async () => {
    await register("dry", "/echo");
    const bad = await refusal(invokeFunction(caller(), "dry", "{not json"));
    expect(bad.awsCode).toBe("InvalidRequestContentException");
    expect(bad.message).toMatch(/^Could not parse request body into json: Could not parse payload into json: /);
    const missing = await refusal(invokeFunction(caller(), "nope", "{}"));
    expect(missing.awsCode).toBe("ResourceNotFoundException");
    expect(missing.message).toBe(`Function not found: arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:nope`);
    const v2 = await refusal(invokeFunction(caller(), "dry:2", "{}"));
    expect(v2.message).toBe(`Function not found: arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:dry:2`);
    const other = await refusal(invokeFunction(caller(), "arn:aws:lambda:us-east-1:000000000000:function:dry", "{}"));
    expect(other.awsCode).toBe("AccessDeniedException");
    const before = fnService.hits.length;
    expect(await invokeFunction(caller(), "dry", "{}", { invocationType: "DryRun" })).toMatchObject({
      statusCode: 204,
    });
    expect(fnService.hits.length).toBe(before);
  });

  it("enforces the reserved concurrency: TooManyRequestsException while every slot is busy", async () => {
    await register("hold", "/hold", { reservedConcurrency: 1, timeoutSeconds: 30 });
    const first = invokeFunction(caller(), "hold", "{}");
    // wait until the first call reached the service
    while (!fnService.hits.some((h) => h.path === "/hold")) await new Promise((r) => setTimeout(r, 20));
    const second = await refusal(invokeFunction(caller(), "hold", "{}"));
    expect(second.awsCode).toBe("TooManyRequestsException");
    expect(second.awsStatus).toBe(429);
    release();
    expect(await first).toMatchObject({ statusCode: 200, payload: '"held"' });
    // the slot is free again
    const third = invokeFunction(caller(), "hold", "{}");
    while (fnService.hits.filter((h) => h.path === "/hold").length < 2) await new Promise((r) => setTimeout(r, 20));
    release();
    expect(await third).toMatchObject({ statusCode: 200 });

    await register("zero", "/echo", { reservedConcurrency: 0 });
    expect((await refusal(invokeFunction(caller(), "zero", "{}"))).awsCode).toBe("TooManyRequestsException");
  });

  it("updates, rotates the secret, pages and deletes", async () => {
    const fn = await register("upd", "/echo");
    const before = fn.revisionId;
    const u = await updateFunction(t.actor, t.tenant, fn.id, { timeoutSeconds: 10, description: "d" });
    expect(u).toMatchObject({ timeoutSeconds: 10, description: "d" });
    expect(u.revisionId).not.toBe(before);
    const secret = await rotateFunctionSecret(t.actor, t.tenant, "upd");
    fnService.secrets.set("/echo", secret);
    await invokeFunction(caller(), "upd", "{}", { requestId: "req-rotated" });
    expect(fnService.hits.find((h) => h.headers["webhook-id"] === "req-rotated")!.signatureValid).toBe(true);

    const t2 = await createTestTenant();
    for (const n of ["p-a", "p-b", "p-c"])
      await createFunction(t2.actor, t2.tenant, { name: n, url: `${fnService.url}/echo` });
    const p1 = await listFunctions(t2.actor, t2.tenant, { maxItems: 2 });
    expect(p1.functions.map((f) => f.name)).toEqual(["p-a", "p-b"]);
    const p2 = await listFunctions(t2.actor, t2.tenant, { maxItems: 2, marker: p1.nextMarker });
    expect(p2.functions.map((f) => f.name)).toEqual(["p-c"]);
    expect(p2.nextMarker).toBeNull();

    await deleteFunction(t.actor, t.tenant, "upd");
    expect((await refusal(getFunction(t.actor, t.tenant, "upd"))).awsCode).toBe("ResourceNotFoundException");
  });
});
