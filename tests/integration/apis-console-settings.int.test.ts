import { describe, expect, it } from "vitest";
import { createServer } from "node:http";
import { ZodError, z } from "zod";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory } from "../../server/trpc/trpc";
import { logger } from "../../server/logger";
import { handleGateway } from "../../server/http/gateway/gateway";
import * as http from "../../server/domains/apis/v2/http-api.service";
import * as rest from "../../server/domains/apis/rest-api.service";
import { createTestTenant } from "../helpers/fixtures";

// The console's stage and authorizer settings (trpc.apis.v2.saveStage, trpc.apis.saveAuthorizer):
// an HTTP API stage's per-route throttling and access-log settings reach the same stage the AWS
// door's GetStage reads, and the gateway throttles the one route; a REST API's TOKEN, REQUEST and
// COGNITO_USER_POOLS authorizers are created, changed, attached to a method and deleted. Bad input
// is a field error and changes nothing.

const callerFor = (userId: string) =>
  createCallerFactory(appRouter)({ userId, requestId: "test", log: logger, origin: "http://sb.test" });

const fieldErrorsOf = async (p: Promise<unknown>): Promise<Record<string, string[]>> => {
  const e = await p.then(
    () => {
      throw new Error("expected a field error");
    },
    (err: unknown) => err,
  );
  const cause = (e as { cause?: unknown }).cause;
  if (cause instanceof ZodError) return z.flattenError(cause).fieldErrors as Record<string, string[]>;
  const fe = (cause as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors;
  if (!fe) throw e as Error;
  return fe;
};

describe("APIs console: HTTP API stage settings (tRPC)", () => {
  it("saves per-route throttling and access logging; the gateway throttles that route only; bad input changes nothing", async () => {
    const t = await createTestTenant();
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const apiId = (await api.apis.v2.createHttp({ tenant, name: "tight" })).id;
    const target = async (routeKey: string) => {
      const i = await api.apis.v2.saveIntegration({
        tenant,
        apiId,
        kind: "HTTP_PROXY",
        uri: "http://127.0.0.1:9/unused",
        method: "ANY",
        timeoutInMillis: 1000,
        requestParameters: {},
      });
      await api.apis.v2.saveRoute({
        tenant,
        apiId,
        routeKey,
        target: `integrations/${String(i.integrationId)}`,
        authorizationType: "NONE",
        authorizationScopes: [],
      });
    };
    await target("GET /tight");
    await target("GET /free");
    const base = {
      tenant,
      apiId,
      stageName: "prod",
      description: "",
      autoDeploy: true,
      stageVariables: {},
      throttlingRateLimit: null,
      throttlingBurstLimit: null,
    };
    await api.apis.v2.saveStage({ ...base, create: true });
    const caller = {
      actor: { type: "user" as const, userId: t.user.id, email: t.user.email, role: "owner" as const },
      tenant: t.tenant,
    };
    const format = '{"requestId":"$context.requestId","status":"$context.status"}';
    const destinationArn = `arn:aws:logs:us-east-1:${t.tenant.accountId}:log-group:api-access`;
    await api.apis.v2.saveStage({
      ...base,
      create: false,
      routeSettings: { "GET /tight": { throttlingRateLimit: 0.001, throttlingBurstLimit: 1 } },
      accessLogDestinationArn: destinationArn,
      accessLogFormat: format,
    });
    // The AWS door's GetStage sees what the console saved.
    const wire = await http.getStage(caller, apiId, "prod");
    expect(wire.routeSettings).toEqual({ "GET /tight": { throttlingRateLimit: 0.001, throttlingBurstLimit: 1 } });
    expect(wire.accessLogSettings).toEqual({ destinationArn, format });
    const shown = (await api.apis.v2.http({ tenant, apiId })).stages[0];
    expect(shown.routeSettings).toEqual({ "GET /tight": { throttlingRateLimit: 0.001, throttlingBurstLimit: 1 } });
    expect(shown.accessLogSettings).toEqual({ destinationArn, format });

    // The gateway: the throttled route's second call is 429, the other route is not throttled.
    const server = createServer((req, res) => void handleGateway(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const port = (server.address() as { port: number }).port;
      const call = async (path: string) => (await fetch(`http://127.0.0.1:${port}/gw/${apiId}/prod${path}`)).status;
      expect(await call("/tight")).not.toBe(429);
      expect(await call("/tight")).toBe(429);
      expect(await call("/free")).not.toBe(429);
      expect(await call("/free")).not.toBe(429);
    } finally {
      await new Promise((r) => server.close(r));
    }

    // Bad input: a field error each, and the stage is as it was.
    const before = JSON.stringify(await http.getStage(caller, apiId, "prod"));
    expect(
      (
        await fieldErrorsOf(
          api.apis.v2.saveStage({
            ...base,
            create: false,
            routeSettings: { "GET /tight": { throttlingRateLimit: 5, throttlingBurstLimit: null } },
          }),
        )
      ).routeSettings,
    ).toEqual(["Set both the rate and the burst (or neither)."]);
    expect(
      (
        await fieldErrorsOf(
          api.apis.v2.saveStage({
            ...base,
            create: false,
            routeSettings: { "GET /nowhere": { throttlingRateLimit: 5, throttlingBurstLimit: 5 } },
          }),
        )
      ).routeSettings?.[0],
    ).toMatch(/Invalid route key specified: GET \/nowhere/);
    const fe = await fieldErrorsOf(
      api.apis.v2.saveStage({
        ...base,
        create: false,
        accessLogDestinationArn: "my-log-group",
        accessLogFormat: "$context.status",
      }),
    );
    // API Gateway's own messages: the console and the AWS door share the services' check.
    expect(fe.accessLogDestinationArn).toEqual([
      "Invalid ARN specified in the request. ARNs must start with 'arn:': my-log-group",
    ]);
    expect(fe.accessLogFormat).toEqual([
      "The following errors are found in Access Log Format: Access Log format must include either $context.requestId or $context.extendedRequestId : '$context.status'",
    ]);
    expect(
      (await fieldErrorsOf(api.apis.v2.saveStage({ ...base, create: false, accessLogDestinationArn: destinationArn })))
        .accessLogFormat,
    ).toEqual(["Needed for access logging."]);
    expect(JSON.stringify(await http.getStage(caller, apiId, "prod"))).toBe(before);

    // Cleared: no route settings, access logging off (DeleteAccessLogSettings).
    await api.apis.v2.saveStage({
      ...base,
      create: false,
      routeSettings: {},
      accessLogDestinationArn: null,
      accessLogFormat: null,
    });
    const after = await http.getStage(caller, apiId, "prod");
    expect(after.routeSettings).toEqual({});
    expect(after.accessLogSettings).toBeUndefined();
  });
});

describe("APIs console: REST authorizers (tRPC)", () => {
  it("creates TOKEN, REQUEST and Cognito authorizers, edits one, attaches it to a method, deletes it once unused", async () => {
    const t = await createTestTenant();
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const apiId = (await api.apis.create({ tenant, name: "auth-rest" })).id;
    const fn = `arn:aws:lambda:us-east-1:${t.tenant.accountId}:function:check-token`;
    const base = {
      tenant,
      apiId,
      identitySource: "method.request.header.Authorization",
      identityValidationExpression: "^Bearer .+$",
      authorizerResultTtlInSeconds: 300,
    };
    const token = await api.apis.saveAuthorizer({ ...base, name: "token-auth", type: "TOKEN", functionArn: fn });
    expect(token).toMatchObject({ name: "token-auth", type: "TOKEN", functionArn: fn });
    const caller = {
      actor: { type: "user" as const, userId: t.user.id, email: t.user.email, role: "owner" as const },
      tenant: t.tenant,
    };
    // The AWS door's GetAuthorizer sees the Lambda authorizer URI.
    expect(await rest.getAuthorizer(caller, apiId, token.id)).toMatchObject({
      type: "TOKEN",
      authorizerUri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn}/invocations`,
      identityValidationExpression: "^Bearer .+$",
    });
    const request = await api.apis.saveAuthorizer({
      ...base,
      name: "request-auth",
      type: "REQUEST",
      functionArn: fn,
      identitySource: "method.request.header.X-Tenant, method.request.querystring.key",
      identityValidationExpression: "",
      authorizerResultTtlInSeconds: 0,
    });
    const poolArn = `arn:aws:cognito-idp:us-east-1:${t.tenant.accountId}:userpool/us-east-1_abc123`;
    const cognito = await api.apis.saveAuthorizer({
      ...base,
      name: "pool-auth",
      type: "COGNITO_USER_POOLS",
      providerArns: [poolArn],
      identityValidationExpression: "",
    });
    expect(cognito).toMatchObject({ type: "COGNITO_USER_POOLS", providerArns: [poolArn], functionArn: null });

    // Edit: TTL and the validation expression; emptying the expression removes it.
    const edited = await api.apis.saveAuthorizer({
      ...base,
      authorizerId: token.id,
      name: "token-auth",
      type: "TOKEN",
      functionArn: fn,
      identityValidationExpression: "",
      authorizerResultTtlInSeconds: 60,
    });
    expect(edited).toMatchObject({ authorizerResultTtlInSeconds: 60, identityValidationExpression: "" });
    expect((await rest.getAuthorizer(caller, apiId, token.id)).identityValidationExpression).toBeUndefined();

    let d = await api.apis.get({ tenant, apiId });
    expect(d.authorizers.map((a) => [a.name, a.type]).sort()).toEqual([
      ["pool-auth", "COGNITO_USER_POOLS"],
      ["request-auth", "REQUEST"],
      ["token-auth", "TOKEN"],
    ]);

    // Bad input: field errors, nothing created or changed.
    expect((await fieldErrorsOf(api.apis.saveAuthorizer({ ...base, name: "x", type: "TOKEN" }))).functionArn).toEqual([
      "Invalid Authorizer URI specified",
    ]);
    expect(
      (
        await fieldErrorsOf(
          api.apis.saveAuthorizer({
            ...base,
            name: "x",
            type: "TOKEN",
            functionArn: fn,
            identitySource: "Authorization",
          }),
        )
      ).identitySource?.[0],
    ).toMatch(/identity source/);
    expect(
      (
        await fieldErrorsOf(
          api.apis.saveAuthorizer({
            ...base,
            name: "x",
            type: "TOKEN",
            functionArn: fn,
            identityValidationExpression: "([",
          }),
        )
      ).identityValidationExpression?.[0],
    ).toMatch(/Invalid identity validation expression/);
    expect(
      (
        await fieldErrorsOf(
          api.apis.saveAuthorizer({
            ...base,
            name: "x",
            type: "TOKEN",
            functionArn: fn,
            authorizerResultTtlInSeconds: 4000,
          }),
        )
      ).authorizerResultTtlInSeconds,
    ).toEqual(["At most 3,600 s."]);
    expect(
      (
        await fieldErrorsOf(
          api.apis.saveAuthorizer({ ...base, name: "x", type: "COGNITO_USER_POOLS", providerArns: [] }),
        )
      ).providerArns?.[0],
    ).toMatch(/provider ARNs/);
    expect((await api.apis.get({ tenant, apiId })).authorizers).toHaveLength(3);

    // Attach to a method; then it cannot be deleted; detached, it can.
    d = await api.apis.get({ tenant, apiId });
    const root = d.rootResourceId;
    const method = {
      tenant,
      apiId,
      resourceId: root,
      httpMethod: "GET" as const,
      apiKeyRequired: false,
      requestParameters: {},
      requestValidatorId: null,
    };
    await api.apis.saveMethod({ ...method, create: true, authorizationType: "CUSTOM", authorizerId: request.id });
    d = await api.apis.get({ tenant, apiId });
    expect(d.resources.find((r) => r.id === root)?.methods[0]).toMatchObject({
      authorizationType: "CUSTOM",
      authorizerId: request.id,
    });
    const inUse = await fieldErrorsOf(api.apis.deleteAuthorizer({ tenant, apiId, authorizerId: request.id }));
    expect(inUse.authorizerId?.[0]).toMatch(/Cannot delete authorizer, is referenced in method: \/\/GET|referenced/);
    await api.apis.saveMethod({ ...method, create: false, authorizationType: "NONE", authorizerId: null });
    await api.apis.deleteAuthorizer({ tenant, apiId, authorizerId: request.id });
    expect((await api.apis.get({ tenant, apiId })).authorizers.map((a) => a.name).sort()).toEqual([
      "pool-auth",
      "token-auth",
    ]);
  });
});
