import { z } from "zod";
import { AppError } from "../../core/errors";
import { router, tenantProcedure } from "../../trpc/trpc";
import {
  consoleAddResource,
  consoleApi,
  consoleApis,
  consoleCreateApi,
  consoleDeleteApi,
  consoleDeleteMethod,
  consoleDeleteResource,
  consoleDeleteStage,
  consoleDeploy,
  consoleExport,
  consoleFlushStageCache,
  consolePreviewTemplate,
  consoleSaveIntegration,
  consoleSaveMethod,
  consoleSavePolicy,
  consoleStageChoices,
  consoleUpdateStage,
} from "./apis.console";
import { consoleTestInvoke } from "./apis.console-test";
import { apiMetricsProcedures } from "./apis.metrics.router";
import {
  consoleCreateKey,
  consoleCreatePlan,
  consoleDeleteKey,
  consoleDeletePlan,
  consoleKeys,
  consolePlanKey,
  consolePlanStage,
  consolePlans,
  consoleRevealKey,
  consoleSetKeyEnabled,
  consoleUsage,
} from "./apis.console-usage";
import { apisV2Router } from "./apis.v2.router";
import { consoleDeleteRestAuthorizer, consoleSaveRestAuthorizer } from "./apis.console-authorizers";

// apisRouter (`trpc.apis.*`, API Gateway v1 REST APIs in the console); every input carries `tenant`.
//   list() → [{id, name, description, createdDate}]     create({name, description?, openapi?}) → {id, name, warnings}
//   get({apiId}) → the API with resources (+ methods), stages (+ invokeUrl), deployments, authorizers, validators
//   remove({apiId})   addResource({apiId, parentId, pathPart})   deleteResource({apiId, resourceId})
//   saveMethod({apiId, resourceId, httpMethod, create, authorizationType, authorizerId?, apiKeyRequired,
//               requestParameters, requestValidatorId?})   deleteMethod({apiId, resourceId, httpMethod})
//   saveIntegration({…method, type, integrationHttpMethod?, uri?, requestParameters, requestTemplates,
//                    passthroughBehavior, timeoutInMillis, responses[{statusCode, selectionPattern?, responseTemplate?}]})
//   previewTemplate({template, body, path, querystring, header, stageVariables, …}) → {ok, output} | {ok: false, error}
//   testInvoke({…method, pathWithQueryString, headers, body, stageVariables}) → TestInvokeMethod + integrationRequest
//   deploy({apiId, stageName, stageDescription?, description?})   updateStage(…)   deleteStage({apiId, stageName})
//   flushStageCache({apiId, stageName}) → {flushed}   savePolicy({apiId, policy}) (resource policy; "" removes it)
//   exportApi({apiId, stageName}) → {fileName, contentType, body}   (OpenAPI 3 with API Gateway extensions)
//   saveAuthorizer({apiId, authorizerId?, name, type TOKEN|REQUEST|COGNITO_USER_POOLS, functionArn?, providerArns?,
//   identitySource, identityValidationExpression, authorizerResultTtlInSeconds})   deleteAuthorizer({apiId, authorizerId})
//   keys / createKey / revealKey / setKeyEnabled / deleteKey;  plans / createPlan / deletePlan / planStage / planKey
//   usage({planId, days}) → {rows: [{day, <keyId>: n}], keys, totals, remaining}
const apiRef = z.object({ apiId: z.string().min(1).max(64) });
const methodRef = apiRef.extend({
  resourceId: z.string().min(1).max(64),
  httpMethod: z.enum(["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY"]),
});
const strMap = z.record(z.string(), z.string());
const stageName = z
  .string()
  .trim()
  .min(1, "Name the stage.")
  .max(128)
  .regex(/^[a-zA-Z0-9_-]+$/, "Letters, digits, - and _ only.");

