import { z } from "zod";
import { badRequest } from "../../../core/apis/model";
import * as v2 from "../../../domains/apis/v2/http-api.service";
import { resetAuthorizerCache } from "../../../domains/apis/v2/authorizer-cache";
import { exportHttpApi, importHttpApi, reimportHttpApi } from "../../../domains/apis/v2/openapi.service";
import type { AwsAction, AwsCall, AwsReply, RestJsonRoute } from "../types";

// Amazon API Gateway v2 (HTTP APIs) on the AWS door: the /v2/apis/... paths and camelCase JSON
// members of @aws-sdk/client-apigatewayv2, boto3's apigatewayv2 and `aws apigatewayv2`, SigV4
// service `apigateway`. The apigateway service (apigateway.service.ts) spreads these in. Action
// names carry a "V2." prefix: v1 has actions of the same names (CreateStage, GetTags, ...).

const JSON_CT = "application/json";
const caller = (call: AwsCall) => ({ actor: call.ctx.actor, tenant: call.ctx.tenant });
const p = (call: AwsCall, name: string) => call.pathParams?.[name] ?? "";
const q = (call: AwsCall, name: string) => call.query?.get(name) ?? null;
const reply = (status: number, out: unknown): AwsReply => ({
  status,
  headers: { "content-type": JSON_CT },
  body: JSON.stringify(out ?? {}),
});
const noContent = (): AwsReply => ({ status: 204, headers: {}, body: "" });

function parse<T extends z.ZodTypeAny>(schema: T, call: AwsCall): z.infer<T> {
  const r = schema.safeParse(call.json ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw badRequest(`Invalid input: ${issue?.path.join(".") || "request"}: ${issue?.message}`);
  }
  return r.data;
}

const strMap = z.record(z.string(), z.string());
const strList = z.array(z.string());
const cors = z.object({
  allowCredentials: z.boolean().optional(),
  allowHeaders: strList.optional(),
  allowMethods: strList.optional(),
  allowOrigins: strList.optional(),
  exposeHeaders: strList.optional(),
  maxAge: z.number().int().optional(),
});
const apiSchema = z.object({
  name: z.string().optional(),
  protocolType: z.string().optional(),
  description: z.string().optional(),
  version: z.string().optional(),
  corsConfiguration: cors.optional(),
  disableExecuteApiEndpoint: z.boolean().optional(),
  disableSchemaValidation: z.boolean().optional(),
  routeSelectionExpression: z.string().optional(),
  apiKeySelectionExpression: z.string().optional(),
  ipAddressType: z.string().optional(),
  tags: strMap.optional(),
  target: z.string().optional(),
  routeKey: z.string().optional(),
  credentialsArn: z.string().optional(),
});
const routeSchema = z.object({
  routeKey: z.string().optional(),
  apiKeyRequired: z.boolean().optional(),
  authorizationScopes: strList.optional(),
  authorizationType: z.string().optional(),
  authorizerId: z.string().optional(),
  operationName: z.string().optional(),
  requestParameters: z.record(z.string(), z.object({ required: z.boolean() })).optional(),
  target: z.string().optional(),
  modelSelectionExpression: z.string().optional(),
  requestModels: strMap.optional(),
  routeResponseSelectionExpression: z.string().optional(),
});
const integrationSchema = z.object({
  integrationType: z.string().optional(),
  integrationSubtype: z.string().optional(),
  integrationUri: z.string().optional(),
  integrationMethod: z.string().optional(),
  connectionType: z.string().optional(),
  connectionId: z.string().optional(),
  credentialsArn: z.string().optional(),
  description: z.string().optional(),
  payloadFormatVersion: z.string().optional(),
  requestParameters: strMap.optional(),
  responseParameters: z.record(z.string(), strMap).optional(),
  timeoutInMillis: z.number().int().optional(),
  tlsConfig: z.object({ serverNameToVerify: z.string().optional() }).optional(),
  contentHandlingStrategy: z.string().optional(),
  passthroughBehavior: z.string().optional(),
  requestTemplates: strMap.optional(),
  templateSelectionExpression: z.string().optional(),
});
const authorizerSchema = z.object({
  authorizerType: z.enum(["JWT", "REQUEST"]).optional(),
  name: z.string().optional(),
  identitySource: strList.optional(),
  jwtConfiguration: z.object({ audience: strList.optional(), issuer: z.string().optional() }).optional(),
  authorizerUri: z.string().optional(),
  authorizerCredentialsArn: z.string().optional(),
  authorizerPayloadFormatVersion: z.string().optional(),
  authorizerResultTtlInSeconds: z.number().int().optional(),
  enableSimpleResponses: z.boolean().optional(),
  identityValidationExpression: z.string().optional(),
});
const routeSettings = z.object({
  dataTraceEnabled: z.boolean().optional(),
  detailedMetricsEnabled: z.boolean().optional(),
  loggingLevel: z.string().optional(),
  throttlingBurstLimit: z.number().int().optional(),
  throttlingRateLimit: z.number().optional(),
});
const stageSchema = z.object({
  stageName: z.string().optional(),
  autoDeploy: z.boolean().optional(),
  deploymentId: z.string().optional(),
  description: z.string().optional(),
  stageVariables: strMap.optional(),
  defaultRouteSettings: routeSettings.optional(),
  routeSettings: z.record(z.string(), routeSettings).optional(),
  accessLogSettings: z.object({ destinationArn: z.string().optional(), format: z.string().optional() }).optional(),
  clientCertificateId: z.string().optional(),
  tags: strMap.optional(),
});
const deploymentSchema = z.object({ description: z.string().optional(), stageName: z.string().optional() });

