import { z } from "zod";
import {
  DELAY_SECONDS,
  MAX_MESSAGES_PER_RECEIVE,
  MAX_MOVE_TASK_RATE,
  MAX_RECEIVE_COUNT,
  MAXIMUM_MESSAGE_SIZE,
  MESSAGE_RETENTION_PERIOD,
  RECEIVE_WAIT_TIME_SECONDS,
  VISIBILITY_TIMEOUT,
  decodeBinaryValue,
  type QueueSettingsPatch,
} from "../../core/sqs";

// zod inputs for the console (tRPC) and REST: typed attribute fields with AWS's ranges, so forms
// get a message beside the field. The service re-validates everything with AWS's codes.

export const queueNameSchema = z
  .string()
  .min(1, "Enter a queue name.")
  .max(80, "At most 80 characters.")
  .regex(/^[A-Za-z0-9_-]+(\.fifo)?$/, "Only letters, digits, hyphens and underscores (FIFO queue names end in .fifo).");

const int = (r: { min: number; max: number }, label: string) =>
  z
    .number()
    .int(`${label} must be a whole number.`)
    .min(r.min, `${label} must be at least ${r.min}.`)
    .max(r.max, `${label} must be at most ${r.max}.`);

export const queueSettingsInput = z.object({
  visibilityTimeout: int(VISIBILITY_TIMEOUT, "Visibility timeout").optional(),
  messageRetentionPeriod: int(MESSAGE_RETENTION_PERIOD, "Retention period").optional(),
  maximumMessageSize: int(MAXIMUM_MESSAGE_SIZE, "Maximum message size").optional(),
  delaySeconds: int(DELAY_SECONDS, "Delivery delay").optional(),
  receiveMessageWaitTimeSeconds: int(RECEIVE_WAIT_TIME_SECONDS, "Receive wait time").optional(),
  redrivePolicy: z
    .object({
      deadLetterTargetArn: z.string().min(1, "Choose a dead-letter queue."),
      maxReceiveCount: int(MAX_RECEIVE_COUNT, "Maximum receives"),
    })
    .nullable()
    .optional(),
  redriveAllowPolicy: z
    .object({
      redrivePermission: z.enum(["allowAll", "denyAll", "byQueue"]),
      sourceQueueArns: z.array(z.string()).max(10).optional(),
    })
    .nullable()
    .optional(),
  contentBasedDeduplication: z.boolean().optional(),
  deduplicationScope: z.enum(["queue", "messageGroup"]).optional(),
  fifoThroughputLimit: z.enum(["perQueue", "perMessageGroupId"]).optional(),
  policy: z.string().nullable().optional(),
});
export type QueueSettingsInput = z.infer<typeof queueSettingsInput>;

/** The console's typed fields → the settings patch the use cases take (no attribute strings between). */
export function settingsPatchFromForm(s: QueueSettingsInput): QueueSettingsPatch {
  const p: QueueSettingsPatch = {};
  if (s.visibilityTimeout !== undefined) p.visibilityTimeout = s.visibilityTimeout;
  if (s.messageRetentionPeriod !== undefined) p.retentionPeriod = s.messageRetentionPeriod;
  if (s.maximumMessageSize !== undefined) p.maximumMessageSize = s.maximumMessageSize;
  if (s.delaySeconds !== undefined) p.delaySeconds = s.delaySeconds;
  if (s.receiveMessageWaitTimeSeconds !== undefined) p.receiveWaitSeconds = s.receiveMessageWaitTimeSeconds;
  if (s.redrivePolicy !== undefined) p.redrivePolicy = s.redrivePolicy;
  if (s.redriveAllowPolicy !== undefined) p.redriveAllowPolicy = s.redriveAllowPolicy;
  if (s.contentBasedDeduplication !== undefined) p.contentBasedDedup = s.contentBasedDeduplication;
  if (s.deduplicationScope !== undefined) p.deduplicationScope = s.deduplicationScope;
  if (s.fifoThroughputLimit !== undefined) p.fifoThroughputLimit = s.fifoThroughputLimit;
  if (s.policy !== undefined) p.policy = s.policy;
  return p;
}

