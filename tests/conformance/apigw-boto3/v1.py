import boto3, json, sys, os, uuid
KV = uuid.uuid4().hex

d = {"url": sys.argv[1], "id": sys.argv[2], "secret": sys.argv[3]}
kw = dict(endpoint_url=d["url"] + "/api/aws", region_name="us-east-1", aws_access_key_id=d["id"], aws_secret_access_key=d["secret"])
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check import watch, report, reg, say
reg("account", sys.argv[4])
reg("keyvalue", KV)
gw = watch(boto3.client("apigateway", **kw))
FN = "arn:aws:lambda:us-east-1:123456789012:function:auth"
def out(name, r, *fields):
    r = {k: v for k, v in r.items() if k != "ResponseMetadata"}
    vals = [str(r.get(f)) if not callable(f) else str(f(r)) for f in fields]
    say(name, ",".join(sorted(r.keys())), *vals)
def err(label, fn, **kw):
    try:
        fn(**kw); print(label, "no error")
    except gw.exceptions.ClientError as e:
        say(label, e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Message"])
api = gw.create_rest_api(name="pets", description="d", tags={"team": "a"}, endpointConfiguration={"types": ["REGIONAL"]})
out("CreateRestApi", api, "name", "apiKeySource", "endpointConfiguration")
A = reg("api", api["id"])
out("GetRestApis", gw.get_rest_apis(), lambda r: [x["name"] for x in r["items"]])
out("GetRestApi", gw.get_rest_api(restApiId=A), "description")
out("UpdateRestApi", gw.update_rest_api(restApiId=A, patchOperations=[{"op": "replace", "path": "/description", "value": "e"}]), "description")
res = gw.get_resources(restApiId=A)
out("GetResources", res, lambda r: [x["path"] for x in r["items"]])
root = reg("root", res["items"][0]["id"])
r1 = gw.create_resource(restApiId=A, parentId=root, pathPart="pets")
out("CreateResource", r1, "path", "pathPart")
R = reg("resource", r1["id"])
out("GetResource", gw.get_resource(restApiId=A, resourceId=R), "path")
out("UpdateResource", gw.update_resource(restApiId=A, resourceId=R, patchOperations=[{"op": "replace", "path": "/pathPart", "value": "pet"}]), "path")
out("PutMethod", gw.put_method(restApiId=A, resourceId=R, httpMethod="GET", authorizationType="NONE", requestParameters={"method.request.querystring.q": False}), "httpMethod", "authorizationType", "apiKeyRequired")
out("GetMethod", gw.get_method(restApiId=A, resourceId=R, httpMethod="GET"), "requestParameters")
out("UpdateMethod", gw.update_method(restApiId=A, resourceId=R, httpMethod="GET", patchOperations=[{"op": "replace", "path": "/operationName", "value": "listPets"}]), "operationName")
out("PutMethodResponse", gw.put_method_response(restApiId=A, resourceId=R, httpMethod="GET", statusCode="200", responseModels={"application/json": "Empty"}), "statusCode")
out("GetMethodResponse", gw.get_method_response(restApiId=A, resourceId=R, httpMethod="GET", statusCode="200"), "responseModels")
out("UpdateMethodResponse", gw.update_method_response(restApiId=A, resourceId=R, httpMethod="GET", statusCode="200", patchOperations=[{"op": "add", "path": "/responseParameters/method.response.header.X-A", "value": "false"}]), "responseParameters")
out("PutIntegration", gw.put_integration(restApiId=A, resourceId=R, httpMethod="GET", type="MOCK", requestTemplates={"application/json": '{"statusCode": 200}'}), "type", "passthroughBehavior", "timeoutInMillis")
out("GetIntegration", gw.get_integration(restApiId=A, resourceId=R, httpMethod="GET"), "type")
out("UpdateIntegration", gw.update_integration(restApiId=A, resourceId=R, httpMethod="GET", patchOperations=[{"op": "replace", "path": "/timeoutInMillis", "value": "5000"}]), "timeoutInMillis")
out("PutIntegrationResponse", gw.put_integration_response(restApiId=A, resourceId=R, httpMethod="GET", statusCode="200", responseTemplates={"application/json": '{"ok": true}'}), "statusCode")
out("GetIntegrationResponse", gw.get_integration_response(restApiId=A, resourceId=R, httpMethod="GET", statusCode="200"), "responseTemplates")
out("UpdateIntegrationResponse", gw.update_integration_response(restApiId=A, resourceId=R, httpMethod="GET", statusCode="200", patchOperations=[{"op": "replace", "path": "/selectionPattern", "value": ""}]), "selectionPattern")
ti = gw.test_invoke_method(restApiId=A, resourceId=R, httpMethod="GET", pathWithQueryString="/pet?q=1")
out("TestInvokeMethod", ti, "status", "body")
out("CreateModel", gw.create_model(restApiId=A, name="Pet", contentType="application/json", schema=json.dumps({"type": "object"})), "name")
out("GetModels", gw.get_models(restApiId=A), lambda r: sorted(x["name"] for x in r["items"]))
out("GetModel", gw.get_model(restApiId=A, modelName="Pet"), "contentType")
out("UpdateModel", gw.update_model(restApiId=A, modelName="Pet", patchOperations=[{"op": "replace", "path": "/description", "value": "a pet"}]), "description")
v = gw.create_request_validator(restApiId=A, name="body", validateRequestBody=True)
reg("validator", v["id"])
out("CreateRequestValidator", v, "validateRequestBody", "validateRequestParameters")
out("GetRequestValidators", gw.get_request_validators(restApiId=A), lambda r: [x["name"] for x in r["items"]])
out("GetRequestValidator", gw.get_request_validator(restApiId=A, requestValidatorId=v["id"]), "name")
out("UpdateRequestValidator", gw.update_request_validator(restApiId=A, requestValidatorId=v["id"], patchOperations=[{"op": "replace", "path": "/validateRequestParameters", "value": "true"}]), "validateRequestParameters")
au = gw.create_authorizer(restApiId=A, name="tok", type="TOKEN", authorizerUri="arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/" + FN + "/invocations", identitySource="method.request.header.Authorization")
reg("authorizer", au["id"])
out("CreateAuthorizer", au, "type", "authorizerResultTtlInSeconds")
out("GetAuthorizers", gw.get_authorizers(restApiId=A), lambda r: [x["name"] for x in r["items"]])
out("GetAuthorizer", gw.get_authorizer(restApiId=A, authorizerId=au["id"]), "identitySource")
out("UpdateAuthorizer", gw.update_authorizer(restApiId=A, authorizerId=au["id"], patchOperations=[{"op": "replace", "path": "/authorizerResultTtlInSeconds", "value": "60"}]), "authorizerResultTtlInSeconds")
gr = gw.get_gateway_responses(restApiId=A)
out("GetGatewayResponses", gr, lambda r: len(r["items"]), lambda r: sorted(r["items"][0].keys()))
out("PutGatewayResponse", gw.put_gateway_response(restApiId=A, responseType="MISSING_AUTHENTICATION_TOKEN", statusCode="404", responseTemplates={"application/json": '{"m": "nope"}'}), "statusCode", "defaultResponse")
out("GetGatewayResponse", gw.get_gateway_response(restApiId=A, responseType="MISSING_AUTHENTICATION_TOKEN"), "statusCode")
out("UpdateGatewayResponse", gw.update_gateway_response(restApiId=A, responseType="MISSING_AUTHENTICATION_TOKEN", patchOperations=[{"op": "replace", "path": "/statusCode", "value": "403"}]), "statusCode")
dep = gw.create_deployment(restApiId=A, stageName="prod", description="first", variables={"v": "1"})
reg("deployment", dep["id"])
out("CreateDeployment", dep, "description")
out("GetDeployments", gw.get_deployments(restApiId=A), lambda r: len(r["items"]))
out("GetDeployment", gw.get_deployment(restApiId=A, deploymentId=dep["id"], embed=["apisummary"]), lambda r: sorted(r.get("apiSummary", {}).keys()))
out("UpdateDeployment", gw.update_deployment(restApiId=A, deploymentId=dep["id"], patchOperations=[{"op": "replace", "path": "/description", "value": "one"}]), "description")
out("GetStages", gw.get_stages(restApiId=A), lambda r: [x["stageName"] for x in r["item"]])
out("GetStage", gw.get_stage(restApiId=A, stageName="prod"), "variables", "cacheClusterEnabled", "tracingEnabled")
dep2 = gw.create_deployment(restApiId=A)
reg("deployment2", dep2["id"])
out("CreateStage", gw.create_stage(restApiId=A, stageName="beta", deploymentId=dep2["id"], tags={"s": "1"}), "stageName", "tags")
out("UpdateStage", gw.update_stage(restApiId=A, stageName="beta", patchOperations=[{"op": "replace", "path": "/variables/x", "value": "y"}]), "variables")
out("FlushStageCache", gw.flush_stage_cache(restApiId=A, stageName="beta"))
arn = "arn:aws:apigateway:us-east-1::/restapis/%s/stages/beta" % A
out("TagResource", gw.tag_resource(resourceArn=arn, tags={"k": "v"}))
out("GetTags", gw.get_tags(resourceArn=arn), "tags")
out("UntagResource", gw.untag_resource(resourceArn=arn, tagKeys=["k"]))
for et, acc in [("oas30", "application/json"), ("oas30", "application/yaml"), ("swagger", "application/json")]:
    ex = gw.get_export(restApiId=A, stageName="prod", exportType=et, accepts=acc, parameters={"extensions": "integrations"})
    body = ex["body"].read().decode()
    say("GetExport", et, acc, ex["contentType"], body.splitlines()[0], "x-amazon-apigateway-integration" in body)
k = gw.create_api_key(name="k1", enabled=True, value=KV, tags={"a": "b"})
reg("key", k["id"])
out("CreateApiKey", k, "enabled", "value")
out("GetApiKey", gw.get_api_key(apiKey=k["id"], includeValue=True), "value")
out("GetApiKeys", gw.get_api_keys(nameQuery="k1", includeValues=False), lambda r: [x["name"] for x in r["items"]])
out("UpdateApiKey", gw.update_api_key(apiKey=k["id"], patchOperations=[{"op": "replace", "path": "/description", "value": "kd"}]), "description")
up = gw.create_usage_plan(name="plan", apiStages=[{"apiId": A, "stage": "prod"}], throttle={"burstLimit": 10, "rateLimit": 5.0}, quota={"limit": 100, "period": "DAY"})
reg("plan", up["id"])
out("CreateUsagePlan", up, "apiStages", "throttle", "quota")
out("GetUsagePlan", gw.get_usage_plan(usagePlanId=up["id"]), "name")
out("GetUsagePlans", gw.get_usage_plans(), lambda r: [x["name"] for x in r["items"]])
out("UpdateUsagePlan", gw.update_usage_plan(usagePlanId=up["id"], patchOperations=[{"op": "replace", "path": "/description", "value": "pd"}]), "description")
out("CreateUsagePlanKey", gw.create_usage_plan_key(usagePlanId=up["id"], keyId=k["id"], keyType="API_KEY"), "type", "name")
out("GetUsagePlanKey", gw.get_usage_plan_key(usagePlanId=up["id"], keyId=k["id"]), "name")
out("GetUsagePlanKeys", gw.get_usage_plan_keys(usagePlanId=up["id"]), lambda r: [x["name"] for x in r["items"]])
out("GetUsage", gw.get_usage(usagePlanId=up["id"], startDate="2026-12-01", endDate="2026-12-02"), "usagePlanId", "startDate", "items")
out("UpdateUsage", gw.update_usage(usagePlanId=up["id"], keyId=k["id"], patchOperations=[{"op": "replace", "path": "/remaining", "value": "50"}]), "items")
yaml = "openapi: 3.0.1\ninfo:\n  title: yamlapi\n  version: '1'\npaths:\n  /a:\n    get:\n      x-amazon-apigateway-integration:\n        type: mock\n        requestTemplates:\n          application/json: '{\"statusCode\": 200}'\n"
imp = gw.import_rest_api(body=yaml.encode(), failOnWarnings=False)
reg("imported", imp["id"])
out("ImportRestApi", imp, "name")
out("PutRestApi", gw.put_rest_api(restApiId=imp["id"], mode="overwrite", body=yaml.replace("/a:", "/b:").encode()), "name")
say("PutRestApi paths", sorted(x["path"] for x in gw.get_resources(restApiId=imp["id"])["items"]))
# errors
err("E NotFound GetRestApi", gw.get_rest_api, restApiId="nope")
err("E NotFound GetResource", gw.get_resource, restApiId=A, resourceId="nope")
err("E Conflict CreateResource", gw.create_resource, restApiId=A, parentId=root, pathPart="pet")
err("E BadRequest CreateRestApi", gw.create_rest_api, name="")
err("E BadRequest PutIntegration", gw.put_integration, restApiId=A, resourceId=R, httpMethod="GET", type="HTTP")
err("E NotFound GetStage", gw.get_stage, restApiId=A, stageName="nope")
err("E Conflict CreateStage", gw.create_stage, restApiId=A, stageName="beta", deploymentId=dep2["id"])
err("E BadRequest GetExport postman", gw.get_export, restApiId=A, stageName="prod", exportType="oas30", parameters={"extensions": "postman"})
err("E BadRequest Import", gw.import_rest_api, body=b"openapi: [")
err("E Conflict ApiKey", gw.create_api_key, name="k2", value=KV)
# deletes
for name, fn, a in [
    ("DeleteUsagePlanKey", gw.delete_usage_plan_key, dict(usagePlanId=up["id"], keyId=k["id"])),
    ("DeleteUsagePlan", gw.delete_usage_plan, dict(usagePlanId=up["id"])),
    ("DeleteApiKey", gw.delete_api_key, dict(apiKey=k["id"])),
    ("DeleteStage", gw.delete_stage, dict(restApiId=A, stageName="beta")),
    ("DeleteDeployment", gw.delete_deployment, dict(restApiId=A, deploymentId=dep2["id"])),
    ("DeleteGatewayResponse", gw.delete_gateway_response, dict(restApiId=A, responseType="MISSING_AUTHENTICATION_TOKEN")),
    ("DeleteAuthorizer", gw.delete_authorizer, dict(restApiId=A, authorizerId=au["id"])),
    ("DeleteRequestValidator", gw.delete_request_validator, dict(restApiId=A, requestValidatorId=v["id"])),
    ("DeleteModel", gw.delete_model, dict(restApiId=A, modelName="Pet")),
    ("DeleteIntegrationResponse", gw.delete_integration_response, dict(restApiId=A, resourceId=R, httpMethod="GET", statusCode="200")),
    ("DeleteIntegration", gw.delete_integration, dict(restApiId=A, resourceId=R, httpMethod="GET")),
    ("DeleteMethodResponse", gw.delete_method_response, dict(restApiId=A, resourceId=R, httpMethod="GET", statusCode="200")),
    ("DeleteMethod", gw.delete_method, dict(restApiId=A, resourceId=R, httpMethod="GET")),
    ("DeleteResource", gw.delete_resource, dict(restApiId=A, resourceId=R)),
    ("DeleteRestApi", gw.delete_rest_api, dict(restApiId=A)),
    ("DeleteRestApi", gw.delete_rest_api, dict(restApiId=imp["id"])),
]:
    r = fn(**a)
    say(name, r["ResponseMetadata"]["HTTPStatusCode"])
err("E NotFound after delete", gw.get_rest_api, restApiId=A)
report()
