import { z } from "zod";
import { AppError } from "../../../core/errors";
import type { AwsAction, AwsCall, AwsReply, AwsService, RestJsonRoute } from "../types";
import * as apis from "../../../domains/apis/rest-api.service";
import * as deployments from "../../../domains/apis/deployment.service";
import { exportApi, importApi, putApi } from "../../../domains/apis/openapi.service";
import * as tags from "../../../domains/apis/tags.service";
import { usageActions, usageRawBodyActions, usageRoutes } from "./usage.actions";
import { flushStageCache } from "../../../domains/apis/response-cache.service";
import { flushStageAuthorizersCache } from "../../gateway/authorizer";
import { testInvokeMethod } from "./test-invoke";
import { apigatewayV2Actions, apigatewayV2Routes } from "./v2-dispatch";
import { renderApiGatewayError } from "./errors";

// Amazon API Gateway v1 (REST APIs) on the AWS door: REST JSON, SigV4 service `apigateway`, the
// paths @aws-sdk/client-api-gateway, boto3 and `aws apigateway` use (/restapis/{restapi_id}/...).
// Each action reads its path parameters, query and JSON body, calls one use case of the apis domain
// and renders API Gateway's JSON. Usage plans and API keys (usage.actions.ts) are spread in.

const JSON_CT = "application/json";
const caller = (call: AwsCall) => ({ actor: call.ctx.actor, tenant: call.ctx.tenant });
const p = (call: AwsCall, name: string) => call.pathParams?.[name] ?? "";
const q = (call: AwsCall, name: string) => call.query?.get(name) ?? null;
const embed = (call: AwsCall) => (call.query?.getAll("embed") ?? []).flatMap((e) => e.split(",")).map((e) => e.trim());

const reply = (status: number, out: unknown): AwsReply => ({
  status,
  headers: { "content-type": JSON_CT },
  body: JSON.stringify(out ?? {}),
});
const empty = (status: number): AwsReply => ({ status, headers: { "content-type": JSON_CT }, body: "" });

function parse<T extends z.ZodTypeAny>(schema: T, call: AwsCall): z.infer<T> {
  const r = schema.safeParse(call.json ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new AppError("validation", `Invalid value for ${issue?.path.join(".") || "request"}: ${issue?.message}`, {
      awsCode: "BadRequestException",
      awsStatus: 400,
    });
  }
  return r.data;
}

const strMap = z.record(z.string(), z.string());
const boolMap = z.record(z.string(), z.boolean());
const patchSchema = z.object({
  patchOperations: z
    .array(
      z.object({
        op: z.string().optional(),
        path: z.string().optional(),
        value: z.string().optional(),
        from: z.string().optional(),
      }),
    )
    .optional(),
});
const ops = (call: AwsCall) => parse(patchSchema, call).patchOperations;

const createApiSchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  version: z.string().optional(),
  cloneFrom: z.string().optional(),
  binaryMediaTypes: z.array(z.string()).optional(),
  minimumCompressionSize: z.number().int().optional(),
  apiKeySource: z.string().optional(),
  endpointConfiguration: z
    .object({ types: z.array(z.string()).optional() })
    .passthrough()
    .optional(),
  policy: z.string().optional(),
  tags: strMap.optional(),
  disableExecuteApiEndpoint: z.boolean().optional(),
});

const methodSchema = z.object({
  authorizationType: z.string().optional(),
  authorizerId: z.string().optional(),
  apiKeyRequired: z.boolean().optional(),
  operationName: z.string().optional(),
  requestParameters: boolMap.optional(),
  requestModels: strMap.optional(),
  requestValidatorId: z.string().optional(),
  authorizationScopes: z.array(z.string()).optional(),
});

const integrationSchema = z.object({
  type: z.string().optional(),
  httpMethod: z.string().optional(),
  uri: z.string().optional(),
  connectionType: z.string().optional(),
  connectionId: z.string().optional(),
  credentials: z.string().optional(),
  requestParameters: strMap.optional(),
  requestTemplates: z.record(z.string(), z.string().nullable()).optional(),
  passthroughBehavior: z.string().optional(),
  cacheNamespace: z.string().optional(),
  cacheKeyParameters: z.array(z.string()).optional(),
  contentHandling: z.string().optional(),
  timeoutInMillis: z.number().int().optional(),
});

