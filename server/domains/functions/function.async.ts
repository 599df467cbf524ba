import type { FunctionRow } from "./function.repository";
import type { TenantRef } from "./function.service";
import { AppError } from "../../core/errors";

// Asynchronous invocations (InvocationType Event): one delivery in the delivery engine per
// invocation (source_kind `function`, target kind `function`), retried as Lambda retries
// (MaximumRetryAttempts, MaximumEventAgeInSeconds), then the invocation record to the function's
// on-failure destination.
export async function queueAsyncInvocation(
  _tenant: TenantRef,
  _fn: FunctionRow,
  _payload: string,
  _requestId: string,
): Promise<void> {
  throw new AppError("unsupported", "Asynchronous invocation waits for the delivery engine's invocations API.", {
    awsCode: "ServiceException",
  });
}
