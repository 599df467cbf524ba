import { xmlTag } from "../codec";

// The SQS query protocol (form parameters in, XML out), translated to and from the AWS JSON 1.0
// shapes so that one set of action handlers serves both protocols.

type Nested = { [k: string]: Nested | string };

/** "A.1.B.2.C=v" → { A: { 1: { B: { 2: { C: "v" } } } } } */
export function nestParams(params: URLSearchParams): Nested {
  const root: Nested = {};
  for (const [key, value] of params) {
    const parts = key.split(".");
    let node = root;
    for (let i = 0; i < parts.length - 1; i++) {
      const p = parts[i];
      const next = node[p];
      if (typeof next !== "object") node[p] = {};
      node = node[p] as Nested;
    }
    node[parts[parts.length - 1]] = value;
  }
  return root;
}

/** Members of a flattened list, in index order. */
function items(n: Nested | string | undefined): Nested[] {
  if (!n || typeof n !== "object") return [];
  return Object.keys(n)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => n[k])
    .filter((v): v is Nested => typeof v === "object");
}

function strings(n: Nested | string | undefined): string[] {
  if (!n || typeof n !== "object") return [];
  return Object.keys(n)
    .filter((k) => /^\d+$/.test(k))
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => n[k])
    .filter((v): v is string => typeof v === "string");
}

function map(n: Nested | string | undefined, keyName: string, valueName: string): Record<string, string> | undefined {
  const list = items(n);
  if (!list.length) return undefined;
  const out: Record<string, string> = {};
  for (const e of list)
    if (typeof e[keyName] === "string")
      out[e[keyName] as string] = typeof e[valueName] === "string" ? (e[valueName] as string) : "";
  return out;
}

function messageAttributes(n: Nested | string | undefined): Record<string, unknown> | undefined {
  const list = items(n);
  if (!list.length) return undefined;
  const out: Record<string, unknown> = {};
  for (const e of list) {
    const v = (e.Value ?? {}) as Nested;
    out[String(e.Name ?? "")] = {
      DataType: typeof v.DataType === "string" ? v.DataType : undefined,
      ...(typeof v.StringValue === "string" ? { StringValue: v.StringValue } : {}),
      ...(typeof v.BinaryValue === "string" ? { BinaryValue: v.BinaryValue } : {}),
    };
  }
  return out;
}

function sendEntry(e: Nested): Record<string, unknown> {
  return {
    Id: e.Id,
    MessageBody: e.MessageBody,
    DelaySeconds: e.DelaySeconds,
    MessageAttributes: messageAttributes(e.MessageAttribute),
    MessageSystemAttributes: messageAttributes(e.MessageSystemAttribute),
    MessageDeduplicationId: e.MessageDeduplicationId,
    MessageGroupId: e.MessageGroupId,
  };
}

const SCALARS = [
  "QueueName",
  "QueueUrl",
  "QueueNamePrefix",
  "NextToken",
  "MaxResults",
  "MessageBody",
  "DelaySeconds",
  "MaxNumberOfMessages",
  "VisibilityTimeout",
  "WaitTimeSeconds",
  "ReceiveRequestAttemptId",
  "ReceiptHandle",
  "MessageGroupId",
  "MessageDeduplicationId",
  "Label",
  "TaskHandle",
  "SourceArn",
  "DestinationArn",
  "MaxNumberOfMessagesPerSecond",
  "QueueOwnerAWSAccountId",
];

/** Form parameters → the JSON 1.0 input of the same action. Numbers stay strings; handlers coerce. */
export function queryToJson(action: string, params: URLSearchParams): Record<string, unknown> {
  const n = nestParams(params);
  const out: Record<string, unknown> = {};
  for (const k of SCALARS) if (typeof n[k] === "string") out[k] = n[k];
  const attrs = map(n.Attribute, "Name", "Value");
  if (attrs && (action === "CreateQueue" || action === "SetQueueAttributes")) out.Attributes = attrs;
  const names = strings(n.AttributeName);
  if (names.length) out.AttributeNames = names;
  const sysNames = strings(n.MessageSystemAttributeName);
  if (sysNames.length) out.MessageSystemAttributeNames = sysNames;
  const msgAttrNames = strings(n.MessageAttributeName);
  if (msgAttrNames.length) out.MessageAttributeNames = msgAttrNames;
  if (action === "SendMessage") {
    out.MessageAttributes = messageAttributes(n.MessageAttribute);
    out.MessageSystemAttributes = messageAttributes(n.MessageSystemAttribute);
  }
  const tags = map(n.Tag, "Key", "Value") ?? map(n.Tags, "Key", "Value");
  if (tags) out[action === "CreateQueue" ? "tags" : "Tags"] = tags;
  const tagKeys = strings(n.TagKey).concat(strings(n.TagKeys));
  if (tagKeys.length) out.TagKeys = tagKeys;
  const accounts = strings(n.AWSAccountId).concat(strings(n.AWSAccountIds));
  if (accounts.length) out.AWSAccountIds = accounts;
  const actions = strings(n.ActionName).concat(strings(n.Actions));
  if (actions.length) out.Actions = actions;
  if (action === "SendMessageBatch") out.Entries = items(n.SendMessageBatchRequestEntry).map(sendEntry);
  if (action === "DeleteMessageBatch")
    out.Entries = items(n.DeleteMessageBatchRequestEntry).map((e) => ({ Id: e.Id, ReceiptHandle: e.ReceiptHandle }));
  if (action === "ChangeMessageVisibilityBatch")
    out.Entries = items(n.ChangeMessageVisibilityBatchRequestEntry).map((e) => ({
      Id: e.Id,
      ReceiptHandle: e.ReceiptHandle,
      VisibilityTimeout: e.VisibilityTimeout,
    }));
  return out;
}

