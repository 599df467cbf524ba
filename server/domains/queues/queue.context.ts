import { createHash } from "node:crypto";
import { pool } from "../../db";
import { env } from "../../env";
import { crossAccountDecision, parseQueueUrl, queueDoesNotExist, queueNameProblem, sqsError } from "../../core/sqs";
import {
  findQueueByAccountAndName,
  findQueueByName,
  findQueueRowByArn,
  tenantAccountId,
  type QueueRow,
} from "./queue.repository";
import { listen } from "../../platform/listen";
import { TENANT_DELETED_CHANNEL } from "../../platform/channels";

// What every queue use case needs: the clock (replaceable in tests), the receipt-handle key, and
// finding a queue for a caller, with a short cache because every data-plane call starts with it.

let clock: () => Date = () => new Date();
export function now(): Date {
  return clock();
}
/** Tests move time (dedup window, visibility, retention) without sleeping. */
export function setClock(fn: (() => Date) | null): void {
  clock = fn ?? (() => new Date());
}

let receiptKey: Buffer | undefined;
export function receiptHandleKey(): Buffer {
  receiptKey ??= createHash("sha256")
    .update("signalbox:sqs-receipt-handle:")
    .update(env().SIGNALBOX_MASTER_KEY)
    .digest();
  return receiptKey;
}

export function defaultRegion(): string {
  return process.env.SIGNALBOX_REGION ?? "us-east-1";
}

// Queue rows change rarely (attributes, permissions) and are read on every call: a 2-second cache
// per process. Local changes clear it at once; other processes see a change within 2 seconds.
const CACHE_TTL_MS = 2_000;
const cache = new Map<string, { row: QueueRow | null; at: number }>();

export function forgetQueue(q: { accountId?: string; name: string; arn?: string }): void {
  for (const [k, v] of cache) {
    if (
      (v.row && v.row.name === q.name && (!q.accountId || v.row.accountId === q.accountId)) ||
      k.endsWith(`/${q.name}`) ||
      (q.arn && k === `arn:${q.arn}`)
    )
      cache.delete(k);
  }
}

// A deleted tenant's queues must not be served from here: forget everything when one is deleted
// (rare), or when notices may have been missed.
let followingDeletions = false;
function followTenantDeletions(): void {
  if (followingDeletions) return;
  followingDeletions = true;
  const clear = () => {
    cache.clear();
    accounts.clear();
  };
  listen(TENANT_DELETED_CHANNEL, { onNotify: clear, onResync: clear }).catch(() => (followingDeletions = false));
}

async function cached(key: string, load: () => Promise<QueueRow | null>): Promise<QueueRow | null> {
  followTenantDeletions();
  const hit = cache.get(key);
  const t = Date.now();
  if (hit && t - hit.at < CACHE_TTL_MS) return hit.row;
  const row = await load();
  if (cache.size > 10_000) cache.clear();
  cache.set(key, { row, at: t });
  return row;
}

export async function queueByName(tenantId: string, name: string): Promise<QueueRow | null> {
  return cached(`t:${tenantId}/${name}`, () => findQueueByName(pool(), tenantId, name));
}

export async function queueByArn(arn: string): Promise<QueueRow | null> {
  return cached(`arn:${arn}`, () => findQueueRowByArn(pool(), arn));
}

export type CallerRef = { tenantId: string; accountId: string };

// A tenant's account id never changes, so it is cached for the process (cleared with the queues
// when a tenant is deleted): checking a foreign queue's grants costs no query after the first.
const accounts = new Map<string, string>();
async function accountOfTenant(tenantId: string): Promise<string | null> {
  const hit = accounts.get(tenantId);
  if (hit) return hit;
  const a = await tenantAccountId(pool(), tenantId);
  if (a) {
    if (accounts.size > 10_000) accounts.clear();
    accounts.set(tenantId, a);
  }
  return a;
}

/**
 * Every use case on a queue checks that its caller's tenant may do `action` on it, whatever the
 * door handed it: its own queue always (no query), another tenant's queue only when that queue's
 * grants or Policy allow the caller's account (AccessDenied when they mention it without allowing,
 * QueueDoesNotExist when they do not mention it, as resolveQueue answers).
 */
export async function assertQueueAccess(
  tenantId: string,
  q: Pick<QueueRow, "tenantId" | "arn" | "permissions" | "settings">,
  action: string,
  sourceArn?: string,
  service?: string,
): Promise<void> {
  if (q.tenantId === tenantId) return;
  const accountId = await accountOfTenant(tenantId);
  if (!accountId) throw queueDoesNotExist();
  const decision = crossAccountDecision(q.permissions, q.settings.policy, {
    accountId,
    action,
    queueArn: q.arn,
    sourceArn,
    service,
  });
  if (decision === "allow") return;
  if (decision === "deny") throw sqsError("AccessDenied", `Access to the resource ${q.arn} is denied.`);
  throw queueDoesNotExist();
}

/** Owner-only actions (delete, tags, permissions): another tenant is refused even with grants, as in AWS. */
export function assertQueueOwner(tenantId: string, q: Pick<QueueRow, "tenantId" | "arn">): void {
  if (q.tenantId !== tenantId) throw sqsError("AccessDenied", `Access to the resource ${q.arn} is denied.`);
}

/**
 * The queue a caller addresses. Its own account: by name. Another account's queue: only when a
 * permission (AddPermission or Policy) mentions the caller; otherwise it does not exist for them
 * (QueueDoesNotExist), and AccessDenied where a permission exists but does not grant the action.
 */
export async function resolveQueue(
  caller: CallerRef,
  ref: { accountId?: string; name: string },
  action: string,
  sourceArn?: string,
): Promise<QueueRow> {
  // A name no queue can have (NUL bytes, other characters) cannot exist: say so without asking the database.
  if (queueNameProblem(ref.name) || (ref.accountId !== undefined && !/^\d{12}$/.test(ref.accountId)))
    throw queueDoesNotExist();
  if (!ref.accountId || ref.accountId === caller.accountId) {
    const q = await queueByName(caller.tenantId, ref.name);
    if (!q) throw queueDoesNotExist();
    return q;
  }
  const q = await cached(`a:${ref.accountId}/${ref.name}`, () =>
    findQueueByAccountAndName(pool(), ref.accountId!, ref.name),
  );
  if (!q) throw queueDoesNotExist();
  const decision = crossAccountDecision(q.permissions, q.settings.policy, {
    accountId: caller.accountId,
    action,
    queueArn: q.arn,
    sourceArn,
  });
  if (decision === "allow") return q;
  if (decision === "deny") throw sqsError("AccessDenied", `Access to the resource ${q.arn} is denied.`);
  throw queueDoesNotExist();
}

/** A queue as a caller names it at any door: a QueueUrl (any form AWS accepts), or a name and owner. */
export type QueueRef = { url?: string; name?: string; ownerAccountId?: string };

/** The one lookup every door uses: parse the reference, then resolveQueue's access rules. */
export async function resolveQueueRef(caller: CallerRef, ref: QueueRef, action: string): Promise<QueueRow> {
  if (ref.url !== undefined) {
    const parsed = parseQueueUrl(ref.url);
    if (!parsed) throw queueDoesNotExist();
    return resolveQueue(caller, parsed, action);
  }
  if (ref.name !== undefined) return resolveQueue(caller, { accountId: ref.ownerAccountId, name: ref.name }, action);
  throw sqsError("MissingParameter", "The request must contain the parameter QueueUrl.");
}
