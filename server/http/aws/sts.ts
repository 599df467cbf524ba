import { queryErrorReply, queryReply, xmlTag } from "./codec";
import type { AwsCall, AwsReply, AwsService } from "./types";

// STS, only GetCallerIdentity: the end-to-end proof that a tenant's key signs correctly
// (`aws sts get-caller-identity --endpoint-url .../api/aws`).
const XMLNS = "https://sts.amazonaws.com/doc/2011-06-15/";

export const stsService: AwsService = {
  name: "sts",
  actions: new Map([["GetCallerIdentity", getCallerIdentity]]),
  renderError(err, call) {
    return queryErrorReply(err, call.requestId, XMLNS);
  },
};

async function getCallerIdentity(call: AwsCall): Promise<AwsReply> {
  const { tenant, actor } = call.ctx;
  const arn = `arn:aws:iam::${tenant.accountId}:user/${actor.keyId}`;
  if (call.protocol === "json") {
    return {
      headers: { "content-type": "application/x-amz-json-1.1" },
      body: JSON.stringify({ UserId: actor.keyId, Account: tenant.accountId, Arn: arn }),
    };
  }
  return queryReply(
    "GetCallerIdentity",
    XMLNS,
    xmlTag("Arn", arn) + xmlTag("UserId", actor.keyId) + xmlTag("Account", tenant.accountId),
    call.ctx.requestId,
  );
}
