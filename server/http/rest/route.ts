import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { z } from "zod";
import { AppError, toAppError } from "../../core/errors";
import { decodePathSegment, decodeUtf8, parseForm } from "../wire";
import { logger, type Logger } from "../../logger";
import { authenticate, type Authenticated } from "../authenticate";
import { doorGate, throttleCaller } from "../throttle";
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
  /** The request's headers and body as received (routes that verify a signature over the bytes). */
  headers: IncomingHttpHeaders;
  rawBody: Buffer;
};

export type RestRoute<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> = {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  path: string; // e.g. /api/v1/queues/:name/messages
  summary: string;
  tag: string;
  body?: B;
  query?: Q;
  response?: z.ZodType;
  status?: number;
  public?: boolean;
  /** Requests that mostly wait (long polls) run outside the fair gate. */
  waiting?: boolean;
  /** Gets the body and query as their schemas parsed them. */
  handler: (ctx: RestContext, input: { body: z.output<B>; query: z.output<Q> }) => Promise<unknown>;
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

export function defineRoute<B extends z.ZodType = z.ZodUndefined, Q extends z.ZodType = z.ZodUndefined>(
  r: RestRoute<B, Q>,
): RestRoute {
  const keys: string[] = [];
  const pattern = r.path.replace(/:([a-zA-Z]+)/g, (_, k) => {
    keys.push(k);
    return "([^/]+)";
  });
  // The handler's input type is tied to its own schemas; the table holds routes of any schemas.
  return { ...r, matcher: new RegExp(`^${pattern}/?$`), keys } as unknown as RestRoute;
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
    const rawUrl = req.url ?? "/";
    const qi = rawUrl.indexOf("?");
    const pathname = qi < 0 ? rawUrl : rawUrl.slice(0, qi);
    try {
      const candidates = routes.filter((r) => r.matcher!.test(pathname));
      if (candidates.length === 0) throw new AppError("not_found", `No route ${pathname}.`);
      const route = candidates.find((r) => r.method === req.method);
      if (!route) {
        res.setHeader("allow", candidates.map((c) => c.method).join(", "));
        throw new AppError("validation", `Method ${req.method} is not allowed here.`);
      }
      const m = route.matcher!.exec(pathname)!;
      const params = Object.fromEntries(route.keys!.map((k, i) => [k, decodePathSegment(m[i + 1])]));
      const searchParams = parseForm(qi < 0 ? "" : rawUrl.slice(qi + 1));
      const raw = await readBody(req);
      const auth = route.public ? null : await authenticate(req, raw);
      if (auth) {
        log = log.child({ tenantId: auth.tenant.id, actor: auth.actor.keyId });
        await throttleCaller(auth);
      }
      let body: unknown = undefined;
      if (route.body) {
        let json: unknown = {};
        if (raw.length) {
          const text = decodeUtf8(raw);
          try {
            json = JSON.parse(text);
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
        const parsed = route.query.safeParse(Object.fromEntries(searchParams));
        if (!parsed.success) throw zodToAppError(parsed.error, "query");
        query = parsed.data;
      }
      const ctx = {
        ...(auth as Authenticated),
        requestId: rid,
        log,
        baseUrl: publicBaseUrl(req),
        params,
        query: searchParams,
        signal,
        headers: req.headers,
        rawBody: raw,
      };
      const result =
        route.waiting || !auth
          ? await route.handler(ctx, { body, query })
          : await doorGate().run(auth.tenant.id, () => route.handler(ctx, { body, query }));
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
      const err = toAppError(e);
      if (err.code === "internal") log.error({ err: e }, "rest request failed");
      else if (err.code === "unavailable") log.warn({ err: e }, "rest request: database unavailable");
      if (!res.headersSent) problem(res, err, rid);
      else res.destroy();
    }
  };
}
