import { randomUUID } from "node:crypto";
import { withTransaction } from "../../db";
import {
  applyError,
  applyResult,
  applyResultPath,
  applyTemplate,
  selectCatcher,
  selectPath,
  stepState,
  validateDefinition,
  invalidDefinitionMessage,
  type Json,
  type JsonObject,
  type RunContext,
  type Scope,
  type StepOutcome,
} from "../../core/states";
import { AppError } from "../../core/errors";
import { region } from "./state-machine.arns";
import { canRead, canWrite, type WorkflowCaller } from "./state-machine.common";
import { constraint, invalidDefinition, ModelCheck, sfnValidation } from "./state-machine.errors";
import { checkRoleArn } from "./state-machine.service";
import type { TaskPattern, TaskOutcome } from "./tasks/resource";
import { taskResourceFor } from "./tasks/registry";

// TestState: runs ONE state with the Workflows core, as AWS's TestState does: the state's input
// processing, its work (a Task calls its resource once, for real), result processing, Retry/Catch
// decisions, and the transition. No execution, no history. INFO answers output/status/nextState;
// DEBUG and TRACE add inspectionData (each processing step's value as JSON text).
// A `mock` (result or errorOutput) stands in for the state's work, as on AWS: a Task then calls
// nothing (and may be an activity, .sync or .waitForTaskToken), and Map and Parallel states, which
// TestState runs only with a mock, take it as the result of all their iterations / branches.

export type TestStateInput = {
  definition: string;
  roleArn?: string;
  input?: string;
  inspectionLevel?: string;
  revealSecrets?: boolean;
  variables?: string;
  stateName?: string;
  mock?: TestStateMock;
};

export type TestStateMock = {
  result?: string;
  errorOutput?: { error?: string; cause?: string };
  fieldValidationMode?: string;
};

export type TestStateOutput = {
  output?: string;
  error?: string;
  cause?: string;
  inspectionData?: Record<string, unknown>;
  nextState?: string;
  status: "SUCCEEDED" | "FAILED" | "RETRIABLE" | "CAUGHT_ERROR";
};

const MAX_DEFINITION = 1_048_576;
const TEST_STATE = "TestState";

function parseJson(text: string, what: "input" | "variables"): Json {
  try {
    return JSON.parse(text) as Json;
  } catch (e) {
    if (what === "input")
      throw new AppError("validation", `Invalid State Machine Execution Input: '${(e as Error).message}'`, {
        awsCode: "InvalidExecutionInput",
      });
    throw sfnValidation(`Invalid variables: '${(e as Error).message}'`);
  }
}

/** Every state a single state's transitions name (Next, Default, Choices[].Next, Catch[].Next). */
function targets(state: JsonObject): string[] {
  const out = new Set<string>();
  if (typeof state.Next === "string") out.add(state.Next);
  if (typeof state.Default === "string") out.add(state.Default);
  for (const c of Array.isArray(state.Choices) ? state.Choices : [])
    if (c && typeof c === "object" && !Array.isArray(c) && typeof c.Next === "string") out.add(c.Next);
  for (const c of Array.isArray(state.Catch) ? state.Catch : [])
    if (c && typeof c === "object" && !Array.isArray(c) && typeof c.Next === "string") out.add(c.Next);
  return [...out];
}

