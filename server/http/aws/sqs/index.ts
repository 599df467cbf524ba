import { AppError } from "../../../core/errors";
import { SQS_ERRORS, SQS_XMLNS } from "../../../core/sqs";
import { awsErrorCode, jsonErrorReply, queryErrorReply, queryReply } from "../codec";
import type { AwsAction, AwsCall, AwsReply, AwsService } from "../types";
import { ACTIONS, type Handler } from "./actions";
import { EMPTY_RESULT, jsonToXmlResult, queryToJson } from "./query";

// SQS on the AWS endpoint, in both protocols: AWS JSON 1.0 (X-Amz-Target: AmazonSQS.<Action>,
// today's SDKs) and the query protocol (form body, XML replies: the AWS CLI 2.9 and older SDKs).
// Both are translated to the JSON shapes and served by the same handlers (actions.ts).

const JSON_CT = "application/x-amz-json-1.0";

function queryCode(code: string): string {
  return SQS_ERRORS[code]?.query ?? code;
}

async function runJson(call: AwsCall, handler: Handler): Promise<AwsReply> {
  const out = await handler(call.ctx, call.json ?? {}, call.path);
  return { headers: { "content-type": JSON_CT }, body: JSON.stringify(out) };
}

async function runQuery(call: AwsCall, handler: Handler): Promise<AwsReply> {
  const out = await handler(call.ctx, queryToJson(call.action, call.params ?? new URLSearchParams()), call.path);
  return queryReply(
    call.action,
    SQS_XMLNS,
    EMPTY_RESULT.has(call.action) ? "" : jsonToXmlResult(call.action, out),
    call.ctx.requestId,
  );
}

const actions = new Map<string, AwsAction>(
  [...ACTIONS].map(([name, handler]) => [
    name,
    (call: AwsCall) => (call.protocol === "json" ? runJson(call, handler) : runQuery(call, handler)),
  ]),
);

export const sqsService: AwsService = {
  name: "sqs",
  targetPrefix: "AmazonSQS",
  actions,
  waiting: new Set(["ReceiveMessage"]),
  encodingErrorCode: "InvalidMessageContents",
  renderError(err, call) {
    const code = awsErrorCode(err);
    const status = err.awsStatus ?? SQS_ERRORS[code]?.status ?? err.mapping.awsStatus;
    const e = new AppError(err.code, err.message, { awsCode: code, awsStatus: status, senderFault: err.senderFault });
    if (call.protocol === "json")
      return jsonErrorReply(
        e,
        call.requestId,
        { namespace: "com.amazonaws.sqs", contentType: JSON_CT, queryCompat: queryCode(code) },
        code,
      );
    return queryErrorReply(e, call.requestId, SQS_XMLNS, queryCode(code));
  },
};
