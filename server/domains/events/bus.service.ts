import { randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, readsCommitted, withTransaction, type Queryable } from "../../db";
import { env } from "../../env";
import { listen } from "../../platform/listen";
import { TENANT_DELETED_CHANNEL } from "../../platform/channels";
import {
  busArn as buildBusArn,
  busRefProblem,
  newBusNameProblem,
  parseBusArn,
  constraintMessage,
} from "../../core/events/names";
import {
  busPolicyDecision,
  parseBusPolicy,
  permissionStatement,
  type PolicyDocument,
} from "../../core/events/bus-policy";
import {
  deleteBusRow,
  findBusByArnUnscoped,
  findBusByName,
  insertBus,
  listBusesPage,
  lockBus,
  updateBus as updateBusRow,
  type BusRow,
} from "./bus.repository";
import { busNotFound, ebAccessDenied, ebAlreadyExists, ebNotFound, ebValidation } from "./event.errors";

// Event buses: the default bus (created on demand), custom buses, their resource policy and tags.
// Shared by the AWS door, REST and the console.

export type Caller = { tenantId: string; accountId: string };

export function region(): string {
  return env().SIGNALBOX_REGION;
}

export function busArnFor(caller: Pick<Caller, "accountId">, name: string): string {
  return buildBusArn(region(), caller.accountId, name);
}

/** The tenant's default bus, created the first time anything needs it. */
export async function ensureDefaultBus(db: Queryable, caller: Caller): Promise<BusRow> {
  const found = await findBusByName(db, caller.tenantId, "default");
  if (found) return found;
  const made = await insertBus(db, {
    id: randomUUID(),
    tenantId: caller.tenantId,
    name: "default",
    arn: busArnFor(caller, "default"),
    description: null,
    policy: null,
    kmsKeyIdentifier: null,
    deadLetterConfig: null,
    tags: {},
  });
  return made ?? (await findBusByName(db, caller.tenantId, "default"))!;
}

/**
 * The caller's own bus by name or ARN (management actions never reach another account's bus:
 * AWS answers as if it did not exist). Unknown → ResourceNotFoundException.
 */
export async function requireOwnBus(db: Queryable, caller: Caller, ref: string | undefined | null): Promise<BusRow> {
  const r = ref || "default";
  const problem = busRefProblem(r);
  if (problem) throw ebValidation(problem, "eventBusName");
  let name = r;
  if (r.startsWith("arn:")) {
    const parsed = parseBusArn(r)!;
    if (parsed.accountId !== caller.accountId) throw busNotFound(parsed.name);
    name = parsed.name;
  }
  if (name === "default") return ensureDefaultBus(db, caller);
  const bus = await findBusByName(db, caller.tenantId, name);
  if (!bus) throw busNotFound(name);
  return bus;
}

/**
 * The bus PutEvents (or an event-bus target) writes to: the caller's own, or another account's
 * whose policy allows the caller's account events:PutEvents. AWS's per-entry answers: an unknown
 * bus of the caller's own is ResourceNotFoundException; another account's without an Allow is
 * AccessDeniedException (whether it exists or not, so names are not probed).
 */
export async function resolveBusForPut(
  db: Queryable,
  caller: Caller,
  ref: string,
  sourceArn?: string,
): Promise<BusRow> {
  const problem = busRefProblem(ref, "eventBusName");
  if (problem) throw ebValidation(problem, "eventBusName");
  if (!ref.startsWith("arn:"))
    return cachedBus(db, `t:${caller.tenantId}/${ref}`, () => requireOwnBus(db, caller, ref));
  const parsed = parseBusArn(ref)!;
  if (parsed.accountId === caller.accountId)
    return cachedBus(db, `t:${caller.tenantId}/${parsed.name}`, () => requireOwnBus(db, caller, parsed.name));
  const bus = await cachedBus(db, `arn:${ref}`, () => findBusByArnUnscoped(db, ref));
  const decision = bus
    ? busPolicyDecision(bus.policy, {
        accountId: caller.accountId,
        action: "events:PutEvents",
        busArn: bus.arn,
        sourceArn,
      })
    : "none";
  if (!bus || decision !== "allow")
    throw ebAccessDenied(
      `User: arn:aws:iam::${caller.accountId}:root is not authorized to perform: events:PutEvents on resource: ${ref} because no resource-based policy allows the events:PutEvents action`,
    );
  return bus;
}

// Buses change rarely (policy, description) and PutEvents reads one per call: found buses are kept
// 2 seconds per process. Changes made here clear the cache at once; other processes see a change
// (a policy revoked, a bus deleted) within 2 seconds, as queues' resolution does. Misses are not
// kept, so a bus created elsewhere is usable at once. Only committed rows are kept: a row read inside
// an open transaction may be that transaction's own (the default bus created on first use) and
// vanish with its rollback, so it serves that call alone.
const BUS_TTL_MS = 2_000;
const busCache = new Map<string, { row: BusRow; at: number }>();
let followingDeletions = false;

