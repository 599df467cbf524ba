import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { parseDefinition } from "../openapi";
import { toYaml } from "../yaml";
import type { Authorizer, Integration, Route } from "./model";
import { exportHttpDefinition, importHttpDefinition } from "./openapi";

const FN = "arn:aws:lambda:us-east-1:123456789012:function:orders";
const DEF = `openapi: 3.0.1
info:
  title: orders
  description: the shop's orders
  version: "7"
servers:
  - url: https://api.example.com/{stage}/v1
    variables:
      stage:
        default: prod
x-amazon-apigateway-importexport-version: "1.0"
x-amazon-apigateway-cors:
  allowOrigins: ["https://shop.example"]
  allowCredentials: true
  maxAge: 600
security:
  - jwt: [orders/read]
paths:
  /orders:
    get:
      operationId: listOrders
      x-amazon-apigateway-integration:
        $ref: "#/components/x-amazon-apigateway-integrations/fn"
    post:
      security: []
      x-amazon-apigateway-integration:
        $ref: "#/components/x-amazon-apigateway-integrations/fn"
  /orders/{id}:
    parameters:
      - name: id
        in: path
        required: true
    delete:
      security:
        - sigv4: []
      x-amazon-apigateway-integration:
        type: http_proxy
        httpMethod: DELETE
        uri: https://backend.example/orders/{id}
        requestParameters:
          append:header.x-from: gateway
        requestTemplates:
          application/json: "{}"
  $default:
    x-amazon-apigateway-any-method:
      security:
        - lambda: []
      x-amazon-apigateway-integration:
        type: aws_proxy
        integrationSubtype: SQS-SendMessage
        credentials: arn:aws:iam::123456789012:role/r
        requestParameters:
          QueueUrl: https://sqs.example/q
          MessageBody: $request.body
components:
  x-amazon-apigateway-integrations:
    fn:
      type: aws_proxy
      uri: ${FN}
      payloadFormatVersion: "2.0"
      timeoutInMillis: 5000
  securitySchemes:
    jwt:
      type: oauth2
      x-amazon-apigateway-authorizer:
        type: jwt
        identitySource: $request.header.Authorization
        jwtConfiguration:
          issuer: https://issuer.example
          audience: [orders]
    lambda:
      type: apiKey
      name: X-Token
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        identitySource: $request.header.X-Token, $request.querystring.t
        authorizerUri: arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${FN}/invocations
        authorizerPayloadFormatVersion: "2.0"
        enableSimpleResponses: true
        authorizerResultTtlInSeconds: 60
    sigv4:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: awsSigv4
    oidc:
      type: openIdConnect
x-amazon-apigateway-policy: {}
`;

