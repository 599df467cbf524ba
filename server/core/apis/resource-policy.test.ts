import { describe, expect, it } from "vitest";
import { evaluateResourcePolicy, parseResourcePolicy, type PolicyRequest } from "./resource-policy";

// Policies from AWS's "API Gateway resource policy examples" and the evaluation table of "How API
// Gateway resource policies affect authorization workflow".

const base: PolicyRequest = {
  region: "us-east-1",
  accountId: "111122223333",
  apiId: "a1b2c3d4e5",
  stage: "prod",
  httpMethod: "GET",
  path: "/pets",
  sourceIp: "192.0.2.10",
  caller: null,
  authorizedBy: null,
  now: new Date("2026-06-01T12:00:00Z"),
  secureTransport: true,
  userAgent: "curl/8.5.0",
  referer: null,
};
const req = (o: Partial<PolicyRequest>): PolicyRequest => ({ ...base, ...o });
const policy = (statements: unknown[]) =>
  parseResourcePolicy(JSON.stringify({ Version: "2012-10-17", Statement: statements }));

// "Deny API traffic based on source IP address or range"
const ipDeny = policy([
  { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
  {
    Effect: "Deny",
    Principal: "*",
    Action: "execute-api:Invoke",
    Resource: "execute-api:/*",
    Condition: { NotIpAddress: { "aws:SourceIp": ["192.0.2.0/24", "198.51.100.0/24"] } },
  },
]);

// Allow only some paths, deny one method on one of them.
const paths = policy([
  {
    Effect: "Allow",
    Principal: "*",
    Action: "execute-api:Invoke",
    Resource: ["execute-api:/prod/GET/pets", "execute-api:/prod/*/pets/*"],
  },
  {
    Effect: "Deny",
    Principal: { AWS: "*" },
    Action: "execute-api:*",
    Resource: "arn:aws:execute-api:*:*:*/prod/DELETE/pets/*",
  },
]);

// "Allow a role in another account" style, here: the API's own account.
const accountOnly = policy([
  {
    Effect: "Allow",
    Principal: { AWS: ["arn:aws:iam::111122223333:root"] },
    Action: "execute-api:Invoke",
    Resource: "execute-api:/*",
  },
]);

const user = (accountId: string, name: string) => ({
  accountId,
  arn: `arn:aws:iam::${accountId}:user/${name}`,
  userId: name,
  userName: name,
});
const me = user("111122223333", "alice");

describe("evaluateResourcePolicy", () => {
  it.each([
    ["inside an allowed range", ipDeny, req({ sourceIp: "192.0.2.10" }), true],
    ["inside the second range", ipDeny, req({ sourceIp: "198.51.100.200" }), true],
    ["an IPv4-mapped IPv6 address inside", ipDeny, req({ sourceIp: "::ffff:192.0.2.77" }), true],
    ["outside the ranges: explicit deny", ipDeny, req({ sourceIp: "203.0.113.5" }), false],
    ["an allowed path", paths, req({ path: "/pets" }), true],
    ["a wildcard below an allowed path", paths, req({ httpMethod: "POST", path: "/pets/7" }), true],
    ["a path no statement allows: implicit deny", paths, req({ path: "/owners" }), false],
    ["a denied method on an allowed path", paths, req({ httpMethod: "DELETE", path: "/pets/7" }), false],
    ["another stage", paths, req({ stage: "dev" }), false],
    ["an account principal, anonymous caller", accountOnly, req({}), false],
    ["an account principal, the account's signed caller (no IAM method)", accountOnly, req({ caller: me }), true],
  ])("%s", (_, p, r, allowed) => {
    expect(evaluateResourcePolicy(p, r).allowed).toBe(allowed);
  });

  it("AWS_IAM by the API's account: allowed unless explicitly denied (no Allow needed)", () => {
    const noMatch = policy([
      { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/dev/*" },
    ]);
    expect(evaluateResourcePolicy(noMatch, req({ caller: me, authorizedBy: "iam" })).allowed).toBe(true);
    expect(evaluateResourcePolicy(noMatch, req({ caller: me, authorizedBy: null })).allowed).toBe(false);
    expect(
      evaluateResourcePolicy(ipDeny, req({ caller: me, authorizedBy: "iam", sourceIp: "203.0.113.5" })).allowed,
    ).toBe(false);
  });

  it("says who was refused and on which resource, as API Gateway does", () => {
    expect(evaluateResourcePolicy(ipDeny, req({ sourceIp: "203.0.113.5" }))).toEqual({
      allowed: false,
      explicit: true,
      message:
        "User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/prod/GET/pets with an explicit deny",
    });
    expect(evaluateResourcePolicy(paths, req({ path: "/" }))).toMatchObject({
      explicit: false,
      message:
        "User: anonymous is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/prod/GET/",
    });
  });

  it("String conditions: a VPC endpoint key never exists here, so StringNotEquals holds and StringEquals fails", () => {
    const vpce = (op: string) =>
      policy([
        {
          Effect: "Allow",
          Principal: "*",
          Action: "execute-api:Invoke",
          Resource: "execute-api:/*",
          Condition: { [op]: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
        },
      ]);
    expect(evaluateResourcePolicy(vpce("StringEquals"), req({})).allowed).toBe(false);
    expect(evaluateResourcePolicy(vpce("StringNotEquals"), req({})).allowed).toBe(true);
    expect(evaluateResourcePolicy(vpce("StringEqualsIfExists"), req({})).allowed).toBe(true);
  });

  it("NotResource and NotAction", () => {
    const p = policy([
      { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", NotResource: "execute-api:/prod/*/admin*" },
      { Effect: "Deny", Principal: "*", NotAction: "execute-api:Invoke", Resource: "*" },
    ]);
    expect(evaluateResourcePolicy(p, req({ path: "/pets" })).allowed).toBe(true);
    expect(evaluateResourcePolicy(p, req({ path: "/admin/x" })).allowed).toBe(false);
  });
});

const other = user("444455556666", "bob");
const allow = (extra: Record<string, unknown>) =>
  policy([{ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*", ...extra }]);
const when = (condition: Record<string, unknown>) => allow({ Condition: condition });

describe("the outcome tables (IAM or Lambda authorizer × resource policy)", () => {
  // AWS's example "Allow roles in another AWS account to use an API", with an IAM user and the account.
  const crossAccount = policy([
    {
      Effect: "Allow",
      Principal: { AWS: ["arn:aws:iam::444455556666:user/bob", "777788889999"] },
      Action: "execute-api:Invoke",
      Resource: ["execute-api:/prod/GET/pets"],
    },
  ]);
  const rootGrant = policy([
    {
      Effect: "Allow",
      Principal: { AWS: "arn:aws:iam::444455556666:root" },
      Action: "execute-api:Invoke",
      Resource: "execute-api:/*",
    },
    {
      Effect: "Deny",
      Principal: { AWS: "444455556666" },
      Action: "execute-api:Invoke",
      Resource: "execute-api:/*/DELETE/*",
    },
  ]);
  const unrelated = policy([
    { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/dev/*" },
  ]);

  it.each([
    // Table A, same account: IAM allows; the policy allows, says nothing, or denies.
    ["same account IAM, policy allows", accountOnly, req({ caller: me, authorizedBy: "iam" }), true],
    ["same account IAM, policy neither", unrelated, req({ caller: me, authorizedBy: "iam" }), true],
    [
      "same account IAM, policy denies",
      ipDeny,
      req({ caller: me, authorizedBy: "iam", sourceIp: "203.0.113.5" }),
      false,
    ],
    // Table A with a Lambda authorizer that allowed.
    ["Lambda authorizer, policy neither", unrelated, req({ authorizedBy: "lambda" }), true],
    ["Lambda authorizer, policy denies", ipDeny, req({ authorizedBy: "lambda", sourceIp: "203.0.113.5" }), false],
    ["no authorization, policy neither: implicit deny", unrelated, req({}), false],
    // Table B, another account: IAM allows (its key is valid); the policy must allow.
    ["another account's user named in the policy", crossAccount, req({ caller: other, authorizedBy: "iam" }), true],
    [
      "another account named by id",
      crossAccount,
      req({ caller: user("777788889999", "x"), authorizedBy: "iam" }),
      true,
    ],
    [
      "another account's other user",
      crossAccount,
      req({ caller: user("444455556666", "carol"), authorizedBy: "iam" }),
      false,
    ],
    [
      "another account, a resource the grant does not cover",
      crossAccount,
      req({ caller: other, authorizedBy: "iam", httpMethod: "POST" }),
      false,
    ],
    [
      "another account, policy neither: implicit deny",
      unrelated,
      req({ caller: other, authorizedBy: "iam", stage: "prod" }),
      false,
    ],
    [
      "another account granted by :root",
      rootGrant,
      req({ caller: user("444455556666", "dave"), authorizedBy: "iam" }),
      true,
    ],
    [
      "another account granted, but denied for DELETE",
      rootGrant,
      req({ caller: other, authorizedBy: "iam", httpMethod: "DELETE", path: "/pets/1" }),
      false,
    ],
    ["the API's own account is not the granted one", rootGrant, req({ caller: me, authorizedBy: "iam" }), true],
    ["an anonymous caller does not match an account principal", rootGrant, req({}), false],
  ] as const)("%s", (_, p, r, allowed) => {
    expect(evaluateResourcePolicy(p, r).allowed).toBe(allowed);
  });

  it("names the cross-account caller when it is refused", () => {
    expect(evaluateResourcePolicy(unrelated, req({ caller: other, authorizedBy: "iam" }))).toEqual({
      allowed: false,
      explicit: false,
      message:
        "User: arn:aws:iam::444455556666:user/bob is not authorized to perform: execute-api:Invoke on resource: arn:aws:execute-api:us-east-1:111122223333:a1b2c3d4e5/prod/GET/pets",
    });
  });
});

describe("condition keys and operators", () => {
  it.each([
    // aws:CurrentTime / aws:EpochTime with Date and Numeric operators (the request is at 2026-06-01T12:00:00Z).
    [
      "DateGreaterThan CurrentTime, before now",
      { DateGreaterThan: { "aws:CurrentTime": "2026-01-01T00:00:00Z" } },
      {},
      true,
    ],
    [
      "DateLessThan CurrentTime, before now",
      { DateLessThan: { "aws:CurrentTime": "2026-01-01T00:00:00Z" } },
      {},
      false,
    ],
    [
      "a time window (both bounds)",
      {
        DateGreaterThanEquals: { "aws:CurrentTime": "2026-06-01T00:00:00Z" },
        DateLessThan: { "aws:CurrentTime": "2026-06-02T00:00:00Z" },
      },
      {},
      true,
    ],
    ["DateEquals with epoch seconds", { DateEquals: { "aws:EpochTime": 1780315200 } }, {}, true],
    ["NumericLessThan EpochTime", { NumericLessThan: { "aws:EpochTime": "1780315201" } }, {}, true],
    ["NumericGreaterThanEquals EpochTime", { NumericGreaterThanEquals: { "aws:EpochTime": 1780315201 } }, {}, false],
    ["NumericNotEquals EpochTime", { NumericNotEquals: { "aws:EpochTime": [1, 2] } }, {}, true],
    ["a Numeric operator on a date string never matches", { NumericGreaterThan: { "aws:CurrentTime": 0 } }, {}, false],
    // aws:SecureTransport with Bool (string or JSON boolean).
    ["Bool SecureTransport true over TLS", { Bool: { "aws:SecureTransport": "true" } }, {}, true],
    [
      "Bool SecureTransport true over plain HTTP",
      { Bool: { "aws:SecureTransport": true } },
      { secureTransport: false },
      false,
    ],
    [
      "Bool SecureTransport false over plain HTTP",
      { Bool: { "aws:SecureTransport": false } },
      { secureTransport: false },
      true,
    ],
    // aws:UserAgent, aws:Referer: present only when the request has the header.
    ["StringLike UserAgent", { StringLike: { "aws:UserAgent": "curl/*" } }, {}, true],
    ["StringNotLike UserAgent", { StringNotLike: { "aws:UserAgent": ["curl/*", "wget*"] } }, {}, false],
    ["StringEqualsIgnoreCase UserAgent", { StringEqualsIgnoreCase: { "aws:UserAgent": "CURL/8.5.0" } }, {}, true],
    ["StringEquals is case-sensitive", { StringEquals: { "aws:UserAgent": "CURL/8.5.0" } }, {}, false],
    ["StringLike Referer, no header", { StringLike: { "aws:Referer": "https://example.com/*" } }, {}, false],
    [
      "StringLike Referer",
      { StringLike: { "aws:Referer": "https://example.com/*" } },
      { referer: "https://example.com/a" },
      true,
    ],
    [
      "StringLikeIfExists Referer, no header",
      { StringLikeIfExists: { "aws:Referer": "https://example.com/*" } },
      {},
      true,
    ],
    [
      "StringLikeIfExists Referer, another site",
      { StringLikeIfExists: { "aws:Referer": "https://example.com/*" } },
      { referer: "https://evil.test/" },
      false,
    ],
    ["the key name is case-insensitive", { StringEquals: { "AWS:USERAGENT": "curl/8.5.0" } }, {}, true],
    // Null: whether the key is missing.
    ["Null Referer true, no header", { Null: { "aws:Referer": "true" } }, {}, true],
    ["Null Referer false, no header", { Null: { "aws:Referer": false } }, {}, false],
    ["Null PrincipalArn true, anonymous", { Null: { "aws:PrincipalArn": "true" } }, {}, true],
    ["Null PrincipalArn false, signed", { Null: { "aws:PrincipalArn": "false" } }, { caller: me }, true],
    ["Null PrincipalTag true: keys have no tags", { Null: { "aws:PrincipalTag/team": "true" } }, { caller: me }, true],
    // Principal keys.
    [
      "StringEquals PrincipalAccount",
      { StringEquals: { "aws:PrincipalAccount": "444455556666" } },
      { caller: other },
      true,
    ],
    [
      "StringEquals PrincipalAccount (a number)",
      { StringEquals: { "aws:PrincipalAccount": 444455556666 } },
      { caller: other },
      true,
    ],
    [
      "StringEquals PrincipalAccount, anonymous",
      { StringEquals: { "aws:PrincipalAccount": "444455556666" } },
      {},
      false,
    ],
    [
      "ArnLike PrincipalArn",
      { ArnLike: { "aws:PrincipalArn": "arn:aws:iam::444455556666:user/*" } },
      { caller: other },
      true,
    ],
    [
      "ArnEquals PrincipalArn, another user",
      { ArnEquals: { "aws:PrincipalArn": "arn:aws:iam::444455556666:user/x" } },
      { caller: other },
      false,
    ],
    [
      "ArnNotLike PrincipalArn",
      { ArnNotLike: { "aws:PrincipalArn": "arn:aws:iam::111122223333:*" } },
      { caller: other },
      true,
    ],
    [
      "ArnLike matches part by part (no * across :)",
      { ArnLike: { "aws:PrincipalArn": "arn:aws:*:user/bob" } },
      { caller: other },
      false,
    ],
    ["StringEquals userid", { StringEquals: { "aws:userid": "bob" } }, { caller: other }, true],
    ["StringEquals username", { StringEquals: { "aws:username": "alice" } }, { caller: other }, false],
    ["StringEquals PrincipalType User", { StringEquals: { "aws:PrincipalType": "User" } }, { caller: other }, true],
    [
      "StringEquals PrincipalTag: never present",
      { StringEquals: { "aws:PrincipalTag/team": "a" } },
      { caller: other },
      false,
    ],
    [
      "StringNotEquals PrincipalTag: missing holds",
      { StringNotEquals: { "aws:PrincipalTag/team": "a" } },
      { caller: other },
      true,
    ],
    // Keys that never have a value here.
    ["StringEquals SourceVpc", { StringEquals: { "aws:SourceVpc": "vpc-1" } }, {}, false],
    ["StringNotEquals SourceVpc", { StringNotEquals: { "aws:SourceVpc": "vpc-1" } }, {}, true],
    ["IpAddress VpcSourceIp", { IpAddress: { "aws:VpcSourceIp": "10.0.0.0/8" } }, {}, false],
    ["Bool MultiFactorAuthPresent", { Bool: { "aws:MultiFactorAuthPresent": "true" } }, { caller: me }, false],
    [
      "BoolIfExists MultiFactorAuthPresent",
      { BoolIfExists: { "aws:MultiFactorAuthPresent": "true" } },
      { caller: me },
      true,
    ],
    // Source IP with the IP and String operators.
    ["IpAddress IPv6", { IpAddress: { "aws:SourceIp": "2001:db8::/32" } }, { sourceIp: "2001:db8::1" }, true],
    ["IpAddress, several ranges", { IpAddress: { "aws:SourceIp": ["10.0.0.0/8", "192.0.2.0/24"] } }, {}, true],
    ["NotIpAddress", { NotIpAddress: { "aws:SourceIp": "192.0.2.0/24" } }, {}, false],
    ["StringLike SourceIp", { StringLike: { "aws:SourceIp": "192.0.2.*" } }, {}, true],
    // Set operators on single-valued keys.
    ["ForAnyValue:StringEquals", { "ForAnyValue:StringEquals": { "aws:UserAgent": ["x", "curl/8.5.0"] } }, {}, true],
    ["ForAnyValue:StringEquals, missing key", { "ForAnyValue:StringEquals": { "aws:Referer": "x" } }, {}, false],
    ["ForAllValues:StringEquals, missing key", { "ForAllValues:StringEquals": { "aws:Referer": "x" } }, {}, true],
    ["ForAllValues:StringEquals, another value", { "ForAllValues:StringEquals": { "aws:UserAgent": "x" } }, {}, false],
    ["ForAnyValue:StringNotLike", { "ForAnyValue:StringNotLike": { "aws:UserAgent": "wget*" } }, {}, true],
    // Several operators and keys: all must hold.
    [
      "two operators, one fails",
      { StringLike: { "aws:UserAgent": "curl/*" }, Bool: { "aws:SecureTransport": "false" } },
      {},
      false,
    ],
    [
      "two keys in one operator, both hold",
      { StringEquals: { "aws:UserAgent": "curl/8.5.0", "aws:PrincipalAccount": "444455556666" } },
      { caller: other },
      true,
    ],
  ] as const)("%s", (_, condition, r, allowed) => {
    expect(evaluateResourcePolicy(when(condition), req(r as Partial<PolicyRequest>)).allowed).toBe(allowed);
  });

  it("AWS's example: deny requests not sent over TLS", () => {
    const p = policy([
      { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
      {
        Effect: "Deny",
        Principal: "*",
        Action: "execute-api:Invoke",
        Resource: "execute-api:/*",
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
    expect(evaluateResourcePolicy(p, req({})).allowed).toBe(true);
    expect(evaluateResourcePolicy(p, req({ secureTransport: false }))).toMatchObject({
      allowed: false,
      explicit: true,
    });
  });

  it("AWS's example: allow only from a VPC endpoint (never here, so denied)", () => {
    const p = policy([
      { Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "execute-api:/*" },
      {
        Effect: "Deny",
        Principal: "*",
        Action: "execute-api:Invoke",
        Resource: "execute-api:/*",
        Condition: { StringNotEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
      },
    ]);
    expect(evaluateResourcePolicy(p, req({}))).toMatchObject({ allowed: false, explicit: true });
  });
});

describe("parseResourcePolicy", () => {
  it.each([
    ["not JSON", "{"],
    ["not an object", "[]"],
    ["no Statement", '{"Version":"2012-10-17"}'],
    ["a bad Effect", '{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}'],
    ["no Resource", '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke"}]}'],
    ["no Principal", '{"Statement":[{"Effect":"Allow","Action":"execute-api:Invoke","Resource":"*"}]}'],
    [
      "an unknown operator",
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"Foo":{"aws:SourceIp":"1.2.3.4"}}}]}',
    ],
    [
      "an invalid CIDR",
      '{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"1.2.3.4/40"}}}]}',
    ],
  ])("rejects %s", (_, text) => {
    expect(() => parseResourcePolicy(text)).toThrow(/Invalid policy document/);
  });

  const withCondition = (c: unknown) =>
    JSON.stringify({
      Statement: [{ Effect: "Allow", Principal: "*", Action: "execute-api:Invoke", Resource: "*", Condition: c }],
    });

  it.each([
    [
      "an unknown condition key",
      { StringEquals: { "aws:RequestedRegion": "us-east-1" } },
      /invalid condition key: aws:RequestedRegion/,
    ],
    ["a service key", { StringEquals: { "execute-api:Foo": "x" } }, /invalid condition key: execute-api:Foo/],
    ["an empty PrincipalTag", { StringEquals: { "aws:PrincipalTag/": "x" } }, /invalid condition key/],
    ["NullIfExists", { NullIfExists: { "aws:Referer": "true" } }, /operator NullIfExists is not supported/],
    ["an unknown set prefix", { "ForSomeValues:StringEquals": { "aws:Referer": "x" } }, /not supported/],
    ["a non-number for Numeric", { NumericLessThan: { "aws:EpochTime": "soon" } }, /not numbers/],
    ["a non-date for Date", { DateLessThan: { "aws:CurrentTime": "tomorrow" } }, /not dates/],
    ["a non-boolean for Bool", { Bool: { "aws:SecureTransport": "yes" } }, /not true or false/],
    ["an object value", { StringEquals: { "aws:UserAgent": { a: 1 } } }, /string, number or boolean/],
    ["an empty list", { StringEquals: { "aws:UserAgent": [] } }, /string, number or boolean/],
  ])("rejects %s", (_, c, message) => {
    expect(() => parseResourcePolicy(withCondition(c))).toThrow(message);
    expect(() => parseResourcePolicy(withCondition(c))).toThrow(/^Invalid policy document/);
  });

  it("accepts every documented key and operator form", () => {
    const c = {
      "ForAnyValue:StringLikeIfExists": { "aws:PrincipalTag/team": "a*", "aws:PrincipalOrgID": "o-1" },
      "ForAllValues:ArnLike": { "aws:SourceArn": "arn:aws:*:*:*:*" },
      DateGreaterThanIfExists: { "aws:TokenIssueTime": "2020-01-01T00:00:00Z" },
      NumericLessThanEqualsIfExists: { "aws:MultiFactorAuthAge": 3600 },
      Null: { "aws:PrincipalOrgPaths": true },
    };
    expect(() => parseResourcePolicy(withCondition(c))).not.toThrow();
  });

  it("accepts a single statement object", () => {
    expect(
      parseResourcePolicy(
        '{"Statement":{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}}',
      ).Statement,
    ).toHaveLength(1);
  });
});
