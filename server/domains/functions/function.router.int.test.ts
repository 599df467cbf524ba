import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRPCError } from "@trpc/server";
import { appRouter } from "../../trpc/root";
import { createCallerFactory } from "../../trpc/trpc";
import { logger } from "../../logger";
import { addMember, createTestTenant, createTestUser, type TestTenant } from "../../../tests/helpers/fixtures";
import { startFunctionReceiver } from "../../../tests/helpers/function-receiver";

// The console's contract: functionRouter through the real tRPC stack (session user → membership →
// role → service), as the console pages call it.

let t: TestTenant;
let svc: Awaited<ReturnType<typeof startFunctionReceiver>>;
const callerFor = (userId: string) =>
  createCallerFactory(appRouter)({ userId, requestId: "test-req", log: logger, origin: null });

beforeAll(async () => {
  t = await createTestTenant();
  svc = await startFunctionReceiver((event) =>
    (event as { fail?: boolean }).fail
      ? { headers: { "x-amz-function-error": "Unhandled" }, body: '{"errorType":"Bad","errorMessage":"nope"}' }
      : { body: JSON.stringify({ hello: event }) },
  );
});
afterAll(() => svc?.close());

describe("functionRouter", () => {
  it("creates (secret once), lists, test-invokes (result and error), updates and deletes", async () => {
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const created = await api.function.create({ tenant, name: "console-fn", url: `${svc.url}/f` });
    expect(created.signingSecret).toMatch(/^whsec_/);
    expect(JSON.stringify(created.function)).not.toContain("whsec_");
    const list = await api.function.list({ tenant });
    expect(list.functions.map((f) => f.name)).toEqual(["console-fn"]);
    const ok = await api.function.invoke({ tenant, id: created.function.id, payload: '{"a":1}' });
    expect(ok).toMatchObject({ statusCode: 200, functionError: null });
    expect(JSON.parse(ok.payload!)).toEqual({ hello: { a: 1 } });
    const err = await api.function.invoke({ tenant, id: created.function.id, payload: '{"fail":true}' });
    expect(err).toMatchObject({ statusCode: 200, functionError: "Unhandled" });
    const updated = await api.function.update({
      tenant,
      id: created.function.id,
      timeoutSeconds: 60,
      reservedConcurrency: null,
    });
    expect(updated.timeoutSeconds).toBe(60);
    const bad = await api.function
      .update({ tenant, id: created.function.id, timeoutSeconds: 0 })
      .catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(TRPCError);
    expect((bad as TRPCError).code).toBe("BAD_REQUEST");
    expect(await api.function.delete({ tenant, id: created.function.id })).toEqual({
      id: created.function.id,
      deleted: true,
    });
  });

  it("a viewer reads but cannot create or invoke", async () => {
    const viewer = await createTestUser();
    await addMember(t.tenant.id, viewer.id, "viewer");
    const api = callerFor(viewer.id);
    const tenant = t.tenant.slug;
    await expect(api.function.list({ tenant })).resolves.toBeTruthy();
    const e = await api.function.create({ tenant, name: "nope", url: `${svc.url}/f` }).catch((x: unknown) => x);
    expect((e as TRPCError).code).toBe("FORBIDDEN");
  });
});
