import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptSecret, encryptSecret, parseMasterKey } from "./secret-box";
import { generateAccessKeyId, generateSecretAccessKey, isAccessKeyId, isSecretAccessKey } from "./api-key-format";
import { hashPassword, verifyPassword } from "./password";

const KEY = randomBytes(32);

// Flip one bit of one base64 field of a sealed string, keeping it valid base64.
function flipField(sealed: string, field: 1 | 2 | 3): string {
  const parts = sealed.split(":");
  const bytes = Buffer.from(parts[field]!, "base64");
  bytes[0]! ^= 0x01;
  parts[field] = bytes.toString("base64");
  return parts.join(":");
}

describe("secret-box", () => {
  it("round-trips, including empty and non-ASCII plaintexts", () => {
    for (const plaintext of ["wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "", "ünïcødé ✓ 🔑", "x".repeat(10_000)]) {
      const sealed = encryptSecret(plaintext, KEY);
      expect(sealed).toMatch(/^v1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]*$/);
      expect(decryptSecret(sealed, KEY)).toBe(plaintext);
    }
  });

  it("uses a fresh IV each time and does not leak the plaintext", () => {
    const a = encryptSecret("same", KEY);
    const b = encryptSecret("same", KEY);
    expect(a).not.toBe(b);
    expect(a.split(":")[1]).not.toBe(b.split(":")[1]);
    expect(Buffer.from(a.split(":")[1]!, "base64")).toHaveLength(12);
    expect(Buffer.from(a.split(":")[2]!, "base64")).toHaveLength(16);
    expect(a).not.toContain(Buffer.from("same").toString("base64"));
  });

  it("throws on tampered IV, tag or ciphertext", () => {
    const sealed = encryptSecret("top secret", KEY);
    for (const field of [1, 2, 3] as const) {
      expect(() => decryptSecret(flipField(sealed, field), KEY)).toThrow(/decryption failed/);
    }
    expect(() => decryptSecret(sealed.replace(/^v1:/, "v2:"), KEY)).toThrow(/not a v1 sealed secret/);
    expect(() => decryptSecret(sealed.split(":").slice(0, 3).join(":"), KEY)).toThrow();
    expect(() => decryptSecret("garbage", KEY)).toThrow();
  });

  it("throws with the wrong key or wrong context", () => {
    const sealed = encryptSecret("top secret", KEY, "key:SBAKAAAA");
    expect(decryptSecret(sealed, KEY, "key:SBAKAAAA")).toBe("top secret");
    expect(() => decryptSecret(sealed, randomBytes(32), "key:SBAKAAAA")).toThrow(/decryption failed/);
    expect(() => decryptSecret(sealed, KEY, "key:SBAKBBBB")).toThrow(/decryption failed/);
    expect(() => decryptSecret(sealed, KEY)).toThrow(/decryption failed/);
  });

  it("refuses keys that are not 32 bytes", () => {
    expect(() => encryptSecret("x", randomBytes(16))).toThrow(/32 bytes/);
    expect(() => decryptSecret(encryptSecret("x", KEY), randomBytes(31))).toThrow(/32 bytes/);
  });

  it("parses hex and base64 master keys and rejects anything else", () => {
    const raw = randomBytes(32);
    expect(parseMasterKey(raw.toString("hex")).equals(raw)).toBe(true);
    expect(parseMasterKey(raw.toString("hex").toUpperCase()).equals(raw)).toBe(true);
    expect(parseMasterKey(`  ${raw.toString("base64")}\n`).equals(raw)).toBe(true);
    expect(parseMasterKey(raw.toString("base64url")).equals(raw)).toBe(true);
    expect(parseMasterKey(raw.toString("base64").replace(/=$/, "")).equals(raw)).toBe(true);
    for (const bad of [
      "",
      "short",
      "ab".repeat(31),
      "ab".repeat(33),
      randomBytes(16).toString("base64"),
      randomBytes(48).toString("base64"),
      `${"zz".repeat(32)}`,
    ]) {
      expect(() => parseMasterKey(bad), bad).toThrow(/Master key/);
    }
  });
});

