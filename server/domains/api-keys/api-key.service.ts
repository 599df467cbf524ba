import { z } from "zod";
import { AppError } from "../../core/errors";
import { encryptSecret, decryptSecret } from "../../core/crypto/secret-box";
import { masterKey } from "../../platform/secrets";
import { generateAccessKeyId, generateSecretAccessKey } from "../../core/crypto/api-key-format";
import { assertCan, roleAtMost, ROLES, type Actor, type Role } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import { recordAudit } from "../audit/audit.service";
import { isListening, listen, stopListening } from "../../platform/listen";
import { TENANT_DELETED_CHANNEL } from "../../platform/channels";
import {
  findApiKey,
  findKeyForAuth,
  insertApiKey,
  listApiKeysOfTenant,
  markRevoked,
  touchLastUsed,
  notifyChannel,
  upsertKeyLimits,
  type KeyLimits,
} from "./api-key.repository";

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, "Give the key a name").max(80, "At most 80 characters"),
  role: z.enum(ROLES),
  expiresAt: z.coerce
    .date()
    .refine((d) => d.getTime() > Date.now(), "Expiry must be in the future")
    .nullish(),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;

// The installation's master key, parsed once (platform/secrets.ts).
const key = masterKey;

export async function createApiKey(actor: Actor, tenantId: string, input: CreateApiKeyInput) {
  assertCan(actor.role, "keys:manage");
  const data = createApiKeyInput.parse(input);
  if (!roleAtMost(data.role, actor.role)) {
    throw new AppError("forbidden", `A key's role can be at most your own (${actor.role}).`, {
      fieldErrors: { role: [`At most ${actor.role}`] },
    });
  }
  const id = generateAccessKeyId();
  const secret = generateSecretAccessKey();
  await withTransaction(async (tx) => {
    await insertApiKey(tx, {
      id,
      tenantId,
      name: data.name,
      role: data.role,
      secretEnc: encryptSecret(secret, key()),
      createdById: actor.type === "user" ? actor.userId : null,
      expiresAt: data.expiresAt ?? null,
    });
    await recordAudit(
      actor,
      tenantId,
      "api_key.create",
      { type: "api_key", id },
      { after: { name: data.name, role: data.role, expiresAt: data.expiresAt ?? null } },
      tx,
    );
  });
  // The only time the secret leaves the server.
  return { id, secret, name: data.name, role: data.role, expiresAt: data.expiresAt ?? null };
}

const positiveInt = (max: number, msg: string) =>
  z.coerce.number({ error: "Enter a number" }).int("Whole numbers only").min(1, msg).max(max, `At most ${max}`);

/**
 * A key's own limits, from the console form: blank fields mean "no limit". A rate needs no burst
 * (it defaults to the rate, at least 1); a quota needs its period.
 */
export const keyLimitsInput = z
  .object({
    id: z.string().min(1),
    rateLimit: z.coerce
      .number({ error: "Enter a number" })
      .positive("Must be more than 0")
      .max(100_000, "At most 100000")
      .nullish(),
    burstLimit: positiveInt(1_000_000, "At least 1").nullish(),
    quotaLimit: positiveInt(1_000_000_000, "At least 1").nullish(),
    quotaPeriod: z.enum(["DAY", "MONTH"], { error: "Pick day or month" }).nullish(),
  })
  .superRefine((v, ctx) => {
    if (v.burstLimit != null && v.rateLimit == null)
      ctx.addIssue({ code: "custom", path: ["rateLimit"], message: "A burst needs a rate" });
    if (v.quotaLimit != null && v.quotaPeriod == null)
      ctx.addIssue({ code: "custom", path: ["quotaPeriod"], message: "Pick the quota's period" });
  });
export type KeyLimitsInput = z.infer<typeof keyLimitsInput>;

export async function setApiKeyLimits(actor: Actor, tenantId: string, input: KeyLimitsInput) {
  assertCan(actor.role, "keys:manage");
  const data = keyLimitsInput.parse(input);
  const existing = await findApiKey(pool(), tenantId, data.id);
  if (!existing) throw new AppError("not_found", `No API key ${data.id} in this tenant.`);
  const limits: KeyLimits = {
    rateLimit: data.rateLimit ?? null,
    burstLimit: data.rateLimit == null ? null : (data.burstLimit ?? Math.max(1, Math.ceil(data.rateLimit))),
    quotaLimit: data.quotaLimit ?? null,
    quotaPeriod: data.quotaLimit == null ? null : (data.quotaPeriod ?? null),
  };
  await withTransaction(async (tx) => {
    await upsertKeyLimits(tx, tenantId, data.id, limits);
    await recordAudit(
      actor,
      tenantId,
      "api_key.limits",
      { type: "api_key", id: data.id },
      { before: existing.limits ?? null, after: limits },
      tx,
    );
    // Every process drops its cached copy of the key (and its limits) at commit time.
    await notifyChannel(tx, KEY_REVOKED_CHANNEL, data.id);
  });
  forgetKey(data.id);
  return { id: data.id, limits: limits.rateLimit === null && limits.quotaLimit === null ? null : limits };
}

