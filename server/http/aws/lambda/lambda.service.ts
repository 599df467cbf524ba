import { z } from "zod";
import { AppError } from "../../../core/errors";
import { lambdaTimestamp, validationMessage } from "../../../core/lambda/function-rules";
import { getFunction, listFunctions } from "../../../domains/functions/function.service";
import { invokeFunction, type InvocationType } from "../../../domains/functions/function.invoke";
import type { FunctionRow } from "../../../domains/functions/function.repository";
import { awsErrorCode } from "../codec";
import { restJsonErrorReply } from "../rest-json";
import type { AwsAction, AwsCall, AwsReply, AwsService } from "../types";

// AWS Lambda on the AWS door (REST JSON, SigV4 service `lambda`): Invoke, GetFunction,
// GetFunctionConfiguration and ListFunctions over the functions domain, so `aws lambda invoke` and
// @aws-sdk/client-lambda work unchanged. A function here is a tenant's own HTTPS service; there is
// no code package, runtime or role, so GetFunction has no `Code` and the configuration no Runtime.

const JSON_CT = "application/json";

const ctx = (call: AwsCall) => ({ actor: call.ctx.actor, tenant: call.ctx.tenant });
const header = (call: AwsCall, name: string): string | undefined => {
  const v = call.headers?.[name];
  return Array.isArray(v) ? v[0] : v;
};

function qualified(call: AwsCall): string {
  const name = call.pathParams?.FunctionName ?? "";
  const q = call.query?.get("Qualifier");
  return q ? `${name}:${q}` : name;
}

export function functionConfiguration(f: FunctionRow): Record<string, unknown> {
  return {
    FunctionName: f.name,
    FunctionArn: f.arn,
    Description: f.description,
    Timeout: f.timeoutSeconds,
    MemorySize: 128,
    LastModified: lambdaTimestamp(f.updatedAt),
    CodeSize: 0,
    CodeSha256: "",
    Version: "$LATEST",
    TracingConfig: { Mode: "PassThrough" },
    RevisionId: f.revisionId,
    State: "Active",
    LastUpdateStatus: "Successful",
    PackageType: "Zip",
    Architectures: ["x86_64"],
    EphemeralStorage: { Size: 512 },
  };
}

const INVOCATION_TYPES = new Set<InvocationType>(["RequestResponse", "Event", "DryRun"]);

const invoke: AwsAction = async (call) => {
  const type = header(call, "x-amz-invocation-type") ?? "RequestResponse";
  if (!INVOCATION_TYPES.has(type as InvocationType))
    throw new AppError(
      "validation",
      validationMessage(type, "invocationType", "Member must satisfy enum value set: [Event, RequestResponse, DryRun]"),
      { awsCode: "ValidationException" },
    );
  const logType = header(call, "x-amz-log-type");
  const started = performance.now();
  const r = await invokeFunction(ctx(call), qualified(call), call.rawBody ?? Buffer.alloc(0), {
    invocationType: type as InvocationType,
    requestId: call.ctx.requestId,
    clientContext: header(call, "x-amz-client-context"),
  });
  if (r.statusCode !== 200) return { status: r.statusCode, headers: { "content-type": JSON_CT }, body: "" };
  const headers: Record<string, string> = {
    "content-type": JSON_CT,
    "x-amz-executed-version": r.executedVersion,
  };
  if (r.functionError) headers["x-amz-function-error"] = r.functionError;
  if (logType === "Tail") {
    // No function logs reach Signalbox; the tail holds the platform's START/END/REPORT lines.
    const ms = (performance.now() - started).toFixed(2);
    const log = `START RequestId: ${r.requestId} Version: $LATEST\nEND RequestId: ${r.requestId}\nREPORT RequestId: ${r.requestId}\tDuration: ${ms} ms\tBilled Duration: ${Math.ceil(Number(ms))} ms\t\n`;
    headers["x-amz-log-result"] = Buffer.from(log).toString("base64");
  }
  return { status: 200, headers, body: r.payload };
};

