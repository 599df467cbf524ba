import type { IncomingHttpHeaders } from "node:http";
import type { Logger } from "../../logger";
import type { Authenticated } from "../authenticate";
import type { AppError } from "../../core/errors";

export type AwsProtocol = "json" | "query" | "rest-json";

/**
 * One operation of a REST JSON service (Scheduler, Schemas, Lambda): method and path template below
 * /api/aws, e.g. `POST /schedules/{Name}`. `{Name}` matches one path segment, `{Name+}` the rest of the
 * path; values are percent-decoded into `call.pathParams`.
 */
export type RestJsonRoute = { method: string; path: string; action: string };

export type AwsContext = Authenticated & {
  requestId: string;
  log: Logger;
  /** e.g. http://localhost:3000: queue URLs and callback links are built from it. */
  baseUrl: string;
  /** Aborted when the client disconnects before the reply (long polls stop waiting). */
  signal?: AbortSignal;
};

export type AwsCall = {
  ctx: AwsContext;
  protocol: AwsProtocol;
  action: string;
  /** JSON protocols: the parsed body. */
  json?: Record<string, unknown>;
  /** Query protocol: form body merged over the query string. */
  params?: URLSearchParams;
  /** Request path below /api/aws (e.g. /123456789012/orders for SQS queue URLs). */
  path: string;
  /** REST JSON protocols: the route's path parameters (decoded), the query string, headers, the raw body. */
  pathParams?: Record<string, string>;
  query?: URLSearchParams;
  headers?: IncomingHttpHeaders;
  rawBody?: Buffer;
};

export type AwsReply = { status?: number; headers?: Record<string, string>; body: string | Buffer };

/** One action of a service: the call in (already authenticated and decoded), the wire reply out. */
export type AwsAction = (call: AwsCall) => Promise<AwsReply>;

/**
 * One AWS service on /api/aws: a table of actions and the codec that renders its errors. The door
 * does everything else (body limits, strict decoding, authentication, throttling, fairness, error
 * mapping), so a new service (EventBridge JSON 1.1, Step Functions JSON 1.0) is a table and a codec.
 */
export type AwsService = {
  /** The SigV4 service name (credential scope), e.g. "sqs". */
  name: string;
  /** X-Amz-Target prefix for JSON protocols, e.g. "AmazonSQS". */
  targetPrefix?: string;
  /** Every action, by wire name. A Map: names such as `constructor` or `__proto__` are not actions. */
  actions: ReadonlyMap<string, AwsAction>;
  /**
   * REST JSON services: the operations by method and path (the door matches them under /api/aws when
   * there is no X-Amz-Target). Their `json` is the parsed body (undefined when empty).
   */
  routes?: readonly RestJsonRoute[];
  /** REST JSON actions whose body is not necessarily JSON (e.g. Lambda Invoke's payload): no parsing. */
  rawBodyActions?: ReadonlySet<string>;
  /** Actions that mostly wait (long polls): run outside the fair gate so they hold no slot. */
  waiting?: ReadonlySet<string>;
  /** The AWS error code for a request that is not valid UTF-8 (default: the validation code). */
  encodingErrorCode?: string;
  /** Renders an error in this service's shape for the call's protocol. */
  renderError(err: AppError, call: Pick<AwsCall, "protocol" | "action"> & { requestId: string }): AwsReply;
};
