import { randomUUID } from "node:crypto";
import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../server/db";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory, createContext, tenantInput } from "../../server/trpc/trpc";
import { createInvite } from "../../server/domains/tenants/tenant.service";
import { addMember, createTestTenant, createTestUser, type TestTenant } from "../helpers/fixtures";

// Tenant isolation through EVERY tRPC procedure, found by walking the router (so procedures that
// other domains add later are covered without touching this file). A signed-in owner of tenant A:
//  1. names tenant B (by slug or id) in any tenant-scoped procedure → NOT_FOUND/FORBIDDEN, before
//     the rest of the input is even validated, with the same answer as for a tenant that does not
//     exist (no probing);
//  2. names their own tenant A but B's ids in every id-like field → B is untouched and nothing of
//     B comes back;
// and B's rows in every table with a tenant_id column are byte-for-byte unchanged at the end.
// Procedures that are not tenant-scoped must be listed below, with the reason.

const NOT_TENANT_SCOPED: Record<string, string> = {
  "account.signUp": "creates a new user and their first tenant",
  "account.me": "the signed-in user and the tenants they belong to",
  "account.signOutEverywhere": "the signed-in user's own sessions",
  "account.changePassword": "the signed-in user's own password",
  "tenant.list": "the tenants the signed-in user belongs to",
  "tenant.create": "creates a new tenant owned by the caller",
  "tenant.invites.preview": "the invite token (a secret) names the tenant; the invitee is not a member yet",
  "tenant.invites.accept": "the invite token (a secret) names the tenant; the invitee is not a member yet",
};

type Proc = { _def: { type: "query" | "mutation" | "subscription"; inputs: z.ZodType[] } };
const PROCEDURES = Object.entries(
  (appRouter as unknown as { _def: { procedures: Record<string, Proc> } })._def.procedures,
);
const isTenantScoped = (p: Proc) => p._def.inputs.includes(tenantInput as unknown as z.ZodType);

const createCaller = createCallerFactory(appRouter);
type AnyFn = (input?: unknown) => Promise<unknown>;
function procedureOf(caller: unknown, path: string): AnyFn {
  return path.split(".").reduce((o, k) => (o as Record<string, unknown>)[k], caller) as AnyFn;
}

// --- inputs from each procedure's zod schemas (via JSON Schema) ---------------------------------

type Js = {
  type?: string | string[];
  properties?: Record<string, Js>;
  required?: string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Js[];
  oneOf?: Js[];
  items?: Js;
  minItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  format?: string;
  pattern?: string;
  default?: unknown;
};

/** A plausible value for a JSON Schema; `idValue` is put into every id-like string field. */
function sample(js: Js, key: string, idValue?: string): unknown {
  const variants = js.anyOf ?? js.oneOf;
  if (variants) {
    const v =
      variants.find((x) => x.type !== "null" && Object.keys(x).length > 0) ?? variants.find((x) => x.type !== "null");
    return v ? sample(v, key, idValue) : null;
  }
  if (js.const !== undefined) return js.const;
  if (js.enum) return js.enum[0];
  const type = Array.isArray(js.type) ? js.type.find((t) => t !== "null") : js.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(js.properties ?? {})) {
        const value = sample(v, k, idValue);
        if (value !== undefined) out[k] = value;
      }
      return out;
    }
    case "array":
      return (js.minItems ?? 0) > 0 && js.items ? [sample(js.items, key, idValue)] : [];
    case "integer":
    case "number":
      // Plausible, not extreme: 1 if the bounds allow it (z.number().int() advertises ±2^53).
      return Math.min(Math.max(1, js.minimum ?? 1), js.maximum ?? 1);
    case "boolean":
      return false;
    case "string": {
      if (idValue !== undefined && /(^id$|Id$|^arn$|Arn$|Url$|^token$)/.test(key)) return idValue;
      if (js.format === "email") return `isolation-${randomUUID().slice(0, 8)}@example.test`;
      if (js.format === "uuid") return randomUUID();
      if (js.format === "date-time") return new Date(Date.now() + 86_400_000).toISOString();
      if (js.pattern === "^\\d+$") return "1";
      const len = Math.max(js.minLength ?? 1, Math.min(8, js.maxLength ?? 8));
      return `iso-${randomUUID()}`.slice(0, len).padEnd(len, "x");
    }
    default:
      return undefined; // unrepresentable (dates, transforms): leave out
  }
}

