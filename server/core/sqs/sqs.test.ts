import { describe, expect, it } from "vitest";
import {
  crossAccountDecision,
  decodeReceiptHandle,
  encodeReceiptHandle,
  groupAvailableAt,
  md5OfMessageAttributes,
  messageSize,
  parseQueueArn,
  parseQueueUrl,
  pickFifoMessages,
  prepareMessage,
  queueNameProblem,
  renderQueueAttributes,
  differingSettings,
  parseCreateQueueAttributes,
  settingsForNewQueue,
  parseQueueAttributes,
  checkBatchEntries,
  contentDedupId,
  selectAttributes,
  isSqsNumber,
  type FifoCandidate,
  type QueueRules,
  type QueueSettingsPatch,
} from "./index";
import { isAppError } from "../errors";

// Pure SQS rules: checksums exactly as AWS computes them, validation with AWS's error codes, FIFO
// group logic with a fake clock, receipt handles.

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    if (isAppError(e)) return e.awsCode ?? e.code;
    throw e;
  }
  return undefined;
}

describe("md5OfMessageAttributes", () => {
  // Vectors computed with moto's implementation (moto.sqs.models.Message.attribute_md5), which
  // follows AWS's documented algorithm; SDKs compare these against their own computation.
  it.each([
    [{ a: { DataType: "String", StringValue: "hello" } }, "e27d468a11a9c30a9e438973b143212c"],
    [
      {
        b: { DataType: "Binary", BinaryValue: Buffer.from([1, 2, 3]) },
        a: { DataType: "String", StringValue: "hello" },
        n: { DataType: "Number.int", StringValue: "42" },
      },
      "8ab190bc2da39d68630e6f4d11fc4f84",
    ],
    [
      {
        city: { DataType: "String.custom", StringValue: "Zürich" },
        Count: { DataType: "Number", StringValue: "-1.5e3" },
      },
      "a351f5290cc04a3240ccd67ac404debb",
    ],
  ])("%j → %s", (attrs, md5) => {
    expect(md5OfMessageAttributes(attrs)).toBe(md5);
  });
  it("is undefined without attributes", () => {
    expect(md5OfMessageAttributes({})).toBeUndefined();
    expect(md5OfMessageAttributes(undefined)).toBeUndefined();
  });
  it("does not depend on the order attributes were given in", () => {
    expect(
      md5OfMessageAttributes({
        z: { DataType: "String", StringValue: "1" },
        a: { DataType: "String", StringValue: "2" },
      }),
    ).toBe(
      md5OfMessageAttributes({
        a: { DataType: "String", StringValue: "2" },
        z: { DataType: "String", StringValue: "1" },
      }),
    );
  });
});

const STD: QueueRules = {
  fifo: false,
  maximumMessageSize: 1_048_576,
  delaySeconds: 0,
  contentBasedDedup: false,
  deduplicationScope: "queue",
};
const FIFO: QueueRules = { ...STD, fifo: true };

