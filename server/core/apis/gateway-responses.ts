import type { ApiDoc, GatewayResponse } from "./model";

// API Gateway's gateway responses: what the gateway answers when a request does not reach the
// integration (no route, missing key, bad body, throttled, timeout). Each type has a default status;
// DEFAULT_4XX / DEFAULT_5XX apply to types the API did not customize.

export const GATEWAY_RESPONSE_STATUS: Record<string, string | undefined> = {
  ACCESS_DENIED: "403",
  API_CONFIGURATION_ERROR: "500",
  AUTHORIZER_CONFIGURATION_ERROR: "500",
  AUTHORIZER_FAILURE: "500",
  BAD_REQUEST_PARAMETERS: "400",
  BAD_REQUEST_BODY: "400",
  DEFAULT_4XX: undefined,
  DEFAULT_5XX: undefined,
  EXPIRED_TOKEN: "403",
  INTEGRATION_FAILURE: "504",
  INTEGRATION_TIMEOUT: "504",
  INVALID_API_KEY: "403",
  INVALID_SIGNATURE: "403",
  MISSING_AUTHENTICATION_TOKEN: "403",
  QUOTA_EXCEEDED: "429",
  REQUEST_TOO_LARGE: "413",
  RESOURCE_NOT_FOUND: "404",
  THROTTLED: "429",
  UNAUTHORIZED: "401",
  UNSUPPORTED_MEDIA_TYPE: "415",
  WAF_FILTERED: "403",
};

export const GATEWAY_RESPONSE_TYPES = Object.keys(GATEWAY_RESPONSE_STATUS);

export const DEFAULT_RESPONSE_TEMPLATE = '{"message":$context.error.messageString}';

export function defaultGatewayResponse(type: string): GatewayResponse {
  const out: GatewayResponse = {
    responseType: type,
    responseParameters: {},
    responseTemplates: { "application/json": DEFAULT_RESPONSE_TEMPLATE },
    defaultResponse: true,
  };
  const status = GATEWAY_RESPONSE_STATUS[type];
  if (status) out.statusCode = status;
  return { ...out, ...(status ? { statusCode: status } : {}) };
}

/** The response the gateway uses for `type`: the API's own, else its DEFAULT_4XX/5XX, else AWS's default. */
export function effectiveGatewayResponse(doc: ApiDoc, type: string): { status: number; response: GatewayResponse } {
  const own = doc.gatewayResponses[type];
  const base = GATEWAY_RESPONSE_STATUS[type] ?? "500";
  const family = base.startsWith("5") ? "DEFAULT_5XX" : "DEFAULT_4XX";
  const fallback = doc.gatewayResponses[family];
  const r = own ?? fallback ?? defaultGatewayResponse(type);
  const status = Number((own?.statusCode ?? GATEWAY_RESPONSE_STATUS[type] ?? fallback?.statusCode) || base);
  // A type's own parameters/templates win; otherwise the family's.
  return {
    status,
    response: {
      ...r,
      responseParameters: { ...(fallback?.responseParameters ?? {}), ...(own?.responseParameters ?? {}) },
      responseTemplates: own?.responseTemplates ??
        fallback?.responseTemplates ?? { "application/json": DEFAULT_RESPONSE_TEMPLATE },
    },
  };
}
