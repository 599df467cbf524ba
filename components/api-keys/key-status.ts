import type { BadgeTone } from "@/components/ui";

export type KeyStatus = "active" | "revoked" | "expired";

export function keyStatus(
  k: { revokedAt: Date | string | null; expiresAt: Date | string | null },
  now = Date.now(),
): KeyStatus {
  if (k.revokedAt) return "revoked";
  if (k.expiresAt && new Date(k.expiresAt).getTime() <= now) return "expired";
  return "active";
}

export const STATUS_TONE: Record<KeyStatus, BadgeTone> = { active: "success", revoked: "neutral", expired: "warning" };
export const STATUS_LABEL: Record<KeyStatus, string> = { active: "Active", revoked: "Revoked", expired: "Expired" };
