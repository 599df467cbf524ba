import { randomInt } from "node:crypto";
import { AppError } from "../../../core/errors";
import { assertCan, type Actor } from "../../../auth/permissions";
import { pool, withTransaction } from "../../../db";
import { isoDay, maxOffset, periodEnd, periodStart, QUOTA_PERIODS } from "../../../core/apis/usage/quota-period";
import { quotaUsed, setQuotaUsed } from "../../../platform/shared-limits";
import * as repo from "./usage.repository";
import type { ApiKeyRow, ApiStageRow, QuotaRow, StageThrottle, UsagePlanRow } from "./usage.repository";
import { flushDailyUsage } from "./daily-usage";
import { flushQuotaUsage } from "../../../platform/quota-leases";

// API Gateway v1's API keys, usage plans, plan keys and usage, with AWS's rules and words. A usage
// plan's apiStages name a REST API and stage by value: the REST API tables belong to the gateway
// (domains/apis), and a plan may name a stage before it is deployed; the gateway only admits
// requests of stages that exist, so a plan naming none simply never applies.

export type UsageCaller = { tenant: { id: string; accountId: string }; actor?: Actor };
export type PatchOp = { op?: string; path?: string; value?: string; from?: string };

export const notFound = (message: string) =>
  new AppError("not_found", message, { awsCode: "NotFoundException", awsStatus: 404 });
export const badRequest = (message: string) =>
  new AppError("validation", message, { awsCode: "BadRequestException", awsStatus: 400 });
const conflict = (message: string) =>
  new AppError("conflict", message, { awsCode: "ConflictException", awsStatus: 409 });

const KEY_NOT_FOUND = "Invalid API Key identifier specified";
const PLAN_NOT_FOUND = "Invalid Usage Plan ID specified";

function can(caller: UsageCaller, what: "resource:read" | "resource:write") {
  if (caller.actor) assertCan(caller.actor.role, what);
}

const ID_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789";
const VALUE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const pick = (chars: string, n: number) => Array.from({ length: n }, () => chars[randomInt(chars.length)]).join("");
/** AWS's resource ids: 10 lowercase letters and digits. */
export const newId = () => pick(ID_CHARS, 10);
/** A generated key value: 40 letters and digits (AWS's length). */
const newValue = () => pick(VALUE_CHARS, 40);

// --- paging ----------------------------------------------------------------------------------------

const DEFAULT_LIMIT = 25;
const MAX_LIMIT = 500;

export function pageOf(position: string | undefined | null, limit: number | undefined | null) {
  let offset = 0;
  if (position) {
    const n = Number(Buffer.from(position, "base64url").toString());
    if (!Number.isInteger(n) || n < 0) throw badRequest("Invalid position parameter");
    offset = n;
  }
  if (limit !== undefined && limit !== null && (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT))
    throw badRequest(`Invalid limit parameter: must be between 1 and ${MAX_LIMIT}`);
  return { offset, limit: limit ?? DEFAULT_LIMIT };
}

/** Fetches one more than a page to know whether there is a next one. */
async function paged<T>(
  page: { offset: number; limit: number },
  fetch: (offset: number, limit: number) => Promise<T[]>,
): Promise<{ items: T[]; position?: string }> {
  const rows = await fetch(page.offset, page.limit + 1);
  if (rows.length <= page.limit) return { items: rows };
  return {
    items: rows.slice(0, page.limit),
    position: Buffer.from(String(page.offset + page.limit)).toString("base64url"),
  };
}

// --- API keys ---------------------------------------------------------------------------------------

export type CreateApiKeyInput = {
  name?: string;
  description?: string;
  enabled?: boolean;
  value?: string;
  customerId?: string;
  stageKeys?: Array<{ restApiId?: string; stageName?: string }>;
  tags?: Record<string, string>;
};

function checkValue(value: string) {
  if (value.length < 20) throw badRequest("API Key value should be at least 20 characters");
  if (value.length > 128) throw badRequest("API Key value should be at most 128 characters");
}

