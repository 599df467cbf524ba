import { isAppError } from "../../../core/errors";
import {
  assertQueueName,
  checkBatchEntries,
  parseCreateQueueAttributes,
  parseQueueAttributes,
  queueUrl,
  selectAttributes,
  SQS_ERRORS,
  sqsError,
  messageAttributesFromWire,
  type SendInput,
} from "../../../core/sqs";
import type { AwsContext } from "../types";
import { resolveQueueRef } from "../../../domains/queues/queue.context";
import type { QueueRow } from "../../../domains/queues/queue.repository";
import {
  addPermission,
  createQueue,
  deleteQueue,
  getQueueAttributes,
  listDeadLetterSourceQueues,
  listQueues,
  listQueueTags,
  purgeQueue,
  removePermission,
  setQueueAttributes,
  tagQueue,
  untagQueue,
} from "../../../domains/queues/queue.service";
import { sendMessages } from "../../../domains/queues/send";
import { receiveMessages } from "../../../domains/queues/receive";
import { changeVisibility, deleteMessages } from "../../../domains/queues/acknowledge";
import { cancelMessageMoveTask, listMessageMoveTasks, startMessageMoveTask } from "../../../domains/queues/move-tasks";

// Every SQS action over AWS JSON 1.0 input/output shapes (the query protocol is translated to
// and from them in query.ts). Handlers parse, call one use case, shape the answer.

type In = Record<string, unknown>;
export type Handler = (ctx: AwsContext, input: In, path: string) => Promise<Record<string, unknown>>;

function str(input: In, name: string, required = false): string | undefined {
  const v = input[name];
  if (v === undefined || v === null || v === "") {
    if (required) throw sqsError("MissingParameter", `The request must contain the parameter ${name}.`);
    return undefined;
  }
  if (typeof v !== "string")
    throw sqsError("InvalidParameterValue", `Value for parameter ${name} is invalid. Reason: must be a string.`);
  return v;
}

function int(input: In, name: string): number | undefined {
  const v = input[name];
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN;
  if (!Number.isInteger(n))
    throw sqsError(
      "InvalidParameterValue",
      `Value ${String(v)} for parameter ${name} is invalid. Reason: must be an integer.`,
    );
  return n;
}

function strList(input: In, name: string): string[] {
  const v = input[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string"))
    throw sqsError("InvalidParameterValue", `Value for parameter ${name} is invalid.`);
  return v as string[];
}

function strMap(input: In, name: string): Record<string, string> | undefined {
  const v = input[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v))
    throw sqsError("InvalidParameterValue", `Value for parameter ${name} is invalid.`);
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v as Record<string, unknown>)) out[k] = typeof x === "string" ? x : String(x);
  return out;
}

function sendInput(e: In): SendInput {
  return {
    body: e.MessageBody as string,
    attributes: messageAttributesFromWire(e.MessageAttributes, "MessageAttributes"),
    systemAttributes: messageAttributesFromWire(e.MessageSystemAttributes, "MessageSystemAttributes"),
    delaySeconds: int(e, "DelaySeconds"),
    groupId: str(e, "MessageGroupId"),
    dedupId: str(e, "MessageDeduplicationId"),
  };
}

function caller(ctx: AwsContext) {
  return { tenantId: ctx.tenant.id, accountId: ctx.tenant.accountId };
}

/** The queue named by QueueUrl (or, for query calls POSTed to a queue URL, by the path). */
function queueOf(ctx: AwsContext, input: In, path: string, action: string): Promise<QueueRow> {
  const url = str(input, "QueueUrl") ?? (/^\/\d{12}\/[^/]+\/?$/.test(path) ? path : undefined);
  if (!url) throw sqsError("MissingParameter", "The request must contain the parameter QueueUrl.");
  return resolveQueueRef(caller(ctx), { url }, action);
}

async function ownQueueByArn(ctx: AwsContext, arn: string | undefined, field: string): Promise<string> {
  if (!arn) throw sqsError("MissingParameter", `The request must contain the parameter ${field}.`);
  return arn;
}

const url = (ctx: AwsContext, q: Pick<QueueRow, "accountId" | "name">) => queueUrl(ctx.baseUrl, q.accountId, q.name);

function failedEntry(id: string, err: unknown) {
  if (!isAppError(err)) throw err;
  const code = err.awsCode ?? err.mapping.aws;
  return {
    Id: id,
    SenderFault: err.senderFault,
    Code: SQS_ERRORS[code]?.query && code.startsWith("Invalid") ? code : code,
    Message: err.message,
  };
}

const SYSTEM_ATTRIBUTE_NAMES = [
  "ApproximateReceiveCount",
  "SentTimestamp",
  "ApproximateFirstReceiveTimestamp",
  "SenderId",
  "MessageGroupId",
  "MessageDeduplicationId",
  "SequenceNumber",
  "DeadLetterQueueSourceArn",
  "AWSTraceHeader",
];

