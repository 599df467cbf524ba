import { z } from "zod";
import { AppError } from "../../core/errors";
import { accessLogDestinationError, accessLogFormatError } from "../../core/apis/access-log-settings";
import { router, tenantProcedure } from "../../trpc/trpc";
import {
  consoleCreateHttpApi,
  consoleDeleteHttpApi,
  consoleDeleteHttpAuthorizer,
  consoleDeleteHttpIntegration,
  consoleDeleteHttpRoute,
  consoleDeleteHttpStage,
  consoleDeployHttp,
  consoleHttpApi,
  consoleSaveHttpAuthorizer,
  consoleSaveHttpIntegration,
  consoleSaveHttpRoute,
  consoleSaveHttpStage,
  consoleUpdateHttpApi,
  consoleV2Apis,
} from "./apis.console-v2";
import { consoleSaveMethodSetting } from "./apis.console-method-settings";
import {
  consoleCreateWsApi,
  consoleDeleteWsApi,
  consoleDeleteWsRoute,
  consoleDeleteWsStage,
  consoleDeployWs,
  consoleSaveWsRoute,
  consoleSaveWsStage,
  consoleUpdateWsApi,
  consoleWsApi,
  consoleWsConnections,
  consoleWsDisconnect,
  consoleWsSend,
} from "./apis.console-ws";

// apisV2Router (`trpc.apis.v2.*`): HTTP APIs and WebSocket APIs (API Gateway v2) in the console.
// Every input carries `tenant`; the services check the role (viewers read, members change).
//   list() → [{id, name, protocol: HTTP|WEBSOCKET, endpoint, createdDate}]
//   createHttp({name, target?, routeKey?, cors?})   http({apiId}) → API + routes, integrations, authorizers, stages
//   updateHttp / saveRoute / deleteRoute / saveIntegration / deleteIntegration / saveAuthorizer /
//   deleteAuthorizer / saveStage / deleteStage / deploy / removeHttp
//   createWs({name, routeSelectionExpression})   ws({apiId})   updateWs / wsSaveRoute / wsDeleteRoute /
//   wsSaveStage / wsDeleteStage / wsDeploy / removeWs
//   connections({apiId}) → live connections   send({apiId, stage, connectionId, data})   disconnect(…)
//   saveMethodSetting({apiId, stageName, resourcePath, httpMethod, remove, throttling…, caching…}): a REST
//   stage's per-method override (methodSettings "orders/POST"), beside the stage-wide "*/*".
const apiRef = z.object({ apiId: z.string().min(1).max(64) });
const idRef = z.string().min(1).max(64);
const name = z.string().trim().min(1, "Name the API.").max(128, "At most 128 characters.");
const stageName = z
  .string()
  .trim()
  .min(1, "Name the stage.")
  .max(128)
  .regex(/^(\$default|[a-zA-Z0-9_-]+)$/, "Letters, digits, - and _ only (or $default).");
const strList = (max: number) => z.array(z.string().trim().min(1).max(1024)).max(max);
const cors = z.object({
  allowOrigins: strList(50),
  allowMethods: strList(20),
  allowHeaders: strList(50),
  exposeHeaders: strList(50),
  allowCredentials: z.boolean(),
  maxAge: z.number().int("A whole number.").min(-1, "At least -1.").max(86400, "At most 86,400 s.").optional(),
});
const url = z
  .string()
  .trim()
  .regex(/^https?:\/\/\S+$/, "An http:// or https:// URL.")
  .max(2048);
const routeKey = z
  .string()
  .trim()
  .regex(
    /^(\$default|(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|ANY) \/\S*)$/,
    "METHOD /path (e.g. GET /orders/{id}) or $default.",
  );
const throttle = z.object({
  throttlingRateLimit: z.number().min(0, "Not negative.").nullable(),
  throttlingBurstLimit: z.number().int("A whole number.").min(0, "Not negative.").nullable(),
});
// A route's throttling, as AWS's console asks for it: a rate with its burst, or neither.
const bothOrNeither = (t: z.infer<typeof throttle>) =>
  (t.throttlingRateLimit === null) === (t.throttlingBurstLimit === null);
