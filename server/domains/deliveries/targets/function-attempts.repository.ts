import type { Queryable } from "../../../db";

// The function target kind's one question to the attempt log: how many earlier attempts of this
// delivery were function errors (Lambda counts only those against MaximumRetryAttempts).
export async function countFunctionErrorAttempts(db: Queryable, deliveryId: string): Promise<number> {
  const r = await db.query(
    `SELECT count(*)::int AS n FROM delivery_attempts WHERE delivery_id = $1 AND error LIKE 'Function error%'`,
    [deliveryId],
  );
  return r.rows[0].n;
}