const HANDLERS: Record<string, Handler> = {
  async CreateQueue(ctx, input) {
    const name = str(input, "QueueName", true)!;
    assertQueueName(name);
    // AWS's attribute strings are parsed here, once; the use case takes typed settings.
    const wanted = parseCreateQueueAttributes(name, strMap(input, "Attributes") ?? {});
    const { queue } = await createQueue(ctx.actor, ctx.tenant.id, {
      name,
      fifo: wanted.fifo,
      settings: wanted.settings,
      tags: strMap(input, "tags") ?? strMap(input, "Tags"),
    });
    return { QueueUrl: url(ctx, queue) };
  },
  async GetQueueUrl(ctx, input) {
    const name = str(input, "QueueName", true)!;
    const owner = str(input, "QueueOwnerAWSAccountId");
    const q = await resolveQueueRef(caller(ctx), { name, ownerAccountId: owner }, "GetQueueUrl");
    return { QueueUrl: url(ctx, q) };
  },
  async ListQueues(ctx, input) {
    const r = await listQueues(ctx.actor, ctx.tenant.id, {
      prefix: str(input, "QueueNamePrefix"),
      maxResults: int(input, "MaxResults"),
      nextToken: str(input, "NextToken"),
    });
    return {
      ...(r.queues.length ? { QueueUrls: r.queues.map((q) => url(ctx, q)) } : {}),
      ...(r.nextToken ? { NextToken: r.nextToken } : {}),
    };
  },
  async DeleteQueue(ctx, input, path) {
    await deleteQueue(ctx.actor, ctx.tenant.id, await queueOf(ctx, input, path, "DeleteQueue"));
    return {};
  },
  async GetQueueAttributes(ctx, input, path) {
    const q = await queueOf(ctx, input, path, "GetQueueAttributes");
    const names = strList(input, "AttributeNames");
    const attrs = await getQueueAttributes(ctx.actor, ctx.tenant.id, q, names);
    return Object.keys(attrs).length ? { Attributes: attrs } : {};
  },
  async SetQueueAttributes(ctx, input, path) {
    const q = await queueOf(ctx, input, path, "SetQueueAttributes");
    const patch = parseQueueAttributes(strMap(input, "Attributes") ?? {}, "set", q.settings.fifo);
    await setQueueAttributes(ctx.actor, ctx.tenant.id, q, patch);
    return {};
  },
  async SendMessage(ctx, input, path) {
    const q = await queueOf(ctx, input, path, "SendMessage");
    const [r] = await sendMessages(ctx.actor, ctx.tenant.id, q, [sendInput(input)], {
      senderId: ctx.actor.keyId,
      batch: false,
    });
    if (!r.ok) throw r.error;
    return {
      MD5OfMessageBody: r.md5Body,
      ...(r.md5Attributes ? { MD5OfMessageAttributes: r.md5Attributes } : {}),
      ...(r.md5SystemAttributes ? { MD5OfMessageSystemAttributes: r.md5SystemAttributes } : {}),
      MessageId: r.messageId,
      ...(r.sequenceNumber ? { SequenceNumber: r.sequenceNumber } : {}),
    };
  },
  async SendMessageBatch(ctx, input, path) {
    const q = await queueOf(ctx, input, path, "SendMessage");
    const entries = (Array.isArray(input.Entries) ? input.Entries : []) as In[];
    checkBatchEntries(entries as Array<{ Id?: string }>, "SendMessageBatchRequestEntry");
    // Entry-level parse errors (bad types) fail that entry only.
    const parsed: Array<SendInput | Error> = entries.map((e) => {
      try {
        return sendInput(e);
      } catch (err) {
        return err as Error;
      }
    });
    const good = parsed
      .map((p, i) => ({ p, i }))
      .filter((x): x is { p: SendInput; i: number } => !(x.p instanceof Error));
    const results = await sendMessages(
      ctx.actor,
      ctx.tenant.id,
      q,
      good.map((g) => g.p),
      { senderId: ctx.actor.keyId, batch: true },
    );
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    parsed.forEach((p, i) => {
      if (p instanceof Error) Failed.push(failedEntry(entries[i].Id as string, p));
    });
    good.forEach((g, k) => {
      const r = results[k];
      const id = entries[g.i].Id as string;
      if (!r.ok) Failed.push(failedEntry(id, r.error));
      else
        Successful.push({
          Id: id,
          MessageId: r.messageId,
          MD5OfMessageBody: r.md5Body,
          ...(r.md5Attributes ? { MD5OfMessageAttributes: r.md5Attributes } : {}),
          ...(r.md5SystemAttributes ? { MD5OfMessageSystemAttributes: r.md5SystemAttributes } : {}),
          ...(r.sequenceNumber ? { SequenceNumber: r.sequenceNumber } : {}),
        });
    });
    return { Successful, Failed };
  },
  async ReceiveMessage(ctx, input, path) {
    const q = await queueOf(ctx, input, path, "ReceiveMessage");
    const msgs = await receiveMessages(ctx.actor, ctx.tenant.id, q, {
      maxMessages: int(input, "MaxNumberOfMessages"),
      visibilityTimeout: int(input, "VisibilityTimeout"),
      waitTimeSeconds: int(input, "WaitTimeSeconds"),
      attemptId: str(input, "ReceiveRequestAttemptId"),
      signal: ctx.signal,
    });
    const wantedSys = [...strList(input, "AttributeNames"), ...strList(input, "MessageSystemAttributeNames")];
    const allSys = wantedSys.includes("All");
    const wantedMsgAttrs = strList(input, "MessageAttributeNames");
    if (!msgs.length) return {};
    return {
      Messages: msgs.map((m) => {
        const sys: Record<string, string> = {};
        for (const k of SYSTEM_ATTRIBUTE_NAMES) {
          const v = (m.system as Record<string, string | undefined>)[k];
          if (v !== undefined && (allSys || wantedSys.includes(k))) sys[k] = v;
        }
        const attrs = selectAttributes(m.attributes, wantedMsgAttrs);
        return {
          MessageId: m.messageId,
          ReceiptHandle: m.receiptHandle,
          MD5OfBody: m.md5Body,
          Body: m.body,
          ...(Object.keys(sys).length ? { Attributes: sys } : {}),
          // AWS returns the MD5 of all attributes whenever the message has any (the SDK checks it only against returned ones).
          ...(attrs && m.md5Attributes ? { MD5OfMessageAttributes: m.md5Attributes } : {}),
          ...(attrs
            ? {
                MessageAttributes: Object.fromEntries(
                  Object.entries(attrs).map(([k, a]) => [
                    k,
                    {
                      DataType: a.DataType,
                      ...(a.BinaryValue !== undefined
                        ? { BinaryValue: a.BinaryValue.toString("base64") }
                        : { StringValue: a.StringValue }),
                    },
                  ]),
                ),
              }
            : {}),
        };
      }),
    };
  },
  async DeleteMessage(ctx, input, path) {
    const q = await queueOf(ctx, input, path, "DeleteMessage");
    await deleteMessages(ctx.actor, ctx.tenant.id, q, [str(input, "ReceiptHandle", true)!], { batch: false });
    return {};
  },
  async DeleteMessageBatch(ctx, input, path) {
    const q = await queueOf(ctx, input, path, "DeleteMessage");
    const entries = (Array.isArray(input.Entries) ? input.Entries : []) as In[];
    checkBatchEntries(entries as Array<{ Id?: string }>, "DeleteMessageBatchRequestEntry");
    const results = await deleteMessages(
      ctx.actor,
      ctx.tenant.id,
      q,
      entries.map((e) => (typeof e.ReceiptHandle === "string" ? e.ReceiptHandle : "")),
      { batch: true },
    );
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    results.forEach((r, i) =>
      r.ok ? Successful.push({ Id: entries[i].Id }) : Failed.push(failedEntry(entries[i].Id as string, r.error)),
    );
    return { Successful, Failed };
  },
  async ChangeMessageVisibility(ctx, input, path) {
    const q = await queueOf(ctx, input, path, "ChangeMessageVisibility");
    const timeout = int(input, "VisibilityTimeout");
    if (timeout === undefined)
      throw sqsError("MissingParameter", "The request must contain the parameter VisibilityTimeout.");
    await changeVisibility(ctx.actor, ctx.tenant.id, q, [{ handle: str(input, "ReceiptHandle", true)!, timeout }], {
      batch: false,
    });
    return {};
  },
  async ChangeMessageVisibilityBatch(ctx, input, path) {
    const q = await queueOf(ctx, input, path, "ChangeMessageVisibility");
    const entries = (Array.isArray(input.Entries) ? input.Entries : []) as In[];
    checkBatchEntries(entries as Array<{ Id?: string }>, "ChangeMessageVisibilityBatchRequestEntry");
    const parsed = entries.map((e) => {
      try {
        return {
          handle: typeof e.ReceiptHandle === "string" ? e.ReceiptHandle : "",
          timeout: int(e, "VisibilityTimeout") ?? 0,
        };
      } catch (err) {
        return err as Error;
      }
    });
    const good = parsed
      .map((p, i) => ({ p, i }))
      .filter((x): x is { p: { handle: string; timeout: number }; i: number } => !(x.p instanceof Error));
    const results = await changeVisibility(
      ctx.actor,
      ctx.tenant.id,
      q,
      good.map((g) => g.p),
      { batch: true },
    );
    const Successful: unknown[] = [];
    const Failed: unknown[] = [];
    parsed.forEach((p, i) => {
      if (p instanceof Error) Failed.push(failedEntry(entries[i].Id as string, p));
    });
    good.forEach((g, k) => {
      const r = results[k];
      if (r.ok) Successful.push({ Id: entries[g.i].Id });
      else Failed.push(failedEntry(entries[g.i].Id as string, r.error));
    });
    return { Successful, Failed };
  },
  async PurgeQueue(ctx, input, path) {
    await purgeQueue(ctx.actor, ctx.tenant.id, await queueOf(ctx, input, path, "PurgeQueue"));
    return {};
  },
  async TagQueue(ctx, input, path) {
    await tagQueue(ctx.actor, ctx.tenant.id, await queueOf(ctx, input, path, "TagQueue"), strMap(input, "Tags") ?? {});
    return {};
  },
  async UntagQueue(ctx, input, path) {
    await untagQueue(
      ctx.actor,
      ctx.tenant.id,
      await queueOf(ctx, input, path, "UntagQueue"),
      strList(input, "TagKeys"),
    );
    return {};
  },
  async ListQueueTags(ctx, input, path) {
    const tags = await listQueueTags(ctx.actor, ctx.tenant.id, await queueOf(ctx, input, path, "ListQueueTags"));
    return Object.keys(tags).length ? { Tags: tags } : {};
  },
  async ListDeadLetterSourceQueues(ctx, input, path) {
    const q = await queueOf(ctx, input, path, "ListDeadLetterSourceQueues");
    const r = await listDeadLetterSourceQueues(ctx.actor, ctx.tenant.id, q, {
      maxResults: int(input, "MaxResults"),
      nextToken: str(input, "NextToken"),
    });
    return { queueUrls: r.queues.map((s) => url(ctx, s)), ...(r.nextToken ? { NextToken: r.nextToken } : {}) };
  },
  async AddPermission(ctx, input, path) {
    const q = await queueOf(ctx, input, path, "AddPermission");
    await addPermission(ctx.actor, ctx.tenant.id, q, {
      label: str(input, "Label", true)!,
      accounts: strList(input, "AWSAccountIds"),
      actions: strList(input, "Actions"),
    });
    return {};
  },
  async RemovePermission(ctx, input, path) {
    const q = await queueOf(ctx, input, path, "RemovePermission");
    await removePermission(ctx.actor, ctx.tenant.id, q, str(input, "Label", true)!);
    return {};
  },
  async StartMessageMoveTask(ctx, input) {
    const sourceArn = await ownQueueByArn(ctx, str(input, "SourceArn"), "SourceArn");
    const r = await startMessageMoveTask(ctx.actor, ctx.tenant.id, {
      sourceArn,
      destinationArn: str(input, "DestinationArn"),
      maxNumberOfMessagesPerSecond: int(input, "MaxNumberOfMessagesPerSecond"),
    });
    return { TaskHandle: r.taskHandle };
  },
  async ListMessageMoveTasks(ctx, input) {
    const sourceArn = await ownQueueByArn(ctx, str(input, "SourceArn"), "SourceArn");
    const rows = await listMessageMoveTasks(ctx.actor, ctx.tenant.id, {
      sourceArn,
      maxResults: int(input, "MaxResults"),
    });
    return {
      Results: rows.map((r) => ({
        ...(r.taskHandle ? { TaskHandle: r.taskHandle } : {}),
        Status: r.status,
        SourceArn: r.sourceArn,
        ...(r.destinationArn ? { DestinationArn: r.destinationArn } : {}),
        ...(r.maxNumberOfMessagesPerSecond ? { MaxNumberOfMessagesPerSecond: r.maxNumberOfMessagesPerSecond } : {}),
        ApproximateNumberOfMessagesMoved: r.approximateNumberOfMessagesMoved,
        ...(r.approximateNumberOfMessagesToMove !== undefined
          ? { ApproximateNumberOfMessagesToMove: r.approximateNumberOfMessagesToMove }
          : {}),
        ...(r.failureReason ? { FailureReason: r.failureReason } : {}),
        StartedTimestamp: r.startedTimestamp,
      })),
    };
  },
  async CancelMessageMoveTask(ctx, input) {
    const r = await cancelMessageMoveTask(ctx.actor, ctx.tenant.id, str(input, "TaskHandle", true)!);
    return { ApproximateNumberOfMessagesMoved: r.approximateNumberOfMessagesMoved };
  },
};

/** The action table. A Map, so that only these names are actions (never `constructor`, `__proto__`). */
export const ACTIONS: ReadonlyMap<string, Handler> = new Map(Object.entries(HANDLERS));
