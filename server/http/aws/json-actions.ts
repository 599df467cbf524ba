import { AppError } from "../../core/errors";
import type { AwsAction, AwsCall, AwsContext } from "./types";

// What the AWS JSON services on the door (EventBridge's JSON 1.1, Step Functions' JSON 1.0) share:
// the input member readers and the table that turns named handlers into door actions.

// Reading AWS JSON (1.0 and 1.1) input members: a member of the wrong JSON type is a SerializationException
// (what AWS answers before any validation); missing required members are ValidationException with
// AWS's "1 validation error detected" wording.

export type In = Record<string, unknown>;

function serialization(member: string): AppError {
  return new AppError("validation", `Unexpected type for member ${member}.`, { awsCode: "SerializationException" });
}

function missing(member: string): AppError {
  const lower = member.charAt(0).toLowerCase() + member.slice(1);
  return new AppError(
    "validation",
    `1 validation error detected: Value null at '${lower}' failed to satisfy constraint: Member must not be null`,
    { awsCode: "ValidationException" },
  );
}

export function str(input: In, name: string): string | undefined;
export function str(input: In, name: string, required: true): string;
export function str(input: In, name: string, required = false): string | undefined {
  const v = input[name];
  if (v === undefined || v === null) {
    if (required) throw missing(name);
    return undefined;
  }
  if (typeof v !== "string") throw serialization(name);
  return v;
}

export function int(input: In, name: string): number | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isInteger(v)) throw serialization(name);
  return v;
}

export function bool(input: In, name: string): boolean | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw serialization(name);
  return v;
}

export function list<T = unknown>(input: In, name: string, required = false): T[] {
  const v = input[name];
  if (v === undefined || v === null) {
    if (required) throw missing(name);
    return [];
  }
  if (!Array.isArray(v)) throw serialization(name);
  return v as T[];
}

export function obj(input: In, name: string): In | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw serialization(name);
  return v as In;
}

/** AWS JSON timestamps: epoch seconds. */
export function epoch(d: Date): number {
  return d.getTime() / 1000;
}

/** Drops undefined/null members so replies carry only what is set, as AWS's do. */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = v;
  return out as Partial<T>;
}

/** One JSON action: the caller's context and the JSON members in, the reply's members out. */
export type Handler = (ctx: AwsContext, input: In) => Promise<Record<string, unknown>>;

/**
 * Named handlers as door actions: each replies with its members as JSON in `contentType`
 * (application/x-amz-json-1.0 or -1.1), passed through `encode` first when given.
 */
export function jsonActions(
  handlers: ReadonlyArray<readonly [string, Handler]>,
  opts: { contentType: string; encode?: (out: Record<string, unknown>) => unknown },
): Array<[string, AwsAction]> {
  const encode = opts.encode ?? ((out) => out);
  return handlers.map(([name, h]) => [
    name,
    async (call: AwsCall) => {
      const out = await h(call.ctx, call.json ?? {});
      return { headers: { "content-type": opts.contentType }, body: JSON.stringify(encode(out)) };
    },
  ]);
}
