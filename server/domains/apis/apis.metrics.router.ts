import { tenantProcedure } from "../../trpc/trpc";
import { accessLogInput, metricsInput } from "./metrics/metrics.schemas";
import { getApiMetrics, searchApiAccessLog } from "./metrics/metrics.service";

// `trpc.apis.metrics` / `trpc.apis.accessLog` (merged into apisRouter): an API's CloudWatch-style
// metrics per period and its searchable access log. Reads need resource:read (the service checks).
//   metrics({apiId, from?, to?, stage?, resource?, method?, period?, zoom?}) → {from, to, period, points, totals, dimensions}
//   accessLog({apiId, from?, to?, stage?, status?, statusClass?, method?, path?, requestId?, apiKeyId?, ip?, cursor?, limit?})
//     → {entries, nextCursor}
export const apiMetricsProcedures = {
  metrics: tenantProcedure.input(metricsInput).query(({ ctx, input }) => getApiMetrics(ctx, input)),
  accessLog: tenantProcedure.input(accessLogInput).query(({ ctx, input }) => searchApiAccessLog(ctx, input)),
};