describe("api-key-format", () => {
  it("generates AWS-shaped access key ids", () => {
    const ids = new Set(Array.from({ length: 200 }, generateAccessKeyId));
    expect(ids.size).toBe(200);
    for (const id of ids) {
      expect(id).toHaveLength(20);
      expect(id).toMatch(/^SBAK[A-Z2-7]{16}$/);
      expect(isAccessKeyId(id)).toBe(true);
    }
  });

  it("generates 40-character secrets from the AWS alphabet", () => {
    const secrets = Array.from({ length: 200 }, generateSecretAccessKey);
    expect(new Set(secrets).size).toBe(200);
    for (const s of secrets) {
      expect(s).toMatch(/^[A-Za-z0-9/+]{40}$/);
      expect(isSecretAccessKey(s)).toBe(true);
    }
    // 8000 characters drawn from 64: every character class should have shown up.
    const all = secrets.join("");
    for (const re of [/[A-Z]/, /[a-z]/, /[0-9]/, /\//, /\+/]) expect(all).toMatch(re);
  });

  it("rejects malformed ids and secrets", () => {
    for (const bad of [
      "",
      "AKIAIOSFODNN7EXAMPLE",
      "SBAK",
      "sbakabcdefghijklmnop",
      "SBAKABCDEFGHIJKLMNO1",
      "SBAKABCDEFGHIJKLMNOPQ",
      " SBAKABCDEFGHIJKLMNOP",
    ]) {
      expect(isAccessKeyId(bad), bad).toBe(false);
    }
    expect(isAccessKeyId("SBAKABCDEFGHIJKLMNOP")).toBe(true);
    for (const bad of [
      "",
      "a".repeat(39),
      "a".repeat(41),
      `${"a".repeat(39)}=`,
      `${"a".repeat(39)}-`,
      `${"a".repeat(39)}\n`,
    ]) {
      expect(isSecretAccessKey(bad), JSON.stringify(bad)).toBe(false);
    }
    expect(isSecretAccessKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")).toBe(true);
  });
});

describe("password", () => {
  it("hashes in the scrypt$N$r$p$salt$hash format with a random salt", async () => {
    const [a, b] = await Promise.all([hashPassword("correct horse battery"), hashPassword("correct horse battery")]);
    const parts = a.split("$");
    expect(parts.slice(0, 4)).toEqual(["scrypt", "32768", "8", "1"]);
    expect(Buffer.from(parts[4]!, "base64")).toHaveLength(16);
    expect(Buffer.from(parts[5]!, "base64")).toHaveLength(32);
    expect(a).not.toBe(b);
  });

  it("verifies the right password and rejects wrong ones", async () => {
    const stored = await hashPassword("correct horse battery");
    expect(await verifyPassword("correct horse battery", stored)).toBe(true);
    expect(await verifyPassword("correct horse batterY", stored)).toBe(false);
    expect(await verifyPassword("", stored)).toBe(false);
  });

  it("treats canonically equivalent Unicode as the same password", async () => {
    const stored = await hashPassword("caf\u00e9-password");
    expect(await verifyPassword("cafe\u0301-password", stored)).toBe(true);
  });

  it("returns false for tampered or malformed stored hashes", async () => {
    const stored = await hashPassword("pw-0123456789");
    const parts = stored.split("$");
    const hash = Buffer.from(parts[5]!, "base64");
    hash[0]! ^= 1;
    expect(await verifyPassword("pw-0123456789", [...parts.slice(0, 5), hash.toString("base64")].join("$"))).toBe(
      false,
    );
    expect(await verifyPassword("pw-0123456789", stored.replace("scrypt$32768$", "scrypt$16384$"))).toBe(false);
    expect(await verifyPassword("pw-0123456789", "bcrypt$2b$10$abc")).toBe(false);
    expect(await verifyPassword("pw-0123456789", "")).toBe(false);
    // Parameters that would exhaust memory are refused, not run.
    expect(await verifyPassword("pw-0123456789", stored.replace("scrypt$32768$8$", "scrypt$1048576$32$"))).toBe(false);
    expect(await verifyPassword("pw-0123456789", stored.replace("scrypt$32768$", "scrypt$30000$"))).toBe(false);
  });

  it("accepts the all-zero dummy hash used for timing equalisation without matching", async () => {
    const dummy = "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    const stored = await hashPassword("anything");
    let t0 = performance.now();
    expect(await verifyPassword("anything", dummy)).toBe(false);
    const dummyMs = performance.now() - t0;
    t0 = performance.now();
    expect(await verifyPassword("anything", stored)).toBe(true);
    const realMs = performance.now() - t0;
    // It must do the real scrypt work (not bail out early), or the dummy hides nothing. Loose
    // factor: this guards against a ~0 ms shortcut, not against scheduling noise.
    expect(dummyMs).toBeGreaterThan(realMs * 0.25);
  });
});
