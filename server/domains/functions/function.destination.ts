import { withTransaction } from "../../db";
import type { JobContext, PayloadOf } from "../../jobs/registry";
import { gated } from "../../platform/tx-gate";
import { createInvocations } from "../deliveries/invocations";
import type { TargetKindName } from "../deliveries/targets/target";
import type { functionFailureRecordJob } from "./functions.jobs";

// Lambda's on-failure destination: the invocation record (core/lambda/function-rules.ts
// invocationRecord) is delivered to a queue, a topic or an event bus as an invocation of the
// engine (so it shows in the attempt log with the function as its source). An event bus gets it
// as Lambda sends it: source `lambda`, detail-type "Lambda Function Invocation Result - Failure",
// the record as detail.

export function destinationKind(arn: string): TargetKindName | null {
  const service = arn.split(":")[2];
  if (service === "sqs") return "queue";
  if (service === "sns") return "topic";
  if (service === "events") return "event-bus";
  return null;
}

export async function runFailureRecord(
  data: PayloadOf<typeof functionFailureRecordJob>,
  ctx: JobContext,
): Promise<void> {
  const kind = destinationKind(data.destinationArn);
  if (!kind) {
    ctx.log.warn({ destinationArn: data.destinationArn }, "on-failure destination of an unknown kind");
    return;
  }
  await gated(() =>
    withTransaction((tx) =>
      createInvocations(tx, [
        {
          tenantId: data.tenantId,
          sourceKind: "function",
          sourceArn: data.functionArn,
          targetKind: kind,
          targetArn: data.destinationArn,
          payload: JSON.stringify(
            kind === "event-bus"
              ? {
                  source: "lambda",
                  "detail-type": "Lambda Function Invocation Result - Failure",
                  resources: [data.functionArn],
                  detail: data.record,
                }
              : data.record,
          ),
          params:
            kind === "event-bus"
              ? {}
              : data.destinationArn.endsWith(".fifo")
                ? { messageDeduplicationId: data.deliveryId, messageGroupId: data.functionArn.split(":").pop() }
                : { messageDeduplicationId: null },
          eventId: data.deliveryId,
          dedupeKey: `onfailure:${data.deliveryId}`,
        },
      ]),
    ),
  );
}
