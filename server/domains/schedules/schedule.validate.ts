import { AppError } from "../../core/errors";

// EventBridge Scheduler's input checks, with its messages: constraint violations in the service's
// "N validation error(s) detected: Value … at '…' failed to satisfy constraint: …" form, the
// others as documented sentences. Each check collects; `done()` throws once with all of them.

export const NAME_RE = /^[0-9a-zA-Z\-_.]+$/;
export const CLIENT_TOKEN_RE = /^[a-zA-Z0-9\-_]+$/;

export function validation(message: string): AppError {
  return new AppError("validation", message, { awsCode: "ValidationException", awsStatus: 400 });
}
export function notFound(message: string): AppError {
  return new AppError("not_found", message, { awsCode: "ResourceNotFoundException", awsStatus: 404 });
}
export function conflict(message: string): AppError {
  return new AppError("conflict", message, { awsCode: "ConflictException", awsStatus: 409 });
}

const show = (v: unknown) =>
  v === undefined || v === null ? "null" : typeof v === "string" ? `'${v}'` : JSON.stringify(v);

/** A pattern as AWS prints it: `[0-9a-zA-Z-_.]+`, without anchors or escapes. */
const shownPattern = (re: RegExp) => re.source.replace(/^\^|\$$/g, "").replace(/\\-/g, "-");

export class Checks {
  private readonly errors: string[] = [];

  fail(value: unknown, path: string, constraint: string): void {
    this.errors.push(`Value ${show(value)} at '${path}' failed to satisfy constraint: ${constraint}`);
  }

  required(value: unknown, path: string): boolean {
    if (value === undefined || value === null) {
      this.fail(null, path, "Member must not be null");
      return false;
    }
    return true;
  }

  string(
    value: unknown,
    path: string,
    opts: { min?: number; max?: number; pattern?: RegExp; required?: boolean } = {},
  ): string | undefined {
    if (value === undefined || value === null) {
      if (opts.required) this.fail(null, path, "Member must not be null");
      return undefined;
    }
    if (typeof value !== "string") {
      this.fail(value, path, "Member must be a string");
      return undefined;
    }
    const { min = 0, max = Infinity } = opts;
    if (value.length < min) {
      this.fail(value, path, `Member must have length greater than or equal to ${min}`);
      return undefined;
    }
    if (value.length > max) {
      this.fail(value, path, `Member must have length less than or equal to ${max}`);
      return undefined;
    }
    if (opts.pattern && !opts.pattern.test(value)) {
      this.fail(value, path, `Member must satisfy regular expression pattern: ${shownPattern(opts.pattern)}`);
      return undefined;
    }
    return value;
  }

  int(value: unknown, path: string, min: number, max: number): number | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.fail(value, path, "Member must be an integer");
      return undefined;
    }
    if (value < min) this.fail(value, path, `Member must have value greater than or equal to ${min}`);
    else if (value > max) this.fail(value, path, `Member must have value less than or equal to ${max}`);
    else return value;
    return undefined;
  }

  oneOf<T extends string>(value: unknown, path: string, values: readonly T[]): T | undefined {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== "string" || !values.includes(value as T)) {
      this.fail(value, path, `Member must satisfy enum value set: [${values.join(", ")}]`);
      return undefined;
    }
    return value as T;
  }

  /** A timestamp: epoch seconds (the SDKs' REST JSON encoding) or an ISO 8601 string. */
  date(value: unknown, path: string): Date | undefined {
    if (value === undefined || value === null) return undefined;
    const d = typeof value === "number" ? new Date(value * 1000) : typeof value === "string" ? new Date(value) : null;
    if (!d || Number.isNaN(d.getTime())) {
      this.fail(value, path, "Member must be a timestamp");
      return undefined;
    }
    return d;
  }

  object(value: unknown, path: string, required = false): Record<string, unknown> | undefined {
    if (value === undefined || value === null) {
      if (required) this.fail(null, path, "Member must not be null");
      return undefined;
    }
    if (typeof value !== "object" || Array.isArray(value)) {
      this.fail(value, path, "Member must be a structure");
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  done(): void {
    if (this.errors.length === 0) return;
    const n = this.errors.length;
    throw validation(`${n} validation error${n === 1 ? "" : "s"} detected: ${this.errors.join("; ")}`);
  }
}
