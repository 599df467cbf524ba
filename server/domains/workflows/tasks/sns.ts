import { randomUUID } from "node:crypto";
import type { Queryable } from "../../../db";
import type { SnsAttribute } from "../../../core/sns/envelope";
import { publicUrl } from "../../../platform/public-url";
import { recordDeliveryMetrics } from "../../deliveries/metrics-flusher";
import type { MetricBump } from "../../deliveries/delivery.repository";
import { publishInTransaction } from "../../topics/publish.service";
import { snsInvalid } from "../../topics/topic.errors";
import type { LocalTaskResource, TaskOutcome, TaskRequest } from "./resource";
import {
  STATES_SERVICE,
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

// arn:aws:states:::sns:publish (and .waitForTaskToken): Publish's parameters (TopicArn or a topic
// as TargetArn, Message — an object is sent as its JSON text —, Subject, MessageStructure,
// MessageAttributes, MessageGroupId, MessageDeduplicationId), published inside the executor's
// transaction through topics' publish path (queue subscribers in the same transaction, the others
// by the fan-out job enqueued in it): exactly once. Result: Publish's answer with the SDK's
// metadata; refusals fail as `SNS.<Exception>` (NotFoundException, InvalidParameterException,
// AuthorizationErrorException, ...), the cause in the Java SDK's words. SMS (PhoneNumber) and
// platform endpoints are not offered: InvalidParameterException.

const MODELED: Record<string, string> = {
  NotFound: "NotFoundException",
  InvalidParameter: "InvalidParameterException",
  InvalidParameterValue: "InvalidParameterValueException",
  AuthorizationError: "AuthorizationErrorException",
};

export const snsNaming: ServiceErrorNaming = {
  prefix: "SNS",
  service: "AmazonSNS",
  generic: "AmazonSNSException",
  exception: (code) => MODELED[code] ?? null,
  wireCode: (code) => (code === "InvalidParameterValue" ? "ParameterValueInvalid" : code),
};

/** Publish's query-protocol answer, whose length the SDK metadata reports. */
function publishXml(messageId: string, sequenceNumber: string | null, requestId: string): string {
  const seq = sequenceNumber ? `\n    <SequenceNumber>${sequenceNumber}</SequenceNumber>` : "";
  return `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">\n  <PublishResult>\n    <MessageId>${messageId}</MessageId>${seq}\n  </PublishResult>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</PublishResponse>\n`;
}

const str = (v: unknown) => (typeof v === "string" ? v : undefined);

async function publish(tx: Queryable, req: TaskRequest): Promise<TaskOutcome> {
  const p = asObject(req.input);
  if (!p) return parameterFailure("The Parameters of an sns:publish task must be an object.");
  if (p.Message === undefined || p.Message === null)
    return parameterFailure("The field 'Message' is required but was missing.");
  const requestId = randomUUID();
  const metrics: MetricBump[] = [];
  try {
    const topicArn = str(p.TopicArn) ?? str(p.TargetArn);
    if (
      !topicArn ||
      (p.TargetArn !== undefined && !/^arn:aws[\w-]*:sns:/.test(topicArn)) ||
      p.PhoneNumber !== undefined
    )
      throw snsInvalid(
        p.PhoneNumber !== undefined
          ? "Invalid parameter: PhoneNumber Reason: SMS is not offered by this server"
          : "Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter",
      );
    const r = await underSavepoint(tx, () =>
      publishInTransaction(
        tx,
        { id: req.tenant.id, accountId: req.tenant.accountId, sourceArn: req.stateMachineArn, service: STATES_SERVICE },
        topicArn,
        {
          message: asText(p.Message),
          subject: str(p.Subject) ?? null,
          messageStructure: str(p.MessageStructure) ?? null,
          messageAttributes: asObject(p.MessageAttributes) as Record<string, SnsAttribute> | undefined,
          messageGroupId: str(p.MessageGroupId) ?? null,
          messageDeduplicationId: str(p.MessageDeduplicationId) ?? null,
        },
        { baseUrl: publicUrl(), metrics },
      ),
    );
    // The executor commits; the per-minute counters of the queue subscribers are pushed now.
    void recordDeliveryMetrics(metrics);
    const answer = { MessageId: r.messageId, ...(r.sequenceNumber ? { SequenceNumber: r.sequenceNumber } : {}) };
    const headers = {
      "x-amzn-RequestId": requestId,
      "Content-Length": String(Buffer.byteLength(publishXml(r.messageId, r.sequenceNumber, requestId))),
      Date: httpDate(),
      "Content-Type": "text/xml",
    };
    const output = { ...answer, ...sdkMetadata(requestId, headers) };
    return req.pattern === "waitForTaskToken" ? { kind: "pending" } : { kind: "succeeded", output };
  } catch (err) {
    return serviceFailure(err, snsNaming);
  }
}

export const snsPublish: LocalTaskResource = {
  mode: "local",
  resourceType: "sns",
  patterns: ["requestResponse", "waitForTaskToken"],
  matches: (resource) => integrationPattern(resource, "sns", "publish") !== null,
  start: publish,
};