const getFn: AwsAction = async (call) => {
  const f = await getFunction(call.ctx.actor, call.ctx.tenant, qualified(call));
  const out: Record<string, unknown> = { Configuration: functionConfiguration(f) };
  if (Object.keys(f.tags).length) out.Tags = f.tags;
  if (f.reservedConcurrency !== null) out.Concurrency = { ReservedConcurrentExecutions: f.reservedConcurrency };
  return { headers: { "content-type": JSON_CT }, body: JSON.stringify(out) };
};

const getConfiguration: AwsAction = async (call) => {
  const f = await getFunction(call.ctx.actor, call.ctx.tenant, qualified(call));
  return { headers: { "content-type": JSON_CT }, body: JSON.stringify(functionConfiguration(f)) };
};

const maxItems = z.coerce.number().int();

const list: AwsAction = async (call) => {
  const raw = call.query?.get("MaxItems");
  let max: number | undefined;
  if (raw !== null && raw !== undefined) {
    const p = maxItems.safeParse(raw);
    if (!p.success || p.data < 1 || p.data > 10_000)
      throw new AppError(
        "validation",
        validationMessage(raw, "maxItems", "Member must have value between 1 and 10000"),
        {
          awsCode: "ValidationException",
        },
      );
    max = p.data;
  }
  const page = await listFunctions(call.ctx.actor, call.ctx.tenant, {
    marker: call.query?.get("Marker") ?? null,
    maxItems: max,
  });
  const out: Record<string, unknown> = { Functions: page.functions.map(functionConfiguration) };
  if (page.nextMarker) out.NextMarker = page.nextMarker;
  return { headers: { "content-type": JSON_CT }, body: JSON.stringify(out) };
};

// Generic errors (the door's own, zod) get Lambda's names.
const LAMBDA_CODES: Partial<Record<AppError["code"], { code: string; status: number }>> = {
  validation: { code: "InvalidParameterValueException", status: 400 },
  not_found: { code: "ResourceNotFoundException", status: 404 },
  conflict: { code: "ResourceConflictException", status: 409 },
  rate_limited: { code: "TooManyRequestsException", status: 429 },
  too_large: { code: "RequestTooLargeException", status: 413 },
  internal: { code: "ServiceException", status: 500 },
  unavailable: { code: "ServiceException", status: 503 },
};

function renderLambdaError(err: AppError, requestId: string): AwsReply {
  const fallback = LAMBDA_CODES[err.code];
  const code = err.awsCode ?? fallback?.code ?? awsErrorCode(err);
  const status = err.awsStatus ?? fallback?.status ?? err.mapping.awsStatus;
  const e = new AppError(err.code, err.message, { awsCode: code, awsStatus: status, senderFault: err.senderFault });
  const extra: Record<string, unknown> = { Type: err.senderFault ? "User" : "Service" };
  if (code === "TooManyRequestsException" && err.message === "Rate Exceeded.")
    extra.Reason = "ReservedFunctionConcurrentInvocationLimitExceeded";
  return restJsonErrorReply(e, requestId, code, extra);
}

export const lambdaService: AwsService = {
  name: "lambda",
  actions: new Map<string, AwsAction>([
    ["Invoke", invoke],
    ["GetFunction", getFn],
    ["GetFunctionConfiguration", getConfiguration],
    ["ListFunctions", list],
  ]),
  routes: [
    { method: "POST", path: "/2015-03-31/functions/{FunctionName}/invocations", action: "Invoke" },
    { method: "GET", path: "/2015-03-31/functions/{FunctionName}/configuration", action: "GetFunctionConfiguration" },
    { method: "GET", path: "/2015-03-31/functions/{FunctionName}", action: "GetFunction" },
    { method: "GET", path: "/2015-03-31/functions", action: "ListFunctions" },
  ],
  rawBodyActions: new Set(["Invoke"]),
  renderError: (err, call) => renderLambdaError(err, call.requestId),
};
