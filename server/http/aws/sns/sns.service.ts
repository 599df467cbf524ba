import { AppError } from "../../../core/errors";
import { queryErrorReply, queryReply, xmlTag } from "../codec";
import type { AwsAction, AwsCall, AwsReply, AwsService } from "../types";
import {
  createTopic,
  deleteTopic,
  getTopicAttributes,
  listTopicTags,
  listTopics,
  newTopicSettingsFromAttributes,
  setTopicAttributes,
  tagTopic,
  topicSettingsFromAttribute,
  untagTopic,
} from "../../../domains/topics/topic.service";
import {
  confirmSubscription,
  getSubscriptionAttributes,
  listSubscriptions,
  publicSubscriptionArn,
  setSubscriptionAttributes,
  subscriptionPatchFromAttributes,
  subscribe,
  unsubscribe,
} from "../../../domains/topics/subscription.service";
import { publish, publishBatch } from "../../../domains/topics/publish.service";
import { batchEntries, entryMap, memberList, messageAttributes, tagList } from "./sns.params";

// SNS on the AWS door: the query protocol (form-encoded Action=…) with XML replies. This file only
// parses parameters, calls the topics services and renders SNS's XML and error shapes.
export const SNS_XMLNS = "http://sns.amazonaws.com/doc/2010-03-31/";

const attributesXml = (attrs: Record<string, string>) =>
  `<Attributes>${Object.entries(attrs)
    .map(([k, v]) => `<entry>${xmlTag("key", k)}${xmlTag("value", v)}</entry>`)
    .join("")}</Attributes>`;

function required(p: URLSearchParams, name: string): string {
  const v = p.get(name);
  if (v === null || v === "")
    throw new AppError("validation", `Invalid parameter: ${name} Reason: no value for required parameter`, {
      awsCode: "InvalidParameter",
    });
  return v;
}

type SnsAction = (p: URLSearchParams, call: AwsCall, reply: (xml: string) => AwsReply) => Promise<AwsReply>;

/** ListSubscriptions and ListSubscriptionsByTopic answer alike; the latter is scoped to its topic. */
const listSubscriptionsAction: SnsAction = async (p, call, reply) => {
  const { tenant, actor } = call.ctx;
  const r = await listSubscriptions(actor, tenant, {
    topicArn: call.action === "ListSubscriptionsByTopic" ? required(p, "TopicArn") : undefined,
    nextToken: p.get("NextToken"),
  });
  const members = r.subscriptions
    .map(
      (s) =>
        `<member>${xmlTag("TopicArn", s.topicArn)}${xmlTag("Protocol", s.protocol)}${xmlTag("SubscriptionArn", publicSubscriptionArn(s))}${xmlTag("Owner", tenant.accountId)}${xmlTag("Endpoint", s.endpoint)}</member>`,
    )
    .join("");
  return reply(`<Subscriptions>${members}</Subscriptions>${xmlTag("NextToken", r.nextToken)}`);
};

