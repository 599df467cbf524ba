import { z } from "zod";

// Console input schemas for the events router (zod field errors reach the forms under these names).
// AWS's own limits: bus and rule names 1–64 of [.\-_A-Za-z0-9] (bus names also "/" for partner buses),
// target ids 1–64 of [.\-_A-Za-z0-9], at most 5 targets per rule.
const NAME = /^[.\-_A-Za-z0-9]+$/;

export const busName = z
  .string()
  .trim()
  .min(1, "Give the bus a name.")
  .max(256, "Bus names are at most 256 characters.")
  .regex(/^[/.\-_A-Za-z0-9]+$/, "Use letters, digits, and . - _ / only.");

export const ruleName = z
  .string()
  .trim()
  .min(1, "Give the rule a name.")
  .max(64, "Rule names are at most 64 characters.")
  .regex(NAME, "Use letters, digits, and . - _ only.");

export const createBusInput = z.object({
  name: busName
    .refine((n) => n !== "default", "Every team already has the bus “default”.")
    .refine((n) => !n.includes("/"), "Custom bus names cannot contain “/” (that is for partner buses)."),
  description: z.string().max(512, "Descriptions are at most 512 characters.").optional(),
});

export const busRef = z.object({ bus: busName });
export const ruleRef = z.object({ bus: busName, rule: ruleName });

export const putRuleInput = z
  .object({
    bus: busName,
    name: ruleName,
    description: z.string().max(512, "Descriptions are at most 512 characters.").optional(),
    eventPattern: z.string().max(4096, "Event patterns are at most 4,096 characters.").optional(),
    scheduleExpression: z.string().max(256, "Schedule expressions are at most 256 characters.").optional(),
    state: z.enum(["ENABLED", "DISABLED"]).default("ENABLED"),
  })
  .superRefine((v, ctx) => {
    if (!v.eventPattern?.trim() && !v.scheduleExpression?.trim())
      ctx.addIssue({
        code: "custom",
        path: ["eventPattern"],
        message: "A rule needs an event pattern, a schedule, or both.",
      });
    if (v.scheduleExpression?.trim() && v.bus !== "default")
      ctx.addIssue({
        code: "custom",
        path: ["scheduleExpression"],
        message: "Schedule expressions are supported only on the default event bus.",
      });
  });

export const targetInput = z.object({
  id: z
    .string()
    .trim()
    .min(1, "Give the target an id.")
    .max(64, "Target ids are at most 64 characters.")
    .regex(NAME, "Use letters, digits, and . - _ only."),
  arn: z.string().trim().min(1, "Pick where matching events go.").max(1600),
  input: z.string().max(8192).optional(),
  inputPath: z.string().max(256).optional(),
  inputTransformer: z
    .object({
      inputPathsMap: z.record(z.string(), z.string()).optional(),
      inputTemplate: z.string().max(8192),
    })
    .optional(),
  messageGroupId: z.string().max(128).optional(),
  maximumRetryAttempts: z
    .number()
    .int()
    .min(0, "Retry attempts are between 0 and 185.")
    .max(185, "Retry attempts are between 0 and 185.")
    .optional(),
  maximumEventAgeInSeconds: z
    .number()
    .int()
    .min(60, "Maximum event age is between 60 and 86,400 seconds.")
    .max(86400, "Maximum event age is between 60 and 86,400 seconds.")
    .optional(),
  deadLetterArn: z.string().max(1600).optional(),
});

export const putTargetInput = z.object({ bus: busName, rule: ruleName, target: targetInput });

export const putEventInput = z.object({
  bus: busName,
  source: z.string().trim().min(1, "Say where the event comes from (source).").max(256),
  detailType: z.string().trim().min(1, "Give the event a detail type.").max(256),
  detail: z.string().max(256 * 1024, "An event is at most 256 KiB."),
  resources: z.array(z.string().max(1600)).max(10).optional(),
});

export const eventSearchInput = z.object({
  bus: busName,
  source: z.string().max(256).nullish(),
  detailType: z.string().max(256).nullish(),
  id: z.string().max(128).nullish(),
  from: z.coerce.date().nullish(),
  to: z.coerce.date().nullish(),
  cursor: z.string().max(200).nullish(),
  limit: z.number().int().min(1).max(200).optional(),
});

export const ruleMetricsInput = z.object({ bus: busName, rule: ruleName, from: z.coerce.date(), to: z.coerce.date() });
