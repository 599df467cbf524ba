import { afterAll, describe, expect, it } from "vitest";
import { closeDb, pool } from "../../db";
import { createTestUser } from "../../../tests/helpers/fixtures";
import { changePassword } from "./change-password";
import { checkCredentials } from "./user.service";
import { sessionVersionOf } from "./user.repository";

afterAll(async () => {
  await closeDb();
});

describe("changePassword", () => {
  it("needs the current password, then swaps the hash, ends all sessions and writes an audit row", async () => {
    const u = await createTestUser();
    await expect(
      changePassword(u.id, { currentPassword: "not it at all", newPassword: "a brand new password" }),
    ).rejects.toMatchObject({ fieldErrors: { currentPassword: expect.any(Array) } });
    const before = await sessionVersionOf(pool(), u.id);
    await changePassword(u.id, { currentPassword: u.password, newPassword: "a brand new password" });
    expect(await sessionVersionOf(pool(), u.id)).toBe((before ?? 0) + 1);
    const ip = `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
    expect(await checkCredentials(u.email, u.password, ip)).toBeNull();
    expect((await checkCredentials(u.email, "a brand new password", ip))?.id).toBe(u.id);
    const audit = await pool().query(`SELECT action FROM audit_log WHERE actor_id = $1 AND tenant_id IS NULL`, [u.id]);
    expect(audit.rows.map((r) => r.action)).toEqual(["account.password_change"]);
  });
});
