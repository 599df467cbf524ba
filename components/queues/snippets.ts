// Ready-to-paste code for one queue. Keys are placeholders: the console never has a key's secret
// (it is shown once, when created on the API keys page).
export type QueueSnippetInput = { origin: string; region: string; queueUrl: string; name: string; fifo: boolean };

const esc = (s: string) => s.replace(/'/g, "'\\''");

export function sdkJsSnippet({ origin, region, queueUrl, fifo }: QueueSnippetInput): string {
  return [
    `import { SQSClient, SendMessageCommand, ReceiveMessageCommand, DeleteMessageCommand } from "@aws-sdk/client-sqs";`,
    ``,
    `const sqs = new SQSClient({`,
    `  endpoint: "${origin}/api/aws",`,
    `  region: "${region}",`,
    `  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY },`,
    `});`,
    `const QueueUrl = "${queueUrl}";`,
    ``,
    `// Send`,
    `const sent = await sqs.send(new SendMessageCommand({`,
    `  QueueUrl,`,
    `  MessageBody: JSON.stringify({ orderId: 1234 }),`,
    `  MessageAttributes: { kind: { DataType: "String", StringValue: "order.paid" } },`,
    ...(fifo ? [`  MessageGroupId: "customer-42",`, `  MessageDeduplicationId: crypto.randomUUID(),`] : []),
    `}));`,
    `console.log("sent", sent.MessageId);`,
    ``,
    `// Receive (long polling up to 20 s), process, delete`,
    `const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({`,
    `  QueueUrl,`,
    `  MaxNumberOfMessages: 10,`,
    `  WaitTimeSeconds: 20,`,
    `  MessageAttributeNames: ["All"],`,
    `  MessageSystemAttributeNames: ["ApproximateReceiveCount"],`,
    `}));`,
    `for (const m of Messages) {`,
    `  console.log(m.MessageId, m.Body);`,
    `  await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));`,
    `}`,
  ].join("\n");
}

export function cliSnippet({ origin, region, queueUrl, fifo }: QueueSnippetInput): string {
  const ep = `--endpoint-url ${origin}/api/aws`;
  const fifoArgs = fifo ? ` \\\n  --message-group-id customer-42 --message-deduplication-id "$(date +%s%N)"` : "";
  return [
    `# once: aws configure --profile signalbox (key id, secret, region ${region})`,
    `export AWS_PROFILE=signalbox`,
    ``,
    `aws sqs send-message ${ep} \\`,
    `  --queue-url ${queueUrl} \\`,
    `  --message-body '{"orderId": 1234}'${fifoArgs}`,
    ``,
    `aws sqs receive-message ${ep} \\`,
    `  --queue-url ${queueUrl} \\`,
    `  --max-number-of-messages 10 --wait-time-seconds 20 --attribute-names All`,
    ``,
    `aws sqs delete-message ${ep} \\`,
    `  --queue-url ${queueUrl} --receipt-handle "<ReceiptHandle>"`,
    ``,
    `aws sqs get-queue-attributes ${ep} \\`,
    `  --queue-url ${queueUrl} --attribute-names All`,
  ].join("\n");
}

export function boto3Snippet({ origin, region, queueUrl, fifo }: QueueSnippetInput): string {
  return [
    `import json, os, uuid`,
    `import boto3`,
    ``,
    `sqs = boto3.client(`,
    `    "sqs",`,
    `    endpoint_url="${origin}/api/aws",`,
    `    region_name="${region}",`,
    `    aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],`,
    `    aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"],`,
    `)`,
    `queue_url = "${queueUrl}"`,
    ``,
    `sqs.send_message(`,
    `    QueueUrl=queue_url,`,
    `    MessageBody=json.dumps({"orderId": 1234}),`,
    ...(fifo ? [`    MessageGroupId="customer-42",`, `    MessageDeduplicationId=str(uuid.uuid4()),`] : []),
    `)`,
    ``,
    `resp = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=20)`,
    `for m in resp.get("Messages", []):`,
    `    print(m["MessageId"], m["Body"])`,
    `    sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])`,
  ].join("\n");
}

export function curlSnippet({ origin, name, fifo }: QueueSnippetInput): string {
  const base = `${origin}/api/v1/queues/${encodeURIComponent(name)}/messages`;
  const body = fifo
    ? `{"body": "{\\"orderId\\": 1234}", "messageGroupId": "customer-42", "messageDeduplicationId": "order-1234"}`
    : `{"body": "{\\"orderId\\": 1234}", "attributes": {"kind": {"dataType": "String", "stringValue": "order.paid"}}}`;
  return [
    `# a key from the API keys page: Bearer <key id>.<secret>`,
    `export SIGNALBOX_TOKEN='<key id>.<secret>'`,
    ``,
    `# send`,
    `curl -sS -X POST ${base} \\`,
    `  -H "Authorization: Bearer $SIGNALBOX_TOKEN" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${esc(body)}'`,
    ``,
    `# receive up to 10 (waits up to 20 s for one to arrive)`,
    `curl -sS "${base}?max=10&waitSeconds=20" \\`,
    `  -H "Authorization: Bearer $SIGNALBOX_TOKEN"`,
    ``,
    `# delete after processing, with the receiptHandle from the receive`,
    `curl -sS -X POST ${base}/delete \\`,
    `  -H "Authorization: Bearer $SIGNALBOX_TOKEN" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '{"receiptHandles": ["<receiptHandle>"]}'`,
    ``,
    `# every REST route: ${origin}/api/v1/openapi.json`,
  ].join("\n");
}