describe("prepareMessage", () => {
  it("counts size as body + attribute names, types and values", () => {
    expect(messageSize("abc", { k: { DataType: "String", StringValue: "vv" } })).toBe(3 + 1 + 6 + 2);
    expect(messageSize("é", { b: { DataType: "Binary", BinaryValue: Buffer.alloc(10) } })).toBe(2 + 1 + 6 + 10);
  });
  it("accepts exactly the maximum size and refuses one byte more", () => {
    expect(prepareMessage({ body: "a".repeat(1024) }, { ...STD, maximumMessageSize: 1024 }).size).toBe(1024);
    expect(codeOf(() => prepareMessage({ body: "a".repeat(1025) }, { ...STD, maximumMessageSize: 1024 }))).toBe(
      "InvalidParameterValue",
    );
  });
  it.each([
    ["empty body", { body: "" }, STD, "MissingParameter"],
    ["invalid characters", { body: "a\u0000b" }, STD, "InvalidMessageContents"],
    ["lone surrogate", { body: "a\uD800b" }, STD, "InvalidMessageContents"],
    [
      "11 attributes",
      {
        body: "x",
        attributes: Object.fromEntries(
          Array.from({ length: 11 }, (_, i) => [`a${i}`, { DataType: "String", StringValue: "v" }]),
        ),
      },
      STD,
      "InvalidParameterValue",
    ],
    [
      "reserved attribute name",
      { body: "x", attributes: { "AWS.x": { DataType: "String", StringValue: "v" } } },
      STD,
      "InvalidParameterValue",
    ],
    [
      "attribute name with ..",
      { body: "x", attributes: { "a..b": { DataType: "String", StringValue: "v" } } },
      STD,
      "InvalidParameterValue",
    ],
    [
      "unknown type",
      { body: "x", attributes: { a: { DataType: "Float", StringValue: "1" } } },
      STD,
      "InvalidParameterValue",
    ],
    [
      "number that is not",
      { body: "x", attributes: { a: { DataType: "Number", StringValue: "abc" } } },
      STD,
      "InvalidParameterValue",
    ],
    [
      "empty string value",
      { body: "x", attributes: { a: { DataType: "String", StringValue: "" } } },
      STD,
      "InvalidParameterValue",
    ],
    ["delay too long", { body: "x", delaySeconds: 901 }, STD, "InvalidParameterValue"],
    ["dedup id on standard", { body: "x", dedupId: "d" }, STD, "InvalidParameterValue"],
    ["FIFO without group", { body: "x", dedupId: "d" }, FIFO, "MissingParameter"],
    ["FIFO without dedup id", { body: "x", groupId: "g" }, FIFO, "InvalidParameterValue"],
    [
      "FIFO per-message delay",
      { body: "x", groupId: "g", dedupId: "d", delaySeconds: 1 },
      FIFO,
      "InvalidParameterValue",
    ],
    ["group id with spaces", { body: "x", groupId: "a b", dedupId: "d" }, FIFO, "InvalidParameterValue"],
  ])("refuses %s", (_label, input, rules, code) => {
    expect(codeOf(() => prepareMessage(input as never, rules))).toBe(code);
  });
  it("derives the dedup id from the body's SHA-256 with content-based deduplication", () => {
    const p = prepareMessage({ body: "hello", groupId: "g" }, { ...FIFO, contentBasedDedup: true });
    expect(p.dedupId).toBe(contentDedupId("hello"));
    expect(p.dedupId).toBe("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  });
  it("takes the queue's delay unless the message gives one", () => {
    expect(prepareMessage({ body: "x" }, { ...STD, delaySeconds: 5 }).delaySeconds).toBe(5);
    expect(prepareMessage({ body: "x", delaySeconds: 0 }, { ...STD, delaySeconds: 5 }).delaySeconds).toBe(0);
  });
  it("knows SQS numbers", () => {
    expect(["1", "-1.5", "1e10", ".5", "12345678901234567890123456789012345678"].every(isSqsNumber)).toBe(true);
    expect(["", "1.2.3", "abc", "123456789012345678901234567890123456789", "1e200"].some(isSqsNumber)).toBe(false);
  });
});

// CreateQueue as the AWS door does it: strings parsed once, then the typed settings.
const settingsForCreate = (name: string, attrs: Record<string, string>) =>
  settingsForNewQueue(name, parseCreateQueueAttributes(name, attrs));
const sameAttributes = (s: ReturnType<typeof settingsForCreate>, attrs: Record<string, string>, name: string) =>
  differingSettings(s, name, parseCreateQueueAttributes(name, attrs)).length === 0;

describe("queue attributes", () => {
  it("applies defaults and given values", () => {
    const s = settingsForCreate("q", { VisibilityTimeout: "10" });
    expect(s).toMatchObject({
      fifo: false,
      visibilityTimeout: 10,
      retentionPeriod: 345_600,
      maximumMessageSize: 1_048_576,
      delaySeconds: 0,
      receiveWaitSeconds: 0,
    });
  });
  it.each([
    ["VisibilityTimeout", "43201", "InvalidAttributeValue"],
    ["VisibilityTimeout", "-1", "InvalidAttributeValue"],
    ["MessageRetentionPeriod", "59", "InvalidAttributeValue"],
    ["MessageRetentionPeriod", "1209601", "InvalidAttributeValue"],
    ["MaximumMessageSize", "1023", "InvalidAttributeValue"],
    ["MaximumMessageSize", "1048577", "InvalidAttributeValue"],
    ["DelaySeconds", "901", "InvalidAttributeValue"],
    ["ReceiveMessageWaitTimeSeconds", "21", "InvalidAttributeValue"],
    ["VisibilityTimeout", "ten", "InvalidAttributeValue"],
    ["RedrivePolicy", "{", "InvalidAttributeValue"],
    [
      "RedrivePolicy",
      '{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:123456789012:d","maxReceiveCount":0}',
      "InvalidAttributeValue",
    ],
    ["Nope", "1", "InvalidAttributeName"],
    ["ContentBasedDeduplication", "true", "InvalidAttributeName"],
  ])("%s=%s → %s", (name, value, code) => {
    expect(codeOf(() => settingsForCreate("q", { [name]: value }))).toBe(code);
  });
  it("accepts the range ends", () => {
    expect(
      codeOf(() =>
        settingsForCreate("q", {
          VisibilityTimeout: "43200",
          MessageRetentionPeriod: "60",
          MaximumMessageSize: "1024",
          DelaySeconds: "900",
          ReceiveMessageWaitTimeSeconds: "20",
        }),
      ),
    ).toBeUndefined();
  });
  it("needs FifoQueue=true for .fifo names and a .fifo name for FifoQueue=true", () => {
    expect(codeOf(() => settingsForCreate("q.fifo", {}))).toBe("InvalidParameterValue");
    expect(codeOf(() => settingsForCreate("q", { FifoQueue: "true" }))).toBe("InvalidAttributeValue");
    expect(settingsForCreate("q.fifo", { FifoQueue: "true", ContentBasedDeduplication: "true" })).toMatchObject({
      fifo: true,
      contentBasedDedup: true,
    });
  });
  it("does not let FifoQueue change later", () => {
    expect(codeOf(() => parseQueueAttributes({ FifoQueue: "true" }, "set", true))).toBe("InvalidAttributeName");
  });
  it("compares only given attributes for an idempotent CreateQueue", () => {
    const s = settingsForCreate("q", { VisibilityTimeout: "10" });
    expect(sameAttributes(s, {}, "q")).toBe(true);
    expect(sameAttributes(s, { VisibilityTimeout: "10" }, "q")).toBe(true);
    expect(sameAttributes(s, { VisibilityTimeout: "11" }, "q")).toBe(false);
  });
  it("checks typed settings with the codes the AWS door shows, whoever built them", () => {
    const create = (settings: QueueSettingsPatch, name = "q") =>
      codeOf(() => settingsForNewQueue(name, { fifo: name.endsWith(".fifo"), settings }));
    expect(create({ visibilityTimeout: 43_201 })).toBe("InvalidAttributeValue");
    expect(create({ delaySeconds: 1.5 })).toBe("InvalidAttributeValue");
    expect(create({ contentBasedDedup: true })).toBe("InvalidAttributeName");
    expect(create({ redrivePolicy: { deadLetterTargetArn: "nope", maxReceiveCount: 3 } })).toBe(
      "InvalidAttributeValue",
    );
    expect(create({ policy: "[1]" })).toBe("InvalidAttributeValue");
    expect(create({ fifoThroughputLimit: "perMessageGroupId" }, "q.fifo")).toBe("InvalidAttributeValue");
    expect(codeOf(() => settingsForNewQueue("q", { fifo: true, settings: {} }))).toBe("InvalidAttributeValue");
    expect(create({ visibilityTimeout: 43_200, contentBasedDedup: true }, "q.fifo")).toBeUndefined();
  });
  it("compares a typed CreateQueue with the existing queue by meaning", () => {
    const dlq = "arn:aws:sqs:us-east-1:123456789012:d";
    const s = settingsForCreate("q", {
      RedrivePolicy: `{"maxReceiveCount":"3","deadLetterTargetArn":"${dlq}"}`,
      Policy: '{"Version":"2012-10-17","Statement":[]}',
    });
    const same = {
      redrivePolicy: { deadLetterTargetArn: dlq, maxReceiveCount: 3 },
      policy: '{"Statement":[],"Version":"2012-10-17"}',
    };
    expect(differingSettings(s, "q", { fifo: false, settings: same })).toEqual([]);
    expect(
      differingSettings(s, "q", { fifo: false, settings: { ...same, visibilityTimeout: 31, policy: null } }),
    ).toEqual(["Policy", "VisibilityTimeout"]);
  });
  it("renders All and single attributes, refusing unknown names", () => {
    const s = settingsForCreate("q", {});
    const meta = {
      arn: "arn:aws:sqs:us-east-1:123456789012:q",
      createdAt: new Date(1_700_000_000_000),
      modifiedAt: new Date(1_700_000_001_000),
      counts: { visible: 3, inFlight: 1, delayed: 2 },
    };
    expect(renderQueueAttributes(s, meta, ["All"])).toMatchObject({
      ApproximateNumberOfMessages: "3",
      ApproximateNumberOfMessagesNotVisible: "1",
      ApproximateNumberOfMessagesDelayed: "2",
      CreatedTimestamp: "1700000000",
    });
    expect(renderQueueAttributes(s, meta, ["VisibilityTimeout"])).toEqual({ VisibilityTimeout: "30" });
    expect(codeOf(() => renderQueueAttributes(s, meta, ["Bogus"]))).toBe("InvalidAttributeName");
  });
});

describe("names and URLs", () => {
  it.each([
    ["orders", true],
    ["orders.fifo", true],
    ["a".repeat(80), true],
    ["a".repeat(81), false],
    ["a".repeat(75) + ".fifo", true],
    ["a".repeat(76) + ".fifo", false],
    ["bad name", false],
    ["dot.name", false],
    ["", false],
  ])("%s valid=%s", (name, ok) => {
    expect(queueNameProblem(name) === null).toBe(ok);
  });
  it("parses our URLs, AWS's and bare paths", () => {
    expect(parseQueueUrl("http://localhost:3000/api/aws/123456789012/orders")).toEqual({
      accountId: "123456789012",
      name: "orders",
    });
    expect(parseQueueUrl("https://sqs.us-east-1.amazonaws.com/123456789012/q.fifo")).toEqual({
      accountId: "123456789012",
      name: "q.fifo",
    });
    expect(parseQueueUrl("/123456789012/q")).toEqual({ accountId: "123456789012", name: "q" });
    expect(parseQueueUrl("http://x/api/aws/12345/q")).toBeNull();
    expect(parseQueueArn("arn:aws:sqs:eu-west-1:123456789012:q")).toEqual({
      region: "eu-west-1",
      accountId: "123456789012",
      name: "q",
    });
  });
});

describe("receipt handles", () => {
  const key = Buffer.alloc(32, 7);
  it("round-trip and refuse tampering or garbage", () => {
    const h = encodeReceiptHandle({ queueId: "q1", messageId: "m1", token: "t1" }, key);
    expect(decodeReceiptHandle(h, key)).toEqual({ queueId: "q1", messageId: "m1", token: "t1" });
    const tampered = h.slice(0, 5) + (h[5] === "A" ? "B" : "A") + h.slice(6);
    expect(decodeReceiptHandle(tampered, key)).toBeNull();
    expect(decodeReceiptHandle(h, Buffer.alloc(32, 8))).toBeNull();
    expect(decodeReceiptHandle("garbage", key)).toBeNull();
    expect(decodeReceiptHandle("x".repeat(40), key)).toBeNull();
  });
});

describe("FIFO group logic (fake clock)", () => {
  const now = new Date("2026-01-01T00:00:00Z");
  const at = (s: number) => new Date(now.getTime() + s * 1000);
  const m = (id: string, groupId: string, seq: number, visibleIn: number, receiveCount = 0): FifoCandidate => ({
    id,
    groupId,
    seq: BigInt(seq),
    visibleAt: at(visibleIn),
    receiveCount,
  });

  it("drains a group in order before the next, up to max", () => {
    const c = [m("a1", "A", 1, 0), m("b1", "B", 2, 0), m("a2", "A", 3, 0), m("b2", "B", 4, 0)];
    expect(pickFifoMessages(["A", "B"], c, now, 3).map((x) => x.id)).toEqual(["a1", "a2", "b1"]);
  });
  it("skips a group with a message in flight (locked)", () => {
    const c = [m("a1", "A", 1, 30, 1), m("a2", "A", 2, 0), m("b1", "B", 3, 0)];
    expect(pickFifoMessages(["A", "B"], c, now, 10).map((x) => x.id)).toEqual(["b1"]);
  });
  it("stops within a group at the first message not visible yet (nothing overtakes it)", () => {
    const c = [m("a1", "A", 1, 0), m("a2", "A", 2, 5), m("a3", "A", 3, 0)];
    expect(pickFifoMessages(["A"], c, now, 10).map((x) => x.id)).toEqual(["a1"]);
  });
  it("a lock ends when the visibility of the group's last in-flight message ends", () => {
    expect(groupAvailableAt([at(10), at(30)], now)).toEqual(at(30));
    expect(groupAvailableAt([], now)).toEqual(now);
    const later = at(31);
    const c = [m("a1", "A", 1, 30, 1)];
    expect(pickFifoMessages(["A"], c, later, 10).map((x) => x.id)).toEqual(["a1"]);
  });
});

describe("batches", () => {
  it.each([
    [[], "EmptyBatchRequest"],
    [Array.from({ length: 11 }, (_, i) => ({ Id: `a${i}` })), "TooManyEntriesInBatchRequest"],
    [[{ Id: "a" }, { Id: "a" }], "BatchEntryIdsNotDistinct"],
    [[{ Id: "bad id" }], "InvalidBatchEntryId"],
    [[{ Id: "x".repeat(81) }], "InvalidBatchEntryId"],
  ])("%j → %s", (entries, code) => {
    expect(codeOf(() => checkBatchEntries(entries, "Entry"))).toBe(code);
  });
});

describe("cross-account permissions", () => {
  const arn = "arn:aws:sqs:us-east-1:111111111111:q";
  it("AddPermission grants by account and action", () => {
    const grants = [{ label: "l", accounts: ["222222222222"], actions: ["SendMessage"] }];
    expect(
      crossAccountDecision(grants, null, { accountId: "222222222222", action: "SendMessage", queueArn: arn }),
    ).toBe("allow");
    expect(
      crossAccountDecision(grants, null, { accountId: "222222222222", action: "ReceiveMessage", queueArn: arn }),
    ).toBe("deny");
    expect(
      crossAccountDecision(grants, null, { accountId: "333333333333", action: "SendMessage", queueArn: arn }),
    ).toBe("none");
  });
  it("a Policy allows with a SourceArn condition and an explicit Deny wins", () => {
    const policy = JSON.stringify({
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "sns.amazonaws.com" },
          Action: "sqs:SendMessage",
          Resource: arn,
          Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-east-1:222222222222:t" } },
        },
        {
          Effect: "Allow",
          Principal: "*",
          Action: "sqs:SendMessage",
          Resource: arn,
          Condition: { ArnLike: { "aws:SourceArn": "arn:aws:sns:*:222222222222:*" } },
        },
        {
          Effect: "Deny",
          Principal: "*",
          Action: "sqs:*",
          Resource: arn,
          Condition: { ArnEquals: { "aws:SourceArn": "arn:aws:sns:us-east-1:222222222222:evil" } },
        },
      ],
    });
    expect(
      crossAccountDecision([], policy, {
        accountId: "222222222222",
        action: "SendMessage",
        queueArn: arn,
        sourceArn: "arn:aws:sns:us-east-1:222222222222:t",
      }),
    ).toBe("allow");
    expect(
      crossAccountDecision([], policy, {
        accountId: "222222222222",
        action: "SendMessage",
        queueArn: arn,
        sourceArn: "arn:aws:sns:us-east-1:222222222222:evil",
      }),
    ).toBe("deny");
    expect(crossAccountDecision([], policy, { accountId: "222222222222", action: "SendMessage", queueArn: arn })).toBe(
      "deny",
    );
  });
});

describe("selectAttributes", () => {
  const attrs = { "a.x": 1, "a.y": 2, b: 3 };
  it.each([
    [["All"], attrs],
    [[".*"], attrs],
    [["a.*"], { "a.x": 1, "a.y": 2 }],
    [["b"], { b: 3 }],
    [[], undefined],
    [["c"], undefined],
  ])("%j", (wanted, out) => {
    expect(selectAttributes(attrs, wanted)).toEqual(out);
  });
});
