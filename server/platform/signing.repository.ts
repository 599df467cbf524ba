import type { Queryable } from "../db";

// The installation's SNS signing key (one row, see signing.ts).

export type SigningKeyRow = { private_key_enc: string; cert_pem: string };

export async function findSigningKey(db: Queryable, id: string): Promise<SigningKeyRow | undefined> {
  const r = await db.query(`SELECT private_key_enc, cert_pem FROM sns_signing_keys WHERE id = $1`, [id]);
  return r.rows[0] as SigningKeyRow | undefined;
}

/** Inserts unless another process got there first: the caller reads the row back either way. */
export async function insertSigningKeyIfAbsent(
  db: Queryable,
  id: string,
  privateKeyEnc: string,
  certPem: string,
): Promise<void> {
  await db.query(
    `INSERT INTO sns_signing_keys (id, private_key_enc, cert_pem) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING`,
    [id, privateKeyEnc, certPem],
  );
}
