import { describe, expect, it } from "vitest";
import { ZodError, z } from "zod";
import { appRouter } from "../../server/trpc/root";
import { createCallerFactory } from "../../server/trpc/trpc";
import { logger } from "../../server/logger";
import {
  createApiKey,
  listApiKeys,
  resolveAccessKey,
  setApiKeyLimits,
} from "../../server/domains/api-keys/api-key.service";
import { createTestTenant } from "../helpers/fixtures";

// A Signalbox key's own limits through the service the console calls: saved, listed, seen by the
// doors' key lookup, cleared; bad input is refused field by field and changes nothing.

describe("a Signalbox API key's own limits", () => {
  it("are saved, listed and reach the doors' key lookup; blank clears them", async () => {
    const t = await createTestTenant();
    const k = await createApiKey(t.actor, t.tenant.id, { name: "svc", role: "developer" });
    const saved = await setApiKeyLimits(t.actor, t.tenant.id, {
      id: k.id,
      rateLimit: 20,
      quotaLimit: 5000,
      quotaPeriod: "MONTH",
    });
    // The burst defaults to the rate.
    expect(saved.limits).toEqual({ rateLimit: 20, burstLimit: 20, quotaLimit: 5000, quotaPeriod: "MONTH" });
    const listed = (await listApiKeys(t.actor, t.tenant.id)).find((x) => x.id === k.id)!;
    expect(listed.limits).toEqual(saved.limits);
    expect((await resolveAccessKey(k.id))!.limits).toEqual(saved.limits);
    const cleared = await setApiKeyLimits(t.actor, t.tenant.id, { id: k.id, rateLimit: null, quotaLimit: null });
    expect(cleared.limits).toBeNull();
    expect((await listApiKeys(t.actor, t.tenant.id)).find((x) => x.id === k.id)!.limits).toBeNull();
  });

  it("refuses bad fields with a message per field and keeps what was there", async () => {
    const t = await createTestTenant();
    const k = await createApiKey(t.actor, t.tenant.id, { name: "svc", role: "developer" });
    await setApiKeyLimits(t.actor, t.tenant.id, { id: k.id, rateLimit: 5, burstLimit: 10 });
    const bad = async (input: Record<string, unknown>) => {
      try {
        await setApiKeyLimits(t.actor, t.tenant.id, { id: k.id, ...input } as never);
      } catch (e) {
        expect(e).toBeInstanceOf(ZodError);
        return Object.fromEntries((e as ZodError).issues.map((i) => [i.path.join("."), i.message]));
      }
      throw new Error("expected a refusal");
    };
    expect(await bad({ rateLimit: "abc" })).toEqual({ rateLimit: "Enter a number" });
    expect(await bad({ rateLimit: 0 })).toEqual({ rateLimit: "Must be more than 0" });
    expect(await bad({ rateLimit: 5, burstLimit: 1.5 })).toEqual({ burstLimit: "Whole numbers only" });
    expect(await bad({ quotaLimit: 100 })).toEqual({ quotaPeriod: "Pick the quota's period" });
    expect(await bad({ burstLimit: 3 })).toEqual({ rateLimit: "A burst needs a rate" });
    expect((await listApiKeys(t.actor, t.tenant.id)).find((x) => x.id === k.id)!.limits).toEqual({
      rateLimit: 5,
      burstLimit: 10,
      quotaLimit: null,
      quotaPeriod: null,
    });
  });

  it("through the console's tRPC door: saved and listed; bad fields come back as field errors", async () => {
    const t = await createTestTenant();
    const api = createCallerFactory(appRouter)({
      userId: t.user.id,
      requestId: "test",
      log: logger,
      origin: "http://sb.test",
    });
    const tenant = t.tenant.slug;
    await api.apiKey.setLimits({ tenant, id: t.key.id, rateLimit: 3, burstLimit: 6, quotaLimit: null });
    const listed = (await api.apiKey.list({ tenant })).find((k) => k.id === t.key.id)!;
    expect(listed.limits).toEqual({ rateLimit: 3, burstLimit: 6, quotaLimit: null, quotaPeriod: null });
    const err = (await api.apiKey
      .setLimits({ tenant, id: t.key.id, rateLimit: "fast", quotaLimit: -1, quotaPeriod: "DAY" })
      .catch((e: unknown) => e)) as { code: string; cause: unknown };
    expect(err).toMatchObject({ code: "BAD_REQUEST" });
    expect(err.cause).toBeInstanceOf(ZodError);
    expect(z.flattenError(err.cause as ZodError).fieldErrors).toEqual({
      rateLimit: ["Enter a number"],
      quotaLimit: ["At least 1"],
    });
  });

  it("needs keys:manage", async () => {
    const t = await createTestTenant();
    const k = await createApiKey(t.actor, t.tenant.id, { name: "svc", role: "viewer" });
    await expect(
      setApiKeyLimits({ ...t.actor, role: "developer" }, t.tenant.id, { id: k.id, rateLimit: 1 }),
    ).rejects.toMatchObject({ code: "forbidden" });
  });
});
