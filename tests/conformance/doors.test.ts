import http from "node:http";
import { NodeSha256 } from "../../server/core/sigv4/test-support";
import { SignatureV4 } from "@smithy/signature-v4";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// The data-plane doors under hostile or sloppy input (issue 8): actions looked up by name only,
// bodies with limits and AWS-shaped answers, strict decoding, no 500s for bad input.

let web: TestProcess & { url: string; port: number };
let t: TestTenant;

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb();
});
afterAll(async () => {
  await web?.stop();
});

const bearer = () => ({ authorization: `Bearer ${t.key.id}.${t.key.secret}` });

/** A query-protocol POST signed with SigV4 for `service` (the credential scope picks the service). */
async function signedQuery(service: string, form: string, secret = t.key.secret) {
  const signer = new SignatureV4({
    service,
    region: "us-east-1",
    credentials: { accessKeyId: t.key.id, secretAccessKey: secret },
    sha256: NodeSha256,
  });
  const headers = { host: `127.0.0.1:${web.port}`, "content-type": "application/x-www-form-urlencoded" };
  const s = await signer.sign({
    method: "POST",
    protocol: "http:",
    hostname: "127.0.0.1",
    port: web.port,
    path: "/api/aws",
    headers,
    body: form,
  });
  const r = await fetch(`${web.url}/api/aws`, {
    method: "POST",
    headers: s.headers as Record<string, string>,
    body: form,
  });
  return { status: r.status, text: await r.text() };
}

async function sqsJson(action: string, body: unknown) {
  const r = await fetch(`${web.url}/api/aws`, {
    method: "POST",
    headers: { ...bearer(), "x-amz-target": `AmazonSQS.${action}`, "content-type": "application/x-amz-json-1.0" },
    body: typeof body === "string" ? body : Buffer.isBuffer(body) ? new Uint8Array(body) : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, errortype: r.headers.get("x-amzn-errortype"), text, json: safeJson(text) };
}

async function query(form: string | Buffer, path = "/api/aws", qs = "") {
  const r = await fetch(`${web.url}${path}${qs}`, {
    method: "POST",
    headers: { ...bearer(), "content-type": "application/x-www-form-urlencoded" },
    body: typeof form === "string" ? form : new Uint8Array(form),
  });
  return { status: r.status, text: await r.text() };
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sends a body of `size` bytes with a raw client; resolves with the status (or the socket error). */
function rawPost(
  path: string,
  headers: Record<string, string>,
  size: number,
  opts: { chunked?: boolean } = {},
): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port: web.port,
        method: "POST",
        path,
        headers: { ...headers, ...(opts.chunked ? {} : { "content-length": String(size) }) },
      },
      (res) => {
        let body = "";
        res.on("data", (c) => (body += c));
        res.on("end", () => resolve({ status: res.statusCode, body }));
      },
    );
    req.on("error", (e) => resolve({ error: (e as NodeJS.ErrnoException).code ?? e.message }));
    const chunk = Buffer.alloc(64 * 1024, "a");
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        const n = Math.min(chunk.length, size - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once("drain", pump);
      }
      req.end();
    };
    pump();
  });
}

describe("actions are looked up by name only", () => {
  it.each(["constructor", "__proto__", "hasOwnProperty", "valueOf", "toString"])(
    "SQS JSON AmazonSQS.%s answers InvalidAction",
    async (action) => {
      const r = await sqsJson(action, {});
      expect(r.status, r.text).toBe(400);
      expect(r.json?.__type).toBe("com.amazonaws.sqs#InvalidAction");
      expect(r.errortype).toBe("com.amazonaws.sqs#InvalidAction");
      expect(r.text).not.toContain(t.tenant.id);
    },
  );

  it.each(["constructor", "__proto__", "hasOwnProperty", "valueOf"])(
    "query Action=%s answers InvalidAction (SQS by path, SNS and STS by scope, unscoped)",
    async (action) => {
      const bySqsPath = await query(`Action=${action}`, `/api/aws/${t.tenant.accountId}/some-queue`);
      expect(bySqsPath.status, bySqsPath.text).toBe(400);
      expect(bySqsPath.text).toContain("<Code>InvalidAction</Code>");
      const unscoped = await query(`Action=${action}`);
      expect(unscoped.status, unscoped.text).toBe(400);
      expect(unscoped.text).toContain("<Code>InvalidAction</Code>");
      for (const service of ["sqs", "sns", "sts"]) {
        const r = await signedQuery(service, `Action=${action}&Version=2012-11-05`);
        expect(r.status, `${service}: ${r.text}`).toBe(400);
        expect(r.text).toContain("<Code>InvalidAction</Code>");
      }
    },
  );
});