export async function createApiKey(caller: UsageCaller, input: CreateApiKeyInput): Promise<ApiKeyRow> {
  can(caller, "resource:write");
  if (input.value !== undefined) checkValue(input.value);
  const stageKeys = (input.stageKeys ?? []).map((s) => {
    if (!s.restApiId || !s.stageName) throw badRequest("Invalid stage key: restApiId and stageName are required");
    return `${s.restApiId}/${s.stageName}`;
  });
  const row = await repo.insertKey(pool(), {
    id: newId(),
    tenantId: caller.tenant.id,
    name: input.name ?? "",
    description: input.description ?? null,
    value: input.value ?? newValue(),
    enabled: input.enabled ?? false,
    customerId: input.customerId ?? null,
    stageKeys,
    tags: input.tags ?? {},
  });
  if (!row) throw conflict("API Key already exists");
  return row;
}

export async function getApiKey(caller: UsageCaller, id: string): Promise<ApiKeyRow> {
  can(caller, "resource:read");
  const row = await repo.findKey(pool(), caller.tenant.id, id);
  if (!row) throw notFound(KEY_NOT_FOUND);
  return row;
}

export async function getApiKeys(
  caller: UsageCaller,
  f: { nameQuery?: string; customerId?: string; position?: string; limit?: number },
) {
  can(caller, "resource:read");
  const page = pageOf(f.position, f.limit);
  return paged(page, (offset, limit) =>
    repo.listKeys(pool(), caller.tenant.id, { namePrefix: f.nameQuery, customerId: f.customerId, offset, limit }),
  );
}

const asBool = (v: string | undefined) => {
  if (v === "true") return true;
  if (v === "false") return false;
  throw badRequest(`Invalid boolean value: ${v ?? "null"}`);
};

export async function updateApiKey(caller: UsageCaller, id: string, ops: PatchOp[]): Promise<ApiKeyRow> {
  can(caller, "resource:write");
  return withTransaction(async (tx) => {
    const row = await repo.findKey(tx, caller.tenant.id, id);
    if (!row) throw notFound(KEY_NOT_FOUND);
    const next = { ...row, stageKeys: [...row.stageKeys] };
    for (const o of ops) {
      const path = o.path ?? "";
      if (o.op === "replace" && path === "/name") next.name = o.value ?? "";
      else if (o.op === "replace" && path === "/description") next.description = o.value ?? null;
      else if (o.op === "replace" && path === "/enabled") next.enabled = asBool(o.value);
      else if (o.op === "replace" && path === "/customerId") next.customerId = o.value ?? null;
      else if (o.op === "add" && path === "/stages") {
        if (!o.value || !o.value.includes("/"))
          throw badRequest("Invalid stage key value, expected restApiId/stageName");
        if (!next.stageKeys.includes(o.value)) next.stageKeys.push(o.value);
      } else if (o.op === "remove" && path === "/stages") {
        next.stageKeys = next.stageKeys.filter((s) => s !== o.value);
      } else if (!["add", "remove", "replace", "move", "copy", "test"].includes(o.op ?? ""))
        throw badRequest(`Invalid patch operation specified. Must be one of: [add, remove, replace, move, copy, test]`);
      else throw badRequest(`Invalid patch path ${path}`);
    }
    return repo.updateKey(tx, next);
  });
}

export async function deleteApiKey(caller: UsageCaller, id: string): Promise<void> {
  can(caller, "resource:write");
  if (!(await repo.deleteKey(pool(), caller.tenant.id, id))) throw notFound(KEY_NOT_FOUND);
}

