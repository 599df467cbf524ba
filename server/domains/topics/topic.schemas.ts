import { z } from "zod";

// zod inputs of the console (tRPC) and REST doors for topics and subscriptions.

export const attributeValue = z.object({
  DataType: z.string().min(1),
  StringValue: z.string().optional(),
  BinaryValue: z.string().optional(),
});
export const messageAttributesInput = z.record(z.string(), attributeValue);

export const createTopicInput = z.object({
  name: z.string().min(1, "Give the topic a name").max(256),
  fifo: z.boolean().optional(),
  displayName: z.string().max(100).optional(),
  contentBasedDeduplication: z.boolean().optional(),
  /** DeliveryPolicy JSON text (topic shape: {"http": {...}}). */
  deliveryPolicy: z.string().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

export const updateTopicInput = z.object({
  id: z.string().min(1),
  displayName: z.string().max(100).nullish(),
  deliveryPolicy: z.string().nullish(),
  contentBasedDeduplication: z.boolean().optional(),
});

export const subscribeInput = z.object({
  topicId: z.string().min(1),
  protocol: z.enum(["sqs", "http", "https", "email", "email-json"]),
  endpoint: z.string().min(1, "Endpoint is required"),
  filterPolicy: z.string().optional(),
  filterPolicyScope: z.enum(["MessageAttributes", "MessageBody"]).optional(),
  rawMessageDelivery: z.boolean().optional(),
  /** Queue ARN that receives what could not be delivered. */
  deadLetterTargetArn: z.string().optional(),
  /** DeliveryPolicy JSON text (subscription shape: {"healthyRetryPolicy": {...}, "throttlePolicy": {...}}). */
  deliveryPolicy: z.string().optional(),
});

export const updateSubscriptionInput = z.object({
  id: z.string().min(1),
  /** Empty string removes the policy. */
  filterPolicy: z.string().optional(),
  filterPolicyScope: z.enum(["MessageAttributes", "MessageBody"]).optional(),
  rawMessageDelivery: z.boolean().optional(),
  deadLetterTargetArn: z.string().optional(),
  deliveryPolicy: z.string().optional(),
});

export const publishInput = z.object({
  topicId: z.string().min(1),
  message: z.string().min(1, "Message is required"),
  subject: z.string().max(100).optional(),
  messageStructure: z.literal("json").optional(),
  messageAttributes: messageAttributesInput.optional(),
  messageGroupId: z.string().optional(),
  messageDeduplicationId: z.string().optional(),
});

export const testFilterPolicyInput = z.object({
  filterPolicy: z.string().min(1),
  scope: z.enum(["MessageAttributes", "MessageBody"]).default("MessageAttributes"),
  body: z.string().optional(),
  attributes: z.record(z.string(), z.object({ DataType: z.string(), StringValue: z.string().optional() })).optional(),
});