const integrationResponseSchema = z.object({
  selectionPattern: z.string().optional(),
  responseParameters: strMap.optional(),
  responseTemplates: z.record(z.string(), z.string().nullable()).optional(),
  contentHandling: z.string().optional(),
});

const methodResponseSchema = z.object({ responseParameters: boolMap.optional(), responseModels: strMap.optional() });

const modelSchema = z.object({
  name: z.string().optional(),
  description: z.string().optional(),
  schema: z.string().optional(),
  contentType: z.string().optional(),
});

const validatorSchema = z.object({
  name: z.string().optional(),
  validateRequestBody: z.boolean().optional(),
  validateRequestParameters: z.boolean().optional(),
});

const gatewayResponseSchema = z.object({
  statusCode: z.string().optional(),
  responseParameters: strMap.optional(),
  responseTemplates: strMap.optional(),
});

const deploymentSchema = z.object({
  stageName: z.string().optional(),
  stageDescription: z.string().optional(),
  description: z.string().optional(),
  cacheClusterEnabled: z.boolean().optional(),
  cacheClusterSize: z.string().optional(),
  variables: strMap.optional(),
  tracingEnabled: z.boolean().optional(),
});

const stageSchema = z.object({
  stageName: z.string().optional(),
  deploymentId: z.string().optional(),
  description: z.string().optional(),
  cacheClusterEnabled: z.boolean().optional(),
  cacheClusterSize: z.string().optional(),
  variables: strMap.optional(),
  documentationVersion: z.string().optional(),
  tracingEnabled: z.boolean().optional(),
  tags: strMap.optional(),
});

const authorizerSchema = z.object({
  name: z.string().optional(),
  type: z.string().optional(),
  providerARNs: z.array(z.string()).optional(),
  authType: z.string().optional(),
  authorizerUri: z.string().optional(),
  authorizerCredentials: z.string().optional(),
  identitySource: z.string().optional(),
  identityValidationExpression: z.string().optional(),
  authorizerResultTtlInSeconds: z.number().int().optional(),
});

const testInvokeSchema = z.object({
  pathWithQueryString: z.string().optional(),
  body: z.string().optional(),
  headers: strMap.optional(),
  multiValueHeaders: z.record(z.string(), z.array(z.string())).optional(),
  clientCertificateId: z.string().optional(),
  stageVariables: strMap.optional(),
});

const A = "/restapis/{restApiId}";
const R = `${A}/resources/{resourceId}`;
const M = `${R}/methods/{httpMethod}`;

/** POST /restapis is CreateRestApi, or ImportRestApi with ?mode=import (its body is the OpenAPI document). */
const createOrImport: AwsAction = async (call) => {
  if (q(call, "mode") === "import") {
    const out = await importApi(caller(call), call.rawBody ?? Buffer.alloc(0), {
      failOnWarnings: q(call, "failonwarnings") === "true",
    });
    return reply(201, out);
  }
  const text = call.rawBody?.toString("utf8") ?? "";
  let json: unknown = {};
  if (text.trim()) {
    try {
      json = JSON.parse(text);
    } catch {
      throw new AppError("validation", "Invalid JSON in request body", {
        awsCode: "BadRequestException",
        awsStatus: 400,
      });
    }
  }
  const input = parse(createApiSchema, { ...call, json: json as Record<string, unknown> });
  return reply(201, await apis.createRestApi(caller(call), input));
};

