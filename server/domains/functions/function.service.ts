import { randomUUID } from "node:crypto";
import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import { env } from "../../env";
import { generateWebhookSecret } from "../../core/sns/standard-webhooks";
import {
  FUNCTION_NAME_RE,
  MAX_DESCRIPTION,
  MAX_EVENT_AGE_MAX,
  MAX_EVENT_AGE_MIN,
  MAX_RETRY_ATTEMPTS_MAX,
  TIMEOUT_DEFAULT,
  TIMEOUT_MAX,
  TIMEOUT_MIN,
  functionArn,
  parseFunctionRef,
  validationMessage,
  FUNCTION_REF_PATTERN,
} from "../../core/lambda/function-rules";
import { refusedEndpointAddress } from "../../platform/guarded-http";
import { openSecret, sealSecret } from "../../platform/secrets";
import { recordAudit } from "../audit/audit.service";
import {
  deleteFunctionRow,
  findFunctionById,
  findFunctionByName,
  insertFunction,
  listFunctionsPage,
  updateFunctionRow,
  type FunctionPatch,
  type FunctionRow,
} from "./function.repository";
import { AppError } from "../../core/errors";
import { functionExists, functionNotFound, invalidParameter, validationError } from "./function.errors";

// Function use cases (register, read, change, delete, rotate the signing secret), shared by the
// Lambda door (GetFunction, ListFunctions), REST and the console. Invoking is function.invoke.ts.

export type TenantRef = { id: string; accountId: string };

export type FunctionSettings = {
  url?: string;
  description?: string;
  timeoutSeconds?: number;
  /** null: no reserved concurrency (unthrottled). */
  reservedConcurrency?: number | null;
  maximumRetryAttempts?: number;
  maximumEventAgeSeconds?: number;
  /** A queue, topic or event bus ARN; null removes it. */
  onFailureDestination?: string | null;
};

export const arnOfFunction = (tenant: TenantRef, name: string) =>
  functionArn(env().SIGNALBOX_REGION, tenant.accountId, name);

const sealFunctionSecret = (id: string, secret: string) => sealSecret(secret, `function:${id}`);
export const openFunctionSecret = (f: Pick<FunctionRow, "id" | "secretEnc">) =>
  openSecret(f.secretEnc, `function:${f.id}`);

const DESTINATION_RE = /^arn:aws[a-zA-Z-]*:(sqs|sns|events):[a-z0-9-]+:\d{12}:.+$/;

/** Checks every setting (no write happens before all pass) and says what to store. */
async function checkSettings(s: FunctionSettings): Promise<FunctionPatch> {
  const p: FunctionPatch = {};
  if (s.url !== undefined) {
    let u: URL;
    try {
      u = new URL(s.url);
    } catch {
      throw invalidParameter("The function URL must be an absolute http:// or https:// URL.", "url");
    }
    if (u.protocol !== "https:" && u.protocol !== "http:")
      throw invalidParameter("The function URL must be an absolute http:// or https:// URL.", "url");
    if (u.username || u.password) throw invalidParameter("The function URL must not carry credentials.", "url");
    const refused = await refusedEndpointAddress(s.url);
    if (refused) throw invalidParameter(`The function URL is refused: ${refused}`, "url");
    p.url = s.url;
  }
  if (s.description !== undefined) {
    if (s.description.length > MAX_DESCRIPTION)
      throw validationError(
        validationMessage(
          s.description,
          "description",
          `Member must have length less than or equal to ${MAX_DESCRIPTION}`,
        ),
        "description",
      );
    p.description = s.description;
  }
  if (s.timeoutSeconds !== undefined) {
    if (!Number.isInteger(s.timeoutSeconds) || s.timeoutSeconds < TIMEOUT_MIN || s.timeoutSeconds > TIMEOUT_MAX)
      throw validationError(
        validationMessage(
          String(s.timeoutSeconds),
          "timeout",
          `Member must have value ${s.timeoutSeconds < TIMEOUT_MIN ? `greater than or equal to ${TIMEOUT_MIN}` : `less than or equal to ${TIMEOUT_MAX}`}`,
        ),
        "timeoutSeconds",
      );
    p.timeoutSeconds = s.timeoutSeconds;
  }
  if (s.reservedConcurrency !== undefined) {
    if (
      s.reservedConcurrency !== null &&
      (!Number.isInteger(s.reservedConcurrency) || s.reservedConcurrency < 0 || s.reservedConcurrency > 1000)
    )
      throw validationError(
        validationMessage(
          String(s.reservedConcurrency),
          "reservedConcurrentExecutions",
          "Member must have value between 0 and 1000",
        ),
        "reservedConcurrency",
      );
    p.reservedConcurrency = s.reservedConcurrency;
  }
  if (s.maximumRetryAttempts !== undefined) {
    if (
      !Number.isInteger(s.maximumRetryAttempts) ||
      s.maximumRetryAttempts < 0 ||
      s.maximumRetryAttempts > MAX_RETRY_ATTEMPTS_MAX
    )
      throw validationError(
        validationMessage(
          String(s.maximumRetryAttempts),
          "maximumRetryAttempts",
          "Member must have value between 0 and 2",
        ),
        "maximumRetryAttempts",
      );
    p.maximumRetryAttempts = s.maximumRetryAttempts;
  }
  if (s.maximumEventAgeSeconds !== undefined) {
    const v = s.maximumEventAgeSeconds;
    if (!Number.isInteger(v) || v < MAX_EVENT_AGE_MIN || v > MAX_EVENT_AGE_MAX)
      throw validationError(
        validationMessage(
          String(v),
          "maximumEventAgeInSeconds",
          `Member must have value between ${MAX_EVENT_AGE_MIN} and ${MAX_EVENT_AGE_MAX}`,
        ),
        "maximumEventAgeSeconds",
      );
    p.maximumEventAgeSeconds = v;
  }
  if (s.onFailureDestination !== undefined) {
    const d = s.onFailureDestination;
    if (d !== null && d !== "" && !DESTINATION_RE.test(d))
      throw invalidParameter(
        "The destination ARN must be an Amazon SQS queue, Amazon SNS topic or EventBridge event bus ARN.",
        "onFailureDestination",
      );
    p.onFailureDestination = d || null;
  }
  return p;
}

