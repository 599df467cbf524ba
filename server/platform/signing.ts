import { createPrivateKey, generateKeyPairSync, randomBytes, type KeyObject } from "node:crypto";
import { pool } from "../db";
import { selfSignedCertificate } from "../core/sns/x509";
import { openSecret, sealSecret } from "./secrets";
import { findSigningKey, insertSigningKeyIfAbsent } from "./signing.repository";

// The SNS signing key: generated once per installation (first process to need it wins the
// INSERT race), private key sealed under the master key, certificate served publicly at
// SigningCertURL so receivers can verify SignatureVersion 2 signatures.

export const SIGNING_CERT_PATH = "/api/v1/sns/signing-cert.pem";
const ROW_ID = "default";
const CONTEXT = "sns-signing-key";

type SigningKey = { key: KeyObject; certPem: string };
let cached: Promise<SigningKey> | undefined;

async function loadOrCreate(): Promise<SigningKey> {
  const read = () => findSigningKey(pool(), ROW_ID);
  let row = await read();
  if (!row) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const now = Date.now();
    const certPem = selfSignedCertificate({
      privateKey,
      publicKey,
      commonName: "sns.signalbox.local",
      serial: randomBytes(12),
      notBefore: new Date(now - 3600_000),
      notAfter: new Date(now + 20 * 365 * 86400_000),
    });
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await insertSigningKeyIfAbsent(pool(), ROW_ID, sealSecret(pem, CONTEXT), certPem);
    row = (await read())!;
  }
  return { key: createPrivateKey(openSecret(row.private_key_enc, CONTEXT)), certPem: row.cert_pem };
}

export function signingKey(): Promise<SigningKey> {
  if (!cached) {
    cached = loadOrCreate();
    cached.catch(() => (cached = undefined));
  }
  return cached;
}

export function signingCertUrl(baseUrl: string): string {
  return `${baseUrl}${SIGNING_CERT_PATH}`;
}

// Webhook signing secrets (Standard Webhooks): one per subscription, sealed under the master key
// bound to the subscription id; after a rotation the previous one stays valid for an overlap.

export type SecretHolder = {
  id: string;
  secretEnc: string | null;
  previousSecretEnc: string | null;
  previousSecretExpiresAt: Date | null;
};

export const sealWebhookSecret = (ownerId: string, secret: string) => sealSecret(secret, `subscription:${ownerId}`);
export const openWebhookSecret = (ownerId: string, sealed: string) => openSecret(sealed, `subscription:${ownerId}`);

/** The secrets a delivery is signed with now: the current one, plus the previous one during the rotation overlap. */
export function webhookSigningSecrets(s: SecretHolder, now = new Date()): string[] {
  const out: string[] = [];
  if (s.secretEnc) out.push(openWebhookSecret(s.id, s.secretEnc));
  if (s.previousSecretEnc && s.previousSecretExpiresAt && s.previousSecretExpiresAt.getTime() > now.getTime())
    out.push(openWebhookSecret(s.id, s.previousSecretEnc));
  return out;
}
