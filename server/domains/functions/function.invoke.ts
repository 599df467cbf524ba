import { randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { ASYNC_PAYLOAD_MAX, SYNC_PAYLOAD_MAX } from "../../core/lambda/function-rules";
import { AppError } from "../../core/errors";
import { callFunction } from "./function.call";
import { concurrencyExceeded, invalidPayload, payloadTooLarge } from "./function.errors";
import { resolveFunctionRef, type TenantRef } from "./function.service";
import { queueAsyncInvocation } from "./function.async";

// Invoke as Lambda does it: RequestResponse calls the function now and answers with its result or
// its error; Event queues the invocation in the delivery engine (retried as Lambda retries, then
// the on-failure destination) and answers 202; DryRun only checks the function and the caller.

export type InvocationType = "RequestResponse" | "Event" | "DryRun";

export type InvokeResult =
  | {
      statusCode: 200;
      payload: string;
      functionError: "Unhandled" | null;
      executedVersion: "$LATEST";
      requestId: string;
    }
  | { statusCode: 202; requestId: string }
  | { statusCode: 204; requestId: string };

export type InvokeCaller = { actor: Actor; tenant: TenantRef };

/** Lambda parses the payload as JSON; an empty payload is the event `{}`. */
export function checkPayload(payload: Buffer | string, invocationType: InvocationType): string {
  const text = typeof payload === "string" ? payload : payload.toString("utf8");
  const size = Buffer.byteLength(text);
  if (invocationType === "Event" && size > ASYNC_PAYLOAD_MAX) throw payloadTooLarge(ASYNC_PAYLOAD_MAX, "Invoke");
  if (size > SYNC_PAYLOAD_MAX) throw payloadTooLarge(SYNC_PAYLOAD_MAX);
  if (text.trim() === "") return "{}";
  try {
    JSON.parse(text);
  } catch (e) {
    throw invalidPayload((e as Error).message);
  }
  return text;
}

export async function invokeFunction(
  caller: InvokeCaller,
  functionRef: string,
  payload: Buffer | string,
  opts: { invocationType?: InvocationType; requestId?: string; clientContext?: string } = {},
): Promise<InvokeResult> {
  assertCan(caller.actor.role, "resource:write");
  const invocationType = opts.invocationType ?? "RequestResponse";
  const requestId = opts.requestId ?? randomUUID();
  const fn = await resolveFunctionRef(caller.tenant, functionRef);
  const body = checkPayload(payload, invocationType);
  if (invocationType === "DryRun") return { statusCode: 204, requestId };
  if (invocationType === "Event") {
    await queueAsyncInvocation(caller.tenant, fn, body, requestId);
    return { statusCode: 202, requestId };
  }
  const r = await callFunction(fn, body, { requestId, clientContext: opts.clientContext });
  switch (r.kind) {
    case "result":
      return { statusCode: 200, payload: r.payload, functionError: null, executedVersion: "$LATEST", requestId };
    case "function_error":
      return { statusCode: 200, payload: r.payload, functionError: "Unhandled", executedVersion: "$LATEST", requestId };
    case "throttled":
      throw concurrencyExceeded();
    case "unreachable":
      // The function never ran: Lambda's answer when it cannot reach a function's runtime.
      throw new AppError("unavailable", `The function's service could not be reached: ${r.error}`, {
        awsCode: "ResourceNotReadyException",
        awsStatus: 502,
      });
  }
}
