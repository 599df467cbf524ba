// Standard Webhooks signatures (https://www.standardwebhooks.com): webhook-signature is
// "v1,<base64 HMAC-SHA256(secret, `${id}.${timestamp}.${body}`)>", space-separated when several
// secrets are valid (rotation overlap). Secrets are "whsec_" + base64 of 24-64 random bytes.
import { createHmac, randomBytes } from "node:crypto";

export const SECRET_PREFIX = "whsec_";

export function generateWebhookSecret(): string {
  return SECRET_PREFIX + randomBytes(32).toString("base64");
}

function secretBytes(secret: string): Buffer {
  return Buffer.from(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret, "base64");
}

export function signStandardWebhook(secrets: string[], id: string, timestampSeconds: number, body: string): string {
  const content = `${id}.${timestampSeconds}.${body}`;
  return secrets.map((s) => `v1,${createHmac("sha256", secretBytes(s)).update(content).digest("base64")}`).join(" ");
}

export function standardWebhookHeaders(
  secrets: string[],
  id: string,
  timestampSeconds: number,
  body: string,
): Record<string, string> {
  if (secrets.length === 0) return { "webhook-id": id, "webhook-timestamp": String(timestampSeconds) };
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestampSeconds),
    "webhook-signature": signStandardWebhook(secrets, id, timestampSeconds, body),
  };
}
