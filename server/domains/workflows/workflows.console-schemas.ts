import { z } from "zod";

// Console input schemas for the workflows router (zod field errors reach the forms under these
// names). AWS's limits: state machine and execution names 1–80 characters, no whitespace, no
// brackets/wildcards/special characters; definitions up to 1 MB; input up to 256 KiB.
const NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]+$/; // control characters: the service refuses them (InvalidName)

export const machineName = z
  .string()
  .trim()
  .min(1, "Give the state machine a name.")
  .max(80, "Names are at most 80 characters.")
  .regex(NAME, "Use letters, digits, - and _ (no spaces or special characters).");

export const executionName = z
  .string()
  .trim()
  .min(1, "Give the execution a name.")
  .max(80, "Names are at most 80 characters.")
  .regex(NAME, "Use letters, digits, - and _ (no spaces or special characters).");

const json = (what: string, max: number) =>
  z
    .string()
    .max(max, `${what} is at most ${max.toLocaleString("en")} characters.`)
    .refine((s) => {
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    }, `${what} must be valid JSON.`);

export const definitionText = z
  .string()
  .min(1, "Write the definition.")
  .max(1_048_576, "Definitions are at most 1 MB.");

export const machineRef = z.object({ machine: machineName });

export const createMachineInput = z.object({
  name: machineName,
  type: z.enum(["STANDARD", "EXPRESS"]),
  definition: definitionText,
  roleArn: z.string().max(256).optional(),
  description: z.string().max(256, "Descriptions are at most 256 characters.").optional(),
});

export const updateMachineInput = z.object({
  machine: machineName,
  definition: definitionText,
  publish: z.boolean().optional(),
  versionDescription: z.string().max(256, "Descriptions are at most 256 characters.").optional(),
});

export const aliasInput = z.object({
  machine: machineName,
  name: z
    .string()
    .trim()
    .min(1, "Give the alias a name.")
    .max(80, "Alias names are at most 80 characters.")
    .regex(/^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]+$/, "Use letters, digits, - _ and . (not only digits)."),
  version: z.number().int().min(1, "Pick a version."),
  description: z.string().max(256).optional(),
});

export const executionsInput = z
  .object({
    machine: machineName.optional(),
    status: z.enum(["RUNNING", "SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED", "PENDING_REDRIVE"]).optional(),
    /** Executions whose name starts with this (case-sensitive, as names are). */
    namePrefix: z.string().trim().max(80, "Names are at most 80 characters.").optional(),
    startedAfter: z.date().optional(),
    startedBefore: z.date().optional(),
    /** nextCursor of the previous page. */
    cursor: z.string().max(200).nullish(),
    limit: z.number().int().min(1).max(1000).optional(),
  })
  .refine((v) => !v.startedAfter || !v.startedBefore || v.startedAfter < v.startedBefore, {
    message: "The start of the range must be before its end.",
    path: ["startedBefore"],
  });

export const updateMapRunInput = z.object({
  machine: machineName,
  execution: executionName,
  mapRunArn: z.string().min(1).max(2048),
  maxConcurrency: z.number().int().min(0, "MaxConcurrency is 0 (no limit) or more.").max(10_000).optional(),
  toleratedFailurePercentage: z.number().min(0).max(100, "At most 100 percent.").optional(),
  toleratedFailureCount: z.number().int().min(0).optional(),
});

/** A Distributed Map's Label (or state name): a child execution's ARN is …:execution:<machine>/<label>:<name>. */
export const mapRunLabel = z
  .string()
  .min(1)
  .max(80)
  .regex(/^[^\s<>{}[\]?*"#%\\^|~`$&,;:/]+$/, "Not a map run label.");

export const executionRef = z.object({
  machine: machineName,
  execution: executionName,
  /** Set for a Distributed Map's child execution. */
  mapRun: mapRunLabel.optional(),
});

export const startExecutionInput = z.object({
  machine: machineName,
  /** A version number or alias name to start instead of the latest revision. */
  qualifier: z.string().max(80).optional(),
  name: executionName.optional(),
  input: json("The input", 262_144),
});

export const stopExecutionInput = executionRef.extend({
  error: z.string().max(256).optional(),
  cause: z.string().max(32_768).optional(),
});

export const taskSuccessInput = executionRef.extend({
  taskToken: z.string().min(1).max(2048),
  output: json("The output", 262_144),
});

export const taskFailureInput = executionRef.extend({
  taskToken: z.string().min(1).max(2048),
  error: z.string().max(256, "Errors are at most 256 characters.").optional(),
  cause: z.string().max(32_768).optional(),
});

export const testStateInput = z.object({
  definition: z.string().min(1, "Write the state to test.").max(1_048_576),
  input: json("The input", 262_144),
  roleArn: z.string().max(256).optional(),
  variables: json("The variables", 262_144).optional(),
  /** TestState's mock.result: stands in for the state's work (required for Map and Parallel). */
  mockResult: json("The mock result", 262_144).optional(),
});
