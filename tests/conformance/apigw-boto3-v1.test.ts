import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestTenant, type TestTenant } from "../helpers/fixtures";
import { startWeb, type TestProcess } from "../helpers/server";
import { runWithAwsKey } from "../helpers/aws-cli";

// API Gateway v1 (REST APIs, usage plans, API keys) through boto3 (1.43), unchanged: one scenario
// calls every action Signalbox implements (apigateway.service.ts and usage.actions.ts) and AWS's
// errors, and apigw-boto3/check.py watches every answer against botocore's model of the service:
// the HTTP status each operation is declared with, no member the model does not know (boto3 would
// drop it silently), and error bodies of `{"message"}` alone. Ids print as <name>.

const SCRIPTS = path.join(import.meta.dirname, "apigw-boto3");
let web: TestProcess & { url: string };
let t: TestTenant;

beforeAll(async () => {
  t = await createTestTenant();
  web = await startWeb();
});
afterAll(async () => {
  await web?.stop();
});

/** Runs a scenario script with the tenant's key and no configuration from the machine. */
async function runPython(script: string, url: string, t: TestTenant): Promise<string> {
  const r = await runWithAwsKey(
    "python3",
    [path.join(SCRIPTS, script), url, t.key.id, t.key.secret, t.tenant.accountId],
    t.key,
    {
      timeoutMs: 180_000,
    },
  );
  if (r.code !== 0) throw new Error(`${script} exited ${r.code}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

describe("boto3 apigateway client", () => {
  it("drives every v1 action with AWS's statuses, members and errors", { timeout: 200_000 }, async () => {
    const out = await runPython("v1.py", web.url, t);
    expect(out.trimEnd().split("\n")).toEqual([
      "CreateRestApi apiKeySource,createdDate,description,disableExecuteApiEndpoint,endpointConfiguration,id,name,rootResourceId,tags pets HEADER {'types': ['REGIONAL']}",
      "GetRestApis items ['pets']",
      "GetRestApi apiKeySource,createdDate,description,disableExecuteApiEndpoint,endpointConfiguration,id,name,rootResourceId,tags d",
      "UpdateRestApi apiKeySource,createdDate,description,disableExecuteApiEndpoint,endpointConfiguration,id,name,rootResourceId,tags e",
      "GetResources items ['/']",
      "CreateResource id,parentId,path,pathPart /pets pets",
      "GetResource id,parentId,path,pathPart /pets",
      "UpdateResource id,parentId,path,pathPart /pet",
      "PutMethod apiKeyRequired,authorizationType,httpMethod,requestParameters GET NONE False",
      "GetMethod apiKeyRequired,authorizationType,httpMethod,requestParameters {'method.request.querystring.q': False}",
      "UpdateMethod apiKeyRequired,authorizationType,httpMethod,operationName,requestParameters listPets",
      "PutMethodResponse responseModels,statusCode 200",
      "GetMethodResponse responseModels,statusCode {'application/json': 'Empty'}",
      "UpdateMethodResponse responseModels,responseParameters,statusCode {'method.response.header.X-A': False}",
      "PutIntegration cacheKeyParameters,cacheNamespace,passthroughBehavior,requestTemplates,timeoutInMillis,type MOCK WHEN_NO_MATCH 29000",
      "GetIntegration cacheKeyParameters,cacheNamespace,passthroughBehavior,requestTemplates,timeoutInMillis,type MOCK",
      "UpdateIntegration cacheKeyParameters,cacheNamespace,passthroughBehavior,requestTemplates,timeoutInMillis,type 5000",
      "PutIntegrationResponse responseTemplates,statusCode 200",
      "GetIntegrationResponse responseTemplates,statusCode {'application/json': '{\"ok\": true}'}",
      "UpdateIntegrationResponse responseTemplates,selectionPattern,statusCode ",
      'TestInvokeMethod body,headers,latency,log,multiValueHeaders,status 200 {"ok": true}',
      "CreateModel contentType,id,name,schema Pet",
      "GetModels items ['Empty', 'Error', 'Pet']",
      "GetModel contentType,id,name,schema application/json",
      "UpdateModel contentType,description,id,name,schema a pet",
      "CreateRequestValidator id,name,validateRequestBody,validateRequestParameters True False",
      "GetRequestValidators items ['body']",
      "GetRequestValidator id,name,validateRequestBody,validateRequestParameters body",
      "UpdateRequestValidator id,name,validateRequestBody,validateRequestParameters True",
      "CreateAuthorizer authorizerResultTtlInSeconds,authorizerUri,id,identitySource,name,type TOKEN 300",
      "GetAuthorizers items ['tok']",
      "GetAuthorizer authorizerResultTtlInSeconds,authorizerUri,id,identitySource,name,type method.request.header.Authorization",
      "UpdateAuthorizer authorizerResultTtlInSeconds,authorizerUri,id,identitySource,name,type 60",
      "GetGatewayResponses items 21 ['defaultResponse', 'responseParameters', 'responseTemplates', 'responseType', 'statusCode']",
      "PutGatewayResponse defaultResponse,responseParameters,responseTemplates,responseType,statusCode 404 False",
      "GetGatewayResponse defaultResponse,responseParameters,responseTemplates,responseType,statusCode 404",
      "UpdateGatewayResponse defaultResponse,responseParameters,responseTemplates,responseType,statusCode 403",
      "CreateDeployment createdDate,description,id first",
      "GetDeployments items 1",
      "GetDeployment apiSummary,createdDate,description,id ['/pet']",
      "UpdateDeployment createdDate,description,id one",
      "GetStages item ['prod']",
      "GetStage cacheClusterEnabled,cacheClusterStatus,createdDate,deploymentId,lastUpdatedDate,methodSettings,stageName,tracingEnabled,variables {'v': '1'} False False",
      "CreateStage cacheClusterEnabled,cacheClusterStatus,createdDate,deploymentId,lastUpdatedDate,methodSettings,stageName,tags,tracingEnabled beta {'s': '1'}",
      "UpdateStage cacheClusterEnabled,cacheClusterStatus,createdDate,deploymentId,lastUpdatedDate,methodSettings,stageName,tags,tracingEnabled,variables {'x': 'y'}",
      "FlushStageCache ",
      "TagResource ",
      "GetTags tags {'k': 'v', 's': '1'}",
      "UntagResource ",
      "GetExport oas30 application/json application/json { True",
      "GetExport oas30 application/yaml application/yaml openapi: 3.0.1 True",
      "GetExport swagger application/json application/json { True",
      "CreateApiKey createdDate,enabled,id,lastUpdatedDate,name,stageKeys,tags,value True <keyvalue>",
      "GetApiKey createdDate,enabled,id,lastUpdatedDate,name,stageKeys,tags,value <keyvalue>",
      "GetApiKeys items ['k1']",
      "UpdateApiKey createdDate,description,enabled,id,lastUpdatedDate,name,stageKeys,tags kd",
      "CreateUsagePlan apiStages,id,name,quota,tags,throttle [{'apiId': '<api>', 'stage': 'prod'}] {'burstLimit': 10, 'rateLimit': 5.0} {'limit': 100, 'offset': 0, 'period': 'DAY'}",
      "GetUsagePlan apiStages,id,name,quota,tags,throttle plan",
      "GetUsagePlans items ['plan']",
      "UpdateUsagePlan apiStages,description,id,name,quota,tags,throttle pd",
      "CreateUsagePlanKey id,name,type,value API_KEY k1",
      "GetUsagePlanKey id,name,type,value k1",
      "GetUsagePlanKeys items ['k1']",
      "GetUsage endDate,items,startDate,usagePlanId <plan> 2026-12-01 {'<key>': [[0, 100], [0, 100]]}",
      "UpdateUsage endDate,items,startDate,usagePlanId {'<key>': [[50, 50]]}",
      "ImportRestApi apiKeySource,createdDate,disableExecuteApiEndpoint,endpointConfiguration,id,name,rootResourceId,version yamlapi",
      "PutRestApi apiKeySource,createdDate,disableExecuteApiEndpoint,endpointConfiguration,id,name,rootResourceId,version yamlapi",
      "PutRestApi paths ['/', '/b']",
      "E NotFound GetRestApi NotFoundException 404 Invalid API identifier specified <account>:nope",
      "E NotFound GetResource NotFoundException 404 Invalid Resource identifier specified",
      "E Conflict CreateResource ConflictException 409 Another resource with the same parent already has this name: pet",
      "E BadRequest CreateRestApi BadRequestException 400 Invalid REST API name specified. Must be non-empty.",
      "E BadRequest PutIntegration BadRequestException 400 Enumeration value for HttpMethod must be non-empty",
      "E NotFound GetStage NotFoundException 404 Invalid Stage identifier specified",
      "E Conflict CreateStage ConflictException 409 Stage already exists",
      "E BadRequest GetExport postman BadRequestException 400 Postman extensions are not supported by this export: use extensions=integrations, apigateway or authorizers",
      "E BadRequest Import BadRequestException 400 Invalid OpenAPI input: Flow sequence in block collection must be sufficiently indented and end with a ] at line 1, column 11",
      "E Conflict ApiKey ConflictException 409 API Key already exists",
      "DeleteUsagePlanKey 202",
      "DeleteUsagePlan 202",
      "DeleteApiKey 202",
      "DeleteStage 202",
      "DeleteDeployment 202",
      "DeleteGatewayResponse 202",
      "DeleteAuthorizer 202",
      "DeleteRequestValidator 202",
      "DeleteModel 202",
      "DeleteIntegrationResponse 204",
      "DeleteIntegration 204",
      "DeleteMethodResponse 204",
      "DeleteMethod 204",
      "DeleteResource 202",
      "DeleteRestApi 202",
      "DeleteRestApi 202",
      "E NotFound after delete NotFoundException 404 Invalid API identifier specified <account>:<api>",
      "PROBLEMS []",
    ]);
  });
});

describe("the door's own refusals", () => {
  it(
    "carry API Gateway's codes and statuses: signature, key, role, unknown operation",
    { timeout: 60_000 },
    async () => {
      const viewer = await createTestTenant({ keyRole: "viewer" });
      const r = await runWithAwsKey(
        "python3",
        [path.join(SCRIPTS, "auth.py"), web.url, t.key.id, t.key.secret, viewer.key.id, viewer.key.secret],
        t.key,
        { timeoutMs: 60_000 },
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout.trim().split("\n")).toEqual([
        "wrong secret InvalidSignatureException 403 ['message']",
        "unknown key UnrecognizedClientException 403 ['message']",
        "viewer writes AccessDeniedException 403 ['message']",
        "viewer reads ok 200",
        "unimplemented UnknownOperationException 404 ['message']",
      ]);
    },
  );
});

describe("API Gateway's throttling answer", () => {
  let slow: TestProcess & { url: string };
  let u: TestTenant;
  beforeAll(async () => {
    u = await createTestTenant();
    slow = await startWeb({ env: { SIGNALBOX_TENANT_RPS: "1" } });
  });
  afterAll(async () => {
    await slow?.stop();
  });

  it("is TooManyRequestsException with status 429 and Retry-After, as boto3 expects", { timeout: 60_000 }, async () => {
    const out = await runPython("throttle.py", slow.url, u);
    expect(out.trim().split("\n")).toEqual([
      "TooManyRequestsException 429 Rate exceeded",
      "retry-after True",
      "x-amzn-errortype TooManyRequestsException",
      "body ['message']",
    ]);
  });
});