const bothOrNeitherError = { message: "Set both the rate and the burst (or neither).", path: ["throttlingBurstLimit"] };
// AccessLogSettings: checked field by field with the services' own check (core/apis/access-log-settings),
// so the form shows API Gateway's message under each field; the service checks again.
const zodCheck = (error: (v: string) => string | null) => (v: string, ctx: z.RefinementCtx) => {
  const message = error(v);
  if (message) ctx.addIssue({ code: "custom", message });
};
const logDestination = z
  .string()
  .trim()
  .superRefine(zodCheck((v) => accessLogDestinationError(v, "HTTP")));
const logFormat = z
  .string()
  .trim()
  .min(1, "Give the line's format.")
  .max(4096)
  .superRefine(zodCheck((v) => accessLogFormatError(v, "HTTP")));
const stageVariables = z.record(
  z.string().regex(/^[a-zA-Z0-9_]{1,64}$/, "Names: letters, digits and _ (up to 64)."),
  z.string().max(2048),
);
const wsRouteKey = z
  .string()
  .trim()
  .regex(/^(\$connect|\$disconnect|\$default|[^$\s][^\s]{0,127})$/, "$connect, $disconnect, $default or a name.");
/** The settings the console's stage form sends, for HTTP and WebSocket stages alike. */
const stageSettings = (key: z.ZodType<string>) =>
  z.object({
    create: z.boolean(),
    description: z.string().max(1024),
    autoDeploy: z.boolean(),
    stageVariables,
    ...throttle.shape,
    routeSettings: z.record(key, throttle.refine(bothOrNeither, bothOrNeitherError)).optional(),
    // AccessLogSettings as two fields (each with its own error); both null: access logging off.
    accessLogDestinationArn: logDestination.nullable().optional(),
    accessLogFormat: logFormat.nullable().optional(),
  });
/** The two access-log fields as the service's accessLogSettings: both, neither (null), or absent (unchanged). */
function withAccessLog<T extends { accessLogDestinationArn?: string | null; accessLogFormat?: string | null }>({
  accessLogDestinationArn: arn,
  accessLogFormat: format,
  ...input
}: T) {
  if (arn === undefined && format === undefined) return input;
  if (!arn !== !format)
    throw new AppError("validation", "Give both the destination and the format (or neither).", {
      fieldErrors: { [arn ? "accessLogFormat" : "accessLogDestinationArn"]: ["Needed for access logging."] },
    });
  return { ...input, accessLogSettings: arn && format ? { destinationArn: arn, format } : null };
}
const timeout = z.number().int("A whole number.").min(50, "At least 50 ms.").max(30000, "At most 30,000 ms.");

