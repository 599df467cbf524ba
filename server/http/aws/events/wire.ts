import type { Caller } from "../../../domains/events/bus.service";
import { jsonActions as jsonActionsOf, type Handler } from "../json-actions";
import type { AwsAction, AwsContext } from "../types";

// EventBridge speaks AWS JSON 1.1; the member readers are shared with Step Functions (../json-actions.ts).

export { bool, compact, epoch, int, list, obj, str, type Handler, type In } from "../json-actions";

/** The events domain's caller: the tenant and its account id. */
export const caller = (ctx: AwsContext): Caller => ({ tenantId: ctx.tenant.id, accountId: ctx.tenant.accountId });

/** Named handlers as door actions: each replies with its members as AWS JSON 1.1. */
export function jsonActions(handlers: ReadonlyArray<readonly [string, Handler]>): Array<[string, AwsAction]> {
  return jsonActionsOf(handlers, { contentType: "application/x-amz-json-1.1" });
}