describe("HTTP APIs from OpenAPI 3 (ImportApi)", () => {
  it("reads routes, shared and inline integrations, authorizers, security and CORS from YAML", () => {
    const api = importHttpDefinition(parseDefinition(DEF));
    expect(api).toMatchObject({
      name: "orders",
      description: "the shop's orders",
      version: "7",
      cors: { allowOrigins: ["https://shop.example"], allowCredentials: true, maxAge: 600 },
    });
    expect(api.routes).toEqual([
      {
        routeKey: "GET /orders",
        operationName: "listOrders",
        authorizationType: "JWT",
        authorizer: "jwt",
        authorizationScopes: ["orders/read"],
        integration: "shared:fn",
      },
      { routeKey: "POST /orders", authorizationType: "NONE", integration: "shared:fn" },
      { routeKey: "DELETE /orders/{id}", authorizationType: "AWS_IAM", integration: "op:DELETE /orders/{id}" },
      { routeKey: "$default", authorizationType: "CUSTOM", authorizer: "lambda", integration: "op:$default" },
    ]);
    // One integration for the two operations that share it.
    expect(api.integrations.map((i) => i.key)).toEqual(["shared:fn", "op:DELETE /orders/{id}", "op:$default"]);
    expect(api.integrations[0].input).toEqual({
      integrationType: "AWS_PROXY",
      integrationUri: FN,
      connectionType: "INTERNET",
      payloadFormatVersion: "2.0",
      timeoutInMillis: 5000,
    });
    expect(api.integrations[1].input).toMatchObject({
      integrationType: "HTTP_PROXY",
      integrationMethod: "DELETE",
      payloadFormatVersion: "1.0",
      requestParameters: { "append:header.x-from": "gateway" },
    });
    expect(api.integrations[2].input).toMatchObject({
      integrationType: "AWS_PROXY",
      integrationSubtype: "SQS-SendMessage",
      payloadFormatVersion: "1.0",
      credentialsArn: "arn:aws:iam::123456789012:role/r",
    });
    expect(api.authorizers).toEqual([
      {
        authorizerType: "JWT",
        name: "jwt",
        identitySource: ["$request.header.Authorization"],
        jwtConfiguration: { audience: ["orders"], issuer: "https://issuer.example" },
      },
      expect.objectContaining({
        authorizerType: "REQUEST",
        name: "lambda",
        identitySource: ["$request.header.X-Token", "$request.querystring.t"],
        authorizerPayloadFormatVersion: "2.0",
        enableSimpleResponses: true,
        authorizerResultTtlInSeconds: 60,
      }),
    ]);
    expect(api.warnings).toEqual([
      "x-amazon-apigateway-policy is not supported for HTTP APIs and was ignored",
      "securitySchemes.oidc: no x-amazon-apigateway-authorizer of type jwt or request; the scheme was ignored",
      "paths.'/orders/{id}'.delete: x-amazon-apigateway-integration.requestTemplates is not supported for HTTP APIs",
    ]);
  });

  it("prepends or splits the base path on request, and refuses what is not an HTTP API definition", () => {
    const def = parseDefinition(DEF);
    const keys = (basepath: string) => importHttpDefinition(def, { basepath }).routes.map((r) => r.routeKey);
    expect(keys("prepend")).toEqual([
      "GET /prod/v1/orders",
      "POST /prod/v1/orders",
      "DELETE /prod/v1/orders/{id}",
      "$default",
    ]);
    expect(keys("split")).toEqual(["GET /v1/orders", "POST /v1/orders", "DELETE /v1/orders/{id}", "$default"]);
    expect(() => keys("sideways")).toThrow(
      "Invalid basepath specified: sideways. Valid values are ignore, prepend, split",
    );
    expect(() => importHttpDefinition({ info: { title: "x" } })).toThrow(/neither 'openapi' nor 'swagger/);
    expect(() => importHttpDefinition({ openapi: "3.0.1", info: {} })).toThrow(/info.title/);
    expect(() =>
      importHttpDefinition({
        openapi: "3.0.1",
        info: { title: "x" },
        "x-amazon-apigateway-importexport-version": "2.0",
      }),
    ).toThrow("Unsupported x-amazon-apigateway-importexport-version: 2.0. Supported: 1.0");
  });
});

describe("definitions as JSON or YAML", () => {
  it("parses both, and refuses what is neither an object nor well-formed", () => {
    expect(parseDefinition(Buffer.from('{"openapi": "3.0.1"}'))).toEqual({ openapi: "3.0.1" });
    expect(parseDefinition("openapi: 3.0.1\ninfo:\n  title: t\n")).toEqual({ openapi: "3.0.1", info: { title: "t" } });
    expect(() => parseDefinition("openapi: [")).toThrow(/^Invalid OpenAPI input: /);
    expect(() => parseDefinition("- a\n- b\n")).toThrow("the definition must be a JSON or YAML object");
    expect(() => parseDefinition("a: 1\na: 2\n")).toThrow(/^Invalid OpenAPI input: /);
    expect(() => parseDefinition("  ")).toThrow("the definition is empty");
  });

  it("writes YAML that reads back as the same JSON, with no anchors and quoted number-like strings", () => {
    const shared = { type: "string" };
    const value = { responses: { "200": { a: shared }, "404": { a: shared } }, version: "1.0", flag: "true" };
    const text = toYaml(value);
    expect(text).not.toContain("&");
    expect(text).toContain('version: "1.0"');
    expect(parseYaml(text)).toEqual(value);
  });
});

describe("HTTP APIs to OpenAPI 3 (ExportApi)", () => {
  const integrations: Record<string, Integration> = {
    i1: {
      integrationId: "i1",
      integrationType: "AWS_PROXY",
      integrationUri: FN,
      payloadFormatVersion: "2.0",
      timeoutInMillis: 30000,
      connectionType: "INTERNET",
    },
  };
  const authorizers: Record<string, Authorizer> = {
    a1: {
      authorizerId: "a1",
      authorizerType: "JWT",
      name: "jwt",
      identitySource: ["$request.header.Authorization"],
      jwtConfiguration: { audience: ["orders"], issuer: "https://issuer.example" },
    },
  };
  const routes: Record<string, Route> = {
    r2: { routeId: "r2", routeKey: "$default", authorizationType: "NONE", target: "integrations/i1" },
    r1: {
      routeId: "r1",
      routeKey: "GET /orders/{id}",
      authorizationType: "JWT",
      authorizerId: "a1",
      authorizationScopes: ["orders/read"],
      target: "integrations/i1",
      operationName: "getOrder",
    },
  };
  const api = { name: "orders", version: "7", cors: { allowOrigins: ["*"] }, updatedAt: "2026-12-01T00:00:00Z" };

  it("writes routes, integrations, JWT authorizers and CORS as AWS documents them, and reads back", () => {
    const doc = exportHttpDefinition(
      api,
      { routes, integrations, authorizers },
      {
        endpoint: "https://gw.example/gw/abc",
        stageName: "prod",
        includeExtensions: true,
      },
    );
    expect(doc).toEqual({
      openapi: "3.0.1",
      info: { title: "orders", version: "7" },
      servers: [{ url: "https://gw.example/gw/abc/{basePath}", variables: { basePath: { default: "prod" } } }],
      paths: {
        "/orders/{id}": {
          get: {
            operationId: "getOrder",
            responses: { default: { description: "Default response for GET /orders/{id}" } },
            security: [{ jwt: ["orders/read"] }],
            "x-amazon-apigateway-integration": {
              payloadFormatVersion: "2.0",
              type: "aws_proxy",
              httpMethod: "POST",
              uri: FN,
              connectionType: "INTERNET",
              timeoutInMillis: 30000,
            },
          },
          parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }],
        },
        $default: {
          "x-amazon-apigateway-any-method": {
            responses: { default: { description: "Default response for $default" } },
            "x-amazon-apigateway-integration": expect.objectContaining({ type: "aws_proxy" }),
          },
        },
      },
      components: {
        securitySchemes: {
          jwt: {
            type: "oauth2",
            flows: {},
            "x-amazon-apigateway-authorizer": {
              identitySource: "$request.header.Authorization",
              jwtConfiguration: { audience: ["orders"], issuer: "https://issuer.example" },
              type: "jwt",
            },
          },
        },
      },
      "x-amazon-apigateway-cors": { allowOrigins: ["*"] },
      "x-amazon-apigateway-importexport-version": "1.0",
    });
    const back = importHttpDefinition(parseDefinition(toYaml(doc)));
    expect(back.routes.map((r) => [r.routeKey, r.authorizationType, r.authorizationScopes])).toEqual([
      ["GET /orders/{id}", "JWT", ["orders/read"]],
      ["$default", "NONE", undefined],
    ]);
    expect(back.warnings).toEqual([]);
  });

  it("leaves the integration, authorizer, CORS and version extensions out without includeExtensions", () => {
    const doc = exportHttpDefinition(
      api,
      { routes, integrations, authorizers },
      {
        endpoint: "https://gw.example/gw/abc",
        includeExtensions: false,
      },
    );
    // (ANY stays x-amazon-apigateway-any-method: OpenAPI has no other name for it.)
    expect(JSON.stringify(doc)).not.toMatch(/x-amazon-apigateway-(integration|authorizer|cors|importexport)/);
    expect((doc.servers as { variables: { basePath: { default: string } } }[])[0].variables.basePath.default).toBe("");
  });
});
