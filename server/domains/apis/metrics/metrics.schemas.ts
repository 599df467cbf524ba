import { z } from "zod";

// Inputs of the metrics and access-log queries, shared by tRPC (apis.metrics.router.ts) and REST
// (server/http/rest/apis.routes.ts).

export const PERIODS = [60, 300, 900, 3600, 10800, 21600, 86400] as const;
/** The longest range one query may ask for (metrics are kept 15 days by default). */
export const MAX_RANGE_MS = 31 * 86400_000;
// MESSAGE: a WebSocket API frame (its route key is the resource); CONNECT: a WebSocket $connect.
const HTTP_METHODS = ["GET", "PUT", "POST", "DELETE", "PATCH", "OPTIONS", "HEAD", "MESSAGE", "CONNECT"] as const;

const when = z.string().datetime({ offset: true, message: "An ISO 8601 time, e.g. 2026-12-02T08:00:00Z." });
const dimension = z.string().min(1).max(1024);

const apiId = { apiId: z.string().min(1).max(64) };
const range = {
  from: when.optional(),
  to: when.optional(),
  stage: z.string().min(1).max(128).optional(),
};

function rangeOk(v: { from?: string; to?: string }, ctx: z.RefinementCtx) {
  const from = v.from ? Date.parse(v.from) : undefined;
  const to = v.to ? Date.parse(v.to) : Date.now();
  if (from !== undefined && from >= to)
    ctx.addIssue({ code: "custom", path: ["from"], message: "from must be before to." });
  if (from !== undefined && to - from > MAX_RANGE_MS)
    ctx.addIssue({ code: "custom", path: ["from"], message: "At most 31 days at once." });
}

const metricsFields = {
  ...range,
  resource: dimension.optional(),
  method: z.enum(HTTP_METHODS).optional(),
  /** Seconds per point; chosen from the range (about 120 points at most) when absent. */
  period: z.coerce
    .number()
    .int()
    .refine((p) => (PERIODS as readonly number[]).includes(p), `One of ${PERIODS.join(", ")} seconds.`)
    .optional(),
  /** Narrow the range to where the data is (default true). */
  zoom: z
    .union([z.boolean(), z.enum(["true", "false"]).transform((s) => s === "true")])
    .optional()
    .default(true),
};
/** REST's query (the API id is in the path). */
export const metricsQuery = z.object(metricsFields).superRefine(rangeOk);
export const metricsInput = z.object({ ...apiId, ...metricsFields }).superRefine(rangeOk);
export type MetricsInput = z.output<typeof metricsInput>;

const accessLogFields = {
  ...range,
  status: z.coerce.number().int().min(100, "A status such as 404.").max(599, "A status such as 404.").optional(),
  statusClass: z.enum(["2xx", "3xx", "4xx", "5xx"]).optional(),
  method: z.enum(HTTP_METHODS).optional(),
  path: z.string().min(1).max(1024).optional(),
  requestId: z.string().min(1).max(128).optional(),
  apiKeyId: z.string().min(1).max(128).optional(),
  ip: z.string().min(1).max(64).optional(),
  cursor: z
    .string()
    .regex(/^\d+\.\d+$/, "A cursor from a previous page.")
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).optional().default(50),
};
export const accessLogQuery = z.object(accessLogFields).superRefine(rangeOk);
export const accessLogInput = z.object({ ...apiId, ...accessLogFields }).superRefine(rangeOk);
export type AccessLogInput = z.output<typeof accessLogInput>;
