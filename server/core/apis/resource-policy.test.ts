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
  iamAuthorized: false,
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

const me = { accountId: "111122223333", arn: "arn:aws:iam::111122223333:user/alice" };

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
    expect(evaluateResourcePolicy(noMatch, req({ caller: me, iamAuthorized: true })).allowed).toBe(true);
    expect(evaluateResourcePolicy(noMatch, req({ caller: me, iamAuthorized: false })).allowed).toBe(false);
    expect(
      evaluateResourcePolicy(ipDeny, req({ caller: me, iamAuthorized: true, sourceIp: "203.0.113.5" })).allowed,
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

  it("accepts a single statement object", () => {
    expect(
      parseResourcePolicy(
        '{"Statement":{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}}',
      ).Statement,
    ).toHaveLength(1);
  });
});