function inputFor(proc: Proc, tenant: string, idValue?: string): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const schema of proc._def.inputs) {
    if (schema === (tenantInput as unknown)) continue;
    const js = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Js;
    Object.assign(input, sample(js, "", idValue) as object);
  }
  return { ...input, tenant };
}

// --- tenant B's footprint ------------------------------------------------------------------------

let A: TestTenant;
let B: TestTenant & { member: { id: string; email: string }; inviteId: string };
let tenantTables: string[];

async function snapshotOfB(): Promise<Record<string, string[]>> {
  const snap: Record<string, string[]> = {};
  for (const table of tenantTables) {
    const r = await pool().query(`SELECT to_jsonb(x)::text AS row FROM "${table}" x WHERE tenant_id = $1`, [
      B.tenant.id,
    ]);
    snap[table] = r.rows.map((row) => row.row as string).sort();
  }
  snap.tenants = (
    await pool().query(`SELECT to_jsonb(t)::text AS row FROM tenants t WHERE id = $1`, [B.tenant.id])
  ).rows.map((r) => r.row);
  snap.users = (
    await pool().query(`SELECT to_jsonb(u)::text AS row FROM users u WHERE id = ANY($1::text[]) ORDER BY id`, [
      [B.user.id, B.member.id],
    ])
  ).rows.map((r) => r.row);
  return snap;
}

function identifiersOfB(): string[] {
  return [
    B.tenant.id,
    B.tenant.slug,
    B.tenant.accountId,
    B.key.id,
    B.user.id,
    B.user.email,
    B.member.id,
    B.member.email,
    B.inviteId,
  ];
}

const json = (v: unknown) => JSON.stringify(v, (_k, x) => (typeof x === "bigint" ? x.toString() : x)) ?? "";

beforeAll(async () => {
  A = await createTestTenant();
  const b = await createTestTenant();
  const member = await createTestUser();
  await addMember(b.tenant.id, member.id, "developer");
  const invite = await createInvite(b.actor, b.tenant.id, {
    email: `invitee-${randomUUID().slice(0, 8)}@example.test`,
    role: "viewer",
  });
  B = { ...b, member: { id: member.id, email: member.email }, inviteId: invite.id };
  tenantTables = (
    await pool().query(
      `SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'public' AND column_name = 'tenant_id' ORDER BY table_name`,
    )
  ).rows.map((r) => r.table_name as string);
});