const ACTIONS = new Map<string, SnsAction>([
  [
    "CreateTopic",
    async (p, call, reply) => {
      const { tenant, actor } = call.ctx;
      const t = await createTopic(actor, tenant, {
        name: p.get("Name") ?? "",
        ...newTopicSettingsFromAttributes(entryMap(p, "Attributes")),
        tags: tagList(p),
      });
      return reply(xmlTag("TopicArn", t.arn));
    },
  ],
  [
    "DeleteTopic",
    async (p, call, reply) => {
      const { tenant, actor } = call.ctx;
      await deleteTopic(actor, tenant, required(p, "TopicArn"));
      return reply("");
    },
  ],
  [
    "ListTopics",
    async (p, call, reply) => {
      const { tenant, actor } = call.ctx;
      const r = await listTopics(actor, tenant, p.get("NextToken"));
      return reply(
        `<Topics>${r.topics.map((t) => `<member>${xmlTag("TopicArn", t.arn)}</member>`).join("")}</Topics>${xmlTag("NextToken", r.nextToken)}`,
      );
    },
  ],
  [
    "GetTopicAttributes",
    async (p, call, reply) => {
      const { tenant, actor } = call.ctx;
      return reply(attributesXml(await getTopicAttributes(actor, tenant, required(p, "TopicArn"))));
    },
  ],
  [
    "SetTopicAttributes",
    async (p, call, reply) => {
      const { tenant, actor } = call.ctx;
      const arn = required(p, "TopicArn");
      const settings = topicSettingsFromAttribute(required(p, "AttributeName"), p.get("AttributeValue") ?? "");
      await setTopicAttributes(actor, tenant, arn, settings);
      return reply("");
    },
  ],
  [
    "Subscribe",
    async (p, call, reply) => {
      const { tenant, actor, baseUrl } = call.ctx;
      const r = await subscribe(
        actor,
        tenant,
        {
          topicArn: required(p, "TopicArn"),
          protocol: required(p, "Protocol"),
          endpoint: p.get("Endpoint") ?? undefined,
          settings: subscriptionPatchFromAttributes(entryMap(p, "Attributes"), true),
        },
        { baseUrl },
      );
      const arn = r.pending && p.get("ReturnSubscriptionArn") !== "true" ? "pending confirmation" : r.subscription.arn;
      return reply(xmlTag("SubscriptionArn", arn));
    },
  ],
  [
    "ConfirmSubscription",
    async (p, call, reply) => {
      const s = await confirmSubscription({ topicArn: required(p, "TopicArn"), token: required(p, "Token") });
      return reply(xmlTag("SubscriptionArn", s.arn));
    },
  ],
  [
    "Unsubscribe",
    async (p, call, reply) => {
      const { tenant, actor, baseUrl } = call.ctx;
      await unsubscribe(actor, tenant, required(p, "SubscriptionArn"), { baseUrl });
      return reply("");
    },
  ],
  ["ListSubscriptions", listSubscriptionsAction],
  ["ListSubscriptionsByTopic", listSubscriptionsAction],
  [
    "GetSubscriptionAttributes",
    async (p, call, reply) => {
      const { tenant, actor } = call.ctx;
      return reply(attributesXml(await getSubscriptionAttributes(actor, tenant, required(p, "SubscriptionArn"))));
    },
  ],
  [
    "SetSubscriptionAttributes",
    async (p, call, reply) => {
      const { tenant, actor } = call.ctx;
      await setSubscriptionAttributes(
        actor,
        tenant,
        required(p, "SubscriptionArn"),
        subscriptionPatchFromAttributes({ [required(p, "AttributeName")]: p.get("AttributeValue") ?? "" }, false),
      );
      return reply("");
    },
  ],
  [
    "Publish",
    async (p, call, reply) => {
      const { tenant, actor, baseUrl } = call.ctx;
      const topicArn = p.get("TopicArn") ?? p.get("TargetArn") ?? "";
      if (p.get("PhoneNumber"))
        throw new AppError("unsupported", "Invalid parameter: PhoneNumber Reason: SMS is not supported by Signalbox", {
          awsCode: "InvalidParameter",
        });
      const r = await publish(
        actor,
        tenant,
        topicArn,
        {
          message: p.get("Message") ?? "",
          subject: p.get("Subject"),
          messageStructure: p.get("MessageStructure"),
          messageAttributes: messageAttributes(p),
          messageGroupId: p.get("MessageGroupId"),
          messageDeduplicationId: p.get("MessageDeduplicationId"),
        },
        { baseUrl },
      );
      return reply(xmlTag("MessageId", r.messageId) + xmlTag("SequenceNumber", r.sequenceNumber));
    },
  ],
  [
    "PublishBatch",
    async (p, call, reply) => {
      const { tenant, actor, baseUrl } = call.ctx;
      const entries = batchEntries(p).map((e) => ({
        id: e.Id ?? "",
        message: e.Message ?? "",
        subject: e.Subject,
        messageStructure: e.MessageStructure,
        messageAttributes: e.attributes,
        messageGroupId: e.MessageGroupId,
        messageDeduplicationId: e.MessageDeduplicationId,
      }));
      const r = await publishBatch(actor, tenant, required(p, "TopicArn"), entries, { baseUrl });
      const ok = r.successful
        .map(
          (s) =>
            `<member>${xmlTag("Id", s.id)}${xmlTag("MessageId", s.messageId)}${xmlTag("SequenceNumber", s.sequenceNumber)}</member>`,
        )
        .join("");
      const failed = r.failed
        .map(
          (f) =>
            `<member>${xmlTag("Id", f.id)}${xmlTag("Code", f.code)}${xmlTag("Message", f.message)}${xmlTag("SenderFault", f.senderFault)}</member>`,
        )
        .join("");
      return reply(`<Successful>${ok}</Successful><Failed>${failed}</Failed>`);
    },
  ],
  [
    "TagResource",
    async (p, call, reply) => {
      const { tenant, actor } = call.ctx;
      await tagTopic(actor, tenant, required(p, "ResourceArn"), tagList(p));
      return reply("");
    },
  ],
  [
    "UntagResource",
    async (p, call, reply) => {
      const { tenant, actor } = call.ctx;
      await untagTopic(actor, tenant, required(p, "ResourceArn"), memberList(p, "TagKeys"));
      return reply("");
    },
  ],
  [
    "ListTagsForResource",
    async (p, call, reply) => {
      const { tenant, actor } = call.ctx;
      const tags = await listTopicTags(actor, tenant, required(p, "ResourceArn"));
      return reply(
        `<Tags>${Object.entries(tags)
          .map(([k, v]) => `<member>${xmlTag("Key", k)}${xmlTag("Value", v)}</member>`)
          .join("")}</Tags>`,
      );
    },
  ],
]);