export const apisRouter = router({
  ...apiMetricsProcedures,
  v2: apisV2Router,
  list: tenantProcedure.query(({ ctx }) => consoleApis(ctx)),
  create: tenantProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, "Name the API.").max(1024),
        description: z.string().max(1024).optional(),
        openapi: z.string().max(5_000_000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => consoleCreateApi(ctx, input)),
  remove: tenantProcedure.input(apiRef).mutation(({ ctx, input }) => consoleDeleteApi(ctx, input.apiId)),
  get: tenantProcedure.input(apiRef).query(({ ctx, input }) => consoleApi(ctx, input.apiId, ctx.origin)),
  addResource: tenantProcedure
    .input(
      apiRef.extend({
        parentId: z.string().min(1),
        pathPart: z
          .string()
          .trim()
          .min(1, "Name the path part.")
          .regex(
            /^(\{[a-zA-Z0-9._-]+\+?\}|[a-zA-Z0-9._~:@!$&'()*+,;=-]+)$/,
            "A name, {param} or {proxy+}; no slashes.",
          ),
      }),
    )
    .mutation(({ ctx, input }) => consoleAddResource(ctx, input)),
  deleteResource: tenantProcedure
    .input(apiRef.extend({ resourceId: z.string().min(1) }))
    .mutation(({ ctx, input }) => consoleDeleteResource(ctx, input)),
  saveMethod: tenantProcedure
    .input(
      methodRef.extend({
        create: z.boolean(),
        authorizationType: z.enum(["NONE", "AWS_IAM", "CUSTOM", "COGNITO_USER_POOLS"]),
        authorizerId: z.string().nullish(),
        apiKeyRequired: z.boolean(),
        requestParameters: z.record(
          z.string().regex(/^method\.request\.(path|querystring|header)\.[^.\s]+$/, "method.request.querystring.name"),
          z.boolean(),
        ),
        requestValidatorId: z.string().nullish(),
      }),
    )
    .mutation(({ ctx, input }) => consoleSaveMethod(ctx, input)),
  saveAuthorizer: tenantProcedure
    .input(
      apiRef.extend({
        authorizerId: z.string().min(1).max(64).optional(),
        name: z.string().trim().min(1, "Name the authorizer.").max(128, "At most 128 characters."),
        type: z.enum(["TOKEN", "REQUEST", "COGNITO_USER_POOLS"]),
        functionArn: z
          .string()
          .regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[\w-]+(:[\w$-]+)?$/, "Choose a function.")
          .optional(),
        providerArns: z
          .array(
            z
              .string()
              .trim()
              .regex(
                /^arn:aws[a-z-]*:cognito-idp:[a-z0-9-]+:\d{12}:userpool\/[\w-]+$/,
                "User pool ARNs: arn:aws:cognito-idp:region:account:userpool/id.",
              ),
          )
          .max(1000)
          .optional(),
        identitySource: z.string().trim().max(1024),
        identityValidationExpression: z.string().max(1024),
        authorizerResultTtlInSeconds: z
          .number("A number of seconds.")
          .int("A whole number of seconds.")
          .min(0, "At least 0.")
          .max(3600, "At most 3,600 s."),
      }),
    )
    .mutation(({ ctx, input }) => consoleSaveRestAuthorizer(ctx, input)),
  deleteAuthorizer: tenantProcedure
    .input(apiRef.extend({ authorizerId: z.string().min(1).max(64) }))
    .mutation(({ ctx, input }) => consoleDeleteRestAuthorizer(ctx, input)),
  deleteMethod: tenantProcedure.input(methodRef).mutation(({ ctx, input }) => consoleDeleteMethod(ctx, input)),
  saveIntegration: tenantProcedure
    .input(
      methodRef.extend({
        type: z.enum(["MOCK", "HTTP", "HTTP_PROXY", "AWS", "AWS_PROXY"]),
        integrationHttpMethod: z.enum(["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY"]).optional(),
        uri: z.string().max(2048).optional(),
        requestParameters: strMap,
        requestTemplates: strMap,
        passthroughBehavior: z.enum(["WHEN_NO_MATCH", "WHEN_NO_TEMPLATES", "NEVER"]),
        timeoutInMillis: z.number().int().min(50, "At least 50 ms.").max(29000, "At most 29,000 ms."),
        responses: z
          .array(
            z.object({
              statusCode: z.string().regex(/^[1-5]\d\d$/, "A status code such as 200."),
              selectionPattern: z.string().max(1024).optional(),
              responseTemplate: z.string().max(100_000).optional(),
            }),
          )
          .max(20),
      }),
    )
    .mutation(({ ctx, input }) => consoleSaveIntegration(ctx, input)),
  previewTemplate: tenantProcedure
    .input(
      z.object({
        apiId: z.string(),
        resourcePath: z.string(),
        httpMethod: z.string(),
        template: z.string().max(100_000),
        body: z.string().max(1_000_000),
        path: strMap,
        querystring: strMap,
        header: strMap,
        stageVariables: strMap,
      }),
    )
    .mutation(({ ctx, input }) => consolePreviewTemplate(ctx, input)),
  testInvoke: tenantProcedure
    .input(
      methodRef.extend({
        pathWithQueryString: z.string().max(8192),
        headers: strMap,
        body: z.string().max(10_000_000),
        stageVariables: strMap,
      }),
    )
    .mutation(({ ctx, input }) => {
      if (!ctx.gateway) throw new AppError("unavailable", "The gateway pipeline is not available here.");
      return consoleTestInvoke({ ...ctx, gateway: ctx.gateway }, input, ctx.origin);
    }),
  deploy: tenantProcedure
    .input(
      apiRef.extend({
        stageName,
        stageDescription: z.string().max(1024).optional(),
        description: z.string().max(1024).optional(),
      }),
    )
    .mutation(({ ctx, input }) => consoleDeploy(ctx, input)),
  updateStage: tenantProcedure
    .input(
      apiRef.extend({
        stageName,
        description: z.string().max(1024),
        variables: z.record(
          z.string().regex(/^[a-zA-Z0-9_]{1,64}$/, "Names: letters, digits and _ (up to 64)."),
          z.string().regex(/^[a-zA-Z0-9\-._~:/?#&=,]{0,512}$/, "Values: A-Z a-z 0-9 - . _ ~ : / ? # & = ,"),
        ),
        throttlingRateLimit: z.number().min(0, "Not negative.").nullable(),
        throttlingBurstLimit: z.number().int().min(0, "Not negative.").nullable(),
        cacheClusterEnabled: z.boolean(),
        cachingEnabled: z.boolean(),
        cacheTtlInSeconds: z.number().int().min(0).max(3600, "At most 3600 s."),
        deploymentId: z.string().optional(),
      }),
    )
    .mutation(({ ctx, input }) => consoleUpdateStage(ctx, input)),
  flushStageCache: tenantProcedure
    .input(apiRef.extend({ stageName }))
    .mutation(({ ctx, input }) => consoleFlushStageCache(ctx, input)),
  savePolicy: tenantProcedure
    .input(apiRef.extend({ policy: z.string().max(20_480, "At most 20 KB.") }))
    .mutation(({ ctx, input }) => consoleSavePolicy(ctx, input)),
  deleteStage: tenantProcedure
    .input(apiRef.extend({ stageName }))
    .mutation(({ ctx, input }) => consoleDeleteStage(ctx, input)),
  exportApi: tenantProcedure
    .input(apiRef.extend({ stageName }))
    .mutation(({ ctx, input }) => consoleExport(ctx, input, ctx.origin)),

  stageChoices: tenantProcedure.query(({ ctx }) => consoleStageChoices(ctx)),
  keys: tenantProcedure.query(({ ctx }) => consoleKeys(ctx)),
  createKey: tenantProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, "Name the key.").max(1024),
        description: z.string().max(1024).optional(),
        enabled: z.boolean(),
      }),
    )
    .mutation(({ ctx, input }) => consoleCreateKey(ctx, input)),
  revealKey: tenantProcedure
    .input(z.object({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => consoleRevealKey(ctx, input.id)),
  setKeyEnabled: tenantProcedure
    .input(z.object({ id: z.string().min(1), enabled: z.boolean() }))
    .mutation(({ ctx, input }) => consoleSetKeyEnabled(ctx, input)),
  deleteKey: tenantProcedure
    .input(z.object({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => consoleDeleteKey(ctx, input.id)),
  plans: tenantProcedure.query(({ ctx }) => consolePlans(ctx)),
  createPlan: tenantProcedure
    .input(
      z.object({
        name: z.string().trim().min(1, "Name the plan.").max(1024),
        description: z.string().max(1024).optional(),
        rateLimit: z.number().min(0, "Not negative.").nullable(),
        burstLimit: z.number().int("A whole number.").min(0, "Not negative.").nullable(),
        quotaLimit: z.number().int("A whole number.").min(0, "Not negative.").nullable(),
        quotaPeriod: z.enum(["DAY", "WEEK", "MONTH"]),
        apiStages: z.array(z.object({ apiId: z.string().min(1), stage: z.string().min(1) })).max(50),
        keyIds: z.array(z.string().min(1)).max(100),
      }),
    )
    .mutation(({ ctx, input }) => consoleCreatePlan(ctx, input)),
  deletePlan: tenantProcedure
    .input(z.object({ id: z.string().min(1) }))
    .mutation(({ ctx, input }) => consoleDeletePlan(ctx, input.id)),
  planStage: tenantProcedure
    .input(z.object({ planId: z.string(), apiId: z.string().min(1), stage: z.string().min(1), add: z.boolean() }))
    .mutation(({ ctx, input }) => consolePlanStage(ctx, input)),
  planKey: tenantProcedure
    .input(z.object({ planId: z.string(), keyId: z.string().min(1, "Choose a key."), add: z.boolean() }))
    .mutation(({ ctx, input }) => consolePlanKey(ctx, input)),
  usage: tenantProcedure
    .input(z.object({ planId: z.string().min(1), days: z.number().int().min(1).max(90) }))
    .query(({ ctx, input }) => consoleUsage(ctx, input)),
});
