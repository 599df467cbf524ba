import type { Logger } from "../../logger";
import type { Authenticated } from "../authenticate";
import type { AppError } from "../../core/errors";

export type AwsProtocol = "json" | "query";

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
};

export type AwsReply = { status?: number; headers?: Record<string, string>; body: string | Buffer };

export type AwsService = {
  /** The SigV4 service name (credential scope), e.g. "sqs". */
  name: string;
  /** X-Amz-Target prefix for JSON protocols, e.g. "AmazonSQS". */
  targetPrefix?: string;
  /** Query-protocol actions this service answers (used when the credential scope does not tell). */
  queryActions?: ReadonlySet<string>;
  handle(call: AwsCall): Promise<AwsReply>;
  /** Renders an error in this service's shape for the call's protocol. */
  renderError(err: AppError, call: Pick<AwsCall, "protocol" | "action"> & { requestId: string }): AwsReply;
};
