// Ready-to-paste configuration for a new key. The secret only exists in the browser while the
// "created" dialog is open.
export type KeySnippetInput = { origin: string; region: string; keyId: string; secret: string };

export function awsCliSnippet({ origin, region, keyId, secret }: KeySnippetInput): string {
  return [
    `aws configure set aws_access_key_id ${keyId} --profile signalbox`,
    `aws configure set aws_secret_access_key ${secret} --profile signalbox`,
    `aws configure set region ${region} --profile signalbox`,
    ``,
    `# every call names the Signalbox endpoint:`,
    `aws --profile signalbox --endpoint-url ${origin}/api/aws sts get-caller-identity`,
  ].join("\n");
}

export function sdkSnippet({ origin, region, keyId, secret }: KeySnippetInput): string {
  return [
    `import { SQSClient, ListQueuesCommand } from "@aws-sdk/client-sqs";`,
    ``,
    `const sqs = new SQSClient({`,
    `  endpoint: "${origin}/api/aws",`,
    `  region: "${region}",`,
    `  credentials: {`,
    `    accessKeyId: "${keyId}",`,
    `    secretAccessKey: "${secret}",`,
    `  },`,
    `});`,
    ``,
    `const { QueueUrls } = await sqs.send(new ListQueuesCommand({}));`,
  ].join("\n");
}

export function curlSnippet({ origin, keyId, secret }: KeySnippetInput): string {
  return `curl -H "Authorization: Bearer ${keyId}.${secret}" \\\n  ${origin}/api/v1/whoami`;
}

export function envSnippet({ origin, region, keyId, secret }: KeySnippetInput): string {
  // AWS_REGION is read by the JS SDK, AWS_DEFAULT_REGION by the AWS CLI and boto3. AWS_ENDPOINT_URL
  // is read by current SDKs and AWS CLI 2.13+; older CLIs (Debian's) need --endpoint-url.
  return [
    `export AWS_ACCESS_KEY_ID=${keyId}`,
    `export AWS_SECRET_ACCESS_KEY=${secret}`,
    `export AWS_REGION=${region} AWS_DEFAULT_REGION=${region}`,
    `export AWS_ENDPOINT_URL=${origin}/api/aws`,
    `# Older AWS CLIs ignore AWS_ENDPOINT_URL: pass --endpoint-url ${origin}/api/aws`,
  ].join("\n");
}