/** Each SNS action as the door calls it: query parameters in, SNS's XML out. */
function wire(run: SnsAction): AwsAction {
  return (call) => {
    const p = call.params ?? new URLSearchParams(Object.entries(call.json ?? {}).map(([k, v]) => [k, String(v)]));
    return run(p, call, (xml) => queryReply(call.action, SNS_XMLNS, xml, call.ctx.requestId));
  };
}

/** SNS's own names for the shared error kinds. */
function snsCode(err: AppError): { code: string; status: number } {
  if (
    err.awsCode &&
    !["AccessDenied", "ResourceNotFound", "InvalidParameterValue", "InternalFailure", "ThrottlingException"].includes(
      err.awsCode,
    )
  )
    return { code: err.awsCode, status: err.awsStatus ?? err.mapping.awsStatus };
  // SNS's wire code for InvalidParameterValueException is "ParameterValueInvalid".
  if (err.awsCode === "InvalidParameterValue") return { code: "ParameterValueInvalid", status: 400 };
  if (err.awsCode === "ResourceNotFound") return { code: err.awsCode, status: err.awsStatus ?? 404 };
  switch (err.code) {
    case "forbidden":
      return { code: "AuthorizationError", status: 403 };
    case "not_found":
      return { code: "NotFound", status: 404 };
    case "validation":
    case "too_large":
      return { code: "InvalidParameter", status: 400 };
    case "rate_limited":
      return { code: "Throttled", status: 429 };
    case "internal":
      return { code: "InternalError", status: 500 };
    default:
      return { code: err.awsCode ?? err.mapping.aws, status: err.awsStatus ?? err.mapping.awsStatus };
  }
}

export const snsService: AwsService = {
  name: "sns",
  actions: new Map([...ACTIONS].map(([name, run]) => [name, wire(run)])),
  renderError(err, call) {
    const { code, status } = snsCode(err);
    const r = queryErrorReply(err, call.requestId, SNS_XMLNS, code);
    return { ...r, status };
  },
};
