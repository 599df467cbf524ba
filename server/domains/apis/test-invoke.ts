import { randomBytes, randomUUID } from "node:crypto";
import { buildRouter } from "../../core/apis/routing";
import { resourcePath } from "../../core/apis/model";
import { assertCan } from "../../auth/permissions";
import type { serveRequest } from "../../http/gateway/gateway";
import type { integrationBody } from "../../http/gateway/integrations";
import type { readQuery } from "../../http/gateway/request";
import { loadApi, getMethod, type Caller } from "./rest-api.service";

// TestInvokeMethod: one request through the gateway's pipeline on the API's current (undeployed)
// document, without authorization or API keys, answered as API Gateway does: status, body,
// headers, multiValueHeaders, an execution log and the latency in milliseconds. The AWS door
// (TestInvokeMethod) and the console ("Test" on a method) both call this use case.
//
// The gateway's pipeline (server/http/gateway) is a door that itself calls this domain, so the use
// case receives it as an argument from its caller rather than importing it (imports point down).

/** The parts of the execute-api pipeline a test invocation runs (server/http/gateway's). */
export type GatewayPipeline = {
  serve: typeof serveRequest;
  integrationBody: typeof integrationBody;
  readQuery: typeof readQuery;
};

export type TestInvokeInput = {
  pathWithQueryString?: string;
  body?: string;
  headers?: Record<string, string>;
  multiValueHeaders?: Record<string, string[]>;
  stageVariables?: Record<string, string>;
};

export type TestInvokeResult = {
  status: number;
  body: string;
  headers: Record<string, string>;
  multiValueHeaders: Record<string, string[]>;
  log: string;
  latency: number;
};

/** The caller, with the tenant as the gateway serves it. */
export type TestInvokeCaller = Caller & { tenant: Caller["tenant"] & { slug: string; name: string } };

export async function testInvokeMethod(
  caller: TestInvokeCaller,
  gateway: GatewayPipeline,
  baseUrl: string,
  apiId: string,
  resourceId: string,
  httpMethod: string,
  input: TestInvokeInput,
): Promise<TestInvokeResult> {
  assertCan(caller.actor.role, "resource:write");
  await getMethod(caller, apiId, resourceId, httpMethod); // NotFoundException for an unknown resource or method
  const api = await loadApi(caller, apiId);
  const started = new Date();
  const raw = input.pathWithQueryString ?? resourcePath(api.doc, resourceId);
  const qi = raw.indexOf("?");
  const path = qi < 0 ? raw : raw.slice(0, qi);
  const headers: Record<string, string> = { ...(input.headers ?? {}) };
  const multiHeaders: Record<string, string[]> = { ...(input.multiValueHeaders ?? {}) };
  for (const [k, v] of Object.entries(headers)) multiHeaders[k] ??= [v];
  for (const [k, vs] of Object.entries(multiHeaders)) headers[k] ??= vs[vs.length - 1] ?? "";
  const ids = {
    requestId: randomUUID(),
    apigwId: randomBytes(12).toString("base64").replace(/[+/=]/g, "").slice(0, 16),
  };
  const segments = path
    .split("/")
    .filter((s, i, all) => s !== "" || (i > 0 && i < all.length - 1))
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  const reply = await gateway.serve(
    {
      tenant: caller.tenant,
      restApiId: apiId,
      stageName: "test-invoke-stage",
      deploymentId: "test-invoke",
      settings: { variables: input.stageVariables ?? {} },
      snapshot: { doc: api.doc, settings: api.settings, name: api.name },
      router: buildRouter(api.doc),
    },
    {
      httpMethod: httpMethod === "ANY" ? "GET" : httpMethod,
      segments,
      rawQuery: qi < 0 ? "" : raw.slice(qi + 1),
      headers,
      multiHeaders,
      body: Buffer.from(input.body ?? ""),
      sourceIp: "test-invoke-source-ip",
      httpVersion: "1.1",
      baseUrl,
      started,
      skipAuthorization: true,
    },
    ids,
  );
  const latency = Date.now() - started.getTime();
  const outHeaders: Record<string, string> = {};
  const outMulti: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(reply.headers)) {
    const list = Array.isArray(v) ? v : [v];
    outMulti[k] = list;
    outHeaders[k] = list.join(",");
  }
  const ts = started.toUTCString();
  const log = [
    `Execution log for request ${ids.requestId}`,
    `${ts} : Starting execution for request: ${ids.requestId}`,
    `${ts} : HTTP Method: ${httpMethod}, Resource Path: ${path}`,
    `${ts} : Method request path: ${path}`,
    `${ts} : Method request query string: ${qi < 0 ? "{}" : raw.slice(qi + 1)}`,
    `${ts} : Method request body before transformations: ${input.body ?? ""}`,
    `${new Date().toUTCString()} : Method completed with status: ${reply.status}`,
    "",
  ].join("\n");
  return {
    status: reply.status,
    body: reply.body.toString("utf8"),
    headers: outHeaders,
    multiValueHeaders: outMulti,
    log,
    latency,
  };
}
