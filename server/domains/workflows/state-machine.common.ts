import { assertCan, type Actor } from "../../auth/permissions";
import { constraint, invalidToken, ModelCheck, tooManyTags } from "./state-machine.errors";

// Pieces every Workflows catalog use case shares: the caller, permission checks, paging tokens,
// maxResults limits and tag lists ([{key, value}], 50 per resource).

export type WorkflowCaller = { tenant: { id: string; accountId: string }; actor?: Actor };

export function canRead(caller: WorkflowCaller): void {
  if (caller.actor) assertCan(caller.actor.role, "resource:read");
}

export function canWrite(caller: WorkflowCaller): void {
  if (caller.actor) assertCan(caller.actor.role, "resource:write");
}

/** maxResults as AWS checks it: 0 (or absent) means the default; above `max` is a ValidationException. */
export function pageSize(maxResults: number | undefined, max = 1000, dflt = 100): number {
  if (maxResults === undefined || maxResults === null) return dflt;
  if (maxResults < 0) throw constraint(maxResults, "maxResults", "Member must have value greater than or equal to 0");
  if (maxResults > max)
    throw constraint(maxResults, "maxResults", `Member must have value less than or equal to ${max}`);
  return maxResults === 0 ? dflt : maxResults;
}

/** An opaque page token carrying the last key (and the listing it belongs to). */
export function pageToken(scope: string, key: string | number): string {
  return Buffer.from(JSON.stringify({ s: scope, k: key })).toString("base64url");
}

export function readPageToken<T extends string | number>(scope: string, token: string | undefined): T | null {
  if (token === undefined || token === null || token === "") return null;
  if (token.length > 1024) throw constraint(token, "nextToken", "Member must have length less than or equal to 1024");
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { s?: unknown; k?: unknown };
    if (v.s === scope && (typeof v.k === "string" || typeof v.k === "number")) return v.k as T;
  } catch {
    /* falls through */
  }
  throw invalidToken(token);
}

export type Tag = { key: string; value: string };
export const MAX_TAGS = 50;

/** Tag lists' model constraints (keys 1–128, values 0–256 characters) into `m`. */
export function tagChecks(m: ModelCheck, tags: Array<{ key?: unknown; value?: unknown }> | undefined): ModelCheck {
  for (const [i, t] of (tags ?? []).entries()) {
    const k = typeof t?.key === "string" ? t.key : undefined;
    if (k === undefined) m.add(undefined, `tags.${i + 1}.member.key`, "Member must not be null");
    m.length(k, `tags.${i + 1}.member.key`, 1, 128);
    m.length(typeof t?.value === "string" ? t.value : undefined, `tags.${i + 1}.member.value`, 0, 256);
  }
  return m;
}

/** Validates a tag list and returns it as a map (a later duplicate key wins). */
export function tagMap(tags: Array<{ key?: unknown; value?: unknown }> | undefined): Record<string, string> {
  tagChecks(new ModelCheck(), tags).done();
  const out: Record<string, string> = {};
  for (const t of tags ?? []) out[t.key as string] = typeof t.value === "string" ? t.value : "";
  return out;
}

export function checkTagCount(arn: string, tags: Record<string, string>): void {
  if (Object.keys(tags).length > MAX_TAGS) throw tooManyTags(arn);
}

export const tagList = (tags: Record<string, string>): Tag[] =>
  Object.entries(tags).map(([key, value]) => ({ key, value }));

/** JSON with object keys sorted: compares values read back from JSONB (which reorders keys). */
export function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object")
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}
