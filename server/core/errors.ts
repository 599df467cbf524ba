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
    this.senderFault = opts.senderFault ?? code !== "internal";
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
