import type { Actor } from "../../auth/permissions";
import { onField, type ConsoleTenant } from "./apis.console";
import * as deploys from "./deployment.service";

// REST API stages' per-method settings (methodSettings keyed "orders/{id}/GET"): throttling and
// caching overrides of the stage-wide "*/*" defaults, set with UpdateStage's patch paths
// (/{resource path, / as ~1}/{METHOD}/throttling/rateLimit …) as the AWS console does.

type Ctx = { actor: Actor; tenant: ConsoleTenant };

export type MethodSettingInput = {
  apiId: string;
  stageName: string;
  resourcePath: string;
  httpMethod: string;
  remove: boolean;
  throttlingRateLimit: number | null;
  throttlingBurstLimit: number | null;
  cachingEnabled: boolean;
  cacheTtlInSeconds: number;
};

const pointer = (s: string) => s.replace(/~/g, "~0").replace(/\//g, "~1");

export async function consoleSaveMethodSetting(c: Ctx, input: MethodSettingInput) {
  const base = `/${pointer(input.resourcePath)}/${input.httpMethod}`;
  const ops: { op: string; path: string; value?: string }[] = input.remove
    ? [{ op: "remove", path: `${base}/throttling/rateLimit` }]
    : [
        ...(input.throttlingRateLimit !== null
          ? [{ op: "replace", path: `${base}/throttling/rateLimit`, value: String(input.throttlingRateLimit) }]
          : []),
        ...(input.throttlingBurstLimit !== null
          ? [{ op: "replace", path: `${base}/throttling/burstLimit`, value: String(input.throttlingBurstLimit) }]
          : []),
        { op: "replace", path: `${base}/caching/enabled`, value: String(input.cachingEnabled) },
        { op: "replace", path: `${base}/caching/ttlInSeconds`, value: String(input.cacheTtlInSeconds) },
      ];
  const out = await onField("httpMethod", () =>
    deploys.updateStage({ actor: c.actor, tenant: c.tenant }, input.apiId, input.stageName, ops),
  );
  return { methodSettings: (out.methodSettings ?? {}) as Record<string, Record<string, unknown>> };
}
