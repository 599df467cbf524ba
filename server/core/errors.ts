// One error type for every layer, and one table that says how each door shows it.
// Services throw AppError; the tRPC error formatter, the REST route builder and the AWS codecs
// each look the code up here. A service may name the exact AWS error code (e.g. QueueDoesNotExist)
// because the AWS door must answer with AWS's own words.

export type AppErrorCode =
  | "validation"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "too_large"
  | "unsupported"
  | "unavailable"
  | "internal";

type DoorMapping = {
  trpc:
    | "BAD_REQUEST"
    | "UNAUTHORIZED"
    | "FORBIDDEN"
    | "NOT_FOUND"
    | "CONFLICT"
    | "TOO_MANY_REQUESTS"
    | "PAYLOAD_TOO_LARGE"
    | "NOT_IMPLEMENTED"
    | "SERVICE_UNAVAILABLE"
    | "INTERNAL_SERVER_ERROR";
  http: number;
  aws: string;
  awsStatus: number;
  title: string;
};

export const ERROR_TABLE: Record<AppErrorCode, DoorMapping> = {
  validation: {
    trpc: "BAD_REQUEST",
    http: 400,
    aws: "InvalidParameterValue",
    awsStatus: 400,
    title: "Invalid request",
  },
  unauthenticated: {
    trpc: "UNAUTHORIZED",
    http: 401,
    aws: "InvalidClientTokenId",
    awsStatus: 403,
    title: "Not authenticated",
  },
  forbidden: { trpc: "FORBIDDEN", http: 403, aws: "AccessDenied", awsStatus: 403, title: "Forbidden" },
  not_found: { trpc: "NOT_FOUND", http: 404, aws: "ResourceNotFound", awsStatus: 400, title: "Not found" },
  conflict: { trpc: "CONFLICT", http: 409, aws: "ResourceInUse", awsStatus: 400, title: "Conflict" },
  rate_limited: {
    trpc: "TOO_MANY_REQUESTS",
    http: 429,
    aws: "ThrottlingException",
    awsStatus: 400,
    title: "Too many requests",
  },
  too_large: { trpc: "PAYLOAD_TOO_LARGE", http: 413, aws: "InvalidParameterValue", awsStatus: 400, title: "Too large" },
  unsupported: {
    trpc: "NOT_IMPLEMENTED",
    http: 501,
    aws: "UnsupportedOperation",
    awsStatus: 400,
    title: "Not supported",
  },
  unavailable: {
    trpc: "SERVICE_UNAVAILABLE",
    http: 503,
    aws: "ServiceUnavailable",
    awsStatus: 503,
    title: "Service unavailable",
  },
  internal: {
    trpc: "INTERNAL_SERVER_ERROR",
    http: 500,
    aws: "InternalFailure",
    awsStatus: 500,
    title: "Internal error",
  },
};

export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  readonly code: AppErrorCode;
  /** Exact AWS error code for the AWS door, when it differs from the table's default. */
  readonly awsCode?: string;
  /** HTTP status on the AWS door, when it differs from the table's default. */
  readonly awsStatus?: number;
  /** Whether AWS would call this the sender's fault (batch entries, query-protocol Type). */
  readonly senderFault: boolean;
  readonly fieldErrors?: FieldErrors;
  readonly retryAfterSeconds?: number;

  constructor(
    code: AppErrorCode,
    message: string,
    opts: {
      awsCode?: string;
      awsStatus?: number;
      fieldErrors?: FieldErrors;
      senderFault?: boolean;
      retryAfterSeconds?: number;
      cause?: unknown;
    } = {},
  ) {
    super(message, { cause: opts.cause });
    this.name = "AppError";
    this.code = code;
    this.awsCode = opts.awsCode;
    this.awsStatus = opts.awsStatus;
    this.fieldErrors = opts.fieldErrors;
    this.senderFault = opts.senderFault ?? (code !== "internal" && code !== "unavailable");
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }

  get mapping(): DoorMapping {
    return ERROR_TABLE[this.code];
  }
}

export function isAppError(e: unknown): e is AppError {
  return (
    e instanceof AppError ||
    (typeof e === "object" && e !== null && (e as { name?: string }).name === "AppError" && "code" in e)
  );
}

/** Convenience for "this field is wrong" errors that forms show beside the field. */
export function fieldError(field: string, message: string, awsCode?: string): AppError {
  return new AppError("validation", message, { fieldErrors: { [field]: [message] }, awsCode });
}

// PostgreSQL SQLSTATE classes and socket errors that mean "the database is not reachable right
// now" (down, restarting, refusing connections): the caller may retry, so doors answer 503.
const UNAVAILABLE_SQLSTATE = /^(08|53|57P0[1-4])/;
const UNAVAILABLE_ERRNO = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EAI_AGAIN"]);
const UNAVAILABLE_MESSAGE =
  /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect|Cannot use a pool after calling end/i;

function codeOf(e: unknown): string | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === "string" ? c : undefined;
}

/**
 * Any thrown value as an AppError: ours as they are; the database being unreachable as
 * `unavailable` (503); text PostgreSQL cannot store (NUL bytes, invalid encodings, SQLSTATE
 * 22021/22P05) as `validation`; everything else `internal`. Walks `cause` and AggregateError.
 */
export function toAppError(e: unknown): AppError {
  if (isAppError(e)) return e;
  const seen = new Set<unknown>();
  const stack: unknown[] = [e];
  while (stack.length) {
    const x = stack.pop();
    if (!x || typeof x !== "object" || seen.has(x)) continue;
    seen.add(x);
    const code = codeOf(x);
    const message = (x as { message?: unknown }).message;
    if (code === "22021" || code === "22P05")
      return new AppError("validation", "The request contains characters that are not allowed.", { cause: e });
    if (
      (code && (UNAVAILABLE_SQLSTATE.test(code) || UNAVAILABLE_ERRNO.has(code))) ||
      (typeof message === "string" && UNAVAILABLE_MESSAGE.test(message))
    )
      return new AppError("unavailable", "The service is temporarily unavailable. Please try again.", { cause: e });
    stack.push((x as { cause?: unknown }).cause);
    if (Array.isArray((x as { errors?: unknown }).errors)) stack.push(...(x as { errors: unknown[] }).errors);
  }
  return new AppError("internal", "We encountered an internal error. Please try again.", { cause: e });
}
