import { awsErrorCode, jsonErrorReply } from "../codec";
import type { AwsAction, AwsService } from "../types";
import { machineActions } from "./machines.actions";
import { executionActions } from "./executions.actions";
import { activityActions } from "./activities.actions";

// AWS Step Functions on /api/aws: AWS JSON 1.0, X-Amz-Target: AWSStepFunctions.<Action>, SigV4
// scope "states". State machines, versions, aliases, tags, validation and TestState
// (machines.actions.ts); executions, history, redrive, task tokens and map runs
// (executions.actions.ts); activities' workers (activities.actions.ts, GetActivityTask long-polls).

const actions = new Map<string, AwsAction>([...machineActions, ...executionActions, ...activityActions]);

// Step Functions answers its own exceptions in the namespace of its original service model
// (`com.amazonaws.swf.service.v2.model#StateMachineDoesNotExist`) and model-constraint violations in
// Coral's (`com.amazon.coral.validate#ValidationException`), as recorded from AWS; SDKs read the part
// after '#'.
const SERVICE_NAMESPACE = "com.amazonaws.swf.service.v2.model";
const VALIDATE_NAMESPACE = "com.amazon.coral.validate";

export const statesService: AwsService = {
  name: "states",
  targetPrefix: "AWSStepFunctions",
  actions,
  waiting: new Set(["GetActivityTask"]),
  renderError: (err, c) =>
    jsonErrorReply(err, c.requestId, {
      namespace: awsErrorCode(err) === "ValidationException" ? VALIDATE_NAMESPACE : SERVICE_NAMESPACE,
      contentType: "application/x-amz-json-1.0",
    }),
};
