import type { WorkflowCaller } from "../../../domains/workflows/state-machine.common";
import type { AwsAction, AwsCall, AwsContext } from "../types";

// Step Functions speaks AWS JSON 1.0: members in camelCase, timestamps as epoch seconds, replies
// with only the members that are set. The member readers are EventBridge's (SerializationException
// for a wrong JSON type, AWS's "1 validation error detected" for a missing required member).

export { bool, compact, int, list, obj, str, type In } from "../events/wire";

export type Handler = (ctx: AwsContext, input: Record<string, unknown>) => Promise<Record<string, unknown>>;

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

const JSON_CT = "application/x-amz-json-1.0";

export function sfnActions(handlers: ReadonlyArray<readonly [string, Handler]>): [string, AwsAction][] {
  return handlers.map(([name, h]) => [
    name,
    async (call: AwsCall) => {
      const out = await h(call.ctx, call.json ?? {});
      return { headers: { "content-type": JSON_CT }, body: JSON.stringify(wireJson(out)) };
    },
  ]);
}