describe("errors in each service's own shape", () => {
  it("JSON errors carry the fully qualified shape id in x-amzn-errortype", async () => {
    const r = await sqsJson("GetQueueUrl", { QueueName: uniqueName("missing") });
    expect(r.status).toBe(400);
    expect(r.errortype).toBe("com.amazonaws.sqs#QueueDoesNotExist");
    expect(r.json?.__type).toBe("com.amazonaws.sqs#QueueDoesNotExist");
  });

  it("STS errors (even a bad signature, before the caller is known) use STS's namespace", async () => {
    const r = await signedQuery("sts", "Action=GetCallerIdentity&Version=2011-06-15", "wrong-secret");
    expect(r.status).toBe(403);
    expect(r.text).toContain('xmlns="https://sts.amazonaws.com/doc/2011-06-15/"');
    expect(r.text).toContain("<Code>SignatureDoesNotMatch</Code>");
  });
});

describe("body limits", () => {
  it("an oversized SQS JSON body gets RequestEntityTooLarge (413), not a reset connection", async () => {
    const r = await rawPost(
      "/api/aws",
      { ...bearer(), "x-amz-target": "AmazonSQS.SendMessage", "content-type": "application/x-amz-json-1.0" },
      8 * 1024 * 1024,
    );
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body!).__type).toBe("com.amazonaws.sqs#RequestEntityTooLarge");
  });

  it("an oversized chunked query body gets the XML error, counted as it streams", async () => {
    const r = await rawPost(
      "/api/aws",
      { ...bearer(), "content-type": "application/x-www-form-urlencoded" },
      5 * 1024 * 1024,
      { chunked: true },
    );
    expect(r.error).toBeUndefined();
    expect(r.status).toBe(413);
    expect(r.body).toContain("<Code>RequestEntityTooLarge</Code>");
  });

  it("REST answers oversized bodies with a 413 problem", async () => {
    const r = await rawPost("/api/v1/queues", { ...bearer(), "content-type": "application/json" }, 4 * 1024 * 1024);
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body!)).toMatchObject({ status: 413, code: "RequestEntityTooLarge" });
  });

  it.each([
    ["/api/auth/callback/credentials", false],
    ["/api/auth/callback/credentials", true],
    ["/api/trpc/queues.list", false],
    ["/some/page", true],
  ])(
    "routes served by Next refuse oversized bodies before Next reads them: %s (chunked: %s)",
    async (path, chunked) => {
      const r = await rawPost(path, { "content-type": "application/x-www-form-urlencoded" }, 6 * 1024 * 1024, {
        chunked,
      });
      expect(r.error).toBeUndefined();
      expect(r.status).toBe(413);
    },
  );
});

describe("bad input is a 4xx", () => {
  it("%00 in a queue path or QueueUrl is QueueDoesNotExist, not a database error", async () => {
    const a = await query("Action=GetQueueAttributes", `/api/aws/${t.tenant.accountId}/bad%00name`);
    expect(a.status, a.text).toBe(400);
    expect(a.text).toContain("NonExistentQueue");
    const b = await sqsJson("SendMessage", {
      QueueUrl: `${web.url}/api/aws/${t.tenant.accountId}/x%00y`,
      MessageBody: "m",
    });
    expect(b.status, b.text).toBe(400);
    expect(b.errortype).toBe("com.amazonaws.sqs#QueueDoesNotExist");
    const c = await sqsJson("GetQueueUrl", { QueueName: "x\u0000y" });
    expect(c.status, c.text).toBe(400);
  });

  it("a malformed % escape in a REST path is a 400 problem", async () => {
    const r = await fetch(`${web.url}/api/v1/queues/%E0%A4%A`, { headers: bearer() });
    expect(r.status).toBe(400);
    expect(((await r.json()) as { status: number }).status).toBe(400);
    const nul = await fetch(`${web.url}/api/v1/queues/a%00b`, { headers: bearer() });
    expect(nul.status).toBe(404);
  });

  it("invalid UTF-8 in a JSON body is InvalidMessageContents and nothing is stored", async () => {
    const name = uniqueName("utf8");
    const c = await sqsJson("CreateQueue", { QueueName: name });
    const url = c.json!.QueueUrl as string;
    const raw = Buffer.concat([
      Buffer.from(`{"QueueUrl":"${url}","MessageBody":"ab`),
      Buffer.from([0xff, 0xfe]),
      Buffer.from(`"}`),
    ]);
    const r = await sqsJson("SendMessage", raw);
    expect(r.status, r.text).toBe(400);
    expect(r.errortype).toBe("com.amazonaws.sqs#InvalidMessageContents");
    const got = await sqsJson("ReceiveMessage", { QueueUrl: url, MaxNumberOfMessages: 10 });
    expect(got.json?.Messages).toBeUndefined();
  });

  it("invalid UTF-8 in a query body or query string is refused", async () => {
    const name = uniqueName("utf8q");
    await sqsJson("CreateQueue", { QueueName: name });
    const path = `/api/aws/${t.tenant.accountId}/${name}`;
    const body = await query("Action=SendMessage&MessageBody=a%FF%FEb", path);
    expect(body.status, body.text).toBe(400);
    expect(body.text).toContain("<Code>InvalidMessageContents</Code>");
    const rawBytes = await query(
      Buffer.concat([Buffer.from("Action=SendMessage&MessageBody=a"), Buffer.from([0xc3])]),
      path,
    );
    expect(rawBytes.status).toBe(400);
    const qs = await query("", path, "?Action=SendMessage&MessageBody=%C3%28");
    expect(qs.status).toBe(400);
    const got = await sqsJson("ReceiveMessage", { QueueUrl: `${web.url}${path}`, MaxNumberOfMessages: 10 });
    expect(got.json?.Messages).toBeUndefined();
  });

  it("a repeated query parameter is refused and does nothing (Action=ListQueues&Action=DeleteQueue)", async () => {
    const name = uniqueName("dup");
    await sqsJson("CreateQueue", { QueueName: name });
    const path = `/api/aws/${t.tenant.accountId}/${name}`;
    const r = await query("Action=ListQueues&Action=DeleteQueue", path);
    expect(r.status).toBe(400);
    const across = await query("Action=DeleteQueue", path, "?Action=ListQueues");
    expect(across.status).toBe(400);
    const still = await sqsJson("GetQueueUrl", { QueueName: name });
    expect(still.status).toBe(200);
  });
});

