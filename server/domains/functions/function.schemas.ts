import { z } from "zod";

// zod for the function forms (REST and the console); the service checks the meaning with Lambda's
// ranges and messages.

export const functionSettingsInput = z.object({
  url: z.string().min(1).max(2048).optional(),
  description: z.string().max(256).optional(),
  timeoutSeconds: z.number().int().min(1).max(900).optional(),
  reservedConcurrency: z.number().int().min(0).max(1000).nullable().optional(),
  maximumRetryAttempts: z.number().int().min(0).max(2).optional(),
  maximumEventAgeSeconds: z.number().int().min(60).max(21600).optional(),
  onFailureDestination: z.string().max(1024).nullable().optional(),
});

export const createFunctionInput = functionSettingsInput.extend({
  name: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[a-zA-Z0-9_-]+$/, "Letters, digits, hyphens and underscores only"),
  url: z.string().min(1).max(2048),
});

export const invokeFunctionInput = z.object({
  payload: z
    .string()
    .max(6 * 1024 * 1024)
    .default("{}"),
  invocationType: z.enum(["RequestResponse", "Event", "DryRun"]).default("RequestResponse"),
});
