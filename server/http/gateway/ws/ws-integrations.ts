import { callFunction } from "../../../domains/functions/function.call";
import { resolveFunctionRef } from "../../../domains/functions/function.service";
import type { Wire } from "../../../domains/apis/ws/ws-api.service";
import { guardedRequest } from "../../../platform/guarded-http";
import { renderTemplate } from "../../../core/apis/vtl";
import { logger } from "../../../logger";

// A WebSocket route's integration: AWS_PROXY (a function with the Lambda WebSocket event; its
// { statusCode, body } is the answer), HTTP_PROXY (the message POSTed to the backend as is), HTTP
// (the message through the request template) and MOCK (the request template's statusCode, the
// integration response's template as the answer).
//
// Binary: a binary client frame reaches AWS_PROXY base64 with isBase64Encoded true (a proxy answer
// with isBase64Encoded true goes back as a binary frame); HTTP(_PROXY) backends get its bytes unless
// the integration's contentHandlingStrategy is CONVERT_TO_TEXT (then the base64 text), and a text
// frame is decoded from base64 to bytes with CONVERT_TO_BINARY. A backend's non-UTF-8 answer goes
// back binary, or as base64 text when the integration response says CONVERT_TO_TEXT.

export type WsTenant = { id: string; accountId: string; slug: string; name: string };
/** `binary`: `body` is base64 of bytes the route response sends as a binary frame. */
export type WsOutcome = { ok: true; status: number; body: string; binary?: boolean } | { ok: false; message: string };

const isUtf8 = (b: Buffer) => {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(b);
    return true;
  } catch {
    return false;
  }
};

const LAMBDA_URI = /^arn:aws:apigateway:[^:]+:lambda:path\/2015-03-31\/functions\/(.+)\/invocations$/;

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | "timeout"> {
  let t: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<"timeout">((r) => (t = setTimeout(() => r("timeout"), ms)))]).finally(() =>
    clearTimeout(t),
  );
}

function pickTemplate(templates: unknown): string | undefined {
  if (!templates || typeof templates !== "object") return undefined;
  const t = templates as Record<string, string>;
  return t.$default ?? Object.values(t)[0];
}

function render(template: string, body: string, event: Wire, stageVariables: Record<string, string>): string {
  return renderTemplate(template, {
    body,
    params: { path: {}, querystring: {}, header: {} },
    context: event.requestContext as Record<string, unknown>,
    stageVariables,
  });
}

export async function runWsIntegration(
  tenant: WsTenant,
  i: Wire,
  event: Wire,
  stageVariables: Record<string, string>,
  responses: Record<string, Wire> | undefined,
): Promise<WsOutcome> {
  const timeout = Number(i.timeoutInMillis ?? 29_000);
  const message = typeof event.body === "string" ? event.body : "";
  const type = i.integrationType;
  try {
    if (type === "AWS_PROXY" || (type === "AWS" && LAMBDA_URI.test(String(i.integrationUri)))) {
      const m = LAMBDA_URI.exec(String(i.integrationUri ?? ""));
      if (!m) return { ok: false, message: "Internal server error" };
      const fn = await resolveFunctionRef(tenant, m[1]!);
      const r = await withTimeout(
        callFunction(fn, JSON.stringify(event), {
          requestId: String((event.requestContext as Wire).requestId),
        }),
        timeout,
      );
      if (r === "timeout" || r.kind !== "result") return { ok: false, message: "Internal server error" };
      let v: unknown = null;
      try {
        v = JSON.parse(r.payload);
      } catch {
        return { ok: false, message: "Internal server error" };
      }
      if (v && typeof v === "object" && !Array.isArray(v) && ("statusCode" in v || "body" in v)) {
        const o = v as Record<string, unknown>;
        const body =
          o.body === undefined || o.body === null ? "" : typeof o.body === "string" ? o.body : JSON.stringify(o.body);
        return {
          ok: true,
          status: o.statusCode === undefined ? 200 : Number(o.statusCode),
          body,
          ...(o.isBase64Encoded === true ? { binary: true } : {}),
        };
      }
      return { ok: true, status: 200, body: v === null ? "" : JSON.stringify(v) };
    }
    if (type === "HTTP_PROXY" || type === "HTTP") {
      const template = type === "HTTP" ? pickTemplate(i.requestTemplates) : undefined;
      const strategy = i.contentHandlingStrategy;
      const asBytes =
        !template &&
        ((event.isBase64Encoded === true && strategy !== "CONVERT_TO_TEXT") ||
          (event.isBase64Encoded !== true && strategy === "CONVERT_TO_BINARY"));
      const payload = template ? render(template, message, event, stageVariables) : message;
      const method = String(i.integrationMethod ?? "POST").toUpperCase() as "POST";
      const res = await guardedRequest({
        url: String(i.integrationUri),
        method,
        headers: { "content-type": "application/json" },
        body:
          method === ("GET" as string) ? undefined : asBytes ? Buffer.from(payload, "base64") : Buffer.from(payload),
        totalTimeoutMs: timeout,
        connectTimeoutMs: Math.min(timeout, 5_000),
        maxResponseBytes: 128 * 1024,
      });
      if (!res.ok) return { ok: false, message: "Internal server error" };
      if (!isUtf8(res.body)) {
        const convert = Object.values(responses ?? {}).some((r) => r.contentHandlingStrategy === "CONVERT_TO_TEXT");
        if (type === "HTTP_PROXY" || !convert)
          return { ok: true, status: res.status, body: res.body.toString("base64"), binary: !convert };
        return mapResponse(true, res.status, res.body.toString("base64"), event, stageVariables, responses);
      }
      return mapResponse(type === "HTTP", res.status, res.body.toString("utf8"), event, stageVariables, responses);
    }
    if (type === "MOCK") {
      const template = pickTemplate(i.requestTemplates);
      let status = 200;
      if (template) {
        try {
          const out = JSON.parse(render(template, message, event, stageVariables)) as { statusCode?: unknown };
          if (out.statusCode !== undefined) status = Number(out.statusCode);
        } catch {
          return { ok: false, message: "Internal server error" };
        }
      }
      return mapResponse(true, status, "", event, stageVariables, responses);
    }
    return { ok: false, message: "Internal server error" };
  } catch (err) {
    logger.debug({ err }, "websocket integration failed");
    return { ok: false, message: "Internal server error" };
  }
}

/** Non-proxy integrations: the integration response whose key matches the status (or $default). */
function mapResponse(
  mapped: boolean,
  status: number,
  body: string,
  event: Wire,
  stageVariables: Record<string, string>,
  responses: Record<string, Wire> | undefined,
): WsOutcome {
  if (!mapped) return { ok: true, status, body };
  const list = Object.values(responses ?? {});
  const hit =
    list.find((r) => {
      const key = String(r.integrationResponseKey ?? "");
      if (key === "$default") return false;
      const pattern = key.replace(/^\//, "").replace(/\/$/, "");
      try {
        return new RegExp(`^(?:${pattern})$`).test(String(status));
      } catch {
        return false;
      }
    }) ?? list.find((r) => r.integrationResponseKey === "$default");
  if (!hit) return { ok: true, status, body };
  const template = pickTemplate(hit.responseTemplates);
  return { ok: true, status, body: template ? render(template, body, event, stageVariables) : body };
}
