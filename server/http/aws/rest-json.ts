import { AppError } from "../../core/errors";
import { awsErrorCode, awsErrorStatus } from "./codec";
import type { AwsReply, AwsService, RestJsonRoute } from "./types";

// REST JSON protocols (EventBridge Scheduler, Schemas, Lambda): an operation is a method and a path
// template below /api/aws, the input is the path parameters, the query string, headers and a JSON body,
// and errors carry their code in `x-amzn-ErrorType` with `{ "message": ... }` as the body.

type Compiled = { service: AwsService; route: RestJsonRoute; re: RegExp; names: string[] };

function compile(service: AwsService, route: RestJsonRoute): Compiled {
  const names: string[] = [];
  let src = "";
  for (const part of route.path.split(/(\{[A-Za-z0-9_]+\+?\})/)) {
    const m = /^\{([A-Za-z0-9_]+)(\+?)\}$/.exec(part);
    if (!m) {
      src += part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      continue;
    }
    names.push(m[1]);
    src += m[2] ? "(.+)" : "([^/]+)";
  }
  return { service, route, re: new RegExp(`^${src}/?$`), names };
}

export type RestJsonMatch = { service: AwsService; action: string; pathParams: Record<string, string> };

/** Finds the REST JSON operation for a method and path (below /api/aws), preferring `scope`'s service. */
export function restJsonMatcher(services: readonly AwsService[]) {
  const table = services.flatMap((s) => (s.routes ?? []).map((r) => compile(s, r)));
  return (method: string, path: string, scope: string | null): RestJsonMatch | undefined => {
    let found: RestJsonMatch | undefined;
    for (const c of table) {
      if (c.route.method !== method) continue;
      const m = c.re.exec(path);
      if (!m) continue;
      const pathParams: Record<string, string> = {};
      try {
        c.names.forEach((n, i) => (pathParams[n] = decodeURIComponent(m[i + 1])));
      } catch {
        throw new AppError("validation", "The request path is not valid percent-encoding.", {
          awsCode: "ValidationException",
        });
      }
      const hit = { service: c.service, action: c.route.action, pathParams };
      if (!scope || c.service.name === scope) return hit;
      found ??= hit;
    }
    return found;
  };
}

/** A REST JSON error: the code in `x-amzn-ErrorType`, AWS's message as `message` (and `Message`). */
export function restJsonErrorReply(
  err: AppError,
  requestId: string,
  code = awsErrorCode(err),
  extra: Record<string, unknown> = {},
): AwsReply {
  return {
    status: awsErrorStatus(err),
    headers: {
      "content-type": "application/json",
      "x-amzn-requestid": requestId,
      "x-amzn-errortype": code,
    },
    body: JSON.stringify({ ...extra, Message: err.message, message: err.message }),
  };
}
