import { sentUrlOf } from "../platform/execute-api";
import type { IncomingMessage } from "node:http";
import { timingSafeEqual } from "node:crypto";
import { AppError } from "../core/errors";
import { parseSigV4, verifySigV4 } from "../core/sigv4";
import type { Actor } from "../auth/permissions";
import { noteKeyUsed, resolveAccessKey, type ResolvedKey } from "../domains/api-keys/api-key.service";
import type { KeyLimits } from "../domains/api-keys/api-key.repository";

// Authentication shared by every data-plane door: `Authorization: Bearer <keyId>.<secret>` or AWS
// Signature Version 4 (header or presigned query). Errors carry AWS's codes; the REST door turns
// them into problem details, the AWS door into its protocol's error shape.

export type TenantRef = { id: string; accountId: string; slug: string; name: string };
export type Authenticated = {
  tenant: TenantRef;
  actor: Extract<Actor, { type: "api_key" }>;
  region: string;
  service: string | null;
  /** The key's own rate and quota (server/http/throttle.ts enforces them); null: only the tenant's. */
  keyLimits?: KeyLimits | null;
};

function usable(k: ResolvedKey | null, now: Date): ResolvedKey {
  if (!k || k.revoked)
    throw new AppError("unauthenticated", "The security token included in the request is invalid.", {
      awsCode: "InvalidClientTokenId",
      awsStatus: 403,
    });
  if (k.expiresAt && k.expiresAt.getTime() <= now.getTime()) {
    throw new AppError("unauthenticated", "The security token included in the request is expired.", {
      awsCode: "ExpiredToken",
      awsStatus: 403,
    });
  }
  return k;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function authenticate(req: IncomingMessage, body: Buffer, now = new Date()): Promise<Authenticated> {
  const authz = req.headers.authorization;
  if (typeof authz === "string" && /^Bearer\s/i.test(authz)) {
    const token = authz.replace(/^Bearer\s+/i, "").trim();
    const dot = token.indexOf(".");
    if (dot <= 0)
      throw new AppError("unauthenticated", "Bearer token must be <keyId>.<secret>.", {
        awsCode: "IncompleteSignature",
        awsStatus: 403,
      });
    const k = usable(await resolveAccessKey(token.slice(0, dot)), now);
    if (!sameSecret(token.slice(dot + 1), k.secret)) {
      throw new AppError("unauthenticated", "The security token included in the request is invalid.", {
        awsCode: "InvalidClientTokenId",
        awsStatus: 403,
      });
    }
    noteKeyUsed(k.keyId);
    return {
      tenant: k.tenant,
      actor: { type: "api_key", keyId: k.keyId, role: k.role },
      region: process.env.SIGNALBOX_REGION ?? "us-east-1",
      service: null,
      keyLimits: k.limits,
    };
  }

  const url = sentUrlOf(req);
  const q = url.indexOf("?");
  const sreq = {
    method: req.method ?? "GET",
    path: q < 0 ? url : url.slice(0, q),
    query: q < 0 ? "" : url.slice(q + 1),
    headers: req.headers as Record<string, string | string[] | undefined>,
    body,
  };
  const parsed = parseSigV4(sreq);
  if (!parsed.ok)
    throw new AppError("unauthenticated", parsed.message, { awsCode: parsed.code, awsStatus: parsed.status });
  const k = usable(await resolveAccessKey(parsed.auth.accessKeyId), now);
  const verified = verifySigV4(sreq, parsed.auth, k.secret, now);
  if (!verified.ok)
    throw new AppError("unauthenticated", verified.message, { awsCode: verified.code, awsStatus: verified.status });
  noteKeyUsed(k.keyId);
  return {
    tenant: k.tenant,
    actor: { type: "api_key", keyId: k.keyId, role: k.role },
    region: parsed.auth.region,
    service: parsed.auth.service,
    keyLimits: k.limits,
  };
}
