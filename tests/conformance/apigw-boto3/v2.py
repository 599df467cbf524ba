import boto3, json, sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check import watch, report, reg, say
d = {"url": sys.argv[1], "id": sys.argv[2], "secret": sys.argv[3]}
reg("account", sys.argv[4])
kw = dict(endpoint_url=d["url"] + "/api/aws", region_name="us-east-1", aws_access_key_id=d["id"], aws_secret_access_key=d["secret"])
v2 = watch(boto3.client("apigatewayv2", **kw))
FN = "arn:aws:lambda:us-east-1:123456789012:function:orders"
def out(name, r, *fields):
    r = {k: v for k, v in r.items() if k != "ResponseMetadata"}
    vals = [str(r.get(f)) if not callable(f) else str(f(r)) for f in fields]
    say(name, ",".join(sorted(r.keys())), *vals)
def err(label, fn, **kw):
    try:
        fn(**kw); print(label, "no error")
    except v2.exceptions.ClientError as e:
        say(label, e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Message"])
api = v2.create_api(Name="orders", ProtocolType="HTTP", CorsConfiguration={"AllowOrigins": ["https://a.example"]}, Tags={"t": "1"})
out("CreateApi", api, "Name", "ProtocolType", "RouteSelectionExpression")
A = reg("api", api["ApiId"])
out("GetApis", v2.get_apis(), lambda r: [x["Name"] for x in r["Items"]])
out("GetApi", v2.get_api(ApiId=A), "CorsConfiguration")
out("UpdateApi", v2.update_api(ApiId=A, Description="d"), "Description")
out("DeleteCorsConfiguration", v2.delete_cors_configuration(ApiId=A))
i = v2.create_integration(ApiId=A, IntegrationType="AWS_PROXY", IntegrationUri=FN, PayloadFormatVersion="2.0")
out("CreateIntegration", i, "IntegrationType", "PayloadFormatVersion", "TimeoutInMillis")
I = reg("integration", i["IntegrationId"])
out("GetIntegrations", v2.get_integrations(ApiId=A), lambda r: len(r["Items"]))
out("GetIntegration", v2.get_integration(ApiId=A, IntegrationId=I), "IntegrationUri")
out("UpdateIntegration", v2.update_integration(ApiId=A, IntegrationId=I, TimeoutInMillis=5000), "TimeoutInMillis")
au = v2.create_authorizer(ApiId=A, AuthorizerType="JWT", Name="jwt", IdentitySource=["$request.header.Authorization"], JwtConfiguration={"Audience": ["a"], "Issuer": "https://issuer.example"})
reg("authorizer", au["AuthorizerId"])
out("CreateAuthorizer", au, "AuthorizerType")
out("GetAuthorizers", v2.get_authorizers(ApiId=A), lambda r: [x["Name"] for x in r["Items"]])
out("GetAuthorizer", v2.get_authorizer(ApiId=A, AuthorizerId=au["AuthorizerId"]), "JwtConfiguration")
out("UpdateAuthorizer", v2.update_authorizer(ApiId=A, AuthorizerId=au["AuthorizerId"], Name="jwt2"), "Name")
rt = v2.create_route(ApiId=A, RouteKey="GET /orders/{id}", Target="integrations/" + I, AuthorizationType="JWT", AuthorizerId=au["AuthorizerId"], AuthorizationScopes=["read"], RequestParameters={"route.request.querystring.q": {"Required": False}})
out("CreateRoute", rt, "RouteKey", "AuthorizationType", "ApiKeyRequired")
R = reg("route", rt["RouteId"])
out("GetRoutes", v2.get_routes(ApiId=A), lambda r: [x["RouteKey"] for x in r["Items"]])
out("GetRoute", v2.get_route(ApiId=A, RouteId=R), "Target")
out("UpdateRoute", v2.update_route(ApiId=A, RouteId=R, OperationName="getOrder"), "OperationName")
out("DeleteRouteRequestParameter", v2.delete_route_request_parameter(ApiId=A, RouteId=R, RequestParameterKey="route.request.querystring.q"))
st = v2.create_stage(ApiId=A, StageName="prod", AutoDeploy=True, StageVariables={"v": "1"}, DefaultRouteSettings={"ThrottlingBurstLimit": 5, "ThrottlingRateLimit": 2.0}, RouteSettings={"GET /orders/{id}": {"ThrottlingBurstLimit": 1, "ThrottlingRateLimit": 1.0}})
out("CreateStage", st, "StageName", "AutoDeploy")
out("GetStages", v2.get_stages(ApiId=A), lambda r: [x["StageName"] for x in r["Items"]])
out("GetStage", v2.get_stage(ApiId=A, StageName="prod"), "StageVariables")
out("UpdateStage", v2.update_stage(ApiId=A, StageName="prod", Description="p"), "Description")
out("DeleteRouteSettings", v2.delete_route_settings(ApiId=A, StageName="prod", RouteKey="GET /orders/{id}"))
out("ResetAuthorizersCache", v2.reset_authorizers_cache(ApiId=A, StageName="prod"))
dp = v2.create_deployment(ApiId=A, Description="manual")
out("CreateDeployment", dp, "DeploymentStatus", "AutoDeployed")
out("GetDeployments", v2.get_deployments(ApiId=A), lambda r: len(r["Items"]) >= 2)
out("GetDeployment", v2.get_deployment(ApiId=A, DeploymentId=dp["DeploymentId"]), "Description")
out("UpdateDeployment", v2.update_deployment(ApiId=A, DeploymentId=dp["DeploymentId"], Description="m2"), "Description")
arn = "arn:aws:apigateway:us-east-1::/apis/" + A
out("TagResource", v2.tag_resource(ResourceArn=arn, Tags={"k": "v"}))
out("GetTags", v2.get_tags(ResourceArn=arn), "Tags")
out("UntagResource", v2.untag_resource(ResourceArn=arn, TagKeys=["k"]))
ex = v2.export_api(ApiId=A, Specification="OAS30", OutputType="JSON", StageName="prod")
doc = json.loads(ex["body"].read())
say("ExportApi", sorted(doc["paths"].keys()), doc["paths"]["/orders/{id}"]["get"]["security"], doc["components"]["securitySchemes"]["jwt2"]["x-amazon-apigateway-authorizer"]["type"], doc["x-amazon-apigateway-importexport-version"])
yaml_body = v2.export_api(ApiId=A, Specification="OAS30", OutputType="YAML")["body"].read().decode()
say("ExportApi YAML", yaml_body.splitlines()[0])
imp = v2.import_api(Body=yaml_body)
out("ImportApi", imp, "Name", "Warnings")
B = reg("imported", imp["ApiId"])
ir = v2.get_routes(ApiId=B)["Items"]
say("ImportApi routes", [(x["RouteKey"], x["AuthorizationType"], x.get("AuthorizationScopes"), x.get("OperationName")) for x in ir])
say("ImportApi integrations", [(x["IntegrationType"], x["IntegrationUri"], x["PayloadFormatVersion"], x["TimeoutInMillis"]) for x in v2.get_integrations(ApiId=B)["Items"]])
say("ImportApi authorizers", [(x["Name"], x["JwtConfiguration"]["Issuer"]) for x in v2.get_authorizers(ApiId=B)["Items"]])
spec2 = json.dumps({"openapi": "3.0.1", "info": {"title": "orders-v2", "version": "2"}, "x-amazon-apigateway-cors": {"allowOrigins": ["*"], "allowMethods": ["GET"]}, "paths": {"/health": {"get": {"x-amazon-apigateway-integration": {"type": "http_proxy", "httpMethod": "GET", "uri": "https://example.com/health", "payloadFormatVersion": "1.0"}}}}})
re = v2.reimport_api(ApiId=B, Body=spec2)
out("ReimportApi", re, "Name", "Version", "CorsConfiguration")
say("ReimportApi routes", [x["RouteKey"] for x in v2.get_routes(ApiId=B)["Items"]])
# errors
err("E NotFound GetApi", v2.get_api, ApiId="nope")
err("E NotFound GetRoute", v2.get_route, ApiId=A, RouteId="nope")
err("E Conflict CreateRoute", v2.create_route, ApiId=A, RouteKey="GET /orders/{id}")
err("E BadRequest CreateRoute", v2.create_route, ApiId=A, RouteKey="FETCH /x")
err("E BadRequest CreateApi", v2.create_api, Name="x", ProtocolType="SOAP")
err("E Conflict DeleteIntegration", v2.delete_integration, ApiId=A, IntegrationId=I)
err("E BadRequest ImportApi", v2.import_api, Body="openapi: [")
err("E BadRequest ImportApi warnings", v2.import_api, Body=json.dumps({"openapi": "3.0.1", "info": {"title": "w"}, "paths": {}, "x-amazon-apigateway-policy": {}}), FailOnWarnings=True)
err("E BadRequest ExportApi", v2.export_api, ApiId=A, Specification="SWAGGER", OutputType="JSON")
err("E NotFound ExportApi stage", v2.export_api, ApiId=A, Specification="OAS30", OutputType="JSON", StageName="nope")
err("E NotFound ReimportApi", v2.reimport_api, ApiId="nope", Body=spec2)
# WebSocket APIs (the actions only they have)
ws = v2.create_api(Name="chat", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action")
W = reg("ws", ws["ApiId"])
out("CreateApi ws", ws, "ProtocolType", "RouteSelectionExpression")
mi = v2.create_integration(ApiId=W, IntegrationType="MOCK", RequestTemplates={"$default": '{"statusCode": 200}'}, TemplateSelectionExpression="\\$default")
out("CreateIntegration ws", mi, "IntegrationType", "IntegrationResponseSelectionExpression")
out("CreateIntegrationResponse", v2.create_integration_response(ApiId=W, IntegrationId=mi["IntegrationId"], IntegrationResponseKey="$default", ResponseTemplates={"$default": '{"connection": "$context.connectionId"}'}), "IntegrationResponseKey")
out("GetIntegrationResponses", v2.get_integration_responses(ApiId=W, IntegrationId=mi["IntegrationId"]), lambda r: [x["IntegrationResponseKey"] for x in r["Items"]])
wr = v2.create_route(ApiId=W, RouteKey="whoami", Target="integrations/" + mi["IntegrationId"], RouteResponseSelectionExpression="$default")
out("CreateRoute ws", wr, "RouteKey")
out("CreateRouteResponse", v2.create_route_response(ApiId=W, RouteId=wr["RouteId"], RouteResponseKey="$default"), "RouteResponseKey")
out("GetRouteResponses", v2.get_route_responses(ApiId=W, RouteId=wr["RouteId"]), lambda r: [x["RouteResponseKey"] for x in r["Items"]])
out("CreateStage ws", v2.create_stage(ApiId=W, StageName="prod", AutoDeploy=True), "StageName")
# deletes (204 each)
for name, fn, a in [
    ("DeleteStage", v2.delete_stage, dict(ApiId=A, StageName="prod")),
    ("DeleteDeployment", v2.delete_deployment, dict(ApiId=A, DeploymentId=dp["DeploymentId"])),
    ("DeleteRoute", v2.delete_route, dict(ApiId=A, RouteId=R)),
    ("DeleteAuthorizer", v2.delete_authorizer, dict(ApiId=A, AuthorizerId=au["AuthorizerId"])),
    ("DeleteIntegration", v2.delete_integration, dict(ApiId=A, IntegrationId=I)),
    ("DeleteApi", v2.delete_api, dict(ApiId=A)),
    ("DeleteApi", v2.delete_api, dict(ApiId=B)),
]:
    say(name, fn(**a)["ResponseMetadata"]["HTTPStatusCode"])
sys.stderr.write("ws=%s\n" % W)
report()
