// Encryption at rest for secrets the server must read back (API secret access keys are needed in
// clear to verify SigV4, so they cannot be hashed). AES-256-GCM gives confidentiality and
// tamper detection in one primitive from node:crypto, with no extra dependency.
//
// Format: v1:<iv b64>:<tag b64>:<ciphertext b64>. The version prefix lets a future key or
// algorithm rotation tell old rows from new ones.

import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const VERSION = "v1";
const KEY_BYTES = 32;
// 96-bit IVs are GCM's native size; random IVs are safe far beyond the number of secrets we store.
const IV_BYTES = 12;
const TAG_BYTES = 16;

function assertKey(masterKey: Buffer): void {
  if (!Buffer.isBuffer(masterKey) || masterKey.length !== KEY_BYTES) {
    throw new Error(`secret-box: master key must be ${KEY_BYTES} bytes`);
  }
}

// The version string (plus an optional caller context such as a row id) is bound as associated
// data, so a ciphertext cannot be relabelled or moved to another record without failing.
function aad(context: string | undefined): Buffer {
  return Buffer.from(context === undefined ? VERSION : `${VERSION}\0${context}`, "utf8");
}

export function encryptSecret(plaintext: string, masterKey: Buffer, context?: string): string {
  assertKey(masterKey);
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", masterKey, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(context));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return [VERSION, iv.toString("base64"), cipher.getAuthTag().toString("base64"), ciphertext.toString("base64")].join(
    ":",
  );
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Throws on a wrong key, a wrong context, or any modification of the stored string. */
export function decryptSecret(sealed: string, masterKey: Buffer, context?: string): string {
  assertKey(masterKey);
  const parts = sealed.split(":");
  if (parts.length !== 4 || parts[0] !== VERSION || !parts.slice(1).every((p) => B64.test(p))) {
    throw new Error("secret-box: not a v1 sealed secret");
  }
  const iv = Buffer.from(parts[1]!, "base64");
  const tag = Buffer.from(parts[2]!, "base64");
  const ciphertext = Buffer.from(parts[3]!, "base64");
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new Error("secret-box: malformed sealed secret");
  try {
    const decipher = createDecipheriv("aes-256-gcm", masterKey, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(context));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    // One message for every cause: which check failed is of no use to anyone probing.
    throw new Error("secret-box: decryption failed (wrong key or tampered data)");
  }
}

/**
 * The master key comes from configuration as 64 hex characters or base64 (standard or URL-safe,
 * padding optional) of exactly 32 bytes. Anything else throws rather than quietly stretching or
 * truncating a weak key.
 */
export function parseMasterKey(value: string): Buffer {
  const s = value.trim();
  if (/^[0-9a-fA-F]{64}$/.test(s)) return Buffer.from(s, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(s)) {
    const key = Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
    if (key.length === KEY_BYTES) return key;
  }
  throw new Error(
    "Master key must be 64 hex characters or base64 of exactly 32 bytes (e.g. `openssl rand -base64 32`).",
  );
}
