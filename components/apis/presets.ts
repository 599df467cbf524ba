// AWS integrations as the API Gateway console sets them up for each service: the integration URI,
// the request parameters (the service's content type and target header) and a starting mapping
// template that hands the method request's body to the service's action.

export type AwsService = "sqs" | "sns" | "events" | "states";

export const AWS_SERVICES: { value: AwsService; label: string; action: string }[] = [
  { value: "sqs", label: "SQS: send a message to a queue", action: "SendMessage" },
  { value: "sns", label: "SNS: publish to a topic", action: "Publish" },
  { value: "events", label: "EventBridge: put an event on a bus", action: "PutEvents" },
  { value: "states", label: "Step Functions: start an execution", action: "StartExecution" },
];

export type Preset = { uri: string; requestParameters: Record<string, string>; template: string };

/** `target`: the queue's name, the topic's ARN, the bus's name or the state machine's ARN. */
export function awsPreset(service: AwsService, target: string, region: string, accountId: string): Preset {
  const arn = (svc: string, rest: string) => `arn:aws:apigateway:${region}:${svc}:${rest}`;
  switch (service) {
    case "sqs":
      return {
        uri: arn("sqs", `path/${accountId}/${target}`),
        requestParameters: { "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'" },
        template: "Action=SendMessage&MessageBody=$util.urlEncode($input.body)",
      };
    case "sns":
      return {
        uri: arn("sns", "action/Publish"),
        requestParameters: { "integration.request.header.Content-Type": "'application/x-www-form-urlencoded'" },
        template: `TopicArn=$util.urlEncode('${target}')&Message=$util.urlEncode($input.body)`,
      };
    case "events":
      return {
        uri: arn("events", "action/PutEvents"),
        requestParameters: {
          "integration.request.header.X-Amz-Target": "'AWSEvents.PutEvents'",
          "integration.request.header.Content-Type": "'application/x-amz-json-1.1'",
        },
        template: [
          "{",
          '  "Entries": [{',
          `    "EventBusName": "${target}",`,
          '    "Source": "api.$context.apiId",',
          '    "DetailType": "$context.httpMethod $context.resourcePath",',
          '    "Detail": "$util.escapeJavaScript($input.body)"',
          "  }]",
          "}",
        ].join("\n"),
      };
    case "states":
      return {
        uri: arn("states", "action/StartExecution"),
        requestParameters: {
          "integration.request.header.X-Amz-Target": "'AWSStepFunctions.StartExecution'",
          "integration.request.header.Content-Type": "'application/x-amz-json-1.0'",
        },
        template: `{\n  "stateMachineArn": "${target}",\n  "input": "$util.escapeJavaScript($input.body)"\n}`,
      };
  }
}

/** The service and target an AWS integration URI names, when it is one of the presets. */
export function parseAwsUri(uri: string, template: string): { service: AwsService; target: string } | null {
  const m = /^arn:aws:apigateway:[^:]+:(sqs|sns|events|states):(path|action)\/(.+)$/.exec(uri);
  if (!m) return null;
  const service = m[1] as AwsService;
  if (service === "sqs") return { service, target: m[3].split("/").pop() ?? "" };
  const t =
    service === "sns"
      ? /TopicArn=\$util\.urlEncode\('([^']+)'\)/.exec(template)
      : service === "events"
        ? /"EventBusName":\s*"([^"]+)"/.exec(template)
        : /"stateMachineArn":\s*"([^"]+)"/.exec(template);
  return { service, target: t?.[1] ?? "" };
}

export const lambdaUri = (region: string, functionArn: string) =>
  `arn:aws:apigateway:${region}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;

export const functionOfUri = (uri: string) => /functions\/(.+)\/invocations$/.exec(uri)?.[1] ?? "";
