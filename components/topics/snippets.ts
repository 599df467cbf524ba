// Ready-to-paste code for a topic: publishing with the AWS SDK v3, the AWS CLI and curl (REST), and
// a webhook receiver that handles SNS's confirmation and verifies Standard Webhooks signatures.
export type TopicSnippetInput = { origin: string; region: string; arn: string; name: string; fifo: boolean };

const origin = (o: string) => o || "https://signalbox.example.com";

export function sdkPublishSnippet({ origin: o, region, arn, fifo }: TopicSnippetInput): string {
  return [
    `import { SNSClient, PublishCommand } from "@aws-sdk/client-sns";`,
    ``,
    `// Credentials: an API key of this team (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).`,
    `const sns = new SNSClient({ endpoint: "${origin(o)}/api/aws", region: "${region}" });`,
    ``,
    `const { MessageId } = await sns.send(`,
    `  new PublishCommand({`,
    `    TopicArn: "${arn}",`,
    `    Subject: "Order placed",`,
    `    Message: JSON.stringify({ orderId: "1234", amount: 120 }),`,
    `    MessageAttributes: {`,
    `      event: { DataType: "String", StringValue: "order_placed" },`,
    `    },`,
    ...(fifo ? [`    MessageGroupId: "order-1234",`, `    MessageDeduplicationId: crypto.randomUUID(),`] : []),
    `  }),`,
    `);`,
    `console.log("published", MessageId);`,
  ].join("\n");
}

export function cliSnippet({ origin: o, region, arn, fifo }: TopicSnippetInput): string {
  const ep = `--endpoint-url ${origin(o)}/api/aws --region ${region}`;
  return [
    `# publish`,
    `aws sns publish ${ep} \\`,
    `  --topic-arn ${arn} \\`,
    `  --message '{"orderId":"1234","amount":120}' \\`,
    `  --message-attributes '{"event":{"DataType":"String","StringValue":"order_placed"}}'${fifo ? " \\\n  --message-group-id order-1234 --message-deduplication-id $(uuidgen)" : ""}`,
    ``,
    `# subscribe a webhook (it receives a SubscriptionConfirmation first)`,
    `aws sns subscribe ${ep} \\`,
    `  --topic-arn ${arn} --protocol https \\`,
    `  --notification-endpoint https://example.com/webhooks/signalbox`,
    ``,
    `# list subscriptions`,
    `aws sns list-subscriptions-by-topic ${ep} --topic-arn ${arn}`,
  ].join("\n");
}

export function curlSnippet({ origin: o, name, fifo }: TopicSnippetInput): string {
  return [
    `# REST API with an API key as a Bearer token: "<key id>.<secret>"`,
    `# (export AWS_ACCESS_KEY_ID=SBAK… AWS_SECRET_ACCESS_KEY=… first)`,
    `curl -X POST "${origin(o)}/api/v1/topics/${encodeURIComponent(name)}/messages" \\`,
    `  -H "Authorization: Bearer $AWS_ACCESS_KEY_ID.$AWS_SECRET_ACCESS_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{`,
    `    "message": "{\\"orderId\\":\\"1234\\",\\"amount\\":120}",`,
    `    "subject": "Order placed",`,
    `    "messageAttributes": { "event": { "DataType": "String", "StringValue": "order_placed" } }${fifo ? "," : ""}`,
    ...(fifo ? [`    "messageGroupId": "order-1234",`, `    "messageDeduplicationId": "order-1234-placed"`] : []),
    `  }'`,
    ``,
    `# answers 201 {"messageId": "…", "sequenceNumber": ${fifo ? '"…"' : "null"}}`,
  ].join("\n");
}

export function receiverSnippet(): string {
  return [
    `// A webhook receiver for Signalbox topics (Node.js 20+, npm i standardwebhooks).`,
    `import http from "node:http";`,
    `import { Webhook } from "standardwebhooks";`,
    ``,
    `// The subscription's signing secret (whsec_…), shown once when it was created or rotated.`,
    `const wh = new Webhook(process.env.SIGNALBOX_WEBHOOK_SECRET);`,
    `const seen = new Set(); // use a database in production: webhook-id is stable across retries`,
    ``,
    `http.createServer(async (req, res) => {`,
    `  let body = "";`,
    `  for await (const chunk of req) body += chunk;`,
    ``,
    `  // 1. Confirm the subscription (SNS-style): visit SubscribeURL once.`,
    `  if (req.headers["x-amz-sns-message-type"] === "SubscriptionConfirmation") {`,
    `    const { SubscribeURL } = JSON.parse(body);`,
    `    await fetch(SubscribeURL);`,
    `    return res.writeHead(200).end();`,
    `  }`,
    ``,
    `  // 2. Verify the Standard Webhooks signature over the raw body (throws when invalid or stale).`,
    `  let envelope;`,
    `  try {`,
    `    envelope = wh.verify(body, {`,
    `      "webhook-id": req.headers["webhook-id"],`,
    `      "webhook-timestamp": req.headers["webhook-timestamp"],`,
    `      "webhook-signature": req.headers["webhook-signature"],`,
    `    });`,
    `  } catch {`,
    `    return res.writeHead(401).end("bad signature");`,
    `  }`,
    ``,
    `  // 3. Deduplicate (delivery is at-least-once), then handle. Any 2xx is success;`,
    `  //    anything else is retried per the subscription's delivery policy.`,
    `  if (!seen.has(req.headers["webhook-id"])) {`,
    `    seen.add(req.headers["webhook-id"]);`,
    `    console.log("message", envelope.MessageId, envelope.Message);`,
    `  }`,
    `  res.writeHead(200).end();`,
    `}).listen(8080);`,
    ``,
    `// The SNS signature (SignatureVersion 2, SigningCertURL) is also present, so AWS's`,
    `// SNS message validators (e.g. sns-validator) work unchanged.`,
  ].join("\n");
}

export function verifySnippetShort(): string {
  return [
    `import { Webhook } from "standardwebhooks";`,
    `const wh = new Webhook(process.env.SIGNALBOX_WEBHOOK_SECRET); // "whsec_…"`,
    `// rawBody: the request body exactly as received; throws when the signature is wrong`,
    `const payload = wh.verify(rawBody, {`,
    `  "webhook-id": req.headers["webhook-id"],`,
    `  "webhook-timestamp": req.headers["webhook-timestamp"],`,
    `  "webhook-signature": req.headers["webhook-signature"],`,
    `});`,
  ].join("\n");
}
