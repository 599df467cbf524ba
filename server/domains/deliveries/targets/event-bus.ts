import { putEventsToBus } from "../../events/bus.delivery";
import { MAX_REQUEST_BODY_LOGGED, truncate, type Classified, type LocalTarget } from "./target";

// Event buses in this database as invocation targets (a rule forwarding to another bus, the same
// tenant's or another's whose policy allows the rule's account). The events domain does the
// resolution, the policy check and the PutEvents on the target bus (events/bus.delivery.ts), in the
// engine's (or the source's) transaction, one savepoint per invocation; the forwarded event is then
// matched against the target bus's own rules in that same transaction.

export const eventBusTarget: LocalTarget = {
  kind: "event-bus",
  mode: "local",
  protocols: [],
  autoDisable: false,
  async invokeBatch(inputs, tx) {
    const results = await putEventsToBus(
      inputs.map((i) => ({
        tenantId: i.invocation.tenantId,
        sourceArn: i.invocation.sourceArn,
        targetArn: i.invocation.targetArn,
        payload: i.invocation.payload,
      })),
      tx,
    );
    return results.map((r, k): Classified =>
      r.ok
        ? { result: "success", error: null, statusCode: null, record: {} }
        : {
            result: r.permanent ? "permanent" : "retryable",
            error: r.error,
            statusCode: null,
            errorCode: r.errorCode,
            record: { requestBody: truncate(inputs[k]!.invocation.payload, MAX_REQUEST_BODY_LOGGED) },
          },
    );
  },
};
