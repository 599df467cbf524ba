import http from "node:http";
import { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bufferForNext } from "./front-limits";
import { drain } from "./request";

// The front reads bodies bound for Next itself (within a limit) and hands Next a replay. The replay
// must read like the original request, whichever way a handler consumes it.

let server: http.Server;
let port: number;
const LIMIT = 1024;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const replay = await bufferForNext(req, LIMIT);
    if (!replay) {
      drain(req);
      res.writeHead(413).end();
      return;
    }
    let body: string;
    const how = req.headers["x-read"];
    if (how === "web") body = await new Response(Readable.toWeb(replay) as ReadableStream).text();
    else if (how === "events")
      body = await new Promise<string>((resolve) => {
        let s = "";
        replay.on("data", (c: Buffer) => (s += c));
        replay.on("end", () => resolve(s));
      });
    else {
      body = "";
      for await (const c of replay) body += c;
    }
    res.writeHead(200, { "x-method": replay.method ?? "", "x-url": replay.url ?? "" }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  port = (server.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise((r) => server.close(r));
});

describe("bufferForNext", () => {
  it.each(["iterate", "web", "events"])("replays the body, method and url (read by %s)", async (how) => {
    const r = await fetch(`http://127.0.0.1:${port}/api/auth/callback/credentials?x=1`, {
      method: "POST",
      headers: { "x-read": how, "content-type": "application/x-www-form-urlencoded" },
      body: "email=a%40b.c&password=secret",
    });
    expect(r.status).toBe(200);
    expect(await r.text()).toBe("email=a%40b.c&password=secret");
    expect(r.headers.get("x-method")).toBe("POST");
    expect(r.headers.get("x-url")).toBe("/api/auth/callback/credentials?x=1");
  });

  it("passes requests without a body through and refuses bodies over the limit", async () => {
    const get = await fetch(`http://127.0.0.1:${port}/page`);
    expect(get.status).toBe(200);
    const big = await fetch(`http://127.0.0.1:${port}/page`, { method: "POST", body: "x".repeat(LIMIT + 1) });
    expect(big.status).toBe(413);
  });
});