export async function createFunction(
  actor: Actor,
  tenant: TenantRef,
  input: FunctionSettings & { name: string; url: string; tags?: Record<string, string> },
): Promise<{ fn: FunctionRow; secret: string }> {
  assertCan(actor.role, "resource:write");
  if (!FUNCTION_NAME_RE.test(input.name))
    throw validationError(
      validationMessage(
        input.name,
        "functionName",
        "Member must satisfy regular expression pattern: [a-zA-Z0-9-_]+ and have length 1 to 64",
      ),
      "name",
    );
  const patch = await checkSettings(input);
  const id = randomUUID();
  const secret = generateWebhookSecret();
  const arn = arnOfFunction(tenant, input.name);
  return withTransaction(async (tx) => {
    const fn = await insertFunction(tx, {
      id,
      tenantId: tenant.id,
      name: input.name,
      arn,
      url: patch.url!,
      description: patch.description ?? "",
      timeoutSeconds: patch.timeoutSeconds ?? TIMEOUT_DEFAULT,
      reservedConcurrency: patch.reservedConcurrency ?? null,
      maximumRetryAttempts: patch.maximumRetryAttempts ?? MAX_RETRY_ATTEMPTS_MAX,
      maximumEventAgeSeconds: patch.maximumEventAgeSeconds ?? MAX_EVENT_AGE_MAX,
      onFailureDestination: patch.onFailureDestination ?? null,
      secretEnc: sealFunctionSecret(id, secret),
      revisionId: randomUUID(),
      tags: input.tags ?? {},
    });
    if (!fn) throw functionExists(arn);
    await recordAudit(
      actor,
      tenant.id,
      "function.create",
      { type: "function", id },
      { after: { name: fn.name, url: fn.url } },
      tx,
    );
    return { fn, secret };
  });
}

/** Resolves a FunctionName (name, partial ARN or ARN; `$LATEST` is the only qualifier) in the caller's account. */
export async function resolveFunctionRef(
  tenant: TenantRef,
  ref: string,
  action = "lambda:InvokeFunction",
): Promise<FunctionRow> {
  const parsed = parseFunctionRef(ref);
  if (!parsed)
    throw validationError(
      validationMessage(ref, "functionName", `Member must satisfy regular expression pattern: ${FUNCTION_REF_PATTERN}`),
      "functionName",
    );
  const arn = functionArn(parsed.region ?? env().SIGNALBOX_REGION, parsed.accountId ?? tenant.accountId, parsed.name);
  if (parsed.accountId && parsed.accountId !== tenant.accountId)
    throw new AppError("forbidden", `User is not authorized to perform: ${action} on resource: ${arn}`, {
      awsCode: "AccessDeniedException",
      awsStatus: 403,
    });
  if (parsed.region && parsed.region !== env().SIGNALBOX_REGION) throw functionNotFound(arn);
  if (parsed.qualifier && parsed.qualifier !== "$LATEST") throw functionNotFound(`${arn}:${parsed.qualifier}`);
  const fn = await findFunctionByName(pool(), tenant.id, parsed.name);
  if (!fn) throw functionNotFound(arn);
  return fn;
}

