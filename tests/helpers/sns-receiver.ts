import http from "node:http";
import { X509Certificate, verify } from "node:crypto";
import { Webhook } from "standardwebhooks";

// A local webhook receiver for SNS tests (127.0.0.1 only). It verifies every SNS message exactly as
// AWS documents for receivers: fetch SigningCertURL, rebuild the string to sign from the message's
// fields, verify the RSA SHA-256 (SignatureVersion 2) signature with the certificate's public key;
// and, when given the subscription's secret, the Standard Webhooks signature with the
// `standardwebhooks` package. Written independently of the server's code on purpose.

export type Received = {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, string> | null;
  snsSignatureValid: boolean | null;
  webhookSignatureValid: boolean | null;
  status: number;
};

const certCache = new Map<string, string>();

export async function verifySnsSignature(msg: Record<string, string>): Promise<boolean> {
  if (msg.SignatureVersion !== "2") return false;
  let pem = certCache.get(msg.SigningCertURL!);
  if (!pem) {
    const res = await fetch(msg.SigningCertURL!);
    if (!res.ok) return false;
    pem = await res.text();
    certCache.set(msg.SigningCertURL!, pem);
  }
  const keys =
    msg.Type === "Notification"
      ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
      : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  let toSign = "";
  for (const k of keys) if (msg[k] !== undefined) toSign += `${k}\n${msg[k]}\n`;
  return verify(
    "sha256",
    Buffer.from(toSign, "utf8"),
    new X509Certificate(pem).publicKey,
    Buffer.from(msg.Signature!, "base64"),
  );
}

export type Behaviour = (path: string, count: number) => number;

export async function startReceiver(
  opts: { behaviour?: Behaviour; secrets?: Map<string, string>; autoConfirm?: boolean } = {},
) {
  const received: Received[] = [];
  const counts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", async () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const path = (req.url ?? "/").split("?")[0]!;
      const json = parseSnsEnvelope(body);
      const snsSignatureValid = json ? await verifySnsSignature(json).catch(() => false) : null;
      let webhookSignatureValid: boolean | null = null;
      const secret = opts.secrets?.get(path);
      if (secret && req.headers["webhook-signature"]) {
        try {
          new Webhook(secret).verify(body, {
            "webhook-id": String(req.headers["webhook-id"]),
            "webhook-timestamp": String(req.headers["webhook-timestamp"]),
            "webhook-signature": String(req.headers["webhook-signature"]),
          });
          webhookSignatureValid = true;
        } catch {
          webhookSignatureValid = false;
        }
      }
      let status = 200;
      if (json?.Type === "SubscriptionConfirmation") {
        if (opts.autoConfirm !== false && snsSignatureValid) await fetch(json.SubscribeURL!).catch(() => undefined);
      } else {
        // Count notifications only, so "fail twice" means two failed notification attempts.
        const n = (counts.get(path) ?? 0) + 1;
        counts.set(path, n);
        status = opts.behaviour ? opts.behaviour(path, n) : 200;
      }
      received.push({ path, headers: req.headers, body, json, snsSignatureValid, webhookSignatureValid, status });
      res.writeHead(status, { "content-type": "text/plain" });
      res.end(status < 300 ? "ok" : "nope");
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

export async function until<T>(
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 30_000,
  stepMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as T;
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

/** The body as an SNS envelope (an object with a `Type`), or null for anything else. */
function parseSnsEnvelope(body: string): Record<string, string> | null {
  try {
    const v = JSON.parse(body);
    return v && typeof v === "object" && "Type" in v ? v : null;
  } catch {
    return null;
  }
}
