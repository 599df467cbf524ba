import { AWS_CLI, runAwsCli } from "../helpers/aws-cli";
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";

// SQS in the query protocol (form body, XML replies): the AWS CLI 2.9 speaks it, and so do older
// SDKs. Plus raw query calls POSTed to the queue URL itself and the XML error shape.

let web: TestProcess & { url: string };
let t: TestTenant;

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb();
});
afterAll(async () => {
  await web?.stop();
});

const aws = (args: string[]) => runAwsCli(`${web.url}/api/aws`, t.key, args);

describe.skipIf(!existsSync(AWS_CLI))("AWS CLI (query protocol)", () => {
  it("create-queue, send, receive, delete, get-queue-attributes, list-queues, tags", async () => {
    const name = uniqueName("cli");
    const created = await aws([
      "sqs",
      "create-queue",
      "--queue-name",
      name,
      "--attributes",
      "VisibilityTimeout=40,DelaySeconds=0",
      "--tags",
      "team=cli",
    ]);
    expect(created.stderr).toBe("");
    const url = JSON.parse(created.stdout).QueueUrl;
    expect(url).toBe(`${web.url}/api/aws/${t.tenant.accountId}/${name}`);

    const sent = await aws([
      "sqs",
      "send-message",
      "--queue-url",
      url,
      "--message-body",
      "hello <cli> & co",
      "--message-attributes",
      '{"k":{"DataType":"String","StringValue":"v"},"b":{"DataType":"Binary","BinaryValue":"AAEC"}}',
    ]);
    expect(sent.stderr).toBe("");
    const s = JSON.parse(sent.stdout);
    expect(s.MessageId).toBeTruthy();
    expect(s.MD5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);

    const got = await aws([
      "sqs",
      "receive-message",
      "--queue-url",
      url,
      "--attribute-names",
      "All",
      "--message-attribute-names",
      "All",
      "--max-number-of-messages",
      "10",
    ]);
    expect(got.stderr).toBe("");
    const m = JSON.parse(got.stdout).Messages[0];
    expect(m.Body).toBe("hello <cli> & co");
    expect(m.MessageId).toBe(s.MessageId);
    expect(m.MessageAttributes.k).toEqual({ StringValue: "v", DataType: "String" });
    expect(m.MessageAttributes.b.DataType).toBe("Binary");
    expect(m.MD5OfMessageAttributes).toBe(s.MD5OfMessageAttributes);
    expect(m.Attributes.ApproximateReceiveCount).toBe("1");

    const attrs = await aws(["sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names", "All"]);
    const a = JSON.parse(attrs.stdout).Attributes;
    expect(a.VisibilityTimeout).toBe("40");
    expect(a.ApproximateNumberOfMessagesNotVisible).toBe("1");

    const del = await aws(["sqs", "delete-message", "--queue-url", url, "--receipt-handle", m.ReceiptHandle]);
    expect(del.code).toBe(0);
    const after = JSON.parse(
      (
        await aws([
          "sqs",
          "get-queue-attributes",
          "--queue-url",
          url,
          "--attribute-names",
          "ApproximateNumberOfMessagesNotVisible",
        ])
      ).stdout,
    );
    expect(after.Attributes.ApproximateNumberOfMessagesNotVisible).toBe("0");

    const list = JSON.parse((await aws(["sqs", "list-queues", "--queue-name-prefix", name])).stdout);
    expect(list.QueueUrls).toEqual([url]);
    const tags = JSON.parse((await aws(["sqs", "list-queue-tags", "--queue-url", url])).stdout);
    expect(tags.Tags).toEqual({ team: "cli" });

    const batch = await aws([
      "sqs",
      "send-message-batch",
      "--queue-url",
      url,
      "--entries",
      JSON.stringify([
        { Id: "a", MessageBody: "1" },
        { Id: "b", MessageBody: "2", DelaySeconds: 901 },
      ]),
    ]);
    const br = JSON.parse(batch.stdout);
    expect(br.Successful.map((x: { Id: string }) => x.Id)).toEqual(["a"]);
    expect(br.Failed[0]).toMatchObject({ Id: "b", SenderFault: true, Code: "InvalidParameterValue" });

    const missing = await aws(["sqs", "get-queue-url", "--queue-name", uniqueName("nope")]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain("AWS.SimpleQueueService.NonExistentQueue");

    expect((await aws(["sqs", "delete-queue", "--queue-url", url])).code).toBe(0);
    const again = await aws([
      "sqs",
      "create-queue",
      "--queue-name",
      JSON.parse(created.stdout).QueueUrl.split("/").pop(),
    ]);
    expect(again.code).not.toBe(0);
    expect(again.stderr).toContain("AWS.SimpleQueueService.QueueDeletedRecently");
  });
});

const BOTO_SCRIPT = `
import boto3, os, sys
sqs = boto3.client("sqs", endpoint_url=sys.argv[1] + "/api/aws", region_name="us-east-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])
url = sqs.create_queue(QueueName="boto-" + os.urandom(3).hex(), Attributes={"VisibilityTimeout": "20"})["QueueUrl"]
r = sqs.send_message(QueueUrl=url, MessageBody="from boto", MessageAttributes={"a": {"DataType": "Binary", "BinaryValue": b"\\x00\\x01"}})
m = sqs.receive_message(QueueUrl=url, MessageAttributeNames=["All"], AttributeNames=["All"], WaitTimeSeconds=1)["Messages"][0]
assert m["Body"] == "from boto" and m["MessageAttributes"]["a"]["BinaryValue"] == b"\\x00\\x01", m
assert m["MD5OfMessageAttributes"] == r["MD5OfMessageAttributes"]
sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
try:
    sqs.get_queue_url(QueueName="nope-" + os.urandom(3).hex())
    print("no error")
except sqs.exceptions.QueueDoesNotExist as e:
    print("QueueDoesNotExist", e.response["Error"]["Code"])
`;

describe("boto3 (AWS JSON 1.0 with query-compatible error codes)", () => {
  it("round-trips a message with a binary attribute and maps QueueDoesNotExist", async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        "python3",
        ["-c", BOTO_SCRIPT, web.url, t.key.id, t.key.secret],
        { timeout: 60_000 },
        (err: Error | null, stdout: string, stderr: string) =>
          err ? reject(new Error(stderr || String(err))) : resolve(stdout),
      ),
    );
    expect(out.trim()).toBe("QueueDoesNotExist AWS.SimpleQueueService.NonExistentQueue");
  });
});