export async function listApiKeys(actor: Actor, tenantId: string) {
  assertCan(actor.role, "resource:read");
  return listApiKeysOfTenant(pool(), tenantId);
}

export async function revokeApiKey(actor: Actor, tenantId: string, id: string) {
  assertCan(actor.role, "keys:manage");
  const existing = await findApiKey(pool(), tenantId, id);
  if (!existing) throw new AppError("not_found", `No API key ${id} in this tenant.`);
  await withTransaction(async (tx) => {
    const changed = await markRevoked(tx, tenantId, id);
    if (!changed) throw new AppError("conflict", `API key ${id} is already revoked.`);
    await recordAudit(
      actor,
      tenantId,
      "api_key.revoke",
      { type: "api_key", id },
      { before: { name: existing.name, role: existing.role } },
      tx,
    );
    // Every process drops its cached copy at commit time.
    await notifyChannel(tx, KEY_REVOKED_CHANNEL, id);
  });
  forgetKey(id);
  return { id, revoked: true };
}

/** Operator revocation (`signalbox key revoke <id>`): the key id alone names the tenant. */
export async function revokeApiKeyById(actor: Actor, id: string) {
  const row = await findKeyForAuth(pool(), id);
  if (!row) throw new AppError("not_found", `No API key ${id}.`);
  return revokeApiKey(actor, row.tenant_id, id);
}

// --- authentication lookups (data plane) --------------------------------------------------------

export type ResolvedKey = {
  keyId: string;
  role: Role;
  secret: string;
  tenant: { id: string; accountId: string; slug: string; name: string };
  expiresAt: Date | null;
  revoked: boolean;
  /** The key's own limits (null: only the tenant's). */
  limits: KeyLimits | null;
};

// Keys (with their limits) are cached briefly so a busy SQS client does not cost a key query per request. Revocation
// (and tenant deletion) reaches every process at once through NOTIFY; the cache is trusted only
// while this process is actually listening (server/platform/listen.ts reconnects and calls
// `onResync` after a connection loss, since notices sent meanwhile are lost). The TTL is the
// backstop if a notification is missed some other way.
const CACHE_TTL_MS = 10_000;
export const KEY_REVOKED_CHANNEL = "signalbox_api_key_revoked";
const cache = new Map<string, { at: number; value: ResolvedKey | null }>();

export function forgetKey(id: string): void {
  cache.delete(id);
}

/** Drops every cached key of a tenant (the tenant was deleted). */
export function forgetTenantKeys(tenantId: string): void {
  for (const [id, e] of cache) if (e.value?.tenant.id === tenantId) cache.delete(id);
}

export async function resolveAccessKey(id: string, now = Date.now()): Promise<ResolvedKey | null> {
  const trusted = isListening(KEY_REVOKED_CHANNEL) && isListening(TENANT_DELETED_CHANNEL);
  const hit = trusted ? cache.get(id) : undefined;
  if (hit && now - hit.at < CACHE_TTL_MS) return hit.value;
  const row = await findKeyForAuth(pool(), id);
  const value: ResolvedKey | null = row
    ? {
        keyId: row.id,
        role: row.role,
        secret: decryptSecret(row.secret_enc, key()),
        tenant: { id: row.tenant_id, accountId: row.account_id, slug: row.slug, name: row.tenant_name },
        expiresAt: row.expires_at,
        revoked: row.revoked_at !== null,
        limits: row.limits,
      }
    : null;
  if (!trusted) return value;
  if (cache.size > 10_000) cache.clear();
  cache.set(id, { at: now, value });
  return value;
}

let unsubscribe: Array<() => void> = [];
/** Subscribes this process to revocation and tenant-deletion notices (called once by the web server). */
export async function listenForRevocations(): Promise<void> {
  if (unsubscribe.length) return;
  const resync = () => cache.clear();
  unsubscribe = [
    await listen(KEY_REVOKED_CHANNEL, { onNotify: forgetKey, onResync: resync }),
    await listen(TENANT_DELETED_CHANNEL, { onNotify: forgetTenantKeys, onResync: resync }),
  ];
}

/** Stops listening (shutdown): the pool can then end. */
export function stopListeningForRevocations(): void {
  for (const u of unsubscribe) u();
  unsubscribe = [];
  cache.clear();
  void stopListening();
}

// last_used_at is written at most once a minute per key, in the background.
const lastTouched = new Map<string, number>();
export function noteKeyUsed(id: string, now = Date.now()): void {
  const prev = lastTouched.get(id) ?? 0;
  if (now - prev < 60_000) return;
  lastTouched.set(id, now);
  void touchLastUsed(pool(), [id]).catch(() => lastTouched.delete(id));
}
