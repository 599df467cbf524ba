import { IncomingMessage } from "node:http";

// Body limits for the routes Next serves behind the lean front (sign-in, /api/trpc, pages and
// server actions). Next reads such bodies without any limit (100 MB to the sign-in callback,
// unauthenticated, was read whole), so the front reads them first and refuses oversized ones
// with 413 before Next sees the request.

/** Sign-in and other next-auth posts: small forms. */
export const AUTH_BODY_LIMIT = 64 * 1024;
/** Console tRPC calls: a 1 MiB message sent from the console, JSON-escaped, fits. */
export const TRPC_BODY_LIMIT = 4 * 1024 * 1024;
/** Everything else (pages, server actions): Next's own server-action default. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export function bodyLimitFor(url: string): number {
  if (url.startsWith("/api/auth/") || url === "/api/auth") return AUTH_BODY_LIMIT;
  if (url.startsWith("/api/trpc/") || url === "/api/trpc") return TRPC_BODY_LIMIT;
  return DEFAULT_BODY_LIMIT;
}

function hasBody(req: IncomingMessage): boolean {
  const len = req.headers["content-length"];
  return (len !== undefined && len !== "0") || req.headers["transfer-encoding"] !== undefined;
}

/**
 * The request to give Next: the original when it has no body; otherwise a replay of its body,
 * read here within `limit`. Null when the body is larger than `limit` (by Content-Length, or by
 * counting what arrives when it is chunked).
 */
export function bufferForNext(req: IncomingMessage, limit: number): Promise<IncomingMessage | null> {
  if (!hasBody(req)) return Promise.resolve(req);
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limit) return Promise.resolve(null);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let over = false;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        over = true;
        req.off("data", onData);
        chunks.length = 0;
        return resolve(null);
      }
      chunks.push(c);
    };
    req.on("data", onData);
    req.once("error", reject);
    req.once("end", () => {
      if (over) return;
      const replay = new IncomingMessage(req.socket);
      replay.method = req.method;
      replay.url = req.url;
      replay.httpVersion = req.httpVersion;
      replay.httpVersionMajor = req.httpVersionMajor;
      replay.httpVersionMinor = req.httpVersionMinor;
      replay.headers = req.headers;
      replay.rawHeaders = req.rawHeaders;
      replay.trailers = req.trailers;
      replay.push(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
      replay.push(null);
      replay.complete = true;
      resolve(replay);
    });
  });
}
