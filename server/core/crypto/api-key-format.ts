// Access key ids and secrets shaped like AWS's, so every AWS SDK, CLI and config validator accepts
// them unchanged: ids are 20 upper-case characters (AWS uses AKIA/ASIA + base32; the SBAK prefix
// makes ours recognisable in logs and secret scanners), secrets are 40 characters of base64's alphabet.

import { randomBytes } from "node:crypto";

const ID_PREFIX = "SBAK";
const ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"; // RFC 4648 base32, as AWS ids use
const SECRET_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const ID_RANDOM_CHARS = 16; // 80 bits
const SECRET_CHARS = 40; // 240 bits

// Both alphabets have a power-of-two size (32, 64), so masking a random byte picks every
// character with equal probability; no modulo bias, no rejection loop.
function randomString(alphabet: string, length: number): string {
  const mask = alphabet.length - 1;
  const bytes = randomBytes(length);
  let out = "";
  for (const b of bytes) out += alphabet[b & mask];
  return out;
}

export function generateAccessKeyId(): string {
  return ID_PREFIX + randomString(ID_ALPHABET, ID_RANDOM_CHARS);
}

export function isAccessKeyId(s: string): boolean {
  return /^SBAK[A-Z2-7]{16}$/.test(s);
}

export function generateSecretAccessKey(): string {
  return randomString(SECRET_ALPHABET, SECRET_CHARS);
}

export function isSecretAccessKey(s: string): boolean {
  return /^[A-Za-z0-9/+]{40}$/.test(s);
}