const ACTIONS: [string, RestJsonRoute["method"], string, AwsAction][] = [
  // REST APIs
  ["CreateRestApi", "POST", "/restapis", createOrImport],
  [
    "GetRestApis",
    "GET",
    "/restapis",
    async (c) => reply(200, await apis.getRestApis(caller(c), q(c, "position"), q(c, "limit"))),
  ],
  ["GetRestApi", "GET", A, async (c) => reply(200, await apis.getRestApi(caller(c), p(c, "restApiId")))],
  [
    "UpdateRestApi",
    "PATCH",
    A,
    async (c) => reply(200, await apis.updateRestApi(caller(c), p(c, "restApiId"), ops(c))),
  ],
  [
    "DeleteRestApi",
    "DELETE",
    A,
    async (c) => {
      await apis.deleteRestApi(caller(c), p(c, "restApiId"));
      return empty(202);
    },
  ],
  [
    "PutRestApi",
    "PUT",
    A,
    async (c) =>
      reply(
        200,
        await putApi(caller(c), p(c, "restApiId"), c.rawBody ?? Buffer.alloc(0), {
          mode: q(c, "mode") ?? "merge",
          failOnWarnings: q(c, "failonwarnings") === "true",
        }),
      ),
  ],
  // Resources
  [
    "GetResources",
    "GET",
    `${A}/resources`,
    async (c) =>
      reply(200, await apis.getResources(caller(c), p(c, "restApiId"), q(c, "position"), q(c, "limit"), embed(c))),
  ],
  [
    "CreateResource",
    "POST",
    R,
    async (c) =>
      reply(
        201,
        await apis.createResource(
          caller(c),
          p(c, "restApiId"),
          p(c, "resourceId"),
          parse(z.object({ pathPart: z.string().optional() }), c).pathPart,
        ),
      ),
  ],
  [
    "GetResource",
    "GET",
    R,
    async (c) => reply(200, await apis.getResource(caller(c), p(c, "restApiId"), p(c, "resourceId"), embed(c))),
  ],
  [
    "UpdateResource",
    "PATCH",
    R,
    async (c) => reply(200, await apis.updateResource(caller(c), p(c, "restApiId"), p(c, "resourceId"), ops(c))),
  ],
  [
    "DeleteResource",
    "DELETE",
    R,
    async (c) => {
      await apis.deleteResource(caller(c), p(c, "restApiId"), p(c, "resourceId"));
      return empty(202);
    },
  ],
  // Methods
  [
    "PutMethod",
    "PUT",
    M,
    async (c) =>
      reply(
        201,
        await apis.putMethod(
          caller(c),
          p(c, "restApiId"),
          p(c, "resourceId"),
          p(c, "httpMethod"),
          parse(methodSchema, c),
        ),
      ),
  ],
  [
    "GetMethod",
    "GET",
    M,
    async (c) => reply(200, await apis.getMethod(caller(c), p(c, "restApiId"), p(c, "resourceId"), p(c, "httpMethod"))),
  ],
  [
    "UpdateMethod",
    "PATCH",
    M,
    async (c) =>
      reply(200, await apis.updateMethod(caller(c), p(c, "restApiId"), p(c, "resourceId"), p(c, "httpMethod"), ops(c))),
  ],
  [
    "DeleteMethod",
    "DELETE",
    M,
    async (c) => {
      await apis.deleteMethod(caller(c), p(c, "restApiId"), p(c, "resourceId"), p(c, "httpMethod"));
      return empty(204);
    },
  ],
  [
    "TestInvokeMethod",
    "POST",
    M,
    async (c) =>
      reply(
        200,
        await testInvokeMethod(
          c,
          p(c, "restApiId"),
          p(c, "resourceId"),
          p(c, "httpMethod"),
          parse(testInvokeSchema, c),
        ),
      ),
  ],
  // Method responses
  [
    "PutMethodResponse",
    "PUT",
    `${M}/responses/{statusCode}`,
    async (c) =>
      reply(
        201,
        await apis.putMethodResponse(
          caller(c),
          p(c, "restApiId"),
          p(c, "resourceId"),
          p(c, "httpMethod"),
          p(c, "statusCode"),
          parse(methodResponseSchema, c),
        ),
      ),
  ],
  [
    "GetMethodResponse",
    "GET",
    `${M}/responses/{statusCode}`,
    async (c) =>
      reply(
        200,
        await apis.getMethodResponse(
          caller(c),
          p(c, "restApiId"),
          p(c, "resourceId"),
          p(c, "httpMethod"),
          p(c, "statusCode"),
        ),
      ),
  ],
  [
    "UpdateMethodResponse",
    "PATCH",
    `${M}/responses/{statusCode}`,
    async (c) =>
      reply(
        201, // API Gateway answers UpdateMethodResponse with 201 Created
        await apis.updateMethodResponse(
          caller(c),
          p(c, "restApiId"),
          p(c, "resourceId"),
          p(c, "httpMethod"),
          p(c, "statusCode"),
          ops(c),
        ),
      ),
  ],
  [
    "DeleteMethodResponse",
    "DELETE",
    `${M}/responses/{statusCode}`,
    async (c) => {
      await apis.deleteMethodResponse(
        caller(c),
        p(c, "restApiId"),
        p(c, "resourceId"),
        p(c, "httpMethod"),
        p(c, "statusCode"),
      );
      return empty(204);
    },
  ],
  // Integrations
  [
    "PutIntegration",
    "PUT",
    `${M}/integration`,
    async (c) =>
      reply(
        201,
        await apis.putIntegration(
          caller(c),
          p(c, "restApiId"),
          p(c, "resourceId"),
          p(c, "httpMethod"),
          parse(integrationSchema, c),
        ),
      ),
  ],
  [
    "GetIntegration",
    "GET",
    `${M}/integration`,
    async (c) =>
      reply(200, await apis.getIntegration(caller(c), p(c, "restApiId"), p(c, "resourceId"), p(c, "httpMethod"))),
  ],
  [
    "UpdateIntegration",
    "PATCH",
    `${M}/integration`,
    async (c) =>
      reply(
        200,
        await apis.updateIntegration(caller(c), p(c, "restApiId"), p(c, "resourceId"), p(c, "httpMethod"), ops(c)),
      ),
  ],
  [
    "DeleteIntegration",
    "DELETE",
    `${M}/integration`,
    async (c) => {
      await apis.deleteIntegration(caller(c), p(c, "restApiId"), p(c, "resourceId"), p(c, "httpMethod"));
      return empty(204);
    },
  ],
  [
    "PutIntegrationResponse",
    "PUT",
    `${M}/integration/responses/{statusCode}`,
    async (c) =>
      reply(
        201,
        await apis.putIntegrationResponse(
          caller(c),
          p(c, "restApiId"),
          p(c, "resourceId"),
          p(c, "httpMethod"),
          p(c, "statusCode"),
          parse(integrationResponseSchema, c),
        ),
      ),
  ],
  [
    "GetIntegrationResponse",
    "GET",
    `${M}/integration/responses/{statusCode}`,
    async (c) =>
      reply(
        200,
        await apis.getIntegrationResponse(
          caller(c),
          p(c, "restApiId"),
          p(c, "resourceId"),
          p(c, "httpMethod"),
          p(c, "statusCode"),
        ),
      ),
  ],
  [
    "UpdateIntegrationResponse",
    "PATCH",
    `${M}/integration/responses/{statusCode}`,
    async (c) =>
      reply(
        200,
        await apis.updateIntegrationResponse(
          caller(c),
          p(c, "restApiId"),
          p(c, "resourceId"),
          p(c, "httpMethod"),
          p(c, "statusCode"),
          ops(c),
        ),
      ),
  ],
  [
    "DeleteIntegrationResponse",
    "DELETE",
    `${M}/integration/responses/{statusCode}`,
    async (c) => {
      await apis.deleteIntegrationResponse(
        caller(c),
        p(c, "restApiId"),
        p(c, "resourceId"),
        p(c, "httpMethod"),
        p(c, "statusCode"),
      );
      return empty(204);
    },
  ],
  // Models
  [
    "CreateModel",
    "POST",
    `${A}/models`,
    async (c) => reply(201, await apis.createModel(caller(c), p(c, "restApiId"), parse(modelSchema, c))),
  ],
  [
    "GetModels",
    "GET",
    `${A}/models`,
    async (c) => reply(200, await apis.getModels(caller(c), p(c, "restApiId"), q(c, "position"), q(c, "limit"))),
  ],
  [
    "GetModel",
    "GET",
    `${A}/models/{modelName}`,
    async (c) => reply(200, await apis.getModel(caller(c), p(c, "restApiId"), p(c, "modelName"))),
  ],
  [
    "UpdateModel",
    "PATCH",
    `${A}/models/{modelName}`,
    async (c) => reply(200, await apis.updateModel(caller(c), p(c, "restApiId"), p(c, "modelName"), ops(c))),
  ],
  [
    "DeleteModel",
    "DELETE",
    `${A}/models/{modelName}`,
    async (c) => {
      await apis.deleteModel(caller(c), p(c, "restApiId"), p(c, "modelName"));
      return empty(202);
    },
  ],
  // Request validators
  [
    "CreateRequestValidator",
    "POST",
    `${A}/requestvalidators`,
    async (c) => reply(201, await apis.createRequestValidator(caller(c), p(c, "restApiId"), parse(validatorSchema, c))),
  ],
  [
    "GetRequestValidators",
    "GET",
    `${A}/requestvalidators`,
    async (c) =>
      reply(200, await apis.getRequestValidators(caller(c), p(c, "restApiId"), q(c, "position"), q(c, "limit"))),
  ],
  [
    "GetRequestValidator",
    "GET",
    `${A}/requestvalidators/{requestValidatorId}`,
    async (c) => reply(200, await apis.getRequestValidator(caller(c), p(c, "restApiId"), p(c, "requestValidatorId"))),
  ],
  [
    "UpdateRequestValidator",
    "PATCH",
    `${A}/requestvalidators/{requestValidatorId}`,
    async (c) =>
      reply(200, await apis.updateRequestValidator(caller(c), p(c, "restApiId"), p(c, "requestValidatorId"), ops(c))),
  ],
  [
    "DeleteRequestValidator",
    "DELETE",
    `${A}/requestvalidators/{requestValidatorId}`,
    async (c) => {
      await apis.deleteRequestValidator(caller(c), p(c, "restApiId"), p(c, "requestValidatorId"));
      return empty(202);
    },
  ],
  // Authorizers
  [
    "CreateAuthorizer",
    "POST",
    `${A}/authorizers`,
    async (c) => reply(201, await apis.createAuthorizer(caller(c), p(c, "restApiId"), parse(authorizerSchema, c))),
  ],
  [
    "GetAuthorizers",
    "GET",
    `${A}/authorizers`,
    async (c) => reply(200, await apis.getAuthorizers(caller(c), p(c, "restApiId"), q(c, "position"), q(c, "limit"))),
  ],
  [
    "GetAuthorizer",
    "GET",
    `${A}/authorizers/{authorizerId}`,
    async (c) => reply(200, await apis.getAuthorizer(caller(c), p(c, "restApiId"), p(c, "authorizerId"))),
  ],
  [
    "UpdateAuthorizer",
    "PATCH",
    `${A}/authorizers/{authorizerId}`,
    async (c) => reply(200, await apis.updateAuthorizer(caller(c), p(c, "restApiId"), p(c, "authorizerId"), ops(c))),
  ],
  [
    "DeleteAuthorizer",
    "DELETE",
    `${A}/authorizers/{authorizerId}`,
    async (c) => {
      await apis.deleteAuthorizer(caller(c), p(c, "restApiId"), p(c, "authorizerId"));
      return empty(202);
    },
  ],
  // Gateway responses
  [
    "GetGatewayResponses",
    "GET",
    `${A}/gatewayresponses`,
    async (c) =>
      reply(200, await apis.getGatewayResponses(caller(c), p(c, "restApiId"), q(c, "position"), q(c, "limit"))),
  ],
  [
    "PutGatewayResponse",
    "PUT",
    `${A}/gatewayresponses/{responseType}`,
    async (c) =>
      reply(
        201,
        await apis.putGatewayResponse(
          caller(c),
          p(c, "restApiId"),
          p(c, "responseType"),
          parse(gatewayResponseSchema, c),
        ),
      ),
  ],
  [
    "GetGatewayResponse",
    "GET",
    `${A}/gatewayresponses/{responseType}`,
    async (c) => reply(200, await apis.getGatewayResponse(caller(c), p(c, "restApiId"), p(c, "responseType"))),
  ],
  [
    "UpdateGatewayResponse",
    "PATCH",
    `${A}/gatewayresponses/{responseType}`,
    async (c) =>
      reply(200, await apis.updateGatewayResponse(caller(c), p(c, "restApiId"), p(c, "responseType"), ops(c))),
  ],
  [
    "DeleteGatewayResponse",
    "DELETE",
    `${A}/gatewayresponses/{responseType}`,
    async (c) => {
      await apis.deleteGatewayResponse(caller(c), p(c, "restApiId"), p(c, "responseType"));
      return empty(202);
    },
  ],
  // Deployments
  [
    "CreateDeployment",
    "POST",
    `${A}/deployments`,
    async (c) =>
      reply(201, await deployments.createDeployment(caller(c), p(c, "restApiId"), parse(deploymentSchema, c))),
  ],
  [
    "GetDeployments",
    "GET",
    `${A}/deployments`,
    async (c) =>
      reply(200, await deployments.getDeployments(caller(c), p(c, "restApiId"), q(c, "position"), q(c, "limit"))),
  ],
  [
    "GetDeployment",
    "GET",
    `${A}/deployments/{deploymentId}`,
    async (c) =>
      reply(200, await deployments.getDeployment(caller(c), p(c, "restApiId"), p(c, "deploymentId"), embed(c))),
  ],
  [
    "UpdateDeployment",
    "PATCH",
    `${A}/deployments/{deploymentId}`,
    async (c) =>
      reply(200, await deployments.updateDeployment(caller(c), p(c, "restApiId"), p(c, "deploymentId"), ops(c))),
  ],
  [
    "DeleteDeployment",
    "DELETE",
    `${A}/deployments/{deploymentId}`,
    async (c) => {
      await deployments.deleteDeployment(caller(c), p(c, "restApiId"), p(c, "deploymentId"));
      return empty(202);
    },
  ],
  // Stages
  [
    "CreateStage",
    "POST",
    `${A}/stages`,
    async (c) => reply(201, await deployments.createStage(caller(c), p(c, "restApiId"), parse(stageSchema, c))),
  ],
  [
    "GetStages",
    "GET",
    `${A}/stages`,
    async (c) => reply(200, await deployments.getStages(caller(c), p(c, "restApiId"), q(c, "deploymentId"))),
  ],
  [
    "GetStage",
    "GET",
    `${A}/stages/{stageName}`,
    async (c) => reply(200, await deployments.getStage(caller(c), p(c, "restApiId"), p(c, "stageName"))),
  ],
  [
    "UpdateStage",
    "PATCH",
    `${A}/stages/{stageName}`,
    async (c) => reply(200, await deployments.updateStage(caller(c), p(c, "restApiId"), p(c, "stageName"), ops(c))),
  ],
  [
    "DeleteStage",
    "DELETE",
    `${A}/stages/{stageName}`,
    async (c) => {
      await deployments.deleteStage(caller(c), p(c, "restApiId"), p(c, "stageName"));
      return empty(202);
    },
  ],
  [
    "FlushStageCache",
    "DELETE",
    `${A}/stages/{stageName}/cache/data`,
    async (c) => {
      await flushStageCache(caller(c), p(c, "restApiId"), p(c, "stageName"));
      return empty(202);
    },
  ],
  [
    "FlushStageAuthorizersCache",
    "DELETE",
    `${A}/stages/{stageName}/cache/authorizers`,
    async (c) => {
      await deployments.getStage(caller(c), p(c, "restApiId"), p(c, "stageName"));
      await flushStageAuthorizersCache(p(c, "restApiId"), p(c, "stageName"));
      return empty(202);
    },
  ],
  // Tags
  [
    "TagResource",
    "PUT",
    "/tags/{resourceArn}",
    async (c) => {
      await tags.tagResource(
        caller(c),
        p(c, "resourceArn"),
        parse(z.object({ tags: strMap.optional() }), c).tags ?? {},
      );
      return empty(204);
    },
  ],
  [
    "UntagResource",
    "DELETE",
    "/tags/{resourceArn}",
    async (c) => {
      await tags.untagResource(caller(c), p(c, "resourceArn"), c.query?.getAll("tagKeys") ?? []);
      return empty(204);
    },
  ],
  [
    "GetTags",
    "GET",
    "/tags/{resourceArn}",
    async (c) => reply(200, { tags: await tags.getTags(caller(c), p(c, "resourceArn")) }),
  ],
  // Export
  [
    "GetExport",
    "GET",
    `${A}/stages/{stageName}/exports/{exportType}`,
    async (c) => {
      const out = await exportApi(caller(c), p(c, "restApiId"), p(c, "stageName"), p(c, "exportType"), {
        accept: String(c.headers?.accept ?? ""),
        extensions: q(c, "extensions") ?? "",
        serverUrl: c.ctx.baseUrl,
      });
      return {
        status: 200,
        headers: { "content-type": out.contentType, "content-disposition": `attachment; filename="${out.fileName}"` },
        body: out.body,
      };
    },
  ],
];

export const apigatewayService: AwsService = {
  name: "apigateway",
  actions: new Map<string, AwsAction>([
    ...ACTIONS.map(([name, , , fn]) => [name, fn] as [string, AwsAction]),
    ...usageActions,
    ...apigatewayV2Actions,
  ]),
  routes: [
    ...ACTIONS.map(([action, method, path]) => ({ action, method, path })),
    ...usageRoutes,
    ...apigatewayV2Routes,
  ],
  rawBodyActions: new Set(["CreateRestApi", "PutRestApi", ...usageRawBodyActions]),
  renderError: (err, call) => renderApiGatewayError(err, call.requestId),
};