const A = "/v2/apis/{apiId}";
const importOpts = (c: AwsCall) => ({
  basepath: q(c, "basepath"),
  failOnWarnings: q(c, "failOnWarnings") === "true",
});
const list = (call: AwsCall) => [q(call, "nextToken"), q(call, "maxResults")] as const;
const withoutDeprecated = <T extends Record<string, unknown>>(o: T): T => {
  // WebSocket-only members an HTTP API ignores.
  const { modelSelectionExpression, requestModels, routeResponseSelectionExpression, ...rest } = o as Record<
    string,
    unknown
  >;
  void modelSelectionExpression;
  void requestModels;
  void routeResponseSelectionExpression;
  return rest as T;
};

const ACTIONS: [string, string, string, AwsAction][] = [
  [
    "CreateApi",
    "POST",
    "/v2/apis",
    async (c) => reply(201, await v2.createApi(caller(c), parse(apiSchema, c), c.ctx.baseUrl)),
  ],
  ["GetApis", "GET", "/v2/apis", async (c) => reply(200, await v2.getApis(caller(c), c.ctx.baseUrl, ...list(c)))],
  ["GetApi", "GET", A, async (c) => reply(200, await v2.getApi(caller(c), p(c, "apiId"), c.ctx.baseUrl))],
  [
    "UpdateApi",
    "PATCH",
    A,
    async (c) => reply(200, await v2.updateApi(caller(c), p(c, "apiId"), parse(apiSchema, c), c.ctx.baseUrl)),
  ],
  ["DeleteApi", "DELETE", A, async (c) => (await v2.deleteApi(caller(c), p(c, "apiId")), noContent())],
  // OpenAPI import and export (domains/apis/v2/openapi.service.ts)
  [
    "ImportApi",
    "PUT",
    "/v2/apis",
    async (c) => reply(201, await importHttpApi(caller(c), c.json?.body, importOpts(c), c.ctx.baseUrl)),
  ],
  [
    "ReimportApi",
    "PUT",
    A,
    async (c) =>
      reply(201, await reimportHttpApi(caller(c), p(c, "apiId"), c.json?.body, importOpts(c), c.ctx.baseUrl)),
  ],
  [
    "ExportApi",
    "GET",
    `${A}/exports/{specification}`,
    async (c) => {
      const out = await exportHttpApi(
        caller(c),
        p(c, "apiId"),
        p(c, "specification"),
        {
          outputType: q(c, "outputType"),
          stageName: q(c, "stageName"),
          includeExtensions: q(c, "includeExtensions"),
          exportVersion: q(c, "exportVersion"),
        },
        c.ctx.baseUrl,
      );
      return { status: 200, headers: { "content-type": out.contentType }, body: out.body };
    },
  ],
  [
    "DeleteCorsConfiguration",
    "DELETE",
    `${A}/cors`,
    async (c) => (await v2.deleteCorsConfiguration(caller(c), p(c, "apiId")), noContent()),
  ],
  // Routes
  [
    "CreateRoute",
    "POST",
    `${A}/routes`,
    async (c) => reply(201, await v2.createRoute(caller(c), p(c, "apiId"), withoutDeprecated(parse(routeSchema, c)))),
  ],
  [
    "GetRoutes",
    "GET",
    `${A}/routes`,
    async (c) => reply(200, await v2.getRoutes(caller(c), p(c, "apiId"), ...list(c))),
  ],
  [
    "GetRoute",
    "GET",
    `${A}/routes/{routeId}`,
    async (c) => reply(200, await v2.getRoute(caller(c), p(c, "apiId"), p(c, "routeId"))),
  ],
  [
    "UpdateRoute",
    "PATCH",
    `${A}/routes/{routeId}`,
    async (c) =>
      reply(
        200,
        await v2.updateRoute(caller(c), p(c, "apiId"), p(c, "routeId"), withoutDeprecated(parse(routeSchema, c))),
      ),
  ],
  [
    "DeleteRoute",
    "DELETE",
    `${A}/routes/{routeId}`,
    async (c) => (await v2.deleteRoute(caller(c), p(c, "apiId"), p(c, "routeId")), noContent()),
  ],
  [
    "DeleteRouteRequestParameter",
    "DELETE",
    `${A}/routes/{routeId}/requestparameters/{key}`,
    async (c) => (
      await v2.deleteRouteRequestParameter(caller(c), p(c, "apiId"), p(c, "routeId"), p(c, "key")),
      noContent()
    ),
  ],
  // Integrations
  [
    "CreateIntegration",
    "POST",
    `${A}/integrations`,
    async (c) => reply(201, await v2.createIntegration(caller(c), p(c, "apiId"), parse(integrationSchema, c))),
  ],
  [
    "GetIntegrations",
    "GET",
    `${A}/integrations`,
    async (c) => reply(200, await v2.getIntegrations(caller(c), p(c, "apiId"), ...list(c))),
  ],
  [
    "GetIntegration",
    "GET",
    `${A}/integrations/{integrationId}`,
    async (c) => reply(200, await v2.getIntegration(caller(c), p(c, "apiId"), p(c, "integrationId"))),
  ],
  [
    "UpdateIntegration",
    "PATCH",
    `${A}/integrations/{integrationId}`,
    async (c) =>
      reply(
        200,
        await v2.updateIntegration(caller(c), p(c, "apiId"), p(c, "integrationId"), parse(integrationSchema, c)),
      ),
  ],
  [
    "DeleteIntegration",
    "DELETE",
    `${A}/integrations/{integrationId}`,
    async (c) => (await v2.deleteIntegration(caller(c), p(c, "apiId"), p(c, "integrationId")), noContent()),
  ],
  // Authorizers
  [
    "CreateAuthorizer",
    "POST",
    `${A}/authorizers`,
    async (c) => reply(201, await v2.createAuthorizer(caller(c), p(c, "apiId"), parse(authorizerSchema, c))),
  ],
  [
    "GetAuthorizers",
    "GET",
    `${A}/authorizers`,
    async (c) => reply(200, await v2.getAuthorizers(caller(c), p(c, "apiId"), ...list(c))),
  ],
  [
    "GetAuthorizer",
    "GET",
    `${A}/authorizers/{authorizerId}`,
    async (c) => reply(200, await v2.getAuthorizer(caller(c), p(c, "apiId"), p(c, "authorizerId"))),
  ],
  [
    "UpdateAuthorizer",
    "PATCH",
    `${A}/authorizers/{authorizerId}`,
    async (c) =>
      reply(200, await v2.updateAuthorizer(caller(c), p(c, "apiId"), p(c, "authorizerId"), parse(authorizerSchema, c))),
  ],
  [
    "DeleteAuthorizer",
    "DELETE",
    `${A}/authorizers/{authorizerId}`,
    async (c) => (await v2.deleteAuthorizer(caller(c), p(c, "apiId"), p(c, "authorizerId")), noContent()),
  ],
  // Stages
  [
    "CreateStage",
    "POST",
    `${A}/stages`,
    async (c) => reply(201, await v2.createStage(caller(c), p(c, "apiId"), parse(stageSchema, c))),
  ],
  [
    "GetStages",
    "GET",
    `${A}/stages`,
    async (c) => reply(200, await v2.getStages(caller(c), p(c, "apiId"), ...list(c))),
  ],
  [
    "GetStage",
    "GET",
    `${A}/stages/{stageName}`,
    async (c) => reply(200, await v2.getStage(caller(c), p(c, "apiId"), p(c, "stageName"))),
  ],
  [
    "UpdateStage",
    "PATCH",
    `${A}/stages/{stageName}`,
    async (c) => reply(200, await v2.updateStage(caller(c), p(c, "apiId"), p(c, "stageName"), parse(stageSchema, c))),
  ],
  [
    "DeleteStage",
    "DELETE",
    `${A}/stages/{stageName}`,
    async (c) => (await v2.deleteStage(caller(c), p(c, "apiId"), p(c, "stageName")), noContent()),
  ],
  [
    "DeleteAccessLogSettings",
    "DELETE",
    `${A}/stages/{stageName}/accesslogsettings`,
    async (c) => (await v2.deleteAccessLogSettings(caller(c), p(c, "apiId"), p(c, "stageName")), noContent()),
  ],
  [
    "DeleteRouteSettings",
    "DELETE",
    `${A}/stages/{stageName}/routesettings/{routeKey}`,
    async (c) => (
      await v2.deleteRouteSettings(caller(c), p(c, "apiId"), p(c, "stageName"), p(c, "routeKey")),
      noContent()
    ),
  ],
  [
    "ResetAuthorizersCache",
    "DELETE",
    `${A}/stages/{stageName}/cache/authorizers`,
    async (c) => {
      await v2.getStage(caller(c), p(c, "apiId"), p(c, "stageName"));
      resetAuthorizerCache(p(c, "apiId"));
      return noContent();
    },
  ],
  // Deployments
  [
    "CreateDeployment",
    "POST",
    `${A}/deployments`,
    async (c) => reply(201, await v2.createDeployment(caller(c), p(c, "apiId"), parse(deploymentSchema, c))),
  ],
  [
    "GetDeployments",
    "GET",
    `${A}/deployments`,
    async (c) => reply(200, await v2.getDeployments(caller(c), p(c, "apiId"), ...list(c))),
  ],
  [
    "GetDeployment",
    "GET",
    `${A}/deployments/{deploymentId}`,
    async (c) => reply(200, await v2.getDeployment(caller(c), p(c, "apiId"), p(c, "deploymentId"))),
  ],
  [
    "UpdateDeployment",
    "PATCH",
    `${A}/deployments/{deploymentId}`,
    async (c) =>
      reply(
        200,
        await v2.updateDeployment(
          caller(c),
          p(c, "apiId"),
          p(c, "deploymentId"),
          parse(deploymentSchema, c).description,
        ),
      ),
  ],
  [
    "DeleteDeployment",
    "DELETE",
    `${A}/deployments/{deploymentId}`,
    async (c) => (await v2.deleteDeployment(caller(c), p(c, "apiId"), p(c, "deploymentId")), noContent()),
  ],
  // Tags
  [
    "TagResource",
    "POST",
    "/v2/tags/{resourceArn}",
    async (c) => {
      const { tags } = parse(z.object({ tags: strMap.optional() }), c);
      await v2.tagResource(caller(c), p(c, "resourceArn"), tags ?? {});
      return reply(201, {});
    },
  ],
  [
    "GetTags",
    "GET",
    "/v2/tags/{resourceArn}",
    async (c) => reply(200, { tags: await v2.getTags(caller(c), p(c, "resourceArn")) }),
  ],
  [
    "UntagResource",
    "DELETE",
    "/v2/tags/{resourceArn}",
    async (c) => (
      await v2.untagResource(caller(c), p(c, "resourceArn"), c.query?.getAll("tagKeys") ?? []),
      noContent()
    ),
  ],
];

/** Routes of the HTTP API control plane (spread into the apigateway service). */
export const v2Routes: RestJsonRoute[] = ACTIONS.map(([action, method, path]) => ({
  action: `V2.${action}`,
  method,
  path,
}));
export const v2Actions: [string, AwsAction][] = ACTIONS.map(([action, , , fn]) => [`V2.${action}`, fn]);
