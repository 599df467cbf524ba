import { randomUUID } from "node:crypto";
import { messageAttributesFromWire, SQS_ERRORS } from "../../../core/sqs";
import { resolveQueueRef } from "../../queues/queue.context";
import { sendMessages } from "../../queues/send";
import type { LocalTaskResource, TaskOutcome, TaskRequest } from "./resource";
import type { Queryable } from "../../../db";
import {
  STATES_SERVICE,
  WORKFLOW_ACTOR,
  asObject,
  asText,
  httpDate,
  integrationPattern,
  parameterFailure,
  sdkMetadata,
  serviceFailure,
  underSavepoint,
  type ServiceErrorNaming,
} from "./common";

// arn:aws:states:::sqs:sendMessage (and .waitForTaskToken): SendMessage's parameters (QueueUrl,
// MessageBody, MessageAttributes, MessageGroupId, MessageDeduplicationId, DelaySeconds; other
// members are ignored, as Step Functions drops unsupported ones), sent inside the executor's
// transaction so the message and the TaskScheduled record commit together, exactly once. A
// MessageBody that is not a string is sent as its JSON text. The result is SendMessage's answer
// with the SDK's metadata; SQS's refusals fail the task as `SQS.<Exception>` (modeled exceptions)
// or `SQS.AmazonSQSException`, the cause in the Java SDK's words.

const MODELED: Record<string, string> = {
  QueueDoesNotExist: "QueueDoesNotExistException",
  InvalidMessageContents: "InvalidMessageContentsException",
  UnsupportedOperation: "UnsupportedOperationException",
};

export const sqsNaming: ServiceErrorNaming = {
  prefix: "SQS",
  service: "AmazonSQS",
  generic: "AmazonSQSException",
  exception: (code) => MODELED[code] ?? null,
  wireCode: (code) => SQS_ERRORS[code]?.query ?? code,
};

async function sendMessage(tx: Queryable, req: TaskRequest): Promise<TaskOutcome> {
  const p = asObject(req.input);
  if (!p) return parameterFailure("The Parameters of an sqs:sendMessage task must be an object.");
  if (typeof p.QueueUrl !== "string")
    return parameterFailure("The field 'QueueUrl' is required but was missing or is not a string.");
  if (p.MessageBody === undefined || p.MessageBody === null)
    return parameterFailure("The field 'MessageBody' is required but was missing.");
  const requestId = randomUUID();
  try {
    const q = await resolveQueueRef(
      { tenantId: req.tenant.id, accountId: req.tenant.accountId },
      { url: p.QueueUrl },
      "SendMessage",
    );
    const [r] = await underSavepoint(tx, () =>
      sendMessages(
        WORKFLOW_ACTOR,
        req.tenant.id,
        q,
        [
          {
            body: asText(p.MessageBody),
            attributes: messageAttributesFromWire(p.MessageAttributes),
            delaySeconds: typeof p.DelaySeconds === "number" ? p.DelaySeconds : undefined,
            groupId: typeof p.MessageGroupId === "string" ? p.MessageGroupId : undefined,
            dedupId: typeof p.MessageDeduplicationId === "string" ? p.MessageDeduplicationId : undefined,
          },
        ],
        {
          senderId: req.tenant.accountId,
          batch: false,
          tx,
          sourceArn: req.stateMachineArn,
          service: STATES_SERVICE,
        },
      ),
    );
    if (!r!.ok) throw r!.error;
    const answer: Record<string, unknown> = {
      ...(r!.md5Attributes ? { MD5OfMessageAttributes: r!.md5Attributes } : {}),
      MD5OfMessageBody: r!.md5Body,
      MessageId: r!.messageId,
      ...(r!.sequenceNumber ? { SequenceNumber: r!.sequenceNumber } : {}),
    };
    const headers = {
      "x-amzn-RequestId": requestId,
      connection: "keep-alive",
      "Content-Length": String(Buffer.byteLength(JSON.stringify(answer))),
      Date: httpDate(),
      "Content-Type": "application/x-amz-json-1.0",
    };
    const output = { ...answer, ...sdkMetadata(requestId, headers) };
    return req.pattern === "waitForTaskToken" ? { kind: "pending", submitted: output } : { kind: "succeeded", output };
  } catch (err) {
    return serviceFailure(err, sqsNaming);
  }
}

export const sqsSendMessage: LocalTaskResource = {
  mode: "local",
  resourceType: "sqs",
  patterns: ["requestResponse", "waitForTaskToken"],
  matches: (resource) => integrationPattern(resource, "sqs", "sendMessage") !== null,
  start: sendMessage,
};