/** The scope to run: a full machine with stateName, or one state wrapped with placeholder targets. */
function scopeFor(definition: string, stateName: string | undefined): { scope: Scope; name: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(definition);
  } catch {
    const v = validateDefinition(definition);
    throw invalidDefinition(invalidDefinitionMessage(v.diagnostics));
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed))
    throw invalidDefinition(
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object'",
    );
  const obj = parsed as JsonObject;
  if (stateName !== undefined) {
    const v = validateDefinition(definition);
    if (v.result === "FAIL") throw invalidDefinition(invalidDefinitionMessage(v.diagnostics));
    const states = obj.States as Record<string, JsonObject>;
    if (!(stateName in states))
      throw sfnValidation(`State '${stateName}' does not exist in the state machine definition.`);
    return {
      scope: { StartAt: stateName, States: states, QueryLanguage: obj.QueryLanguage as never },
      name: stateName,
    };
  }
  if ("States" in obj || "StartAt" in obj)
    throw sfnValidation("stateName is required when the definition is a state machine definition.");
  const name = targets(obj).includes(TEST_STATE) ? `${TEST_STATE}-${randomUUID().slice(0, 8)}` : TEST_STATE;
  const States: Record<string, JsonObject> = { [name]: obj };
  for (const t of targets(obj)) States[t] = { Type: "Succeed" };
  const wrapped = JSON.stringify({ StartAt: name, States });
  const v = validateDefinition(wrapped);
  if (v.result === "FAIL") throw invalidDefinition(invalidDefinitionMessage(v.diagnostics));
  return { scope: { StartAt: name, States }, name };
}

function patternOf(resource: string): TaskPattern {
  if (resource.endsWith(".waitForTaskToken")) return "waitForTaskToken";
  if (resource.endsWith(".sync:2")) return "sync2";
  if (resource.endsWith(".sync")) return "sync";
  return "requestResponse";
}

const text = (v: Json | undefined) => (v === undefined ? undefined : JSON.stringify(v));

