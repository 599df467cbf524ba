import { createHmac } from "node:crypto";
import { env } from "../env";
import { decryptSecret, encryptSecret, parseMasterKey } from "../core/crypto/secret-box";

// The master-key secret box of the installation: every secret at rest (API key secrets, webhook
// signing secrets, the SNS signing key) is sealed under SIGNALBOX_MASTER_KEY. One parse per process.

let master: Buffer | undefined;

export function masterKey(): Buffer {
  return (master ??= parseMasterKey(env().SIGNALBOX_MASTER_KEY));
}

/** Seals `plaintext`; `context` binds it to its owner so a sealed value cannot be replayed elsewhere. */
export const sealSecret = (plaintext: string, context?: string): string =>
  encryptSecret(plaintext, masterKey(), context);

export const openSecret = (sealed: string, context?: string): string => decryptSecret(sealed, masterKey(), context);

/** A keyed MAC under the master key, for URLs that must not be forgeable (e.g. UnsubscribeURL). */
export const macOf = (purpose: string, data: string): string =>
  createHmac("sha256", masterKey()).update(`${purpose}:${data}`).digest("base64url");