describe("tenant isolation across every tRPC procedure", () => {
  it("finds the procedures, and each is tenant-scoped or explicitly allow-listed", () => {
    expect(PROCEDURES.length).toBeGreaterThanOrEqual(10);
    const unlisted = PROCEDURES.filter(([path, p]) => !isTenantScoped(p) && !(path in NOT_TENANT_SCOPED)).map(
      ([path]) => path,
    );
    expect(
      unlisted,
      "procedures without a tenant input: use tenantProcedure, or add them to NOT_TENANT_SCOPED with a reason",
    ).toEqual([]);
    const stale = Object.keys(NOT_TENANT_SCOPED).filter(
      (path) => !PROCEDURES.some(([p, proc]) => p === path && !isTenantScoped(proc)),
    );
    expect(stale, "allow-list entries that no longer match a non-tenant procedure").toEqual([]);
  });

  it("knows tenant B's rows in every tenant table", async () => {
    expect(tenantTables).toEqual(expect.arrayContaining(["api_keys", "memberships", "invites", "audit_log"]));
    const snap = await snapshotOfB();
    expect(snap.api_keys.length).toBe(1);
    expect(snap.memberships.length).toBe(2);
    expect(snap.invites.length).toBe(1);
  });

  const scoped = PROCEDURES.filter(([, p]) => isTenantScoped(p) && p._def.type !== "subscription");

  it.each(scoped.map(([path]) => path))("%s refuses tenant B to a member of A only", async (path) => {
    const proc = PROCEDURES.find(([p]) => p === path)![1];
    const caller = createCaller(await createContext({ userId: A.user.id }));
    const call = procedureOf(caller, path);
    const before = await snapshotOfB();
    const ghost = `no-such-tenant-${randomUUID().slice(0, 8)}`;
    const ghostErr = await call({ tenant: ghost }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(ghostErr).toBeInstanceOf(TRPCError);

    const attempts: Array<[string, unknown]> = [
      // Only the tenant: the tenant check must come before the rest of the input is validated.
      ["tenant slug only", { tenant: B.tenant.slug }],
      ["tenant id only", { tenant: B.tenant.id }],
      ["generated input", inputFor(proc, B.tenant.slug)],
      ["generated input with B's key id", inputFor(proc, B.tenant.slug, B.key.id)],
      ["generated input with B's member id", inputFor(proc, B.tenant.id, B.member.id)],
    ];
    for (const [label, input] of attempts) {
      const err = await call(input).then(
        (result) => ({ result }),
        (e: unknown) => e,
      );
      expect(
        err,
        `${path} (${label}) answered for tenant B: ${json((err as { result?: unknown }).result)}`,
      ).toBeInstanceOf(TRPCError);
      expect(["NOT_FOUND", "FORBIDDEN"], `${path} (${label}): ${(err as TRPCError).message}`).toContain(
        (err as TRPCError).code,
      );
      // The same answer as for a tenant that does not exist: B cannot be discovered.
      expect((err as TRPCError).code).toBe((ghostErr as TRPCError).code);
      expect((err as TRPCError).message).toBe((ghostErr as TRPCError).message);
    }
    expect(await snapshotOfB()).toEqual(before);
  });

  it.each(scoped.map(([path]) => path))("%s in A's own tenant cannot reach B's objects by id", async (path) => {
    const proc = PROCEDURES.find(([p]) => p === path)![1];
    // A fresh tenant A per procedure: these calls really run in A (rename, delete, purge, …).
    const A = await createTestTenant();
    const caller = createCaller(await createContext({ userId: A.user.id }));
    const call = procedureOf(caller, path);
    const before = await snapshotOfB();
    const secrets = identifiersOfB();
    for (const id of [B.key.id, B.user.id, B.member.id, B.inviteId, B.tenant.id]) {
      const outcome = await call(inputFor(proc, A.tenant.slug, id)).then(
        (result) => ({ ok: true as const, result }),
        (error: unknown) => ({ ok: false as const, error }),
      );
      if (outcome.ok) {
        const text = json(outcome.result);
        for (const s of secrets) expect(text, `${path} with id ${id} returned something of tenant B`).not.toContain(s);
      } else {
        expect(outcome.error).toBeInstanceOf(TRPCError);
        expect(
          (outcome.error as TRPCError).code,
          `${path} with id ${id}: ${(outcome.error as TRPCError).message}`,
        ).not.toBe("INTERNAL_SERVER_ERROR");
      }
    }
    expect(await snapshotOfB()).toEqual(before);
  });

  const unscopedQueries = PROCEDURES.filter(([path, p]) => path in NOT_TENANT_SCOPED && p._def.type === "query");
  it.each(unscopedQueries.map(([path]) => path))(
    "allow-listed query %s shows nothing of B to a member of A",
    async (path) => {
      const proc = PROCEDURES.find(([p]) => p === path)![1];
      const caller = createCaller(await createContext({ userId: A.user.id }));
      const input = proc._def.inputs.length ? inputFor(proc, A.tenant.slug) : undefined;
      if (input) delete input.tenant;
      const outcome = await procedureOf(
        caller,
        path,
      )(input).then(
        (result) => json(result),
        (e: unknown) => `error ${(e as TRPCError).code}`,
      );
      for (const s of identifiersOfB()) expect(outcome).not.toContain(s);
    },
  );

  it("B's rows are unchanged after all of the above", async () => {
    // The per-procedure checks compare snapshots; this guards the fixture itself.
    const snap = await snapshotOfB();
    expect(snap.api_keys[0]).toContain(B.key.id);
    expect(snap.api_keys[0]).toContain('"revoked_at": null');
    expect(snap.tenants[0]).toContain(B.tenant.name);
  });
});