describe("while PostgreSQL refuses connections", () => {
  let down: (TestProcess & { url: string }) | undefined;
  afterAll(async () => {
    await down?.stop();
  });

  it("answers 503 in each door's shape (ServiceUnavailable on the AWS door), not 500", async () => {
    // Port 1 on loopback: nothing listens, every connection is refused.
    down = await startWeb({ env: { DATABASE_URL: "postgresql://postgres@127.0.0.1:1/signalbox_down" } });
    const json = await fetch(`${down.url}/api/aws`, {
      method: "POST",
      headers: { ...bearer(), "x-amz-target": "AmazonSQS.ListQueues", "content-type": "application/x-amz-json-1.0" },
      body: "{}",
    });
    expect(json.status).toBe(503);
    expect(json.headers.get("x-amzn-errortype")).toBe("com.amazonaws.sqs#ServiceUnavailable");
    const xml = await fetch(`${down.url}/api/aws`, {
      method: "POST",
      headers: { ...bearer(), "content-type": "application/x-www-form-urlencoded" },
      body: "Action=ListTopics",
    });
    expect(xml.status).toBe(503);
    expect(await xml.text()).toContain("<Code>ServiceUnavailable</Code>");
    const rest = await fetch(`${down.url}/api/v1/queues`, { headers: bearer() });
    expect(rest.status).toBe(503);
    expect(((await rest.json()) as { status: number }).status).toBe(503);
  });
});

describe("long polls and the fair gate", () => {
  let one: (TestProcess & { url: string }) | undefined;
  afterAll(async () => {
    await one?.stop();
  });

  it("a waiting receive (AWS or REST) holds no gate slot: a send meanwhile goes through and wakes it", async () => {
    // One slot: if a long poll held it, the send would wait for the poll to end empty-handed.
    one = await startWeb({ env: { SIGNALBOX_DOOR_CONCURRENCY: "1" } });
    const base = one.url;
    const aws = async (action: string, body: unknown) => {
      const r = await fetch(`${base}/api/aws`, {
        method: "POST",
        headers: { ...bearer(), "x-amz-target": `AmazonSQS.${action}`, "content-type": "application/x-amz-json-1.0" },
        body: JSON.stringify(body),
      });
      return (await r.json()) as Record<string, unknown>;
    };
    const a = uniqueName("lpa");
    const b = uniqueName("lpb");
    await aws("CreateQueue", { QueueName: a });
    await aws("CreateQueue", { QueueName: b });
    const awsPoll = aws("ReceiveMessage", { QueueUrl: a, WaitTimeSeconds: 10 });
    const restPoll = fetch(`${base}/api/v1/queues/${b}/messages?waitSeconds=10`, { headers: bearer() }).then(
      (r) => r.json() as Promise<{ messages: Array<{ body: string }> }>,
    );
    // Let both polls start waiting before sending.
    await new Promise((r) => setTimeout(r, 500));
    await aws("SendMessage", { QueueUrl: a, MessageBody: "to-a" });
    await aws("SendMessage", { QueueUrl: b, MessageBody: "to-b" });
    const [ga, gb] = await Promise.all([awsPoll, restPoll]);
    expect((ga.Messages as Array<{ Body: string }>).map((m) => m.Body)).toEqual(["to-a"]);
    expect(gb.messages.map((m) => m.body)).toEqual(["to-b"]);
  });
});
