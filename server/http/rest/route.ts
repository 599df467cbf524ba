import type { IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { AppError, isAppError } from "../../core/errors";
import { logger, type Logger } from "../../logger";
import { authenticate, type Authenticated } from "../authenticate";
import { throttleTenant } from "../throttle";
import { clientGone, publicBaseUrl, readBody, requestId, send, sendJson } from "../request";

// One builder for every REST route (/api/v1): key → tenant → zod → handler → error map.
// Errors are RFC 9457 problem details: {type, title, status, detail, code, errors?}.

// signal: aborted when the client disconnects before the reply (long polls stop waiting).
export type RestContext = Authenticated & {
  requestId: string;
  log: Logger;
  baseUrl: string;
  params: Record<string, string>;
  query: URLSearchParams;
  signal?: AbortSignal;
};

export type RestRoute = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string; // e.g. /api/v1/queues/:name/messages
  summary: string;
  tag: string;
  body?: z.ZodType;
  query?: z.ZodType;
  response?: z.ZodType;
  status?: number;
  public?: boolean;
  handler: (ctx: RestContext, input: { body: unknown; query: unknown }) => Promise<unknown>;
  matcher?: RegExp;
  keys?: string[];
};

/** A handler may return this to answer with a non-JSON body (e.g. a PEM certificate). */
export class RawReply {
  constructor(
    public body: string | Buffer,
    public contentType: string,
    public status = 200,
  ) {}
}

export function defineRoute(r: RestRoute): RestRoute {
  const keys: string[] = [];
  const pattern = r.path.replace(/:([a-zA-Z]+)/g, (_, k) => {
    keys.push(k);
    return "([^/]+)";
  });
  return { ...r, matcher: new RegExp(`^${pattern}/?$`), keys };
}

export function problem(res: ServerResponse, err: AppError, rid: string): void {
  const status = err.mapping.http;
  const headers: Record<string, string> = { "content-type": "application/problem+json", "x-request-id": rid };
  if (err.retryAfterSeconds) headers["retry-after"] = String(err.retryAfterSeconds);
  send(
    res,
    status,
    headers,
    JSON.stringify({
      type: `https://signalbox.dev/problems/${err.code}`,
      title: err.mapping.title,
      status,
      detail: err.message,
      code: err.awsCode ?? err.code,
      ...(err.fieldErrors ? { errors: err.fieldErrors } : {}),
      requestId: rid,
    }),
  );
}

function zodToAppError(e: z.ZodError, where: "body" | "query"): AppError {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of e.issues) {
    const key = [where, ...issue.path.map(String)].join(".");
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return new AppError(
    "validation",
    `Invalid ${where}: ${e.issues.map((i) => `${i.path.join(".") || where}: ${i.message}`).join("; ")}`,
    { fieldErrors },
  );
}

export function createRestHandler(routes: RestRoute[]) {
  return async function handleRest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rid = requestId(req);
    const startedAt = performance.now();
    let log = logger.child({ requestId: rid });
    const signal = clientGone(res);
    const url = new URL(req.url ?? "/", "http://x");
    try {
      const candidates = routes.filter((r) => r.matcher!.test(url.pathname));
      if (candidates.length === 0) throw new AppError("not_found", `No route ${url.pathname}.`);
      const route = candidates.find((r) => r.method === req.method);
      if (!route) {
        res.setHeader("allow", candidates.map((c) => c.method).join(", "));
        throw new AppError("validation", `Method ${req.method} is not allowed here.`);
      }
      const m = route.matcher!.exec(url.pathname)!;
      const params = Object.fromEntries(route.keys!.map((k, i) => [k, decodeURIComponent(m[i + 1])]));
      const raw = await readBody(req);
      const auth = route.public ? null : await authenticate(req, raw);
      if (auth) {
        log = log.child({ tenantId: auth.tenant.id, actor: auth.actor.keyId });
        throttleTenant(auth.tenant.id);
      }
      let body: unknown = undefined;
      if (route.body) {
        let json: unknown = {};
        if (raw.length) {
          try {
            json = JSON.parse(raw.toString("utf8"));
          } catch {
            throw new AppError("validation", "The request body is not valid JSON.");
          }
        }
        const parsed = route.body.safeParse(json);
        if (!parsed.success) throw zodToAppError(parsed.error, "body");
        body = parsed.data;
      }
      let query: unknown = undefined;
      if (route.query) {
        const parsed = route.query.safeParse(Object.fromEntries(url.searchParams));
        if (!parsed.success) throw zodToAppError(parsed.error, "query");
        query = parsed.data;
      }
      const ctx = {
        ...(auth as Authenticated),
        requestId: rid,
        log,
        baseUrl: publicBaseUrl(req),
        params,
        query: url.searchParams,
        signal,
      };
      const result = await route.handler(ctx, { body, query });
      if (result === undefined || route.status === 204) {
        res.writeHead(204, { "x-request-id": rid });
        res.end();
      } else if (result instanceof RawReply)
        send(res, result.status, { "content-type": result.contentType, "x-request-id": rid }, result.body);
      else sendJson(res, route.status ?? 200, result, { "x-request-id": rid });
      log.debug(
        {
          method: req.method,
          route: route.path,
          status: res.statusCode,
          ms: Math.round(performance.now() - startedAt),
        },
        "rest request",
      );
    } catch (e) {
      const err = isAppError(e) ? e : new AppError("internal", "Internal error", { cause: e });
      if (err.code === "internal") log.error({ err: e }, "rest request failed");
      problem(res, err, rid);
    }
  };
}
