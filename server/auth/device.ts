import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { env } from "../env";

// A "known device": a browser where this person signed in successfully before. It carries a signed
// cookie naming the user and a random device id; a stranger who locks the account by guessing
// cannot present it, so the account's own devices keep getting in (OWASP: lockouts must not hand
// attackers a denial of service).

export const DEVICE_COOKIE = "sb_device";
export const DEVICE_COOKIE_MAX_AGE_S = 365 * 24 * 3600;

type Device = { userId: string; deviceId: string };

function mac(payload: string): Buffer {
  return createHmac("sha256", `signalbox-device:${env().NEXTAUTH_SECRET}`).update(payload).digest();
}

export function signDevice(d: Device): string {
  const payload = Buffer.from(JSON.stringify({ u: d.userId, d: d.deviceId })).toString("base64url");
  return `${payload}.${mac(payload).toString("base64url")}`;
}

/** The device a cookie value names, or null when it is absent, forged or malformed. */
export function verifyDevice(token: string | null | undefined): Device | null {
  if (!token || token.length > 512) return null;
  const [payload, sig] = token.split(".");
  if (!payload || !sig) return null;
  const given = Buffer.from(sig, "base64url");
  const want = mac(payload);
  if (given.length !== want.length || !timingSafeEqual(given, want)) return null;
  try {
    const v = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as { u?: unknown; d?: unknown };
    return typeof v.u === "string" && typeof v.d === "string" ? { userId: v.u, deviceId: v.d } : null;
  } catch {
    return null;
  }
}

export function newDeviceId(): string {
  return randomBytes(16).toString("base64url");
}

/** The device cookie's value from a Cookie header. */
export function deviceFromCookieHeader(cookie: unknown): string | null {
  if (typeof cookie !== "string") return null;
  for (const part of cookie.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === DEVICE_COOKIE) return v.join("=");
  }
  return null;
}
