import { assertCan, type Permission } from "../../../auth/permissions";
import type { WorkflowCaller } from "../../../domains/workflows/state-machine.common";
import { ModelCheck } from "../../../domains/workflows/state-machine.errors";
import { bool, int, jsonActions, list, obj, str, type Handler, type In } from "../json-actions";
import type { AwsAction, AwsContext } from "../types";

// Step Functions speaks AWS JSON 1.0: members in camelCase, timestamps as epoch seconds, replies
// with only the members that are set. The member readers are the door's shared ones (../json-actions.ts:
// SerializationException for a wrong JSON type, AWS's "1 validation error detected" for a missing
// required member). Each action is declared once: its use case, how each input member is read,
// the role the door checks, and whether the reply is empty (`action` below).

export { bool, compact, int, list, obj, str, type Handler, type In } from "../json-actions";

export const wfCaller = (ctx: AwsContext): WorkflowCaller => ({ tenant: ctx.tenant, actor: ctx.actor });

/** Dates (at any depth) as epoch seconds; undefined/null members dropped. */
export function wireJson(v: unknown): unknown {
  if (v instanceof Date) return v.getTime() / 1000;
  if (Array.isArray(v)) return v.map(wireJson);
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined && x !== null) out[k] = wireJson(x);
    return out;
  }
  return v;
}

/** How one input member is read (and checked) from the request's JSON. */
export type Reader<T> = (input: In, member: string) => T;

/** The member readers of the action table. */
export const m = {
  str: ((i, n) => str(i, n)) as Reader<string | undefined>,
  required: ((i, n) => str(i, n, true)) as Reader<string>,
  int: int as Reader<number | undefined>,
  bool: bool as Reader<boolean | undefined>,
  /** Any JSON number (a percentage may be fractional); anything else is unset. */
  number: ((i, n) => (typeof i[n] === "number" ? i[n] : undefined)) as Reader<number | undefined>,
  /** A list; absent is an empty list. */
  list: ((i, n) => list(i, n)) as Reader<never[]>,
  requiredList: ((i, n) => list(i, n, true)) as Reader<never[]>,
  /** A list that stays unset when absent (an update that leaves it as it is). */
  optionalList: ((i, n) => (i[n] === undefined ? undefined : list(i, n))) as Reader<never[] | undefined>,
  /** A structure the use case checks (logging, tracing, encryption configurations). */
  config: ((i, n) => obj(i, n)) as Reader<never>,
  /** One of AWS's enum values (checked before anything else, as AWS's model is). */
  oneOf: <const V extends string>(values: readonly V[]) => {
    const read = ((i: In, n: string) => str(i, n)) as Reader<V | undefined>;
    return Object.assign(read, { enumValues: values as readonly string[] });
  },
};

type Members<I> = { [K in keyof I]: Reader<I[K]> };

/**
 * One Step Functions action: enum members are model-checked first, then the door checks `role`
 * (when given; the use cases check roles too), then reads each member in order and calls `call`.
 * `empty` actions reply `{}` whatever the use case returns.
 */
export function action<I>(
  call: (caller: WorkflowCaller, input: I, ctx: AwsContext) => unknown,
  members: NoInfer<Members<I>>,
  opts: { role?: Permission; empty?: boolean } = {},
): Handler {
  const readers = Object.entries(members) as Array<[string, Reader<unknown> & { enumValues?: readonly string[] }]>;
  const enums = readers.filter(([, r]) => r.enumValues);
  return async (ctx, i) => {
    if (enums.length > 0) {
      const check = new ModelCheck();
      for (const [member, r] of enums) check.oneOf(str(i, member), member, r.enumValues!);
      check.done();
    }
    if (opts.role) assertCan(ctx.actor.role, opts.role);
    const input: Record<string, unknown> = {};
    for (const [member, read] of readers) input[member] = read(i, member);
    const out = await call(wfCaller(ctx), input as I, ctx);
    return opts.empty ? {} : (out as Record<string, unknown>);
  };
}

/** The action table as door actions: AWS JSON 1.0 replies, dates as epoch seconds. */
export function sfnActions(handlers: Record<string, Handler>): [string, AwsAction][] {
  return jsonActions(Object.entries(handlers), {
    contentType: "application/x-amz-json-1.0",
    encode: wireJson,
  });
}