describe("raw query protocol", () => {
  const form = (params: Record<string, string>) => new URLSearchParams(params).toString();
  const auth = () => ({
    authorization: `Bearer ${t.key.id}.${t.key.secret}`,
    "content-type": "application/x-www-form-urlencoded",
  });

  it("accepts actions POSTed to the queue URL and answers XML in the SQS namespace", async () => {
    const name = uniqueName("raw");
    const c = await fetch(`${web.url}/api/aws`, {
      method: "POST",
      headers: auth(),
      body: form({
        Action: "CreateQueue",
        QueueName: name,
        "Attribute.1.Name": "DelaySeconds",
        "Attribute.1.Value": "0",
      }),
    });
    const xml = await c.text();
    expect(c.status).toBe(200);
    expect(xml).toContain('<CreateQueueResponse xmlns="http://queue.amazonaws.com/doc/2012-11-05/">');
    expect(xml).toContain(`<QueueUrl>${web.url}/api/aws/${t.tenant.accountId}/${name}</QueueUrl>`);
    const send = await fetch(`${web.url}/api/aws/${t.tenant.accountId}/${name}`, {
      method: "POST",
      headers: auth(),
      body: form({
        Action: "SendMessage",
        MessageBody: "to the path",
        "MessageAttribute.1.Name": "a",
        "MessageAttribute.1.Value.DataType": "String",
        "MessageAttribute.1.Value.StringValue": "b",
      }),
    });
    const sx = await send.text();
    expect(sx).toMatch(
      /<SendMessageResult><MD5OfMessageBody>[0-9a-f]{32}<\/MD5OfMessageBody><MD5OfMessageAttributes>[0-9a-f]{32}<\/MD5OfMessageAttributes><MessageId>/,
    );
    const err = await fetch(`${web.url}/api/aws/${t.tenant.accountId}/${name}-missing`, {
      method: "POST",
      headers: auth(),
      body: form({ Action: "ReceiveMessage" }),
    });
    expect(err.status).toBe(400);
    const ex = await err.text();
    expect(ex).toContain("<Type>Sender</Type><Code>AWS.SimpleQueueService.NonExistentQueue</Code>");
  });

  it("JSON errors carry __type and the x-amzn-query-error header", async () => {
    const r = await fetch(`${web.url}/api/aws`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${t.key.id}.${t.key.secret}`,
        "content-type": "application/x-amz-json-1.0",
        "x-amz-target": "AmazonSQS.GetQueueUrl",
      },
      body: JSON.stringify({ QueueName: uniqueName("nope") }),
    });
    expect(r.status).toBe(400);
    expect(r.headers.get("x-amzn-query-error")).toBe("AWS.SimpleQueueService.NonExistentQueue;Sender");
    expect(await r.json()).toEqual({
      __type: "com.amazonaws.sqs#QueueDoesNotExist",
      message: "The specified queue does not exist.",
    });
  });
});