export async function testState(caller: WorkflowCaller, input: TestStateInput): Promise<TestStateOutput> {
  if (input.definition.length < 1 || input.definition.length > MAX_DEFINITION)
    new ModelCheck().length(input.definition, "definition", 1, MAX_DEFINITION, true).done();
  const level = input.inspectionLevel ?? "INFO";
  if (!["INFO", "DEBUG", "TRACE"].includes(level))
    throw constraint(level, "inspectionLevel", "Member must satisfy enum value set: [INFO, DEBUG, TRACE]");
  if (input.roleArn !== undefined) checkRoleArn(input.roleArn);
  if (input.stateName !== undefined && (input.stateName.length < 1 || input.stateName.length > 80))
    new ModelCheck().length(input.stateName, "stateName", 1, 80).done();
  const { scope, name } = scopeFor(input.definition, input.stateName);
  const state = scope.States[name]!;
  const raw = parseJson(input.input ?? "{}", "input");
  const variables = input.variables !== undefined ? parseJson(input.variables, "variables") : {};
  if (!variables || typeof variables !== "object" || Array.isArray(variables))
    throw sfnValidation("Invalid variables: the variables must be a JSON object.");
  const mock = mockOf(input.mock, state);
  if (state.Type === "Task") canWrite(caller);
  else canRead(caller);

  const now = new Date();
  const execName = `test-state-${randomUUID()}`;
  const smArn = `arn:aws:states:${region()}:${caller.tenant.accountId}:stateMachine:TestState`;
  const run: RunContext = {
    context: {
      Execution: {
        Id: `arn:aws:states:${region()}:${caller.tenant.accountId}:execution:TestState:${execName}`,
        Input: raw,
        Name: execName,
        RoleArn: input.roleArn ?? null,
        StartTime: now.toISOString(),
        RedriveCount: 0,
      },
      State: { Name: name, EnteredTime: now.toISOString(), RetryCount: 0 },
      StateMachine: { Id: smArn, Name: "TestState" },
    },
    variables: variables as JsonObject,
    now,
  };

  const inspection: Record<string, unknown> = {};
  const debug = level !== "INFO";
  const jsonPath = (state.QueryLanguage ?? scope.QueryLanguage ?? "JSONPath") === "JSONPath";
  const env = { context: run.context, variables: run.variables };
  let afterParameters: Json | undefined;
  if (debug) {
    inspection.input = text(raw);
    if (jsonPath) {
      try {
        const afterInputPath = selectPath(state.InputPath as string | null | undefined, "InputPath", raw, env);
        inspection.afterInputPath = text(afterInputPath);
        if (state.Type === "Pass" || state.Type === "Task") {
          afterParameters =
            "Parameters" in state ? applyTemplate(state.Parameters!, afterInputPath, env) : afterInputPath;
          inspection.afterParameters = text(afterParameters);
        }
      } catch {
        /* the step below reports the failure */
      }
    }
  }

  let outcome: StepOutcome = await stepState(scope, name, raw, run);
  let taskResult: Json | undefined;
  let failure: { error: string; cause?: string } | undefined;
  // A Task (Map, Parallel) whose input processing failed never reaches its work: stepState already
  // applied Retry/Catch.
  const worked = state.Type === "Task" || state.Type === "Map" || state.Type === "Parallel";
  const failedEarly = worked && outcome.kind !== "task" && outcome.kind !== "map" && outcome.kind !== "parallel";
  if ((outcome.kind === "task" || outcome.kind === "map" || outcome.kind === "parallel") && mock) {
    if (outcome.kind === "task" && debug)
      inspection[jsonPath ? "afterParameters" : "afterArguments"] = text(outcome.input);
    if (mock.kind === "result") {
      taskResult = mock.result;
      outcome = await applyResult(scope, name, raw, taskResult, run);
    } else {
      failure = mock.failure;
      outcome = await applyError(scope, name, raw, failure, run);
    }
  } else if (outcome.kind === "task") {
    // What the resource receives: Parameters (JSONPath) or Arguments (JSONata) already evaluated.
    if (debug) inspection[jsonPath ? "afterParameters" : "afterArguments"] = text(outcome.input);
    const resource = taskResourceFor(outcome.resource);
    const pattern = patternOf(outcome.resource);
    if (!resource) throw sfnValidation(`TestState does not support the resource '${outcome.resource}'.`);
    if (resource.resourceType === "activity" || pattern !== "requestResponse")
      throw sfnValidation(
        `TestState supports the request-response pattern only; '${outcome.resource}' (${resource.resourceType === "activity" ? "activity" : pattern}) is not supported.`,
      );
    if (!resource.patterns.includes(pattern))
      throw sfnValidation(`The resource '${outcome.resource}' does not support this integration pattern.`);
    const req = {
      tenant: caller.tenant,
      executionId: randomUUID(),
      executionArn: (run.context.Execution as JsonObject).Id as string,
      stateMachineArn: smArn,
      stateName: name,
      resource: outcome.resource,
      pattern,
      input: outcome.input,
      taskToken: null,
      idempotencyKey: `test-state:${randomUUID()}`,
      timeoutSeconds: outcome.timeoutSeconds,
      heartbeatSeconds: outcome.heartbeatSeconds,
      credentials: outcome.credentials,
    };
    const done: TaskOutcome =
      resource.mode === "local" ? await withTransaction((tx) => resource.start(tx, req)) : await resource.run(req);
    if (done.kind === "pending") throw sfnValidation("The task did not complete in one call.");
    if (done.kind === "succeeded") {
      taskResult = done.output as Json;
      outcome = await applyResult(scope, name, raw, taskResult, run);
    } else {
      failure = { error: done.error, cause: done.cause };
      outcome = await applyError(scope, name, raw, failure, run);
    }
  }
  if (outcome.kind === "wait") outcome = outcome.then;

  if (debug && jsonPath && outcome.kind !== "fail" && outcome.kind !== "retry" && !failure) {
    try {
      const result =
        state.Type === "Task" || state.Type === "Map" || state.Type === "Parallel"
          ? taskResult
          : state.Type === "Pass"
            ? "Result" in state
              ? state.Result!
              : afterParameters
            : undefined;
      if (result !== undefined) {
        inspection.result = text(result);
        const selected = "ResultSelector" in state ? applyTemplate(state.ResultSelector!, result, env) : result;
        if (state.Type !== "Pass") inspection.afterResultSelector = text(selected);
        inspection.afterResultPath = text(
          applyResultPath(state.ResultPath as string | null | undefined, raw, selected),
        );
      }
    } catch {
      /* reported by the step */
    }
  } else if (debug && taskResult !== undefined) inspection.result = text(taskResult);

  const finish = (o: TestStateOutput): TestStateOutput => {
    if (debug) {
      if ((o.status === "SUCCEEDED" || o.status === "CAUGHT_ERROR") && "variables" in outcome)
        inspection.variables = text(outcome.variables);
      o.inspectionData = inspection;
    }
    return {
      output: o.output,
      error: o.error,
      cause: o.cause,
      inspectionData: o.inspectionData,
      nextState: o.nextState,
      status: o.status,
    };
  };

  switch (outcome.kind) {
    case "next":
      if (failure || failedEarly) {
        const caught = failure && selectCatcher(state.Catch as JsonObject[] | undefined, failure.error);
        inspection.errorDetails = { catchIndex: caught ? caught.index : 0 };
        return finish({
          status: "CAUGHT_ERROR",
          output: text(outcome.output),
          nextState: outcome.next,
          error: failure?.error,
          cause: failure?.cause,
        });
      }
      return finish({ status: "SUCCEEDED", output: text(outcome.output), nextState: outcome.next });
    case "end":
      return finish({ status: "SUCCEEDED", output: text(outcome.output) });
    case "fail":
      return finish({ status: "FAILED", error: outcome.error, cause: outcome.cause });
    case "retry":
      inspection.errorDetails = { retryIndex: outcome.retrierIndex, retryBackoffIntervalSeconds: outcome.delaySeconds };
      return finish({ status: "RETRIABLE", error: failure?.error, cause: failure?.cause, nextState: name });
    default:
      throw sfnValidation(`TestState does not support ${String(state.Type)} states.`);
  }
}

