import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { AppError } from "../core/errors";

// Small helpers shared by the data-plane doors (node:http, no framework on the hot path).

export const MAX_REQUEST_BYTES = 3 * 1024 * 1024; // 1 MiB messages, base64 attributes, batch overhead
/** Past this many bytes an oversized upload is cut off instead of drained (keeps a slow flood cheap). */
const MAX_DRAIN_BYTES = 16 * 1024 * 1024;

export function tooLarge(limit: number): AppError {
  return new AppError("too_large", `The request body is larger than ${limit} bytes.`, {
    awsCode: "RequestEntityTooLarge",
    awsStatus: 413,
  });
}

/**
 * Throws the rest of a refused body away, so the client (still uploading) reads our answer
 * instead of a connection reset; a client that keeps sending past MAX_DRAIN_BYTES is cut off.
 */
export function drain(req: IncomingMessage, already = 0): void {
  let seen = already;
  req.removeAllListeners("data");
  req.on("data", (c: Buffer) => {
    seen += c.length;
    if (seen > MAX_DRAIN_BYTES) req.socket?.destroy();
  });
  req.on("error", () => {});
  req.resume();
}

/** The whole body, or `too_large` (413) as soon as Content-Length or the bytes received pass `limit`. */
export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > limit) {
      drain(req);
      return reject(tooLarge(limit));
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        chunks.length = 0;
        drain(req, size);
        reject(tooLarge(limit));
        return;
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.on("end", () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Aborted when the client goes away before we answered (socket closed, request aborted), so a
 * long poll can stop waiting. Watches the response: on Node 20 the request's own 'close' fires as
 * soon as its body has been read, not when the connection drops.
 */
export function clientGone(res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  if (res.destroyed || res.socket?.destroyed) ac.abort();
  else
    res.once("close", () => {
      if (!res.writableFinished) ac.abort();
    });
  return ac.signal;
}

export function requestId(req: IncomingMessage): string {
  const given = req.headers["x-request-id"];
  return typeof given === "string" && /^[\w-]{8,64}$/.test(given) ? given : randomUUID();
}

export function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: string | Buffer,
): void {
  const buf = typeof body === "string" ? Buffer.from(body) : body;
  res.writeHead(status, { ...headers, "content-length": String(buf.length) });
  res.end(buf);
}

export function sendJson(
  res: ServerResponse,
  status: number,
  data: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, { "content-type": "application/json", ...headers }, JSON.stringify(data));
}

/** The base URL clients used to reach us (queue URLs, SubscribeURL, SigningCertURL). */
export function publicBaseUrl(req: IncomingMessage): string {
  if (process.env.SIGNALBOX_PUBLIC_URL) return process.env.SIGNALBOX_PUBLIC_URL.replace(/\/$/, "");
  const proto = (req.headers["x-forwarded-proto"] as string | undefined)?.split(",")[0]?.trim() || "http";
  const host = (req.headers["x-forwarded-host"] as string | undefined) || req.headers.host || "localhost";
  return `${proto}://${host}`;
}
