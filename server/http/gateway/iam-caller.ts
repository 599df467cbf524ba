// The caller of an AWS_IAM-authorized request, as API Gateway describes it: a Signalbox API key is an
// IAM user of its team's account (ARN `arn:aws:iam::<account>:user/<key id>`, as STS
// GetCallerIdentity says), whose unique id is the key id. REST APIs, WebSocket APIs and HTTP APIs
// (payload 1.0) show it as `requestContext.identity`; HTTP APIs' payload 2.0 as
// `requestContext.authorizer.iam`.
//
// Another team's key is another AWS account's caller. REST APIs admit it only through the API's
// resource policy (resource-policy.ts). HTTP APIs and WebSocket APIs have no resource policies in
// API Gateway (a caller of another account assumes a role of the API's account instead), so there
// it is always refused: HTTP APIs answer 403 {"message":"Forbidden"} as they do for every IAM
// refusal; WebSocket APIs, whose IAM authorization works like REST APIs', answer 403 with REST's
// "User: <arn> is not authorized to perform: execute-api:Invoke on resource: <arn>".

export type IamCaller = { accountId: string; keyId: string };

export const iamUserArn = (c: IamCaller): string => `arn:aws:iam::${c.accountId}:user/${c.keyId}`;

/** `$context.identity`'s IAM fields (REST, WebSocket, HTTP payload 1.0). */
export function iamIdentity(c: IamCaller) {
  return { accessKey: c.keyId, accountId: c.accountId, caller: c.keyId, user: c.keyId, userArn: iamUserArn(c) };
}

/** `requestContext.authorizer.iam` of an HTTP API's payload 2.0. */
export function iamAuthorizer2(c: IamCaller) {
  return {
    accessKey: c.keyId,
    accountId: c.accountId,
    callerId: c.keyId,
    cognitoIdentity: null,
    principalOrgId: null,
    userArn: iamUserArn(c),
    userId: c.keyId,
  };
}

/** REST's (and WebSocket's, and @connections') refusal of a caller no policy grants. */
export function notAuthorizedMessage(c: IamCaller, resourceArn: string, action = "execute-api:Invoke"): string {
  return `User: ${iamUserArn(c)} is not authorized to perform: ${action} on resource: ${resourceArn}`;
}