async function cachedBus<T extends BusRow | null>(db: Queryable, key: string, load: () => Promise<T>): Promise<T> {
  if (!followingDeletions) {
    followingDeletions = true;
    const clear = () => busCache.clear();
    listen(TENANT_DELETED_CHANNEL, { onNotify: clear, onResync: clear }).catch(() => (followingDeletions = false));
  }
  const hit = busCache.get(key);
  if (hit && Date.now() - hit.at < BUS_TTL_MS) return hit.row as T;
  const row = await load();
  if (row && readsCommitted(db)) {
    if (busCache.size > 10_000) busCache.clear();
    busCache.set(key, { row, at: Date.now() });
  }
  return row;
}

/** After a change to a bus (policy, settings, deletion): this process forgets it at once. */
export function forgetBus(bus: Pick<BusRow, "tenantId" | "name" | "arn">): void {
  busCache.delete(`t:${bus.tenantId}/${bus.name}`);
  busCache.delete(`arn:${bus.arn}`);
}

// --- management ----------------------------------------------------------------------------------

export type BusInput = {
  name: string;
  description?: string | null;
  kmsKeyIdentifier?: string | null;
  deadLetterConfig?: { Arn?: string } | null;
  tags?: Record<string, string>;
  policy?: string | null;
};

function checkDescription(d: string | null | undefined): void {
  if (d && d.length > 512)
    throw ebValidation(
      constraintMessage(d, "description", "Member must have length less than or equal to 512"),
      "description",
    );
}

function checkPolicyText(policy: string): PolicyDocument {
  const doc = parseBusPolicy(policy);
  if (!doc) throw ebValidation("This policy contains invalid Json", "policy");
  return doc;
}

export async function createBus(actor: Actor, caller: Caller, input: BusInput): Promise<BusRow> {
  assertCan(actor.role, "resource:write");
  const problem = newBusNameProblem(input.name);
  if (problem) throw ebValidation(problem, "name");
  if (input.name === "default") throw ebAlreadyExists("Event bus default already exists.");
  if (input.name.startsWith("aws.")) throw ebValidation("Event bus name must not start with 'aws.'.", "name");
  checkDescription(input.description);
  if (input.policy) checkPolicyText(input.policy);
  const made = await insertBus(pool(), {
    id: randomUUID(),
    tenantId: caller.tenantId,
    name: input.name,
    arn: busArnFor(caller, input.name),
    description: input.description ?? null,
    policy: input.policy ?? null,
    kmsKeyIdentifier: input.kmsKeyIdentifier ?? null,
    deadLetterConfig: input.deadLetterConfig ?? null,
    tags: input.tags ?? {},
  });
  if (!made) throw ebAlreadyExists(`Event bus ${input.name} already exists.`);
  return made;
}

export async function describeBus(actor: Actor, caller: Caller, ref?: string | null): Promise<BusRow> {
  assertCan(actor.role, "resource:read");
  return requireOwnBus(pool(), caller, ref);
}

export async function updateBus(
  actor: Actor,
  caller: Caller,
  ref: string | undefined | null,
  patch: Pick<BusInput, "description" | "kmsKeyIdentifier" | "deadLetterConfig">,
): Promise<BusRow> {
  assertCan(actor.role, "resource:write");
  checkDescription(patch.description);
  const bus = await requireOwnBus(pool(), caller, ref);
  await updateBusRow(pool(), caller.tenantId, bus.id, patch);
  forgetBus(bus);
  return (await findBusByName(pool(), caller.tenantId, bus.name))!;
}

/** DeleteEventBus: the default bus cannot be deleted; an unknown bus is not an error (as in AWS). */
export async function deleteBus(actor: Actor, caller: Caller, name: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  const problem = busRefProblem(name, "name");
  if (problem) throw ebValidation(problem, "name");
  if (name === "default") throw ebValidation("Cannot delete event bus default.", "name");
  const bus = await findBusByName(pool(), caller.tenantId, name);
  if (!bus) return;
  await deleteBusRow(pool(), caller.tenantId, bus.id);
  forgetBus(bus);
}

export async function listBuses(
  actor: Actor,
  caller: Caller,
  opts: { namePrefix?: string | null; nextToken?: string | null; limit?: number | null },
): Promise<{ buses: BusRow[]; nextToken: string | null }> {
  assertCan(actor.role, "resource:read");
  if (opts.limit !== undefined && opts.limit !== null && (opts.limit < 1 || opts.limit > 100))
    throw ebValidation(
      constraintMessage(
        String(opts.limit),
        "limit",
        opts.limit < 1
          ? "Member must have value greater than or equal to 1"
          : "Member must have value less than or equal to 100",
      ),
      "limit",
    );
  await ensureDefaultBus(pool(), caller);
  const limit = opts.limit ?? 100;
  const after = opts.nextToken ? decodeToken(opts.nextToken) : null;
  const rows = await listBusesPage(pool(), caller.tenantId, opts.namePrefix || null, after, limit + 1);
  const more = rows.length > limit;
  const page = rows.slice(0, limit);
  return { buses: page, nextToken: more ? encodeToken(page[page.length - 1]!.name) : null };
}