export const apisV2Router = router({
  list: tenantProcedure.query(({ ctx }) => consoleV2Apis(ctx, ctx.origin)),

  createHttp: tenantProcedure
    .input(
      z.object({
        name,
        description: z.string().max(1024).optional(),
        target: z
          .string()
          .trim()
          .regex(/^(https?:\/\/\S+|arn:aws:lambda:\S+)$/, "A URL (http/https) or a function ARN.")
          .optional(),
        routeKey: routeKey.optional(),
        cors: cors.nullish(),
      }),
    )
    .mutation(({ ctx, input }) => consoleCreateHttpApi(ctx, input, ctx.origin)),
  http: tenantProcedure.input(apiRef).query(({ ctx, input }) => consoleHttpApi(ctx, input.apiId, ctx.origin)),
  updateHttp: tenantProcedure
    .input(apiRef.extend({ name, description: z.string().max(1024), cors: cors.nullable() }))
    .mutation(({ ctx, input }) => consoleUpdateHttpApi(ctx, input, ctx.origin)),
  removeHttp: tenantProcedure.input(apiRef).mutation(({ ctx, input }) => consoleDeleteHttpApi(ctx, input.apiId)),
  saveRoute: tenantProcedure
    .input(
      apiRef.extend({
        routeId: idRef.optional(),
        routeKey,
        target: z
          .string()
          .regex(/^integrations\/[A-Za-z0-9]+$/)
          .nullable(),
        authorizationType: z.enum(["NONE", "JWT", "CUSTOM", "AWS_IAM"]),
        authorizerId: z.string().max(64).nullish(),
        authorizationScopes: strList(50),
      }),
    )
    .mutation(({ ctx, input }) => consoleSaveHttpRoute(ctx, input)),
  deleteRoute: tenantProcedure
    .input(apiRef.extend({ routeId: idRef }))
    .mutation(({ ctx, input }) => consoleDeleteHttpRoute(ctx, input)),
  saveIntegration: tenantProcedure
    .input(
      z.discriminatedUnion("kind", [
        apiRef.extend({
          integrationId: idRef.optional(),
          kind: z.literal("HTTP_PROXY"),
          uri: url,
          method: z.enum(["ANY", "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]),
          timeoutInMillis: timeout,
          description: z.string().max(1024).optional(),
          requestParameters: z.record(z.string(), z.string().max(2048)),
        }),
        apiRef.extend({
          integrationId: idRef.optional(),
          kind: z.literal("FUNCTION"),
          uri: z.string().regex(/^arn:aws:lambda:\S+$/, "Choose a function."),
          payloadFormatVersion: z.enum(["1.0", "2.0"]),
          timeoutInMillis: timeout,
          description: z.string().max(1024).optional(),
          requestParameters: z.record(z.string(), z.string().max(2048)),
        }),
        apiRef.extend({
          integrationId: idRef.optional(),
          kind: z.literal("AWS_SERVICE"),
          subtype: z.enum(["SQS-SendMessage", "EventBridge-PutEvents", "StepFunctions-StartExecution"]),
          timeoutInMillis: timeout,
          description: z.string().max(1024).optional(),
          requestParameters: z.record(z.string(), z.string().max(2048)),
        }),
      ]),
    )
    .mutation(({ ctx, input }) => consoleSaveHttpIntegration(ctx, input)),
  deleteIntegration: tenantProcedure
    .input(apiRef.extend({ integrationId: idRef }))
    .mutation(({ ctx, input }) => consoleDeleteHttpIntegration(ctx, input)),
  saveAuthorizer: tenantProcedure
    .input(
      apiRef.extend({
        authorizerId: idRef.optional(),
        name: z.string().trim().min(1, "Name the authorizer.").max(128),
        authorizerType: z.enum(["JWT", "REQUEST"]),
        identitySource: strList(10),
        issuer: z.string().trim().max(2048).optional(),
        audience: strList(50).optional(),
        authorizerUri: z.string().trim().max(2048).optional(),
        authorizerPayloadFormatVersion: z.enum(["1.0", "2.0"]).optional(),
        authorizerResultTtlInSeconds: z
          .number()
          .int("A whole number.")
          .min(0, "Not negative.")
          .max(3600, "At most 3600 s.")
          .optional(),
        enableSimpleResponses: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) => consoleSaveHttpAuthorizer(ctx, input)),
  deleteAuthorizer: tenantProcedure
    .input(apiRef.extend({ authorizerId: idRef }))
    .mutation(({ ctx, input }) => consoleDeleteHttpAuthorizer(ctx, input)),
  saveStage: tenantProcedure
    .input(stageSettings(routeKey).extend(apiRef.shape).extend({ stageName }))
    .mutation(({ ctx, input }) => consoleSaveHttpStage(ctx, withAccessLog(input))),
  deleteStage: tenantProcedure
    .input(apiRef.extend({ stageName }))
    .mutation(({ ctx, input }) => consoleDeleteHttpStage(ctx, input)),
  deploy: tenantProcedure
    .input(apiRef.extend({ stageName, description: z.string().max(1024).optional() }))
    .mutation(({ ctx, input }) => consoleDeployHttp(ctx, input)),

  createWs: tenantProcedure
    .input(
      z.object({
        name,
        description: z.string().max(1024).optional(),
        routeSelectionExpression: z.string().trim().min(1, "Give a route selection expression.").max(256),
      }),
    )
    .mutation(({ ctx, input }) => consoleCreateWsApi(ctx, input)),
  ws: tenantProcedure.input(apiRef).query(({ ctx, input }) => consoleWsApi(ctx, input.apiId, ctx.origin)),
  updateWs: tenantProcedure
    .input(
      apiRef.extend({
        name,
        description: z.string().max(1024),
        routeSelectionExpression: z.string().trim().min(1, "Give a route selection expression.").max(256),
      }),
    )
    .mutation(({ ctx, input }) => consoleUpdateWsApi(ctx, input)),
  removeWs: tenantProcedure.input(apiRef).mutation(({ ctx, input }) => consoleDeleteWsApi(ctx, input.apiId)),
  wsSaveRoute: tenantProcedure
    .input(
      apiRef.extend({
        routeId: idRef.optional(),
        routeKey: wsRouteKey,
        integration: z
          .discriminatedUnion("type", [
            z.object({ type: z.literal("MOCK") }),
            z.object({
              type: z.enum(["HTTP_PROXY", "HTTP"]),
              uri: url,
              method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE"]),
              timeoutInMillis: timeout.max(29000, "At most 29,000 ms."),
            }),
            z.object({
              type: z.literal("AWS_PROXY"),
              uri: z.string().regex(/^arn:aws:lambda:\S+$/, "Choose a function."),
              timeoutInMillis: timeout.max(29000, "At most 29,000 ms."),
            }),
          ])
          .nullable(),
        twoWay: z.boolean(),
        responseTemplate: z
          .string()
          .max(32 * 1024, "At most 32 KB.")
          .optional(),
      }),
    )
    .mutation(({ ctx, input }) => consoleSaveWsRoute(ctx, input)),
  wsDeleteRoute: tenantProcedure
    .input(apiRef.extend({ routeId: idRef }))
    .mutation(({ ctx, input }) => consoleDeleteWsRoute(ctx, input)),
  wsSaveStage: tenantProcedure
    .input(
      stageSettings(wsRouteKey)
        // The create dialog sends only the name, description and auto-deploy.
        .partial({ stageVariables: true, throttlingRateLimit: true, throttlingBurstLimit: true })
        .extend(apiRef.shape)
        .extend({
          stageName: z
            .string()
            .trim()
            .min(1, "Name the stage.")
            .max(128)
            .regex(/^[a-zA-Z0-9_-]+$/, "Letters, digits, - and _ only."),
        }),
    )
    .mutation(({ ctx, input }) => consoleSaveWsStage(ctx, withAccessLog(input))),
  wsDeleteStage: tenantProcedure
    .input(apiRef.extend({ stageName: z.string().min(1).max(128) }))
    .mutation(({ ctx, input }) => consoleDeleteWsStage(ctx, input)),
  wsDeploy: tenantProcedure
    .input(apiRef.extend({ stageName: z.string().min(1).max(128), description: z.string().max(1024).optional() }))
    .mutation(({ ctx, input }) => consoleDeployWs(ctx, input)),
  connections: tenantProcedure.input(apiRef).query(({ ctx, input }) => consoleWsConnections(ctx, input.apiId)),
  send: tenantProcedure
    .input(
      apiRef.extend({
        stage: z.string().min(1).max(128),
        connectionId: z.string().min(1).max(128),
        data: z
          .string()
          .min(1, "Write a message.")
          .max(128 * 1024, "At most 128 KB."),
      }),
    )
    .mutation(({ ctx, input }) => consoleWsSend(ctx, input)),
  saveMethodSetting: tenantProcedure
    .input(
      apiRef.extend({
        stageName: z.string().min(1).max(128),
        resourcePath: z.string().regex(/^\/\S*$/, "A resource path such as /orders."),
        httpMethod: z.enum(["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "ANY"]),
        remove: z.boolean(),
        throttlingRateLimit: z.number().min(0, "Not negative.").nullable(),
        throttlingBurstLimit: z.number().int("A whole number.").min(0, "Not negative.").nullable(),
        cachingEnabled: z.boolean(),
        cacheTtlInSeconds: z.number().int("A whole number.").min(0, "Not negative.").max(3600, "At most 3600 s."),
      }),
    )
    .mutation(({ ctx, input }) => consoleSaveMethodSetting(ctx, input)),
  disconnect: tenantProcedure
    .input(apiRef.extend({ stage: z.string().min(1).max(128), connectionId: z.string().min(1).max(128) }))
    .mutation(({ ctx, input }) => consoleWsDisconnect(ctx, input)),
});
