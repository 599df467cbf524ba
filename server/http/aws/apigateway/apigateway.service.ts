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
import { testInvokeMethod } from "../../../domains/apis/test-invoke";
import { gatewayPipeline } from "../../gateway/pipeline";
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

type Row = [string, RestJsonRoute["method"], string, AwsAction];
type Caller = ReturnType<typeof caller>;
type Ops = ReturnType<typeof ops>;

/**
 * The five actions of a collection under a REST API in API Gateway's plain CRUD shape (models,
 * request validators, authorizers, gateway responses, deployments, stages): Create<Noun> (POST,
 * 201) or, for a collection keyed by a name the caller picks, Put<Noun> (PUT at `path/{id}`,
 * 201); Get<Noun>s (position, limit); Get<Noun>; Update<Noun> (patch operations); Delete<Noun>
 * (202). `list` and `get` also get the call, for a collection's own query parameters.
 */
function collection<S extends z.ZodTypeAny>(
  c: {
    noun: string;
    path: string;
    id: string;
    schema: S;
    list: (
      caller: Caller,
      apiId: string,
      position: string | null,
      limit: string | null,
      x: AwsCall,
    ) => Promise<unknown>;
    get: (caller: Caller, apiId: string, id: string, x: AwsCall) => Promise<unknown>;
    update: (caller: Caller, apiId: string, id: string, ops: Ops) => Promise<unknown>;
    remove: (caller: Caller, apiId: string, id: string) => Promise<unknown>;
  } & (
    | { create: (caller: Caller, apiId: string, input: z.infer<S>) => Promise<unknown> }
    | { put: (caller: Caller, apiId: string, id: string, input: z.infer<S>) => Promise<unknown> }
  ),
): Row[] {
  const one = `${c.path}/{${c.id}}`;
  const create: Row =
    "create" in c
      ? [
          `Create${c.noun}`,
          "POST",
          c.path,
          async (x) => reply(201, await c.create(caller(x), p(x, "restApiId"), parse(c.schema, x))),
        ]
      : [
          `Put${c.noun}`,
          "PUT",
          one,
          async (x) => reply(201, await c.put(caller(x), p(x, "restApiId"), p(x, c.id), parse(c.schema, x))),
        ];
  return [
    create,
    [
      `Get${c.noun}s`,
      "GET",
      c.path,
      async (x) => reply(200, await c.list(caller(x), p(x, "restApiId"), q(x, "position"), q(x, "limit"), x)),
    ],
    [`Get${c.noun}`, "GET", one, async (x) => reply(200, await c.get(caller(x), p(x, "restApiId"), p(x, c.id), x))],
    [
      `Update${c.noun}`,
      "PATCH",
      one,
      async (x) => reply(200, await c.update(caller(x), p(x, "restApiId"), p(x, c.id), ops(x))),
    ],
    [
      `Delete${c.noun}`,
      "DELETE",
      one,
      async (x) => {
        await c.remove(caller(x), p(x, "restApiId"), p(x, c.id));
        return empty(202);
      },
    ],
  ];
}

const ACTIONS: Row[] = [
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
          { actor: c.ctx.actor, tenant: c.ctx.tenant },
          gatewayPipeline,
          c.ctx.baseUrl,
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
  ...collection({
    noun: "Model",
    path: `${A}/models`,
    id: "modelName",
    schema: modelSchema,
    create: apis.createModel,
    list: apis.getModels,
    get: apis.getModel,
    update: apis.updateModel,
    remove: apis.deleteModel,
  }),
  ...collection({
    noun: "RequestValidator",
    path: `${A}/requestvalidators`,
    id: "requestValidatorId",
    schema: validatorSchema,
    create: apis.createRequestValidator,
    list: apis.getRequestValidators,
    get: apis.getRequestValidator,
    update: apis.updateRequestValidator,
    remove: apis.deleteRequestValidator,
  }),
  ...collection({
    noun: "Authorizer",
    path: `${A}/authorizers`,
    id: "authorizerId",
    schema: authorizerSchema,
    create: apis.createAuthorizer,
    list: apis.getAuthorizers,
    get: apis.getAuthorizer,
    update: apis.updateAuthorizer,
    remove: apis.deleteAuthorizer,
  }),
  ...collection({
    noun: "GatewayResponse",
    path: `${A}/gatewayresponses`,
    id: "responseType",
    schema: gatewayResponseSchema,
    put: apis.putGatewayResponse,
    list: apis.getGatewayResponses,
    get: apis.getGatewayResponse,
    update: apis.updateGatewayResponse,
    remove: apis.deleteGatewayResponse,
  }),
  ...collection({
    noun: "Deployment",
    path: `${A}/deployments`,
    id: "deploymentId",
    schema: deploymentSchema,
    create: deployments.createDeployment,
    list: deployments.getDeployments,
    get: (cl, apiId, id, x) => deployments.getDeployment(cl, apiId, id, embed(x)),
    update: deployments.updateDeployment,
    remove: deployments.deleteDeployment,
  }),
  ...collection({
    noun: "Stage",
    path: `${A}/stages`,
    id: "stageName",
    schema: stageSchema,
    create: deployments.createStage,
    // GetStages is not paged; it filters by deployment.
    list: (cl, apiId, _position, _limit, x) => deployments.getStages(cl, apiId, q(x, "deploymentId")),
    get: deployments.getStage,
    update: deployments.updateStage,
    remove: deployments.deleteStage,
  }),
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
