import { z } from "zod";
import { defineRoute, type RestContext } from "./route";
import { resolveQueueRef } from "../../domains/queues/queue.context";
import {
  createQueue,
  deleteQueue,
  getQueueAttributes,
  listQueues,
  purgeQueue,
  setQueueAttributes,
  urlOf,
  type QueueRow,
} from "../../domains/queues/queue.service";
import { sendMessages, type SendResult } from "../../domains/queues/send";
import { receiveMessages } from "../../domains/queues/receive";
import { changeVisibility, deleteMessages } from "../../domains/queues/acknowledge";
import { queueNameSchema } from "../../domains/queues/queue.schemas";
import {
  MAX_BATCH_ENTRIES,
  assertQueueName,
  messageAttributesFromWire,
  parseCreateQueueAttributes,
  parseQueueAttributes,
} from "../../core/sqs";

// REST for tenant apps: /api/v1/queues. JSON in and out, problem details on error, the same
// queue services as the AWS door. Message attributes: {name: {dataType, stringValue | binaryValue(base64)}}.

const attributeValue = z.object({
  dataType: z.string().min(1),
  stringValue: z.string().optional(),
  binaryValue: z.string().optional(),
});
const messageIn = z.object({
  body: z.string().min(1),
  attributes: z.record(z.string(), attributeValue).optional(),
  delaySeconds: z.number().int().min(0).max(900).optional(),
  messageGroupId: z.string().optional(),
  messageDeduplicationId: z.string().optional(),
});
const queueOut = z.object({ name: z.string(), arn: z.string(), url: z.string(), fifo: z.boolean() });
const sentOut = z.object({
  messageId: z.string(),
  md5OfBody: z.string(),
  md5OfMessageAttributes: z.string().optional(),
  sequenceNumber: z.string().optional(),
});
const failedOut = z.object({ index: z.number(), code: z.string(), message: z.string(), senderFault: z.boolean() });
const messageOut = z.object({
  messageId: z.string(),
  receiptHandle: z.string(),
  body: z.string(),
  md5OfBody: z.string(),
  attributes: z.record(z.string(), attributeValue),
  system: z.record(z.string(), z.string()),
});

const q = (ctx: RestContext, action: string) =>
  resolveQueueRef({ tenantId: ctx.tenant.id, accountId: ctx.tenant.accountId }, { name: ctx.params.name }, action);
const view = (ctx: RestContext, row: QueueRow) => ({
  name: row.name,
  arn: row.arn,
  url: urlOf(row, ctx.baseUrl),
  fifo: row.settings.fifo,
});

function toSendInput(m: z.infer<typeof messageIn>) {
  return {
    body: m.body,
    attributes: messageAttributesFromWire(
      m.attributes &&
        Object.fromEntries(
          Object.entries(m.attributes).map(([k, a]) => [
            k,
            { DataType: a.dataType, StringValue: a.stringValue, BinaryValue: a.binaryValue },
          ]),
        ),
      "attributes",
    ),
    delaySeconds: m.delaySeconds,
    groupId: m.messageGroupId,
    dedupId: m.messageDeduplicationId,
  };
}
const sent = (r: Extract<SendResult, { ok: true }>) => ({
  messageId: r.messageId,
  md5OfBody: r.md5Body,
  ...(r.md5Attributes ? { md5OfMessageAttributes: r.md5Attributes } : {}),
  ...(r.sequenceNumber ? { sequenceNumber: r.sequenceNumber } : {}),
});

