import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseAllowList } from "../core/net/ip-guard";
import { guardedRequest } from "./guarded-http";

// The one HTTP client for tenant-chosen URLs. Only literal IPs and 127.0.0.1 receivers are used:
// nothing is ever sent to a non-loopback address (refusals happen before connecting).

const none = parseAllowList("").list;
const loopback = parseAllowList("127.0.0.1/32").list;
let server: http.Server;
let base: string;
const hits: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    hits.push(req.url!);
    if (req.url === "/redirect-metadata")
      return void res.writeHead(302, { location: "http://169.254.169.254/latest/meta-data/" }).end();
    if (req.url === "/redirect-ok") return void res.writeHead(301, { location: "/ok" }).end();
    if (req.url === "/big") return void res.writeHead(200).end("x".repeat(100_000));
    if (req.url === "/slow") return void setTimeout(() => res.writeHead(200).end("late"), 2_000);
    res.writeHead(200, { "x-echo": "1" }).end("ok");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(
  () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    }),
);

describe("guarded HTTP client", () => {
  it.each([
    "http://10.0.0.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",
    "http://[::ffff:a9fe:a9fe]/hook",
    "http://[fd00:ec2::254]/hook",
    "http://[fe80::1]/hook",
    "http://192.168.1.1/hook",
    "http://172.16.0.1/hook",
    "http://100.64.0.1/hook",
    "http://0.0.0.0/hook",
  ])("refuses %s without an allow-list entry", async (url) => {
    const r = await guardedRequest({ url, allowList: none, totalTimeoutMs: 1000 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.kind).toBe("blocked");
  });

  it("refuses loopback unless allow-listed, also when reached through a host name", async () => {
    const blocked = await guardedRequest({ url: `${base}/ok`, allowList: none });
    expect(blocked).toMatchObject({ ok: false, kind: "blocked" });
    const viaName = await guardedRequest({ url: base.replace("127.0.0.1", "localhost") + "/ok", allowList: none });
    expect(viaName).toMatchObject({ ok: false });
    expect(hits).toHaveLength(0);
    const allowed = await guardedRequest({ url: `${base}/ok`, allowList: loopback });
    expect(allowed).toMatchObject({ ok: true, status: 200, address: "127.0.0.1" });
    if (allowed.ok) expect(allowed.body.toString()).toBe("ok");
  });

  it("allow-listing 127.0.0.1 does not open ::1 or 10.0.0.1", async () => {
    expect(await guardedRequest({ url: "http://[::1]:9/x", allowList: loopback })).toMatchObject({
      ok: false,
      kind: "blocked",
    });
    expect(await guardedRequest({ url: "http://10.0.0.1:9/x", allowList: loopback })).toMatchObject({
      ok: false,
      kind: "blocked",
    });
  });

  it("does not follow redirects by default, and re-checks every hop when it does", async () => {
    expect(await guardedRequest({ url: `${base}/redirect-ok`, allowList: loopback })).toMatchObject({
      ok: true,
      status: 301,
    });
    expect(await guardedRequest({ url: `${base}/redirect-ok`, allowList: loopback, maxRedirects: 2 })).toMatchObject({
      ok: true,
      status: 200,
    });
    expect(
      await guardedRequest({ url: `${base}/redirect-metadata`, allowList: loopback, maxRedirects: 2 }),
    ).toMatchObject({ ok: false, kind: "blocked", address: "169.254.169.254" });
  });

  it("caps the response body and enforces the total timeout", async () => {
    const big = await guardedRequest({ url: `${base}/big`, allowList: loopback, maxResponseBytes: 4096 });
    expect(big).toMatchObject({ ok: true, status: 200, truncated: true });
    if (big.ok) expect(big.body.length).toBe(4096);
    expect(await guardedRequest({ url: `${base}/slow`, allowList: loopback, totalTimeoutMs: 300 })).toMatchObject({
      ok: false,
      kind: "timeout",
    });
  });

  it("rejects other schemes and credentials in URLs", async () => {
    expect(await guardedRequest({ url: "file:///etc/passwd", allowList: loopback })).toMatchObject({
      ok: false,
      kind: "bad_url",
    });
    expect(await guardedRequest({ url: `http://u:p@127.0.0.1:1/`, allowList: loopback })).toMatchObject({
      ok: false,
      kind: "bad_url",
    });
  });
});
