import { describe, expect, it } from "vitest";
import { routeThrottles } from "./route-throttle";

describe("routeThrottles", () => {
  it.each([
    ["nothing set", undefined, undefined, null, null],
    ["stage: both", { throttlingRateLimit: 5, throttlingBurstLimit: 2 }, undefined, [5, 2], null],
    ["stage: burst alone keeps the account's rate", { throttlingBurstLimit: 0 }, undefined, [10_000, 0], null],
    ["stage: rate alone keeps the account's burst", { throttlingRateLimit: 1 }, undefined, [1, 5_000], null],
    [
      "stage: at the account's limits",
      { throttlingRateLimit: 10_000, throttlingBurstLimit: 5_000 },
      undefined,
      null,
      null,
    ],
    [
      "route: burst alone keeps the stage's rate",
      { throttlingRateLimit: 1, throttlingBurstLimit: 1 },
      { throttlingBurstLimit: 3 },
      [1, 1],
      [1, 3],
    ],
    ["route: rate alone, no stage limits", undefined, { throttlingRateLimit: 2 }, null, [2, 5_000]],
    [
      "route: raised to the account's limits above a tight stage",
      { throttlingRateLimit: 1, throttlingBurstLimit: 1 },
      { throttlingRateLimit: 10_000, throttlingBurstLimit: 5_000 },
      [1, 1],
      [10_000, 5_000],
    ],
    ["route: other settings only", undefined, { detailedMetricsEnabled: true } as object, null, null],
  ] as const)("%s", (_name, stage, route, wantStage, wantRoute) => {
    const got = routeThrottles(stage, route);
    const as = (t: readonly number[] | null) => (t ? { rateLimit: t[0], burstLimit: t[1] } : null);
    expect(got).toEqual({ stageThrottle: as(wantStage), methodThrottle: as(wantRoute) });
  });
});
