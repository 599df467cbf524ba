import { spawn, type ChildProcess } from "node:child_process";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { createFunction } from "../../server/domains/functions/function.service";
import { invokeFunction } from "../../server/domains/functions/function.invoke";
import { adapterSnippet } from "../../components/functions/snippets";

// The README's ten-line adapter (README.md, section "Functions"), taken from the document itself and run
// with node in front of an ordinary Lambda handler: Signalbox's signed invocations pass the
// standardwebhooks verification, the handler's result and its thrown error come back as Lambda
// reports them, and an unsigned request is refused.

const root = path.resolve(import.meta.dirname, "../..");
const dir = path.join(root, ".data", `adapter-${randomUUID().slice(0, 8)}`);
let child: ChildProcess | undefined;
let t: TestTenant;
let port = 0;
let output = "";

function adapterFromReadme(): string {
  const md = readFileSync(path.join(root, "README.md"), "utf8");
  const section = md.slice(md.indexOf("### Run an existing Lambda handler"));
  const m = /```js\n([\s\S]*?)```/.exec(section);
  if (!m) throw new Error("no js block in the README's adapter section");
  return m[1]!;
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const p = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return p;
}

beforeAll(async () => {
  t = await createTestTenant();
  port = await freePort();
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "adapter.mjs"), adapterFromReadme());
  writeFileSync(
    path.join(dir, "index.mjs"),
    `export const handler = async (event, context) => {
  if (event.fail) throw new TypeError("order " + event.orderId + " is invalid");
  return { statusCode: 200, orderId: event.orderId, requestId: context.awsRequestId, arn: context.invokedFunctionArn, left: context.getRemainingTimeInMillis() > 0 };
};\n`,
  );
  const { secret } = await createFunction(t.actor, t.tenant, {
    name: "adapted",
    url: `http://127.0.0.1:${port}/`,
    timeoutSeconds: 10,
  });
  const proc = spawn(process.execPath, [path.join(dir, "adapter.mjs")], {
    cwd: dir,
    env: { NODE_ENV: "production", PATH: process.env.PATH, PORT: String(port), SIGNALBOX_FUNCTION_SECRET: secret },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child = proc;
  proc.stdout!.on("data", (d) => (output += d));
  proc.stderr!.on("data", (d) => (output += d));
  for (let i = 0; i < 100; i++) {
    const up = await fetch(`http://127.0.0.1:${port}/`, { method: "POST", body: "{}" }).then(
      () => true,
      () => false,
    );
    if (up) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`adapter did not start:\n${output}`);
});
afterAll(() => {
  if (child?.pid && child.exitCode === null) process.kill(child.pid);
  rmSync(dir, { recursive: true, force: true });
});

describe("the README's Lambda adapter", () => {
  it("is the one the console shows", () => {
    expect(adapterSnippet().trim()).toBe(adapterFromReadme().trim());
  });

  it("runs the handler for a signed invocation and returns its result", async () => {
    const r = await invokeFunction({ actor: t.actor, tenant: t.tenant }, "adapted", '{"orderId":42}', {
      requestId: "adapter-req-1",
    });
    expect(r.statusCode === 200 && r.functionError).toBeNull();
    expect(r.statusCode === 200 && JSON.parse(r.payload)).toEqual({
      statusCode: 200,
      orderId: 42,
      requestId: "adapter-req-1",
      arn: `arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:adapted`,
      left: true,
    });
  });

  it("reports the handler's thrown error as a function error", async () => {
    const r = await invokeFunction({ actor: t.actor, tenant: t.tenant }, "adapted", '{"orderId":7,"fail":true}');
    expect(r.statusCode === 200 && r.functionError).toBe("Unhandled");
    expect(r.statusCode === 200 && JSON.parse(r.payload)).toEqual({
      errorType: "TypeError",
      errorMessage: "order 7 is invalid",
    });
  });

  it("refuses a request without a valid signature", async () => {
    const res = await fetch(`http://127.0.0.1:${port}/`, {
      method: "POST",
      headers: {
        "webhook-id": "x",
        "webhook-timestamp": String(Math.floor(Date.now() / 1000)),
        "webhook-signature": "v1,AAAA",
      },
      body: "{}",
    });
    expect(res.status).toBe(401);
  });
});
