import type { IncomingMessage } from "node:http";
import { jsonPath } from "../../core/apis/jsonpath";
import type { TemplateParams } from "../../core/apis/vtl";

// One request as the gateway sees it: the method request (path, query string and headers, single
// and multi-valued), the body, and the $context variables; plus the parameter mapping expressions
// API Gateway evaluates against them (method.request.*, stageVariables.*, context.*, 'literal').

export type MethodRequest = {
  httpMethod: string;
  /** The path below the stage, e.g. /pets/7 */
  path: string;
  pathParams: Record<string, string>;
  query: Record<string, string>;
  multiQuery: Record<string, string[]>;
  headers: Record<string, string>;
  multiHeaders: Record<string, string[]>;
  body: Buffer;
  stageVariables: Record<string, string>;
  context: Record<string, unknown>;
};

const HOP_BY_HOP = new Set([
  "connection",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
]);
export const isHopByHop = (h: string) => HOP_BY_HOP.has(h.toLowerCase());

// Each header record readHeaders builds (single and multi-valued, same keys), with its names by lower
// case: headerKey answers from it in one lookup instead of lower-casing every name on every call (a
// request asks for several).
const byLowerName = new WeakMap<object, Map<string, string>>();

/** Headers with their original spelling: the last value in `headers`, all in `multiHeaders`. */
export function readHeaders(req: IncomingMessage): {
  headers: Record<string, string>;
  multi: Record<string, string[]>;
} {
  const headers: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  // Lower-cased name → the spelling first seen (repeats in another case join it, as before).
  const names = new Map<string, string>();
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const lower = name.toLowerCase();
    let key = names.get(lower);
    if (key === undefined) names.set(lower, (key = name));
    (multi[key] ??= []).push(raw[i + 1]!);
    headers[key] = raw[i + 1]!;
  }
  byLowerName.set(headers, names);
  byLowerName.set(multi, names);
  return { headers, multi };
}

export function readQuery(raw: string): { query: Record<string, string>; multi: Record<string, string[]> } {
  const query: Record<string, string> = {};
  const multi: Record<string, string[]> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    (multi[k] ??= []).push(v);
    query[k] = v;
  }
  return { query, multi };
}

/** The key a header is stored under in `headers`, whatever its case (the first in order when several). */
export function headerKey(headers: Record<string, unknown>, name: string): string | undefined {
  const lower = name.toLowerCase();
  const k = byLowerName.get(headers)?.get(lower);
  if (k !== undefined && k in headers) return k;
  // Records built elsewhere (responses, test invoke), or a name added after readHeaders.
  for (const h in headers) if (h === name || h.toLowerCase() === lower) return h;
  return undefined;
}

export function headerValue(headers: Record<string, string>, name: string): string | undefined {
  const k = headerKey(headers, name);
  return k === undefined ? undefined : headers[k];
}

export function templateParams(r: MethodRequest): TemplateParams {
  return { path: r.pathParams, querystring: r.query, header: r.headers };
}

function contextValue(ctx: Record<string, unknown>, path: string): unknown {
  let v: unknown = ctx;
  for (const k of path.split(".")) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v;
}

const stringOf = (v: unknown): string | undefined =>
  v === undefined || v === null ? undefined : typeof v === "string" ? v : JSON.stringify(v);

/**
 * Evaluates a request mapping expression: `method.request.path.id`, `method.request.querystring.q`,
 * `method.request.header.h`, `method.request.multivaluequerystring.q` (comma-joined),
 * `method.request.body` / `method.request.body.JSONPath`, `stageVariables.x`, `context.x.y`, `'literal'`.
 */
export function mapRequestValue(r: MethodRequest, expr: string): string | undefined {
  const lit = /^'(.*)'$/s.exec(expr);
  if (lit) return lit[1];
  if (expr.startsWith("stageVariables.")) return r.stageVariables[expr.slice("stageVariables.".length)];
  if (expr.startsWith("context.")) return stringOf(contextValue(r.context, expr.slice("context.".length)));
  const m = /^method\.request\.(path|querystring|multivaluequerystring|header|multivalueheader|body)(?:\.(.*))?$/s.exec(
    expr,
  );
  if (!m) return undefined;
  const [, where, name] = m;
  switch (where) {
    case "path":
      return name === undefined ? undefined : r.pathParams[name];
    case "querystring":
      return name === undefined ? undefined : r.query[name];
    case "multivaluequerystring":
      return name === undefined ? undefined : r.multiQuery[name]?.join(",");
    case "header":
      return name === undefined ? undefined : headerValue(r.headers, name);
    case "multivalueheader": {
      const k = headerKey(r.multiHeaders, name ?? "");
      return k === undefined ? undefined : r.multiHeaders[k]!.join(",");
    }
    case "body": {
      const text = r.body.toString("utf8");
      if (name === undefined) return text;
      try {
        return stringOf(jsonPath(JSON.parse(text), `$.${name}`));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

/** Evaluates a response mapping expression against an integration's response. */
export function mapResponseValue(
  expr: string,
  res: { headers: Record<string, string>; body: string },
  r: MethodRequest,
): string | undefined {
  const lit = /^'(.*)'$/s.exec(expr);
  if (lit) return lit[1];
  if (expr.startsWith("stageVariables.")) return r.stageVariables[expr.slice("stageVariables.".length)];
  if (expr.startsWith("context.")) return stringOf(contextValue(r.context, expr.slice("context.".length)));
  if (expr.startsWith("integration.response.header."))
    return headerValue(res.headers, expr.slice("integration.response.header.".length));
  if (expr.startsWith("integration.response.multivalueheader."))
    return headerValue(res.headers, expr.slice("integration.response.multivalueheader.".length));
  if (expr === "integration.response.body") return res.body;
  if (expr.startsWith("integration.response.body.")) {
    try {
      return stringOf(jsonPath(JSON.parse(res.body), `$.${expr.slice("integration.response.body.".length)}`));
    } catch {
      return undefined;
    }
  }
  if (expr.startsWith("method.request.")) return mapRequestValue(r, expr);
  return undefined;
}

/** `${stageVariables.name}` in an integration URI (or function ARN). */
export function withStageVariables(s: string, vars: Record<string, string>): string {
  return s.replace(/\$\{stageVariables\.([A-Za-z0-9_]+)\}/g, (_, n: string) => vars[n] ?? "");
}