/** Splits one CSV line (RFC 4180 double quotes; AWS also accepts single quotes around a field). */
function csvLine(line: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote && line[i + 1] === quote) {
        cur += c;
        i++;
      } else if (c === quote) quote = null;
      else cur += c;
    } else if ((c === '"' || c === "'") && cur.trim() === "") {
      quote = c;
      cur = "";
    } else if (c === ",") {
      out.push(cur);
      cur = "";
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

/**
 * ImportApiKeys (format csv), AWS's API key file: a header naming the columns (any case, any order)
 * Name and Key (required), Description, Enabled (default true), UsagePlanIds (comma-separated, in
 * quotes when more than one); other columns are ignored. A key whose value exists already is
 * overwritten. With failOnWarnings a bad row fails the whole import; otherwise it becomes a warning.
 */
export async function importApiKeys(
  caller: UsageCaller,
  csv: string,
  opts: { format?: string; failOnWarnings?: boolean },
): Promise<{ ids: string[]; warnings: string[] }> {
  can(caller, "resource:write");
  if ((opts.format ?? "").toLowerCase() !== "csv") throw badRequest("Invalid format specified. Only csv is supported");
  const lines = csv.split(/\r?\n/).filter((l) => l.trim() !== "");
  if (lines.length === 0) throw badRequest("Invalid API Key file: the file is empty");
  const header = csvLine(lines[0]!).map((h) => h.toLowerCase());
  const col = (name: string) => header.indexOf(name);
  if (col("key") < 0 || col("name") < 0)
    throw badRequest("Invalid API Key file: the Name and Key columns are required");
  return withTransaction(async (tx) => {
    const ids: string[] = [];
    const warnings: string[] = [];
    for (let i = 1; i < lines.length; i++) {
      const cells = csvLine(lines[i]!);
      const get = (name: string) => (col(name) >= 0 ? cells[col(name)] : undefined) || undefined;
      const problem = (msg: string) => {
        const w = `Line ${i + 1}: ${msg}`;
        if (opts.failOnWarnings) throw badRequest(w);
        warnings.push(w);
      };
      const value = get("key");
      if (!value || value.length < 20 || value.length > 128) {
        problem("API Key value should be between 20 and 128 characters");
        continue;
      }
      const name = get("name") ?? "";
      if (name.length > 1024) {
        problem("API Key name should be at most 1024 characters");
        continue;
      }
      const enabledText = get("enabled")?.toLowerCase();
      if (enabledText !== undefined && enabledText !== "true" && enabledText !== "false") {
        problem(`Invalid value for Enabled: ${enabledText}`);
        continue;
      }
      const planIds = (get("usageplanids") ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const missing = [];
      for (const planId of planIds) if (!(await repo.findPlan(tx, caller.tenant.id, planId))) missing.push(planId);
      if (missing.length) {
        problem(`${PLAN_NOT_FOUND}: ${missing.join(", ")}`);
        continue;
      }
      const row = await repo.upsertKeyByValue(tx, {
        id: newId(),
        tenantId: caller.tenant.id,
        name,
        description: get("description") ?? null,
        value,
        enabled: enabledText !== "false",
        customerId: get("customerid") ?? null,
      });
      for (const planId of planIds) await repo.insertPlanKey(tx, caller.tenant.id, planId, row.id);
      ids.push(row.id);
    }
    return { ids, warnings };
  });
}

// --- usage plans ------------------------------------------------------------------------------------

export type CreateUsagePlanInput = {
  name?: string;
  description?: string;
  apiStages?: Array<{ apiId?: string; stage?: string; throttle?: Record<string, StageThrottle> }>;
  throttle?: StageThrottle;
  quota?: { limit?: number; offset?: number; period?: string };
  tags?: Record<string, string>;
};

function checkThrottle(t: StageThrottle | undefined, where = "throttle"): StageThrottle | null {
  if (!t) return null;
  const out: StageThrottle = {};
  if (t.burstLimit !== undefined) {
    if (!Number.isInteger(t.burstLimit) || t.burstLimit < 0)
      throw badRequest(`Invalid ${where} burstLimit: must be a non-negative integer`);
    out.burstLimit = t.burstLimit;
  }
  if (t.rateLimit !== undefined) {
    if (typeof t.rateLimit !== "number" || !Number.isFinite(t.rateLimit) || t.rateLimit < 0)
      throw badRequest(`Invalid ${where} rateLimit: must be a non-negative number`);
    out.rateLimit = t.rateLimit;
  }
  return out;
}

function checkQuota(q: CreateUsagePlanInput["quota"]): QuotaRow | null {
  if (!q) return null;
  const period = q.period as QuotaRow["period"];
  if (!QUOTA_PERIODS.includes(period)) throw badRequest("Invalid quota period: must be one of DAY, WEEK, MONTH");
  if (q.limit === undefined || !Number.isInteger(q.limit) || q.limit < 0)
    throw badRequest("Invalid quota limit: must be a non-negative integer");
  const offset = q.offset ?? 0;
  if (!Number.isInteger(offset) || offset < 0 || offset > maxOffset(period))
    throw badRequest(`Invalid quota offset for period ${period}: must be between 0 and ${maxOffset(period)}`);
  return { limit: q.limit, offset, period };
}

const METHOD_PATH = /^\/.*\/[A-Z*]+$/;

function checkStages(stages: CreateUsagePlanInput["apiStages"]): ApiStageRow[] {
  const out: ApiStageRow[] = [];
  for (const s of stages ?? []) {
    if (!s.apiId || !s.stage) throw badRequest("Invalid API Stage: apiId and stage are required");
    if (out.some((o) => o.apiId === s.apiId && o.stage === s.stage))
      throw badRequest(`Duplicate API Stage ${s.apiId}:${s.stage}`);
    const row: ApiStageRow = { apiId: s.apiId, stage: s.stage };
    if (s.throttle && Object.keys(s.throttle).length) {
      row.throttle = {};
      for (const [path, t] of Object.entries(s.throttle)) {
        if (!METHOD_PATH.test(path))
          throw badRequest(`Invalid method throttle path ${path}: expected /{resourcePath}/{httpMethod}`);
        row.throttle[path] = checkThrottle(t, `throttle for ${path}`) ?? {};
      }
    }
    out.push(row);
  }
  return out;
}

export async function createUsagePlan(caller: UsageCaller, input: CreateUsagePlanInput): Promise<UsagePlanRow> {
  can(caller, "resource:write");
  if (!input.name) throw badRequest("Usage plan name is required");
  return repo.insertPlan(pool(), {
    id: newId(),
    tenantId: caller.tenant.id,
    name: input.name,
    description: input.description ?? null,
    throttle: checkThrottle(input.throttle),
    quota: checkQuota(input.quota),
    apiStages: checkStages(input.apiStages),
    productCode: null,
    tags: input.tags ?? {},
  });
}

export async function getUsagePlan(caller: UsageCaller, id: string): Promise<UsagePlanRow> {
  can(caller, "resource:read");
  const row = await repo.findPlan(pool(), caller.tenant.id, id);
  if (!row) throw notFound(PLAN_NOT_FOUND);
  return row;
}

export async function getUsagePlans(caller: UsageCaller, f: { keyId?: string; position?: string; limit?: number }) {
  can(caller, "resource:read");
  const page = pageOf(f.position, f.limit);
  return paged(page, (offset, limit) => repo.listPlans(pool(), caller.tenant.id, { keyId: f.keyId, offset, limit }));
}

const num = (v: string | undefined, what: string) => {
  const n = Number(v);
  if (v === undefined || v.trim() === "" || !Number.isFinite(n)) throw badRequest(`Invalid ${what}: ${v ?? "null"}`);
  return n;
};
/** JSON Pointer unescaping of one path segment (~1 is "/", ~0 is "~"). */
const unescapePointer = (s: string) => s.replace(/~1/g, "/").replace(/~0/g, "~");

export async function updateUsagePlan(caller: UsageCaller, id: string, ops: PatchOp[]): Promise<UsagePlanRow> {
  can(caller, "resource:write");
  return withTransaction(async (tx) => {
    const row = await repo.findPlan(tx, caller.tenant.id, id, true);
    if (!row) throw notFound(PLAN_NOT_FOUND);
    const p: UsagePlanRow = structuredClone(row);
    for (const o of ops) {
      const path = o.path ?? "";
      const op = o.op ?? "";
      if (!["add", "remove", "replace", "move", "copy", "test"].includes(op))
        throw badRequest(`Invalid patch operation specified. Must be one of: [add, remove, replace, move, copy, test]`);
      let m: RegExpExecArray | null;
      if (op === "replace" && path === "/name") {
        if (!o.value) throw badRequest("Usage plan name is required");
        p.name = o.value;
      } else if (op === "replace" && path === "/description") p.description = o.value ?? null;
      else if (op === "replace" && path === "/productCode") p.productCode = o.value ?? null;
      else if (op === "replace" && (m = /^\/throttle\/(rateLimit|burstLimit)$/.exec(path))) {
        const t = { ...(p.throttle ?? {}), [m[1]!]: num(o.value, `throttle ${m[1]}`) };
        p.throttle = checkThrottle(t);
      } else if (op === "remove" && path === "/throttle") p.throttle = null;
      else if (op === "replace" && (m = /^\/quota\/(limit|offset|period)$/.exec(path))) {
        const q: Record<string, unknown> = { ...(p.quota ?? { offset: 0 }) };
        q[m[1]!] = m[1] === "period" ? o.value : num(o.value, `quota ${m[1]}`);
        p.quota = checkQuota(q as CreateUsagePlanInput["quota"]);
      } else if (op === "remove" && path === "/quota") p.quota = null;
      else if ((op === "add" || op === "remove") && path === "/apiStages") {
        const [apiId, stage] = (o.value ?? "").split(":");
        if (!apiId || !stage) throw badRequest("Invalid API Stage value, expected apiId:stage");
        const has = p.apiStages.findIndex((s) => s.apiId === apiId && s.stage === stage);
        if (op === "add" && has < 0) p.apiStages.push({ apiId, stage });
        if (op === "remove") {
          if (has < 0) throw notFound(`Invalid API Stage ${apiId}:${stage} specified`);
          p.apiStages.splice(has, 1);
        }
      } else if (
        (m = /^\/apiStages\/([^/:]+):([^/]+)\/throttle\/([^/]+)\/([^/]+)(?:\/(rateLimit|burstLimit))?$/.exec(path))
      ) {
        const stage = p.apiStages.find((s) => s.apiId === m![1] && s.stage === m![2]);
        if (!stage) throw notFound(`Invalid API Stage ${m[1]}:${m[2]} specified`);
        const key = `${unescapePointer(m[3]!)}/${m[4]}`;
        if (!key.startsWith("/")) throw badRequest(`Invalid method throttle path ${key}`);
        stage.throttle ??= {};
        if (op === "remove") {
          if (m[5]) delete stage.throttle[key]?.[m[5] as keyof StageThrottle];
          else delete stage.throttle[key];
        } else if (m[5]) {
          stage.throttle[key] = checkThrottle(
            { ...(stage.throttle[key] ?? {}), [m[5]]: num(o.value, m[5]) },
            `throttle for ${key}`,
          )!;
        } else throw badRequest(`Invalid patch path ${path}`);
        if (!Object.keys(stage.throttle).length) delete stage.throttle;
      } else throw badRequest(`Invalid patch path ${path}`);
    }
    for (const s of p.apiStages) {
      if (row.apiStages.some((o) => o.apiId === s.apiId && o.stage === s.stage)) continue;
      const clash = await repo.keyInOtherPlanOnStage(tx, p.id, s.apiId, s.stage);
      if (clash)
        throw conflict(
          `Usage Plan ${p.id} cannot be updated because API Key ${clash.keyId} cannot reference multiple Usage Plans with the same API Stage: ${s.apiId}:${s.stage}`,
        );
    }
    return repo.updatePlan(tx, p);
  });
}

export async function deleteUsagePlan(caller: UsageCaller, id: string): Promise<void> {
  can(caller, "resource:write");
  await withTransaction(async (tx) => {
    if (!(await repo.deletePlan(tx, caller.tenant.id, id))) throw notFound(PLAN_NOT_FOUND);
    await repo.deleteLimitState(tx, caller.tenant.id, `p:${id}:`);
  });
}

// --- usage plan keys -------------------------------------------------------------------------------

export async function createUsagePlanKey(
  caller: UsageCaller,
  planId: string,
  input: { keyId?: string; keyType?: string },
): Promise<ApiKeyRow> {
  can(caller, "resource:write");
  if (input.keyType !== "API_KEY") throw badRequest("Invalid key type specified. Must be API_KEY");
  if (!input.keyId) throw badRequest("Invalid API Key identifier specified");
  return withTransaction(async (tx) => {
    const plan = await repo.findPlan(tx, caller.tenant.id, planId, true);
    if (!plan) throw notFound(PLAN_NOT_FOUND);
    const key = await repo.findKey(tx, caller.tenant.id, input.keyId!);
    if (!key) throw notFound(KEY_NOT_FOUND);
    // One plan per key and API stage: admission must know which plan's limits apply.
    for (const other of await repo.plansOfKeyOnStages(tx, caller.tenant.id, key.id, plan.id)) {
      const shared = other.apiStages.find((s) =>
        plan.apiStages.some((t) => t.apiId === s.apiId && t.stage === s.stage),
      );
      if (shared)
        throw conflict(
          `Usage Plan ${plan.id} cannot be added because API Key ${key.id} cannot reference multiple Usage Plans with the same API Stage: ${shared.apiId}:${shared.stage}`,
        );
    }
    if (!(await repo.insertPlanKey(tx, caller.tenant.id, plan.id, key.id)))
      throw conflict(`Usage Plan ${plan.id} already contains API Key ${key.id}`);
    return key;
  });
}

async function planOrThrow(caller: UsageCaller, planId: string) {
  const plan = await repo.findPlan(pool(), caller.tenant.id, planId);
  if (!plan) throw notFound(PLAN_NOT_FOUND);
  return plan;
}

export async function getUsagePlanKey(caller: UsageCaller, planId: string, keyId: string): Promise<ApiKeyRow> {
  can(caller, "resource:read");
  await planOrThrow(caller, planId);
  const [row] = await repo.listPlanKeys(pool(), caller.tenant.id, planId, { keyId, offset: 0, limit: 1 });
  if (!row) throw notFound(KEY_NOT_FOUND);
  return row;
}

export async function getUsagePlanKeys(
  caller: UsageCaller,
  planId: string,
  f: { nameQuery?: string; position?: string; limit?: number },
) {
  can(caller, "resource:read");
  await planOrThrow(caller, planId);
  const page = pageOf(f.position, f.limit);
  return paged(page, (offset, limit) =>
    repo.listPlanKeys(pool(), caller.tenant.id, planId, { namePrefix: f.nameQuery, offset, limit }),
  );
}

export async function deleteUsagePlanKey(caller: UsageCaller, planId: string, keyId: string): Promise<void> {
  can(caller, "resource:write");
  await planOrThrow(caller, planId);
  if (!(await repo.deletePlanKey(pool(), caller.tenant.id, planId, keyId))) throw notFound(KEY_NOT_FOUND);
}

// --- usage ------------------------------------------------------------------------------------------

/** The quota counter of a key under a plan (shared-limits key). */
export const planQuotaKey = (planId: string, keyId: string) => `p:${planId}:${keyId}`;

const DAY_RE = /^\d{4}-\d{2}-\d{2}$/;
const parseDay = (s: string | undefined, what: string) => {
  if (!s || !DAY_RE.test(s) || Number.isNaN(Date.parse(`${s}T00:00:00Z`)))
    throw badRequest(`Invalid ${what} specified. Expected format yyyy-MM-dd`);
  return new Date(`${s}T00:00:00Z`);
};

export type UsageOut = {
  usagePlanId: string;
  startDate: string;
  endDate: string;
  items: Record<string, Array<[number, number]>>;
  position?: string;
};

/**
 * GetUsage: per key of the plan (or the one asked for), one [used, remaining] per day from startDate
 * to endDate. `remaining` is the quota left at the end of that day within its quota period (0 when
 * the plan has no quota).
 */
export async function getUsage(
  caller: UsageCaller,
  planId: string,
  f: { startDate?: string; endDate?: string; keyId?: string; position?: string; limit?: number },
): Promise<UsageOut> {
  can(caller, "resource:read");
  const from = parseDay(f.startDate, "startDate");
  const to = parseDay(f.endDate, "endDate");
  if (to < from) throw badRequest("The endDate must be on or after the startDate");
  const days = Math.round((to.getTime() - from.getTime()) / 86_400_000) + 1;
  if (days > 90) throw badRequest("The date range must not exceed 90 days");
  const plan = await planOrThrow(caller, planId);
  // This process's requests not yet written (other processes' are, within a second: daily-usage.ts,
  // and their spent quota within 200 ms: quota-leases.ts).
  await flushQuotaUsage();
  await flushDailyUsage();
  const page = pageOf(f.position, f.limit);
  const keys = await paged(page, (offset, limit) =>
    repo.listPlanKeys(pool(), caller.tenant.id, planId, { keyId: f.keyId, offset, limit }),
  );
  const ids = keys.items.map((k) => k.id);
  // The quota is counted from the start of the first day's period.
  const countFrom = plan.quota ? periodStart(plan.quota.period, plan.quota.offset, from) : from;
  const rows = await repo.dailyUsage(pool(), planId, ids, isoDay(countFrom), isoDay(to));
  const used = new Map(rows.map((r) => [`${r.keyId} ${r.day}`, r.used]));
  // The current period counts from its quota counter, which UpdateUsage may have moved: the
  // difference from the recorded days is applied at the period's start.
  const current = plan.quota ? periodStart(plan.quota.period, plan.quota.offset, new Date()).getTime() : 0;
  const items: UsageOut["items"] = {};
  for (const id of ids) {
    let adjust = 0;
    if (plan.quota && current <= to.getTime()) {
      const counted = await quotaUsed(pool(), planQuotaKey(planId, id), new Date(current));
      let recorded = 0;
      for (const r of await repo.dailyUsage(pool(), planId, [id], isoDay(new Date(current)), isoDay(new Date())))
        recorded += r.used;
      adjust = counted - recorded;
    }
    const series: Array<[number, number]> = [];
    let inPeriod = 0;
    let periodOf = countFrom.getTime();
    for (let t = countFrom.getTime(); t <= to.getTime(); t += 86_400_000) {
      const day = new Date(t);
      if (plan.quota) {
        const ps = periodStart(plan.quota.period, plan.quota.offset, day).getTime();
        if (ps !== periodOf) {
          periodOf = ps;
          inPeriod = 0;
        }
        if (t === current) inPeriod += adjust;
      }
      const n = used.get(`${id} ${isoDay(day)}`) ?? 0;
      inPeriod += n;
      if (t >= from.getTime()) series.push([n, plan.quota ? Math.max(0, plan.quota.limit - inPeriod) : 0]);
    }
    items[id] = series;
  }
  return { usagePlanId: planId, startDate: f.startDate!, endDate: f.endDate!, items, position: keys.position };
}

/**
 * UpdateUsage: `replace /remaining <n>` grants a key `n` more requests in the current quota period
 * (0 uses it up; the plan's limit resets it).
 */
export async function updateUsage(caller: UsageCaller, planId: string, keyId: string, ops: PatchOp[]) {
  can(caller, "resource:write");
  const plan = await planOrThrow(caller, planId);
  const [key] = await repo.listPlanKeys(pool(), caller.tenant.id, planId, { keyId, offset: 0, limit: 1 });
  if (!key) throw notFound(KEY_NOT_FOUND);
  if (!plan.quota) throw badRequest(`Usage Plan ${planId} does not have a quota`);
  const now = new Date();
  const start = periodStart(plan.quota.period, plan.quota.offset, now);
  // Units this process spent count before the new remainder is set.
  await flushQuotaUsage();
  for (const o of ops) {
    if (o.op !== "replace" || o.path !== "/remaining") throw badRequest(`Invalid patch path ${o.path ?? ""}`);
    const remaining = num(o.value, "remaining");
    if (!Number.isInteger(remaining) || remaining < 0)
      throw badRequest("Invalid remaining: must be a non-negative integer");
    await setQuotaUsed(pool(), caller.tenant.id, planQuotaKey(planId, keyId), start, plan.quota.limit - remaining);
  }
  const used = await quotaUsed(pool(), planQuotaKey(planId, keyId), start);
  return {
    usagePlanId: planId,
    startDate: isoDay(start),
    endDate: isoDay(new Date(periodEnd(plan.quota.period, start).getTime() - 86_400_000)),
    items: { [keyId]: [[used, Math.max(0, plan.quota.limit - used)]] as Array<[number, number]> },
  };
}
