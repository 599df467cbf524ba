import boto3, json, sys
# The door's own refusals as API Gateway spells them (JSON-protocol codes, {"message"} bodies):
# a wrong secret, an unknown key, a key whose role cannot write, an operation Signalbox lacks.
url, key, secret, viewer_key, viewer_secret = sys.argv[1:6]
def client(k, s):
    return boto3.client("apigateway", endpoint_url=url + "/api/aws", region_name="us-east-1", aws_access_key_id=k, aws_secret_access_key=s)
raw = {}
def keep(response_dict, **kw):
    raw["body"] = response_dict["body"]
for label, c, call in [
    ("wrong secret", client(key, "x" * 40), lambda c: c.get_rest_apis()),
    ("unknown key", client("SBAKNOSUCHKEY0000000", "x" * 40), lambda c: c.get_rest_apis()),
    ("viewer writes", client(viewer_key, viewer_secret), lambda c: c.create_rest_api(name="nope")),
    ("viewer reads", client(viewer_key, viewer_secret), lambda c: c.get_rest_apis()),
    ("unimplemented", client(key, secret), lambda c: c.get_account()),
]:
    c.meta.events.register("before-parse.api-gateway.*", keep)
    try:
        r = call(c)
        print(label, "ok", r["ResponseMetadata"]["HTTPStatusCode"])
    except c.exceptions.ClientError as e:
        print(label, e.response["Error"]["Code"], e.response["ResponseMetadata"]["HTTPStatusCode"], sorted(json.loads(raw["body"])))