type Mocked = { kind: "result"; result: Json } | { kind: "error"; failure: { error: string; cause?: string } };

/** The mock, checked as AWS checks it: one of result / errorOutput, only for Task, Map and Parallel states. */
function mockOf(mock: TestStateMock | undefined, state: JsonObject): Mocked | undefined {
  const type = String(state.Type);
  if (mock === undefined) {
    if (type === "Map" || type === "Parallel")
      throw sfnValidation(`TestState requires a mock to test a ${type} state.`);
    return undefined;
  }
  const e = mock.errorOutput as unknown;
  if (
    (mock.result !== undefined && typeof mock.result !== "string") ||
    (mock.fieldValidationMode !== undefined && typeof mock.fieldValidationMode !== "string") ||
    (e !== undefined &&
      (e === null ||
        typeof e !== "object" ||
        Array.isArray(e) ||
        ["error", "cause"].some((k) => {
          const v = (e as Record<string, unknown>)[k];
          return v !== undefined && typeof v !== "string";
        })))
  )
    throw new AppError("validation", "Start of structure or map found where not expected.", {
      awsCode: "SerializationException",
    });
  if (type !== "Task" && type !== "Map" && type !== "Parallel")
    throw sfnValidation(`TestState does not support a mock for ${type} states; only Task, Map and Parallel states.`);
  if (mock.fieldValidationMode !== undefined && !["STRICT", "PRESENT", "NONE"].includes(mock.fieldValidationMode))
    throw constraint(
      mock.fieldValidationMode,
      "mock.fieldValidationMode",
      "Member must satisfy enum value set: [STRICT, PRESENT, NONE]",
    );
  if ((mock.result === undefined) === (mock.errorOutput === undefined))
    throw sfnValidation("A mock must contain exactly one of 'result' and 'errorOutput'.");
  if (mock.errorOutput !== undefined && mock.errorOutput.error === undefined)
    throw sfnValidation("The mock's errorOutput must contain an error.");
  if (mock.errorOutput !== undefined)
    return {
      kind: "error",
      failure: {
        error: mock.errorOutput.error!,
        ...(mock.errorOutput.cause !== undefined ? { cause: mock.errorOutput.cause } : {}),
      },
    };
  let result: Json;
  try {
    result = JSON.parse(mock.result!) as Json;
  } catch (e) {
    throw sfnValidation(`Invalid mock result: '${(e as Error).message}'`);
  }
  if (type === "Map" && !Array.isArray(result))
    throw sfnValidation("The mock result of a Map state must be a JSON array.");
  if (type === "Parallel" && !Array.isArray(result))
    throw sfnValidation("The mock result of a Parallel state must be a JSON array.");
  return { kind: "result", result };
}
