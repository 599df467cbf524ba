import type { Actor } from "../../auth/permissions";
import { buildRouter, matchRoute } from "../../core/apis/routing";
import { testInvokeMethod, type GatewayPipeline } from "./test-invoke";
import { loadApi } from "./rest-api.service";

// "Test" on a method: TestInvokeMethod through the gateway's pipeline on the API's current
// definition, plus what the test page shows beside AWS's answer: the integration request body after
// the mapping template (the gateway's own integrationBody on the same request). The pipeline comes
// from the tRPC context (ctx.gateway): the domain does not import the gateway door.

type Ctx = {
  actor: Actor;
  tenant: { id: string; slug: string; name: string; accountId: string };
  gateway: GatewayPipeline;
};

export type TestInput = {
  apiId: string;
  resourceId: string;
  httpMethod: string;
  pathWithQueryString: string;
  headers: Record<string, string>;
  body: string;
  stageVariables: Record<string, string>;
};

export async function consoleTestInvoke(c: Ctx, input: TestInput, origin: string | null) {
  const baseUrl = origin ?? process.env.SIGNALBOX_PUBLIC_URL ?? "http://localhost:3000";
  const out = await testInvokeMethod(
    { actor: c.actor, tenant: c.tenant },
    c.gateway,
    baseUrl,
    input.apiId,
    input.resourceId,
    input.httpMethod,
    {
      pathWithQueryString: input.pathWithQueryString || undefined,
      body: input.body,
      headers: input.headers,
      stageVariables: input.stageVariables,
    },
  );
  return { ...out, integrationRequest: await mappedRequest(c, input) };
}

/** The integration request body the method's mapping produces for this request (or why there is none). */
async function mappedRequest(c: Ctx, input: TestInput): Promise<{ body: string | null; note: string }> {
  const api = await loadApi({ actor: c.actor, tenant: c.tenant }, input.apiId);
  const raw = input.pathWithQueryString || "/";
  const qi = raw.indexOf("?");
  const segments = (qi < 0 ? raw : raw.slice(0, qi)).split("/").filter(Boolean);
  const method = input.httpMethod === "ANY" ? "GET" : input.httpMethod;
  const match = matchRoute(buildRouter(api.doc), method, segments);
  const integration = match?.method.methodIntegration;
  if (!match || !integration) return { body: null, note: "No method matches this path." };
  if (integration.type === "HTTP_PROXY" || integration.type === "AWS_PROXY")
    return { body: null, note: "Proxy integration: the request is passed as it is (no mapping)." };
  const { query, multi } = c.gateway.readQuery(qi < 0 ? "" : raw.slice(qi + 1));
  try {
    const b = c.gateway.integrationBody(integration, {
      httpMethod: method,
      path: "/" + segments.join("/"),
      pathParams: match.pathParams,
      query,
      multiQuery: multi,
      headers: input.headers,
      multiHeaders: Object.fromEntries(Object.entries(input.headers).map(([k, v]) => [k, [v]])),
      body: Buffer.from(input.body),
      stageVariables: input.stageVariables,
      context: {
        apiId: input.apiId,
        accountId: c.tenant.accountId,
        httpMethod: method,
        resourcePath: match.resourcePath,
        stage: "test-invoke-stage",
        requestId: "test-invoke-request",
        identity: { sourceIp: "test-invoke-source-ip" },
      },
    });
    if (!b.ok) return { body: null, note: "No mapping template for this content type (415 Unsupported Media Type)." };
    return {
      body: b.body.toString("utf8"),
      note: b.templated ? "After the mapping template." : "Passed through (no template for this content type).",
    };
  } catch (e) {
    return { body: null, note: `The mapping template failed: ${e instanceof Error ? e.message : String(e)}` };
  }
}