export async function getFunction(actor: Actor, tenant: TenantRef, ref: string): Promise<FunctionRow> {
  assertCan(actor.role, "resource:read");
  return resolveFunctionRef(tenant, ref, "lambda:GetFunction");
}

/** The console and REST name a function by id or name. */
export async function getFunctionByIdOrName(actor: Actor, tenant: TenantRef, idOrName: string): Promise<FunctionRow> {
  assertCan(actor.role, "resource:read");
  const fn =
    (await findFunctionById(pool(), tenant.id, idOrName)) ?? (await findFunctionByName(pool(), tenant.id, idOrName));
  if (!fn) throw functionNotFound(arnOfFunction(tenant, idOrName));
  return fn;
}

export const LIST_MAX_ITEMS = 50;

export async function listFunctions(
  actor: Actor,
  tenant: TenantRef,
  opts: { marker?: string | null; maxItems?: number } = {},
): Promise<{ functions: FunctionRow[]; nextMarker: string | null }> {
  assertCan(actor.role, "resource:read");
  const max = opts.maxItems ?? LIST_MAX_ITEMS;
  if (!Number.isInteger(max) || max < 1 || max > 10_000)
    throw validationError(
      validationMessage(String(max), "maxItems", "Member must have value between 1 and 10000"),
      "maxItems",
    );
  let after: string | null = null;
  if (opts.marker) {
    after = Buffer.from(opts.marker, "base64url").toString("utf8");
    if (!FUNCTION_NAME_RE.test(after)) throw invalidParameter("Invalid marker", "marker");
  }
  const page = Math.min(max, LIST_MAX_ITEMS);
  const rows = await listFunctionsPage(pool(), tenant.id, after, page + 1);
  const out = rows.slice(0, page);
  return {
    functions: out,
    nextMarker: rows.length > page ? Buffer.from(out[out.length - 1]!.name).toString("base64url") : null,
  };
}

export async function updateFunction(
  actor: Actor,
  tenant: TenantRef,
  idOrName: string,
  settings: FunctionSettings,
): Promise<FunctionRow> {
  assertCan(actor.role, "resource:write");
  const fn = await getFunctionByIdOrName(actor, tenant, idOrName);
  const patch = await checkSettings(settings);
  return withTransaction(async (tx) => {
    const row = await updateFunctionRow(tx, tenant.id, fn.id, patch, randomUUID());
    if (!row) throw functionNotFound(fn.arn);
    await recordAudit(
      actor,
      tenant.id,
      "function.update",
      { type: "function", id: fn.id },
      { name: fn.name, before: pick(fn, patch), after: pick(row, patch) },
      tx,
    );
    return row;
  });
}

function pick(f: FunctionRow, patch: FunctionPatch): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(patch) as Array<keyof FunctionPatch>) if (k !== "secretEnc") out[k] = f[k];
  return out;
}

export async function rotateFunctionSecret(actor: Actor, tenant: TenantRef, idOrName: string): Promise<string> {
  assertCan(actor.role, "resource:write");
  const fn = await getFunctionByIdOrName(actor, tenant, idOrName);
  const secret = generateWebhookSecret();
  await withTransaction(async (tx) => {
    await updateFunctionRow(tx, tenant.id, fn.id, { secretEnc: sealFunctionSecret(fn.id, secret) }, randomUUID());
    await recordAudit(
      actor,
      tenant.id,
      "function.rotate_secret",
      { type: "function", id: fn.id },
      { name: fn.name },
      tx,
    );
  });
  return secret;
}

export async function deleteFunction(actor: Actor, tenant: TenantRef, idOrName: string): Promise<void> {
  assertCan(actor.role, "resource:write");
  const fn = await getFunctionByIdOrName(actor, tenant, idOrName);
  await withTransaction(async (tx) => {
    await deleteFunctionRow(tx, tenant.id, fn.id);
    await recordAudit(
      actor,
      tenant.id,
      "function.delete",
      { type: "function", id: fn.id },
      { before: { name: fn.name } },
      tx,
    );
  });
}
