import boto3, sys, os
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from check import watch, report, reg, say
# The @connections management API through boto3's apigatewaymanagementapi client, at a stage's
# endpoint: post to a live connection, read it, close it; a connection that is gone is GoneException.
url, key, secret, account, api, conn = sys.argv[1:7]
reg("account", account)
reg("connection", conn)
m = watch(boto3.client("apigatewaymanagementapi", endpoint_url="%s/gw/%s/prod" % (url, api), region_name="us-east-1",
                       aws_access_key_id=key, aws_secret_access_key=secret))
r = m.post_to_connection(ConnectionId=conn, Data=b'{"hello": "boto3"}')
say("PostToConnection", r["ResponseMetadata"]["HTTPStatusCode"])
g = m.get_connection(ConnectionId=conn)
say("GetConnection", ",".join(sorted(k for k in g if k != "ResponseMetadata")), type(g["ConnectedAt"]).__name__, sorted(g["Identity"].keys()))
try:
    m.post_to_connection(ConnectionId="AAAAAAAAAAAAAAA=", Data=b"x")
    say("no error")
except m.exceptions.GoneException as e:
    say("GoneException", e.response["ResponseMetadata"]["HTTPStatusCode"])
r = m.delete_connection(ConnectionId=conn)
say("DeleteConnection", r["ResponseMetadata"]["HTTPStatusCode"])
report()
