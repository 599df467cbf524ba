import { describe, expect, it } from "vitest";
import { jsonToXmlResult, queryToJson } from "./query";

// The query protocol's form parameters map onto the JSON shapes, and JSON results back onto XML.

describe("queryToJson", () => {
  it.each([
    [
      "CreateQueue",
      "QueueName=q&Attribute.1.Name=VisibilityTimeout&Attribute.1.Value=40&Attribute.2.Name=DelaySeconds&Attribute.2.Value=0&Tag.1.Key=team&Tag.1.Value=a",
      { QueueName: "q", Attributes: { VisibilityTimeout: "40", DelaySeconds: "0" }, tags: { team: "a" } },
    ],
    [
      "SendMessage",
      "QueueUrl=u&MessageBody=hi&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=String&MessageAttribute.1.Value.StringValue=b&MessageAttribute.2.Name=c&MessageAttribute.2.Value.DataType=Binary&MessageAttribute.2.Value.BinaryValue=AAE%3D",
      {
        QueueUrl: "u",
        MessageBody: "hi",
        MessageAttributes: {
          a: { DataType: "String", StringValue: "b" },
          c: { DataType: "Binary", BinaryValue: "AAE=" },
        },
        MessageSystemAttributes: undefined,
      },
    ],
    [
      "SendMessageBatch",
      "QueueUrl=u&SendMessageBatchRequestEntry.2.Id=b&SendMessageBatchRequestEntry.2.MessageBody=2&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=1&SendMessageBatchRequestEntry.1.DelaySeconds=5",
      {
        QueueUrl: "u",
        Entries: [
          {
            Id: "a",
            MessageBody: "1",
            DelaySeconds: "5",
            MessageAttributes: undefined,
            MessageSystemAttributes: undefined,
            MessageDeduplicationId: undefined,
            MessageGroupId: undefined,
          },
          {
            Id: "b",
            MessageBody: "2",
            DelaySeconds: undefined,
            MessageAttributes: undefined,
            MessageSystemAttributes: undefined,
            MessageDeduplicationId: undefined,
            MessageGroupId: undefined,
          },
        ],
      },
    ],
    [
      "ReceiveMessage",
      "QueueUrl=u&AttributeName.1=All&MessageAttributeName.1=All&MaxNumberOfMessages=10",
      { QueueUrl: "u", AttributeNames: ["All"], MessageAttributeNames: ["All"], MaxNumberOfMessages: "10" },
    ],
    [
      "AddPermission",
      "QueueUrl=u&Label=l&AWSAccountId.1=123456789012&ActionName.1=SendMessage",
      { QueueUrl: "u", Label: "l", AWSAccountIds: ["123456789012"], Actions: ["SendMessage"] },
    ],
    ["UntagQueue", "QueueUrl=u&TagKey.1=a&TagKey.2=b", { QueueUrl: "u", TagKeys: ["a", "b"] }],
    [
      "DeleteMessageBatch",
      "QueueUrl=u&DeleteMessageBatchRequestEntry.1.Id=x&DeleteMessageBatchRequestEntry.1.ReceiptHandle=h",
      { QueueUrl: "u", Entries: [{ Id: "x", ReceiptHandle: "h" }] },
    ],
  ])("%s", (action, form, json) => {
    expect(queryToJson(action, new URLSearchParams(form))).toEqual(json);
  });
});

describe("jsonToXmlResult", () => {
  it("renders messages with attributes, escaping bodies", () => {
    const xml = jsonToXmlResult("ReceiveMessage", {
      Messages: [
        {
          MessageId: "m",
          ReceiptHandle: "r",
          MD5OfBody: "x",
          Body: "<a&b>",
          Attributes: { SenderId: "s" },
          MD5OfMessageAttributes: "y",
          MessageAttributes: { k: { DataType: "String", StringValue: "v" } },
        },
      ],
    });
    expect(xml).toBe(
      "<Message><MessageId>m</MessageId><ReceiptHandle>r</ReceiptHandle><MD5OfBody>x</MD5OfBody><Body>&lt;a&amp;b&gt;</Body><Attribute><Name>SenderId</Name><Value>s</Value></Attribute><MD5OfMessageAttributes>y</MD5OfMessageAttributes><MessageAttribute><Name>k</Name><Value><StringValue>v</StringValue><DataType>String</DataType></Value></MessageAttribute></Message>",
    );
  });
  it("renders batch results with flattened success and error entries", () => {
    expect(
      jsonToXmlResult("DeleteMessageBatch", {
        Successful: [{ Id: "a" }],
        Failed: [{ Id: "b", SenderFault: true, Code: "ReceiptHandleIsInvalid", Message: "m" }],
      }),
    ).toBe(
      "<DeleteMessageBatchResultEntry><Id>a</Id></DeleteMessageBatchResultEntry><BatchResultErrorEntry><Id>b</Id><SenderFault>true</SenderFault><Code>ReceiptHandleIsInvalid</Code><Message>m</Message></BatchResultErrorEntry>",
    );
  });
});