export const createQueueInput = queueSettingsInput.extend({
  name: queueNameSchema,
  fifo: z.boolean().optional(),
  tags: z.record(z.string().min(1).max(128), z.string().max(256)).optional(),
});

export const queueRefInput = z.object({ name: queueNameSchema });

export const messageAttributeInput = z.object({
  name: z.string().min(1, "Attribute name is required.").max(256),
  dataType: z
    .string()
    .regex(
      /^(String|Number|Binary)(\..+)?$/,
      "Type must be String, Number or Binary (optionally with a .custom suffix).",
    ),
  /** String/Number: the value; Binary: base64. */
  value: z.string().min(1, "Attribute value is required."),
});

export const sendMessageInput = z.object({
  name: queueNameSchema,
  body: z.string().min(1, "The message body cannot be empty."),
  attributes: z.array(messageAttributeInput).max(10, "At most 10 message attributes.").optional(),
  delaySeconds: int(DELAY_SECONDS, "Delay").optional(),
  messageGroupId: z.string().min(1).max(128).optional(),
  messageDeduplicationId: z.string().min(1).max(128).optional(),
});

export const receiveMessagesInput = z.object({
  name: queueNameSchema,
  maxMessages: z.number().int().min(1).max(MAX_MESSAGES_PER_RECEIVE).default(10),
  visibilityTimeout: int(VISIBILITY_TIMEOUT, "Visibility timeout").optional(),
  waitTimeSeconds: int(RECEIVE_WAIT_TIME_SECONDS, "Wait time").default(0),
});

export const receiptInput = z.object({ name: queueNameSchema, receiptHandle: z.string().min(1) });
export const changeVisibilityInput = receiptInput.extend({
  visibilityTimeout: int(VISIBILITY_TIMEOUT, "Visibility timeout"),
});

export const browseInput = z.object({
  name: queueNameSchema,
  cursor: z.string().regex(/^\d+$/).optional(),
  limit: z.number().int().min(1).max(100).default(25),
});

export const startMoveTaskInput = z.object({
  name: queueNameSchema,
  destinationArn: z.string().min(1).optional(),
  maxNumberOfMessagesPerSecond: z.number().int().min(1).max(MAX_MOVE_TASK_RATE).optional(),
});
export const cancelMoveTaskInput = z.object({ taskHandle: z.string().min(1) });
export const metricsInput = z.object({ name: queueNameSchema, hours: z.number().int().min(1).max(336).default(3) });

export function attributesFromInput(list: z.infer<typeof messageAttributeInput>[] | undefined) {
  if (!list?.length) return undefined;
  const out: Record<string, { DataType: string; StringValue?: string; BinaryValue?: Buffer }> = {};
  for (const a of list) {
    out[a.name] = a.dataType.startsWith("Binary")
      ? { DataType: a.dataType, BinaryValue: decodeBinaryValue(a.value, a.name, `attributes.${a.name}`) }
      : { DataType: a.dataType, StringValue: a.value };
  }
  return out;
}

export const tagInput = z.object({
  name: queueNameSchema,
  tags: z.record(z.string().min(1).max(128), z.string().max(256)),
});
export const untagInput = z.object({ name: queueNameSchema, keys: z.array(z.string().min(1)).min(1) });
export const addPermissionInput = z.object({
  name: queueNameSchema,
  label: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/, "Letters, digits, hyphens and underscores, at most 80."),
  accountIds: z.array(z.string().regex(/^\d{12}$/, "A 12-digit account id.")).min(1, "At least one account id."),
  actions: z.array(z.string().min(1)).min(1, "At least one action."),
});
export const removePermissionInput = z.object({ name: queueNameSchema, label: z.string().min(1) });
