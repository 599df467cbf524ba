import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// REST for tenant apps (/api/v1/queues): Bearer key, JSON, problem details, in the OpenAPI document.

let web: TestProcess & { url: string };
let t: TestTenant;

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb();
});
afterAll(async () => {
  await web?.stop();
});

async function call(method: string, path: string, body?: unknown) {
  const r = await fetch(`${web.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${t.key.id}.${t.key.secret}`,
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await r.text();
  return { status: r.status, type: r.headers.get("content-type"), json: text ? JSON.parse(text) : undefined };
}

describe("REST /api/v1/queues", () => {
  it("create, send, send batch, receive with wait, change visibility, delete, attributes, purge, delete queue", async () => {
    const name = uniqueName("rest");
    const c = await call("POST", "/api/v1/queues", { name, attributes: { VisibilityTimeout: "20" } });
    expect(c.status).toBe(201);
    expect(c.json).toMatchObject({
      name,
      fifo: false,
      created: true,
      url: `${web.url}/api/aws/${t.tenant.accountId}/${name}`,
    });
    const s = await call("POST", `/api/v1/queues/${name}/messages`, {
      body: "hi",
      attributes: { a: { dataType: "String", stringValue: "b" } },
    });
    expect(s.status).toBe(201);
    expect(s.json.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
    const b = await call("POST", `/api/v1/queues/${name}/messages/batch`, {
      messages: [{ body: "1" }, { body: "2", delaySeconds: 0 }, { body: "\u0000" }],
    });
    expect(b.json.successful.map((x: { index: number }) => x.index)).toEqual([0, 1]);
    expect(b.json.failed).toEqual([
      { index: 2, code: "InvalidMessageContents", message: expect.any(String), senderFault: true },
    ]);
    const r = await call("GET", `/api/v1/queues/${name}/messages?max=10&waitSeconds=1`);
    expect(r.json.messages.map((m: { body: string }) => m.body).sort()).toEqual(["1", "2", "hi"]);
    const hi = r.json.messages.find((m: { body: string }) => m.body === "hi");
    expect(hi.attributes).toEqual({ a: { dataType: "String", stringValue: "b" } });
    const v = await call("POST", `/api/v1/queues/${name}/messages/visibility`, {
      entries: [{ receiptHandle: hi.receiptHandle, visibilityTimeout: 0 }],
    });
    expect(v.json).toEqual({ changed: 1, failed: [] });
    const again = await call("GET", `/api/v1/queues/${name}/messages?max=10`);
    expect(again.json.messages.map((m: { body: string }) => m.body)).toEqual(["hi"]);
    const d = await call("POST", `/api/v1/queues/${name}/messages/delete`, {
      receiptHandles: [
        ...r.json.messages
          .filter((m: { body: string }) => m.body !== "hi")
          .map((m: { receiptHandle: string }) => m.receiptHandle),
        again.json.messages[0].receiptHandle,
      ],
    });
    expect(d.json).toEqual({ deleted: 3, failed: [] });
    const a = await call("PATCH", `/api/v1/queues/${name}/attributes`, { DelaySeconds: "1" });
    expect(a.json.attributes.DelaySeconds).toBe("1");
    const bad = await call("PATCH", `/api/v1/queues/${name}/attributes`, { DelaySeconds: "1000" });
    expect(bad.status).toBe(400);
    expect(bad.type).toContain("application/problem+json");
    expect(bad.json.code).toBe("InvalidAttributeValue");
    const g = await call("GET", `/api/v1/queues/${name}`);
    expect(g.json.attributes.ApproximateNumberOfMessages).toBe("0");
    expect((await call("POST", `/api/v1/queues/${name}/purge`)).json).toEqual({ purged: 0 });
    expect((await call("POST", `/api/v1/queues/${name}/purge`)).status).toBe(409);
    expect((await call("DELETE", `/api/v1/queues/${name}`)).status).toBe(204);
    const gone = await call("GET", `/api/v1/queues/${name}`);
    expect(gone.status).toBe(404);
    expect(gone.json.code).toBe("QueueDoesNotExist");
  });

  it("a long poll whose client hung up stops waiting and does not take the next message", async () => {
    const name = uniqueName("rest-abort");
    expect((await call("POST", "/api/v1/queues", { name })).status).toBe(201);
    const ac = new AbortController();
    const abandoned = fetch(`${web.url}/api/v1/queues/${name}/messages?waitSeconds=20`, {
      headers: { authorization: `Bearer ${t.key.id}.${t.key.secret}` },
      signal: ac.signal,
    }).then(
      () => "answered",
      (e: Error) => e.name,
    );
    await new Promise((r) => setTimeout(r, 300));
    ac.abort();
    expect(await abandoned).toBe("AbortError");
    const s = await call("POST", `/api/v1/queues/${name}/messages`, { body: "still here" });
    const r = await call("GET", `/api/v1/queues/${name}/messages?waitSeconds=1`);
    expect(r.json.messages.map((m: { messageId: string }) => m.messageId)).toEqual([s.json.messageId]);
    expect(r.json.messages[0].system.ApproximateReceiveCount).toBe("1");
  });

  it("is described in the OpenAPI document", async () => {
    const r = await fetch(`${web.url}/api/v1/openapi.json`);
    const doc = await r.json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/api/v1/queues",
        "/api/v1/queues/{name}",
        "/api/v1/queues/{name}/messages",
        "/api/v1/queues/{name}/messages/batch",
      ]),
    );
  });
});
