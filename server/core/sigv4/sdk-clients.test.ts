// Real requests built by AWS SDK v3 clients: a fake requestHandler records the signed HttpRequest
// (after every SDK middleware ran) and answers with a canned response, then the verifier checks it.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import { SIGNATURE_MISMATCH_MESSAGE, parseSigV4 } from "./index";
import { AKID, SECRET, check, expectFailure, toWire, type Outgoing } from "./test-support";

describe("requests captured from AWS SDK v3 clients", () => {
  type Captured = Outgoing;
  function fakeHandler(reply: (req: Captured) => { contentType: string; body: string }) {
    const captured: Captured[] = [];
    const handler = {
      async handle(req: Captured) {
        captured.push(req);
        const { contentType, body } = reply(req);
        return {
          response: {
            statusCode: 200,
            headers: { "content-type": contentType },
            body: Readable.from([Buffer.from(body)]),
          },
        };
      },
    };
    return { captured, handler };
  }
  const common = {
    endpoint: "http://localhost:4566",
    credentials: { accessKeyId: AKID, secretAccessKey: SECRET },
    maxAttempts: 1,
  };

  it("STS GetCallerIdentity (query protocol)", async () => {
    const { captured, handler } = fakeHandler(() => ({
      contentType: "text/xml",
      body: `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::000000000000:user/t</Arn><UserId>AIDAEXAMPLE</UserId><Account>000000000000</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`,
    }));
    const client = new STSClient({ ...common, region: "eu-west-2", requestHandler: handler as never });
    const out = await client.send(new GetCallerIdentityCommand({}));
    expect(out.Account).toBe("000000000000");
    expect(captured).toHaveLength(1);
    const req = toWire(captured[0]!);
    const parsed = parseSigV4(req);
    expect(parsed.ok && parsed.auth).toMatchObject({ accessKeyId: AKID, region: "eu-west-2", service: "sts" });
    expect(check(req, new Date())).toEqual({ ok: true });
    expectFailure(check(req, new Date(), "wrong-secret"), "SignatureDoesNotMatch", SIGNATURE_MISMATCH_MESSAGE);
  });

  it("SQS SendMessage (JSON protocol)", async () => {
    const messageBody = 'héllo ✓ {"json": true} & <xml/>';
    const { captured, handler } = fakeHandler(() => ({
      contentType: "application/x-amz-json-1.0",
      body: JSON.stringify({ MessageId: "m-1", MD5OfMessageBody: createHash("md5").update(messageBody).digest("hex") }),
    }));
    const client = new SQSClient({ ...common, region: "ap-southeast-2", requestHandler: handler as never });
    const out = await client.send(
      new SendMessageCommand({ QueueUrl: "http://localhost:4566/000000000000/orders", MessageBody: messageBody }),
    );
    expect(out.MessageId).toBe("m-1");
    const req = toWire(captured[0]!);
    expect(req.headers["x-amz-target"]).toBe("AmazonSQS.SendMessage");
    expect(check(req, new Date())).toEqual({ ok: true });
    const tampered = Buffer.from(req.body.toString("utf8").replace("orders", "ordera"));
    expect(check({ ...req, body: tampered }, new Date()).ok).toBe(false);
  });

  it("SNS Publish (query protocol with an encoded form body)", async () => {
    const { captured, handler } = fakeHandler(() => ({
      contentType: "text/xml",
      body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>p-1</MessageId></PublishResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></PublishResponse>`,
    }));
    const client = new SNSClient({ ...common, region: "us-west-2", requestHandler: handler as never });
    const out = await client.send(
      new PublishCommand({ TopicArn: "arn:aws:sns:us-west-2:000000000000:t", Message: "50% off! a+b=c ü" }),
    );
    expect(out.MessageId).toBe("p-1");
    expect(check(toWire(captured[0]!), new Date())).toEqual({ ok: true });
  });
});
