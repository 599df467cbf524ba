// HTTP and WebSocket APIs' throttling targets: a stage's DefaultRouteSettings and a route's
// RouteSettings, each of whose ThrottlingRateLimit and ThrottlingBurstLimit may be set alone.
//
// API Gateway treats each limit on its own: one that is not set is "not configured" at that level, and
// the level above decides it (a route's from the stage's default route settings, the stage's from the
// account-level limits, 10,000 requests per second with a burst of 5,000). So a route with only a
// burst keeps the stage's rate, and a stage with only a rate keeps the account's burst: a limit set
// alone is applied, never ignored.

export type RouteThrottleSettings = { throttlingRateLimit?: unknown; throttlingBurstLimit?: unknown };
export type ThrottleLimits = { rateLimit: number; burstLimit: number };

/** The account-level limits per Region, which bound every stage and route. */
export const ACCOUNT_THROTTLE: ThrottleLimits = { rateLimit: 10_000, burstLimit: 5_000 };

const num = (v: unknown): number | undefined => (typeof v === "number" && Number.isFinite(v) ? v : undefined);
const configured = (s: RouteThrottleSettings | undefined) =>
  num(s?.throttlingRateLimit) !== undefined || num(s?.throttlingBurstLimit) !== undefined;
const resolve = (s: RouteThrottleSettings | undefined, above: ThrottleLimits): ThrottleLimits => ({
  rateLimit: num(s?.throttlingRateLimit) ?? above.rateLimit,
  burstLimit: num(s?.throttlingBurstLimit) ?? above.burstLimit,
});
const unlimited = (t: ThrottleLimits) =>
  t.rateLimit >= ACCOUNT_THROTTLE.rateLimit && t.burstLimit >= ACCOUNT_THROTTLE.burstLimit;

/**
 * The stage's throttle (its default route settings, each limit falling back to the account's) and a
 * route's (its route settings, each limit falling back to the stage's), for the gateway's admission.
 * Null where nothing below the account-level limits applies, so no shared bucket is spent on it; a
 * route's own settings are kept even at the account's limits when the stage's are lower.
 */
export function routeThrottles(
  stageDefaults: RouteThrottleSettings | undefined,
  route: RouteThrottleSettings | undefined,
): { stageThrottle: ThrottleLimits | null; methodThrottle: ThrottleLimits | null } {
  const stage = resolve(stageDefaults, ACCOUNT_THROTTLE);
  const stageThrottle = configured(stageDefaults) && !unlimited(stage) ? stage : null;
  if (!configured(route)) return { stageThrottle, methodThrottle: null };
  const own = resolve(route, stage);
  return { stageThrottle, methodThrottle: unlimited(own) && !stageThrottle ? null : own };
}