export const queueRoutes = [
  defineRoute({
    method: "GET",
    path: "/api/v1/queues",
    tag: "queues",
    summary: "List queues (optionally by name prefix).",
    query: z.object({ prefix: z.string().optional() }),
    response: z.object({ queues: z.array(queueOut) }),
    handler: async (ctx, { query }) => {
      const r = await listQueues(ctx.actor, ctx.tenant.id, { prefix: query.prefix });
      return { queues: r.queues.map((x) => view(ctx, x)) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/queues",
    tag: "queues",
    summary:
      'Create a queue (idempotent with equal attributes). Attributes use SQS names, e.g. {"VisibilityTimeout": "60"}.',
    body: z.object({
      name: queueNameSchema,
      attributes: z.record(z.string(), z.string()).optional(),
      tags: z.record(z.string(), z.string()).optional(),
    }),
    response: queueOut.extend({ created: z.boolean() }),
    status: 201,
    handler: async (ctx, { body }) => {
      const b = body;
      assertQueueName(b.name);
      // REST takes SQS attribute strings (as the SDKs write them): parsed here, once.
      const wanted = parseCreateQueueAttributes(b.name, b.attributes ?? {});
      const r = await createQueue(ctx.actor, ctx.tenant.id, {
        name: b.name,
        fifo: wanted.fifo,
        settings: wanted.settings,
        tags: b.tags,
      });
      return { ...view(ctx, r.queue), created: r.created };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/queues/:name",
    tag: "queues",
    summary: "A queue with all its attributes (including approximate counts).",
    response: queueOut.extend({ attributes: z.record(z.string(), z.string()) }),
    handler: async (ctx) => {
      const row = await q(ctx, "GetQueueAttributes");
      return { ...view(ctx, row), attributes: await getQueueAttributes(ctx.actor, ctx.tenant.id, row, ["All"]) };
    },
  }),
  defineRoute({
    method: "DELETE",
    path: "/api/v1/queues/:name",
    tag: "queues",
    summary: "Delete a queue and its messages.",
    status: 204,
    handler: async (ctx) => {
      await deleteQueue(ctx.actor, ctx.tenant.id, await q(ctx, "DeleteQueue"));
      return undefined;
    },
  }),
  defineRoute({
    method: "PATCH",
    path: "/api/v1/queues/:name/attributes",
    tag: "queues",
    summary: "Change attributes (SQS names and string values, as SetQueueAttributes).",
    body: z.record(z.string(), z.string()),
    response: z.object({ attributes: z.record(z.string(), z.string()) }),
    handler: async (ctx, { body }) => {
      const target = await q(ctx, "SetQueueAttributes");
      const patch = parseQueueAttributes(body, "set", target.settings.fifo);
      const row = await setQueueAttributes(ctx.actor, ctx.tenant.id, target, patch);
      return { attributes: await getQueueAttributes(ctx.actor, ctx.tenant.id, row, ["All"]) };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/queues/:name/messages",
    tag: "queues",
    summary: "Send one message.",
    body: messageIn,
    response: sentOut,
    status: 201,
    handler: async (ctx, { body }) => {
      const [r] = await sendMessages(ctx.actor, ctx.tenant.id, await q(ctx, "SendMessage"), [toSendInput(body)], {
        senderId: ctx.actor.keyId,
        batch: false,
      });
      if (!r.ok) throw r.error;
      return sent(r);
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/queues/:name/messages/batch",
    tag: "queues",
    summary: `Send up to ${MAX_BATCH_ENTRIES} messages; each succeeds or fails on its own (by index).`,
    body: z.object({ messages: z.array(messageIn).min(1).max(MAX_BATCH_ENTRIES) }),
    response: z.object({ successful: z.array(sentOut.extend({ index: z.number() })), failed: z.array(failedOut) }),
    handler: async (ctx, { body }) => {
      const msgs = body.messages;
      const results = await sendMessages(ctx.actor, ctx.tenant.id, await q(ctx, "SendMessage"), msgs.map(toSendInput), {
        senderId: ctx.actor.keyId,
        batch: true,
      });
      return {
        successful: results.flatMap((r, index) => (r.ok ? [{ index, ...sent(r) }] : [])),
        failed: results.flatMap((r, index) =>
          r.ok
            ? []
            : [
                {
                  index,
                  code: r.error.awsCode ?? r.error.code,
                  message: r.error.message,
                  senderFault: r.error.senderFault,
                },
              ],
        ),
      };
    },
  }),
  defineRoute({
    method: "GET",
    path: "/api/v1/queues/:name/messages",
    tag: "queues",
    summary: "Receive up to 10 messages; waitSeconds (0–20) long-polls until one arrives.",
    waiting: true,
    query: z.object({
      max: z.coerce.number().int().min(1).max(10).optional(),
      waitSeconds: z.coerce.number().int().min(0).max(20).optional(),
      visibilityTimeout: z.coerce.number().int().min(0).max(43_200).optional(),
    }),
    response: z.object({ messages: z.array(messageOut) }),
    handler: async (ctx, { query }) => {
      const o = query;
      const msgs = await receiveMessages(ctx.actor, ctx.tenant.id, await q(ctx, "ReceiveMessage"), {
        maxMessages: o.max ?? 1,
        waitTimeSeconds: o.waitSeconds,
        visibilityTimeout: o.visibilityTimeout,
        signal: ctx.signal,
      });
      return {
        messages: msgs.map((m) => ({
          messageId: m.messageId,
          receiptHandle: m.receiptHandle,
          body: m.body,
          md5OfBody: m.md5Body,
          attributes: Object.fromEntries(
            Object.entries(m.attributes ?? {}).map(([k, a]) => [
              k,
              {
                dataType: a.DataType,
                ...(a.BinaryValue ? { binaryValue: a.BinaryValue.toString("base64") } : { stringValue: a.StringValue }),
              },
            ]),
          ),
          system: Object.fromEntries(Object.entries(m.system).filter(([, v]) => v !== undefined)) as Record<
            string,
            string
          >,
        })),
      };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/queues/:name/messages/delete",
    tag: "queues",
    summary: "Delete received messages by receipt handle (1–10).",
    body: z.object({ receiptHandles: z.array(z.string().min(1)).min(1).max(MAX_BATCH_ENTRIES) }),
    response: z.object({ deleted: z.number(), failed: z.array(failedOut) }),
    handler: async (ctx, { body }) => {
      const handles = body.receiptHandles;
      const r = await deleteMessages(ctx.actor, ctx.tenant.id, await q(ctx, "DeleteMessage"), handles, { batch: true });
      return {
        deleted: r.filter((x) => x.ok).length,
        failed: r.flatMap((x, index) =>
          x.ok
            ? []
            : [
                {
                  index,
                  code: x.error.awsCode ?? x.error.code,
                  message: x.error.message,
                  senderFault: x.error.senderFault,
                },
              ],
        ),
      };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/queues/:name/messages/visibility",
    tag: "queues",
    summary: "Change the visibility timeout of received messages (0 makes them visible at once).",
    body: z.object({
      entries: z
        .array(z.object({ receiptHandle: z.string().min(1), visibilityTimeout: z.number().int().min(0).max(43_200) }))
        .min(1)
        .max(MAX_BATCH_ENTRIES),
    }),
    response: z.object({ changed: z.number(), failed: z.array(failedOut) }),
    handler: async (ctx, { body }) => {
      const entries = body.entries;
      const r = await changeVisibility(
        ctx.actor,
        ctx.tenant.id,
        await q(ctx, "ChangeMessageVisibility"),
        entries.map((e) => ({ handle: e.receiptHandle, timeout: e.visibilityTimeout })),
        { batch: true },
      );
      return {
        changed: r.filter((x) => x.ok).length,
        failed: r.flatMap((x, index) =>
          x.ok
            ? []
            : [
                {
                  index,
                  code: x.error.awsCode ?? x.error.code,
                  message: x.error.message,
                  senderFault: x.error.senderFault,
                },
              ],
        ),
      };
    },
  }),
  defineRoute({
    method: "POST",
    path: "/api/v1/queues/:name/purge",
    tag: "queues",
    summary: "Delete every message in the queue (once per 60 seconds).",
    response: z.object({ purged: z.number() }),
    handler: async (ctx) => purgeQueue(ctx.actor, ctx.tenant.id, await q(ctx, "PurgeQueue")),
  }),
];
