import type { Authorizer } from "../../../core/apis/model";

// A REST API authorizer as the console shows and edits it: the function behind a Lambda
// authorizer's URI rather than the URI itself.

const region = () => process.env.SIGNALBOX_REGION ?? "us-east-1";

/** The Lambda authorizer URI API Gateway calls for a function. */
export const authorizerUriOf = (functionArn: string) =>
  `arn:aws:apigateway:${region()}:lambda:path/2015-03-31/functions/${functionArn}/invocations`;

/** The function an authorizer URI calls, or null. */
export const functionArnOf = (uri: string | undefined) =>
  /\/functions\/(.+)\/invocations$/.exec(uri ?? "")?.[1] ?? null;

/** An authorizer as the console shows it. */
export function authorizerView(a: Authorizer) {
  return {
    id: a.id,
    name: a.name,
    type: a.type,
    functionArn: a.type === "COGNITO_USER_POOLS" ? null : functionArnOf(a.authorizerUri),
    providerArns: a.providerARNs ?? [],
    identitySource: a.identitySource ?? "",
    identityValidationExpression: a.identityValidationExpression ?? "",
    authorizerResultTtlInSeconds: a.authorizerResultTtlInSeconds,
  };
}
