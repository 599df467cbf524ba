import boto3, json, sys
from botocore.config import Config
# A tenant limited to 1 request/s (burst 2): the third call in a row is refused the way API Gateway
# refuses it (TooManyRequestsException, 429, Retry-After), not with the query protocols' ThrottlingException.
gw = boto3.client("apigateway", endpoint_url=sys.argv[1] + "/api/aws", region_name="us-east-1",
                  aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3],
                  config=Config(retries={"total_max_attempts": 1}))
for _ in range(20):
    try:
        gw.get_rest_apis()
    except gw.exceptions.TooManyRequestsException as e:
        meta = e.response["ResponseMetadata"]
        h = meta["HTTPHeaders"]
        print("TooManyRequestsException", meta["HTTPStatusCode"], e.response["Error"]["Message"])
        print("retry-after", h.get("retry-after", "").isdigit())
        print("x-amzn-errortype", h.get("x-amzn-errortype"))
        break
raw = {}
def keep(response_dict, **kw):
    raw["body"] = response_dict["body"]
gw.meta.events.register("before-parse.api-gateway.GetRestApis", keep)
for _ in range(20):
    try:
        gw.get_rest_apis()
    except gw.exceptions.TooManyRequestsException:
        print("body", sorted(json.loads(raw["body"])))
        break