// ---------------------------------------------------------------------------------------------
// JSON output → XML result body

const tag = (name: string, v: unknown): string =>
  v === undefined || v === null ? "" : xmlTag(name, v as string | number | boolean);
function nameValues(el: string, m: Record<string, string> | undefined, k = "Name", v = "Value"): string {
  return Object.entries(m ?? {})
    .map(([key, val]) => `<${el}>${tag(k, key)}${tag(v, val)}</${el}>`)
    .join("");
}
function batchResult(okTag: string, out: Record<string, unknown>, fields: string[]): string {
  const ok = (out.Successful as Array<Record<string, unknown>>) ?? [];
  const failed = (out.Failed as Array<Record<string, unknown>>) ?? [];
  return (
    ok.map((e) => `<${okTag}>${fields.map((f) => tag(f, e[f])).join("")}</${okTag}>`).join("") +
    failed
      .map(
        (e) =>
          `<BatchResultErrorEntry>${tag("Id", e.Id)}${tag("SenderFault", e.SenderFault)}${tag("Code", e.Code)}${tag("Message", e.Message)}</BatchResultErrorEntry>`,
      )
      .join("")
  );
}

export function jsonToXmlResult(action: string, out: Record<string, unknown>): string {
  switch (action) {
    case "CreateQueue":
    case "GetQueueUrl":
      return tag("QueueUrl", out.QueueUrl);
    case "ListQueues":
    case "ListDeadLetterSourceQueues": {
      const urls = ((out.QueueUrls ?? out.queueUrls) as string[] | undefined) ?? [];
      return urls.map((u) => tag("QueueUrl", u)).join("") + tag("NextToken", out.NextToken);
    }
    case "GetQueueAttributes":
      return nameValues("Attribute", out.Attributes as Record<string, string>);
    case "ListQueueTags":
      return nameValues("Tag", out.Tags as Record<string, string>, "Key", "Value");
    case "SendMessage":
      return (
        tag("MD5OfMessageBody", out.MD5OfMessageBody) +
        tag("MD5OfMessageAttributes", out.MD5OfMessageAttributes) +
        tag("MD5OfMessageSystemAttributes", out.MD5OfMessageSystemAttributes) +
        tag("MessageId", out.MessageId) +
        tag("SequenceNumber", out.SequenceNumber)
      );
    case "SendMessageBatch":
      return batchResult("SendMessageBatchResultEntry", out, [
        "Id",
        "MessageId",
        "MD5OfMessageBody",
        "MD5OfMessageAttributes",
        "MD5OfMessageSystemAttributes",
        "SequenceNumber",
      ]);
    case "DeleteMessageBatch":
      return batchResult("DeleteMessageBatchResultEntry", out, ["Id"]);
    case "ChangeMessageVisibilityBatch":
      return batchResult("ChangeMessageVisibilityBatchResultEntry", out, ["Id"]);
    case "ReceiveMessage": {
      const msgs = (out.Messages as Array<Record<string, unknown>>) ?? [];
      return msgs
        .map((m) => {
          const attrs = nameValues("Attribute", m.Attributes as Record<string, string>);
          const mas = Object.entries((m.MessageAttributes as Record<string, Record<string, string>>) ?? {})
            .map(
              ([name, v]) =>
                `<MessageAttribute>${tag("Name", name)}<Value>${tag("StringValue", v.StringValue)}${tag("BinaryValue", v.BinaryValue)}${tag("DataType", v.DataType)}</Value></MessageAttribute>`,
            )
            .join("");
          return `<Message>${tag("MessageId", m.MessageId)}${tag("ReceiptHandle", m.ReceiptHandle)}${tag("MD5OfBody", m.MD5OfBody)}${tag("Body", m.Body)}${attrs}${tag("MD5OfMessageAttributes", m.MD5OfMessageAttributes)}${mas}</Message>`;
        })
        .join("");
    }
    case "StartMessageMoveTask":
      return tag("TaskHandle", out.TaskHandle);
    case "CancelMessageMoveTask":
      return tag("ApproximateNumberOfMessagesMoved", out.ApproximateNumberOfMessagesMoved);
    case "ListMessageMoveTasks":
      return ((out.Results as Array<Record<string, unknown>>) ?? [])
        .map(
          (r) =>
            `<ListMessageMoveTasksResultEntry>${["TaskHandle", "Status", "SourceArn", "DestinationArn", "MaxNumberOfMessagesPerSecond", "ApproximateNumberOfMessagesMoved", "ApproximateNumberOfMessagesToMove", "FailureReason", "StartedTimestamp"].map((f) => tag(f, r[f])).join("")}</ListMessageMoveTasksResultEntry>`,
        )
        .join("");
    default:
      return "";
  }
}

/** Actions whose query reply has no Result element. */
export const EMPTY_RESULT = new Set([
  "DeleteQueue",
  "SetQueueAttributes",
  "DeleteMessage",
  "ChangeMessageVisibility",
  "PurgeQueue",
  "TagQueue",
  "UntagQueue",
  "AddPermission",
  "RemovePermission",
]);
