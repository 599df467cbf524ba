// Password hashing with Node's built-in scrypt: memory-hard (so GPU/ASIC guessing is expensive) and
// needs no native add-on, which keeps the self-hosted install dependency-free.
//
// Stored format: scrypt$N$r$p$<salt b64>$<hash b64>. Parameters travel with the hash so they can
// be raised later while old hashes keep verifying.

import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

const N = 2 ** 15;
const R = 8;
const P = 1;
const SALT_BYTES = 16;
const HASH_BYTES = 32;

// scrypt needs 128 * N * r * p bytes (32 MiB here), which is exactly Node's default maxmem, and
// Node refuses at the limit; allow twice the need.
function maxmemFor(n: number, r: number, p: number): number {
  return 2 * 128 * n * r * p;
}

// NFC first: the same password typed on macOS and Windows can arrive as different code points.
function scryptAsync(password: string, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, keylen, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const hash = await scryptAsync(password, salt, HASH_BYTES, { N, r: R, p: P, maxmem: maxmemFor(N, R, P) });
  return ["scrypt", N, R, P, salt.toString("base64"), hash.toString("base64")].join("$");
}

const STORED = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/**
 * False for a wrong password and for a malformed stored value. Parameters are bounded before use,
 * because a stored string with N = 2^30 would otherwise let one bad row exhaust the server's memory.
 */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = STORED.exec(stored);
  if (!m) return false;
  const [n, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const powerOfTwo = n >= 2 ** 10 && n <= 2 ** 20 && (n & (n - 1)) === 0;
  if (!powerOfTwo || r < 1 || r > 32 || p < 1 || p > 4 || 128 * n * r > 256 * 2 ** 20) return false;
  const salt = Buffer.from(m[4]!, "base64");
  const expected = Buffer.from(m[5]!, "base64");
  if (salt.length < 8 || expected.length < 16 || expected.length > 64) return false;
  const actual = await scryptAsync(password, salt, expected.length, { N: n, r, p, maxmem: maxmemFor(n, r, p) });
  return timingSafeEqual(actual, expected);
}
