import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { AppError } from "../core/errors";

// Small helpers shared by the data-plane doors (node:http, no framework on the hot path).

export const MAX_REQUEST_BYTES = 3 * 1024 * 1024; // 1 MiB messages, base64 attributes, batch overhead

export function readBody(req: IncomingMessage, limit = MAX_REQUEST_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(new AppError("too_large", `Request body exceeds ${limit} bytes`));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
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
