import { withTransaction } from "../../db";
import { createInvocations } from "../deliveries/invocations";
import type { FunctionRow } from "./function.repository";
import type { TenantRef } from "./function.service";

// Asynchronous invocations (InvocationType Event): one invocation in the delivery engine
// (source_kind `function`, target kind `function`), committed before Invoke answers 202. The
// `function` target kind applies Lambda's async rules (targets/function.ts): function errors are
// retried MaximumRetryAttempts times, throttles and unreachable services until the event is
// MaximumEventAgeInSeconds old, then Lambda's invocation record goes to the on-failure destination.

/** Engine retry ceiling for async invocations: the function kind itself decides when to stop. */
const ENGINE_MAX_RETRIES = 185;

export async function queueAsyncInvocation(
  tenant: TenantRef,
  fn: FunctionRow,
  payload: string,
  requestId: string,
): Promise<void> {
  await withTransaction((tx) =>
    createInvocations(tx, [
      {
        tenantId: tenant.id,
        sourceKind: "function",
        sourceArn: fn.arn,
        targetKind: "function",
        targetArn: fn.arn,
        payload,
        params: { invocationType: "Event" },
        eventId: requestId,
        retryPolicy: { MaximumRetryAttempts: ENGINE_MAX_RETRIES, MaximumEventAgeInSeconds: fn.maximumEventAgeSeconds },
        dedupeKey: `invoke:${requestId}`,
      },
    ]),
  );
}
