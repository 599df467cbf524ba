import { assertCan, type Actor } from "../../auth/permissions";
import { AppError, isAppError } from "../../core/errors";
import * as usage from "./usage/usage.service";
import type { ApiKeyRow, UsagePlanRow } from "./usage/usage.repository";

// The console's API keys and usage plans (API Gateway v1): list/create/enable/delete keys (the
// value is shown once on create, and on an explicit reveal), plans with throttle, quota, API stages
// and keys, and a key's daily usage from GetUsage.

type Ctx = { actor: Actor; tenant: { id: string; accountId: string } };

async function onField<T>(field: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isAppError(e) && (e.code === "validation" || e.code === "conflict") && !e.fieldErrors)
      throw new AppError(e.code, e.message, { fieldErrors: { [field]: [e.message] } });
    throw e;
  }
}

const keyView = (k: ApiKeyRow) => ({
  id: k.id,
  name: k.name,
  description: k.description,
  enabled: k.enabled,
  valueHint: `${k.value.slice(0, 4)}…${k.value.slice(-4)}`,
  createdAt: k.createdAt.toISOString(),
});

const planView = (p: UsagePlanRow, keys: ApiKeyRow[]) => ({
  id: p.id,
  name: p.name,
  description: p.description,
  throttle: p.throttle,
  quota: p.quota,
  apiStages: p.apiStages.map((s) => ({ apiId: s.apiId, stage: s.stage })),
  keys: keys.map(keyView),
});

export async function consoleKeys(c: Ctx) {
  const out = await usage.getApiKeys(c, { limit: 500 });
  return out.items.map(keyView);
}

export async function consoleCreateKey(c: Ctx, input: { name: string; description?: string; enabled: boolean }) {
  const k = await onField("name", () =>
    usage.createApiKey(c, { name: input.name, description: input.description, enabled: input.enabled }),
  );
  return { ...keyView(k), value: k.value };
}

/** The key's value, on an explicit "Show". */
export async function consoleRevealKey(c: Ctx, id: string) {
  assertCan(c.actor.role, "resource:write"); // viewers see keys, not their secrets
  const k = await usage.getApiKey(c, id);
  return { id: k.id, value: k.value };
}

export async function consoleSetKeyEnabled(c: Ctx, input: { id: string; enabled: boolean }) {
  return keyView(
    await usage.updateApiKey(c, input.id, [{ op: "replace", path: "/enabled", value: String(input.enabled) }]),
  );
}

export async function consoleDeleteKey(c: Ctx, id: string) {
  await usage.deleteApiKey(c, id);
  return { deleted: true };
}

export async function consolePlans(c: Ctx) {
  const plans = await usage.getUsagePlans(c, { limit: 500 });
  return Promise.all(
    plans.items.map(async (p) => planView(p, (await usage.getUsagePlanKeys(c, p.id, { limit: 500 })).items)),
  );
}

export type CreatePlanInput = {
  name: string;
  description?: string;
  rateLimit: number | null;
  burstLimit: number | null;
  quotaLimit: number | null;
  quotaPeriod: "DAY" | "WEEK" | "MONTH";
  apiStages: { apiId: string; stage: string }[];
  keyIds: string[];
};

export async function consoleCreatePlan(c: Ctx, input: CreatePlanInput) {
  const throttle =
    input.rateLimit !== null || input.burstLimit !== null
      ? {
          ...(input.rateLimit !== null ? { rateLimit: input.rateLimit } : {}),
          ...(input.burstLimit !== null ? { burstLimit: input.burstLimit } : {}),
        }
      : undefined;
  const plan = await onField("name", () =>
    usage.createUsagePlan(c, {
      name: input.name,
      description: input.description,
      throttle,
      quota: input.quotaLimit !== null ? { limit: input.quotaLimit, period: input.quotaPeriod } : undefined,
      apiStages: input.apiStages,
    }),
  );
  for (const keyId of input.keyIds)
    await onField("keyIds", () => usage.createUsagePlanKey(c, plan.id, { keyId, keyType: "API_KEY" }));
  return { id: plan.id };
}

export async function consoleDeletePlan(c: Ctx, id: string) {
  await usage.deleteUsagePlan(c, id);
  return { deleted: true };
}

export async function consolePlanStage(c: Ctx, input: { planId: string; apiId: string; stage: string; add: boolean }) {
  await onField("stage", () =>
    usage.updateUsagePlan(c, input.planId, [
      { op: input.add ? "add" : "remove", path: "/apiStages", value: `${input.apiId}:${input.stage}` },
    ]),
  );
  return { ok: true };
}

export async function consolePlanKey(c: Ctx, input: { planId: string; keyId: string; add: boolean }) {
  if (input.add)
    await onField("keyId", () => usage.createUsagePlanKey(c, input.planId, { keyId: input.keyId, keyType: "API_KEY" }));
  else await usage.deleteUsagePlanKey(c, input.planId, input.keyId);
  return { ok: true };
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * A plan's per-key usage per day (GetUsage) over the last `days` days, today included, with the
 * range the chart zooms to: from the first day with a request (or the last week when there is none).
 */
export async function consoleUsage(c: Ctx, input: { planId: string; days: number }) {
  const to = new Date();
  const from = new Date(to.getTime() - (input.days - 1) * 86_400_000);
  const out = await usage.getUsage(c, input.planId, { startDate: isoDay(from), endDate: isoDay(to), limit: 500 });
  const days: string[] = [];
  for (let t = Date.parse(`${isoDay(from)}T00:00:00Z`); t <= to.getTime(); t += 86_400_000)
    days.push(isoDay(new Date(t)));
  const keys = Object.keys(out.items);
  const rows = days.map((day, i) => {
    const row: Record<string, number | string> = { day };
    for (const k of keys) row[k] = out.items[k][i]?.[0] ?? 0;
    return row;
  });
  const first = rows.findIndex((r) => keys.some((k) => Number(r[k]) > 0));
  const start = first < 0 ? Math.max(0, rows.length - 7) : Math.max(0, first - 1);
  const totals = Object.fromEntries(keys.map((k) => [k, out.items[k].reduce((s, [n]) => s + n, 0)]));
  const remaining = Object.fromEntries(keys.map((k) => [k, out.items[k][out.items[k].length - 1]?.[1] ?? 0]));
  return { rows: rows.slice(start), keys, totals, remaining };
}