export function encodeToken(after: string): string {
  return Buffer.from(JSON.stringify({ a: after })).toString("base64url");
}

export function decodeToken(token: string): string {
  try {
    const v = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { a?: unknown };
    if (typeof v.a === "string") return v.a;
  } catch {
    /* fall through */
  }
  throw ebValidation("The NextToken provided is invalid.", "nextToken");
}

// --- permissions ---------------------------------------------------------------------------------

export type PermissionInput =
  | { policy: string; eventBusName?: string | null }
  | {
      policy?: undefined;
      eventBusName?: string | null;
      action?: string | null;
      principal?: string | null;
      statementId?: string | null;
      condition?: { Type: string; Key: string; Value: string } | null;
    };

export async function putPermission(actor: Actor, caller: Caller, input: PermissionInput): Promise<void> {
  assertCan(actor.role, "resource:write");
  const changed = await withTransaction(async (tx): Promise<BusRow> => {
    const bus = await requireOwnBus(tx, caller, input.eventBusName);
    await lockBus(tx, bus.id);
    if (input.policy !== undefined) {
      checkPolicyText(input.policy);
      await updateBusRow(tx, caller.tenantId, bus.id, { policy: input.policy });
      return bus;
    }
    if (!input.principal) throw ebValidation("Parameter Principal must be specified.", "principal");
    if (input.condition && input.principal !== "*")
      throw ebValidation(
        "Value of the parameter 'principal' must be '*' when the parameter 'condition' is set.",
        "principal",
      );
    if (!input.condition && !/^(\d{12}|\*)$/.test(input.principal))
      throw ebValidation(
        constraintMessage(
          input.principal,
          "principal",
          "Member must satisfy regular expression pattern: (\\d{12}|\\*)",
        ),
        "principal",
      );
    if (input.action !== "events:PutEvents")
      throw ebValidation("Provided value in parameter 'action' is not supported.", "action");
    if (!input.statementId || !/^[a-zA-Z0-9-_]{1,64}$/.test(input.statementId))
      throw ebValidation(
        constraintMessage(
          input.statementId ?? "",
          "statementId",
          "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+",
        ),
        "statementId",
      );
    const current = (await findBusByName(tx, caller.tenantId, bus.name))!;
    const doc = parseBusPolicy(current.policy) ?? { Version: "2012-10-17", Statement: [] };
    if (doc.Statement.some((s) => s.Sid === input.statementId))
      throw ebAlreadyExists("Statement with the provided id already exists.");
    doc.Statement.push(
      permissionStatement({
        statementId: input.statementId,
        principal: input.principal,
        action: input.action,
        busArn: bus.arn,
        condition: input.condition ?? undefined,
      }),
    );
    await updateBusRow(tx, caller.tenantId, bus.id, {
      policy: JSON.stringify({ Version: doc.Version ?? "2012-10-17", Statement: doc.Statement }),
    });
    return bus;
  });
  forgetBus(changed);
}

export async function removePermission(
  actor: Actor,
  caller: Caller,
  input: { eventBusName?: string | null; statementId?: string | null; removeAllPermissions?: boolean | null },
): Promise<void> {
  assertCan(actor.role, "resource:write");
  const changed = await withTransaction(async (tx): Promise<BusRow> => {
    const bus = await requireOwnBus(tx, caller, input.eventBusName);
    await lockBus(tx, bus.id);
    const current = (await findBusByName(tx, caller.tenantId, bus.name))!;
    if (input.removeAllPermissions) {
      await updateBusRow(tx, caller.tenantId, bus.id, { policy: null });
      return bus;
    }
    if (!input.statementId) throw ebValidation("Parameter StatementId must be specified.", "statementId");
    const doc = parseBusPolicy(current.policy);
    if (!doc || doc.Statement.length === 0) throw ebNotFound("EventBus does not have a policy.");
    const rest = doc.Statement.filter((s) => s.Sid !== input.statementId);
    if (rest.length === doc.Statement.length) throw ebNotFound("Statement with the provided id does not exist.");
    await updateBusRow(tx, caller.tenantId, bus.id, {
      policy: rest.length ? JSON.stringify({ Version: doc.Version ?? "2012-10-17", Statement: rest }) : null,
    });
    return bus;
  });
  forgetBus(changed);
}

export async function setBusTags(db: Queryable, bus: BusRow, tags: Record<string, string>): Promise<void> {
  await updateBusRow(db, bus.tenantId, bus.id, { tags });
}
