import http from "node:http";
import { Webhook } from "standardwebhooks";

// A local "function service" for function tests (127.0.0.1 only): it verifies the Standard Webhooks
// signature with the `standardwebhooks` package (written independently of the server's signing),
// records every call, and answers as the test's handler says (a result, a function error, a slow
// answer, an HTTP status).

export type FunctionHit = {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  signatureValid: boolean | null;
};

export type Answer = { status?: number; headers?: Record<string, string | undefined>; body?: string; delayMs?: number };
export type FunctionHandler = (event: unknown, hit: FunctionHit, count: number) => Answer | Promise<Answer>;

export async function startFunctionReceiver(handler: FunctionHandler) {
  const hits: FunctionHit[] = [];
  const secrets = new Map<string, string>(); // path → whsec_ secret
  let inFlight = 0;
  let maxInFlight = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      try {
        const body = Buffer.concat(chunks).toString("utf8");
        const path = (req.url ?? "/").split("?")[0]!;
        const secret = secrets.get(path);
        let signatureValid: boolean | null = null;
        if (secret) {
          try {
            new Webhook(secret).verify(body, {
              "webhook-id": String(req.headers["webhook-id"]),
              "webhook-timestamp": String(req.headers["webhook-timestamp"]),
              "webhook-signature": String(req.headers["webhook-signature"]),
            });
            signatureValid = true;
          } catch {
            signatureValid = false;
          }
        }
        const hit = { path, headers: req.headers, body, signatureValid };
        hits.push(hit);
        let event: unknown = null;
        try {
          event = JSON.parse(body);
        } catch {
          event = body;
        }
        const a = await handler(event, hit, hits.filter((h) => h.path === path).length);
        if (a.delayMs) await new Promise((r) => setTimeout(r, a.delayMs));
        if (res.destroyed) return;
        const headers: Record<string, string> = { "content-type": "application/json" };
        for (const [k, v] of Object.entries(a.headers ?? {})) if (v !== undefined) headers[k] = v;
        res.writeHead(a.status ?? 200, headers);
        res.end(a.body ?? "");
      } finally {
        inFlight--;
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    secrets,
    maxInFlight: () => maxInFlight,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
