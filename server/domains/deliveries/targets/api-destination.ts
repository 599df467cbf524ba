import { pool } from "../../../db";
import { TARGET_ERROR_CODES } from "../../../core/events/target-retry";
import type { TargetHttpParameters } from "../../../core/connections/auth-params";
import { invokeApiDestination } from "../../connections/api-destination.call";
import { findApiDestinationByArn } from "../../connections/connection.repository";
import { MAX_REQUEST_BODY_LOGGED, MAX_RESPONSE_BODY_LOGGED, truncate, type RemoteTarget } from "./target";

// API destinations as invocation targets (rule targets with an api-destination ARN). Parameters:
// `httpParameters` = the rule target's HttpParameters ({ PathParameterValues, HeaderParameters,
// QueryStringParameters }). The connection's authorization is applied (connections domain), the
// destination's InvocationRateLimitPerSecond is the engine's shared per-second limit, and the answer
// is classified as AWS documents: 2xx success; 401, 407, 409, 429 and 5xx retried; other 4xx, a
// missing destination or a refused address are permanent.

export const apiDestinationTarget: RemoteTarget = {
  kind: "api-destination",
  mode: "remote",
  protocols: [],
  autoDisable: false,
  async invocationRate(input) {
    const d = await findApiDestinationByArn(pool(), input.invocation.targetArn);
    return d?.ratePerSecond ? { key: `api-destination:${d.id}`, perSecond: d.ratePerSecond } : null;
  },
  async invoke(input) {
    const inv = input.invocation;
    const o = await invokeApiDestination({
      tenantId: inv.tenantId,
      apiDestinationArn: inv.targetArn,
      payload: inv.payload,
      httpParameters: inv.params.httpParameters as TargetHttpParameters | undefined,
      event: inv.originalEvent,
    });
    return {
      result: o.result,
      error: o.error,
      statusCode: o.statusCode,
      errorCode:
        o.result === "success"
          ? undefined
          : o.statusCode !== null
            ? TARGET_ERROR_CODES.errorFromTarget
            : o.error?.includes("does not exist")
              ? TARGET_ERROR_CODES.noResource
              : TARGET_ERROR_CODES.clientError,
      record: {
        requestHeaders: o.request?.headers,
        requestBody: o.request?.body === undefined ? undefined : truncate(o.request.body, MAX_REQUEST_BODY_LOGGED),
        responseStatus: o.statusCode ?? undefined,
        responseHeaders: o.response?.headers,
        responseBody: o.response ? truncate(o.response.body, MAX_RESPONSE_BODY_LOGGED) : undefined,
        durationMs: o.durationMs,
      },
    };
  },
};
