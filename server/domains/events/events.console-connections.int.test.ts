import { describe, expect, it } from "vitest";
import { z, ZodError } from "zod";
import { appRouter } from "../../trpc/root";
import { createCallerFactory } from "../../trpc/trpc";
import { logger } from "../../logger";
import { pool } from "../../db";
import { addMember, createTestTenant, createTestUser, uniqueName } from "../../../tests/helpers/fixtures";
import { createQueue } from "../queues/queue.service";
import { describeConnection, openAuth } from "../connections/connection.service";
import { getTimer } from "../timers/timer.service";

// The console's connections, API destinations and schedule edits through the real tRPC stack
// (session user → membership → role → service) against real PostgreSQL: zod field errors under
// the form's names, AWS's refusals mapped to the same fields, secrets in and never out, an edit
// that keeps what it does not show.

const callerFor = (userId: string) =>
  createCallerFactory(appRouter)({ userId, requestId: "test", log: logger, origin: "http://sb.test" });

/** The field errors the console's forms get (the error formatter's data.fieldErrors: zod's or the AppError's). */
async function fieldErrors(p: Promise<unknown>): Promise<Record<string, string[]>> {
  try {
    await p;
  } catch (e) {
    const cause = (e as { cause?: unknown }).cause;
    if (cause instanceof ZodError) return z.flattenError(cause).fieldErrors as Record<string, string[]>;
    return (cause as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors ?? {};
  }
  throw new Error("expected a validation error");
}

describe("events router: connections and API destinations", () => {
  it("creates each auth type with its fields, never shows a secret back, and refuses missing fields per field", async () => {
    const t = await createTestTenant();
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;

    const missing = await fieldErrors(
      api.events.createConnection({ tenant, name: "k", authorizationType: "API_KEY", apiKeyName: "x-api-key" }),
    );
    expect(Object.keys(missing)).toEqual(["apiKeyValue"]);
    const oauthMissing = await fieldErrors(
      api.events.createConnection({ tenant, name: "o", authorizationType: "OAUTH_CLIENT_CREDENTIALS", clientId: "id" }),
    );
    expect(Object.keys(oauthMissing).sort()).toEqual(["authorizationEndpoint", "clientSecret", "oauthHttpMethod"]);
    const badName = await fieldErrors(
      api.events.createConnection({
        tenant,
        name: "bad name",
        authorizationType: "BASIC",
        username: "u",
        password: "p",
      }),
    );
    expect(Object.keys(badName)).toEqual(["name"]);
    expect((await api.events.connections({ tenant })).connections).toEqual([]);

    const key = await api.events.createConnection({
      tenant,
      name: "stripe",
      description: "Stripe API",
      authorizationType: "API_KEY",
      apiKeyName: "Authorization",
      apiKeyValue: "sk_live_TOPSECRET",
    });
    expect(key).toMatchObject({
      name: "stripe",
      authorizationType: "API_KEY",
      state: "AUTHORIZED",
      apiKeyName: "Authorization",
    });
    const basic = await api.events.createConnection({
      tenant,
      name: "legacy",
      authorizationType: "BASIC",
      username: "svc",
      password: "hunter2-SECRET",
    });
    expect(basic).toMatchObject({ username: "svc", state: "AUTHORIZED" });
    const dup = await fieldErrors(
      api.events.createConnection({ tenant, name: "stripe", authorizationType: "BASIC", username: "a", password: "b" }),
    );
    expect(dup.name?.[0]).toMatch(/already exists/);

    const listed = await api.events.connections({ tenant });
    expect(listed.connections.map((c) => c.name).sort()).toEqual(["legacy", "stripe"]);
    expect(JSON.stringify(listed)).not.toMatch(/TOPSECRET|hunter2/);

    // Edit: a blank secret keeps the stored one; a new one replaces it.
    await api.events.updateConnection({
      tenant,
      name: "stripe",
      description: "Stripe (live)",
      authorizationType: "API_KEY",
      apiKeyName: "Authorization",
      apiKeyValue: "",
    });
    const kept = await describeConnection(t.actor, t.tenant, "stripe");
    expect(kept.description).toBe("Stripe (live)");
    expect(openAuth(kept).ApiKeyAuthParameters).toEqual({
      ApiKeyName: "Authorization",
      ApiKeyValue: "sk_live_TOPSECRET",
    });
    // Switching type needs the new type's secret: the service's refusal lands on the field.
    const switched = await fieldErrors(
      api.events.updateConnection({ tenant, name: "stripe", authorizationType: "BASIC", username: "u" }),
    );
    expect(Object.keys(switched)).toEqual(["password"]);

    const deauth = await api.events.deauthorizeConnection({ tenant, name: "legacy" });
    expect(deauth.state).toBe("DEAUTHORIZED");

    // API destinations: zod and AWS refusals per field, then one that works.
    const destMissing = await fieldErrors(
      api.events.createApiDestination({
        tenant,
        name: "charges",
        connectionArn: "",
        endpoint: "ftp://nope",
        httpMethod: "POST",
        rateLimit: 500,
      }),
    );
    expect(Object.keys(destMissing).sort()).toEqual(["connectionArn", "endpoint", "rateLimit"]);
    const noConn = await fieldErrors(
      api.events.createApiDestination({
        tenant,
        name: "charges",
        connectionArn: `${key.arn}-gone`,
        endpoint: "https://api.stripe.example/v1/charges",
        httpMethod: "POST",
      }),
    );
    expect(noConn.connectionArn?.[0]).toMatch(/does not exist/);
    const dest = await api.events.createApiDestination({
      tenant,
      name: "charges",
      connectionArn: key.arn,
      endpoint: "https://api.stripe.example/v1/charges/*",
      httpMethod: "POST",
      rateLimit: 25,
    });
    expect(dest).toMatchObject({ connectionName: "stripe", httpMethod: "POST", rateLimit: 25, state: "ACTIVE" });
    const edited = await api.events.updateApiDestination({
      tenant,
      name: "charges",
      connectionArn: basic.arn,
      endpoint: "https://api.stripe.example/v2/charges",
      httpMethod: "PUT",
      rateLimit: 10,
    });
    expect(edited).toMatchObject({ connectionName: "legacy", httpMethod: "PUT", rateLimit: 10 });
    const after = await api.events.connections({ tenant });
    expect(after.connections.find((c) => c.name === "legacy")?.destinations).toBe(1);

    // A connection in use cannot be deleted; once its destination is gone it can.
    await expect(api.events.deleteConnection({ tenant, name: "legacy" })).rejects.toThrow(/in use/);
    await api.events.deleteApiDestination({ tenant, name: "charges" });
    await api.events.deleteConnection({ tenant, name: "legacy" });
    expect((await api.events.connections({ tenant })).connections.map((c) => c.name)).toEqual(["stripe"]);
  });

  it("a viewer sees connections but cannot create or change them", async () => {
    const t = await createTestTenant();
    const viewer = await createTestUser();
    await addMember(t.tenant.id, viewer.id, "viewer");
    const api = callerFor(viewer.id);
    await expect(
      api.events.createConnection({
        tenant: t.tenant.slug,
        name: "x",
        authorizationType: "BASIC",
        username: "u",
        password: "p",
      }),
    ).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect((await api.events.connections({ tenant: t.tenant.slug })).connections).toEqual([]);
  });
});

describe("events router: schedule edits", () => {
  it("creates a schedule whose target is an event bus with the form's detail type and source", async () => {
    const t = await createTestTenant();
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const bus = `arn:aws:events:us-east-1:${t.tenant.accountId}:event-bus/default`;
    const name = uniqueName("to-bus");
    const missing = await fieldErrors(
      api.events.createSchedule({
        tenant,
        name,
        expression: "rate(1 hour)",
        timezone: "UTC",
        enabled: true,
        deleteAfterCompletion: false,
        targetArn: bus,
        input: '{"job":"report"}',
        detailType: " ",
        eventSource: "my.app",
      }),
    );
    expect(Object.keys(missing)).toEqual(["detailType"]);
    await api.events.createSchedule({
      tenant,
      name,
      expression: "rate(1 hour)",
      timezone: "UTC",
      enabled: true,
      deleteAfterCompletion: false,
      targetArn: bus,
      input: '{"job":"report"}',
      detailType: "Nightly Report",
      eventSource: "my.reports",
    });
    const row = await pool().query(`SELECT target FROM schedules WHERE tenant_id = $1 AND name = $2`, [
      t.tenant.id,
      name,
    ]);
    expect(row.rows[0].target).toMatchObject({
      Arn: bus,
      EventBridgeParameters: { DetailType: "Nightly Report", Source: "my.reports" },
    });
  });

  it("edits expression, zone, input and window keeping the rest, disables and enables; refusals land on fields", async () => {
    const t = await createTestTenant();
    const api = callerFor(t.user.id);
    const tenant = t.tenant.slug;
    const { queue } = await createQueue(t.actor, t.tenant.id, { name: uniqueName("sched") });
    const name = uniqueName("nightly");
    await api.events.createSchedule({
      tenant,
      name,
      expression: "cron(0 9 ? * MON-FRI *)",
      timezone: "UTC",
      enabled: true,
      deleteAfterCompletion: false,
      targetArn: queue.arn,
      input: '{"job":"report"}',
      maximumRetryAttempts: 3,
      deadLetterArn: queue.arn,
    });
    const s = await api.events.updateSchedule({
      tenant,
      name,
      group: "default",
      expression: "rate(2 hours)",
      timezone: "Europe/Berlin",
      input: '{"job":"report","n":<aws.scheduler.attempt-number>}',
      flexibleWindowMinutes: 15,
      enabled: true,
    });
    expect(s).toMatchObject({
      expression: "rate(2 hours)",
      timezone: "Europe/Berlin",
      flexibleWindowMinutes: 15,
      state: "ENABLED",
      input: '{"job":"report","n":<aws.scheduler.attempt-number>}',
    });
    // What the form does not show stays: the retry policy and the dead-letter queue.
    const row = await pool().query(`SELECT id, target FROM schedules WHERE tenant_id = $1 AND name = $2`, [
      t.tenant.id,
      name,
    ]);
    expect(row.rows[0].target).toMatchObject({
      Arn: queue.arn,
      RetryPolicy: { MaximumRetryAttempts: 3 },
      DeadLetterConfig: { Arn: queue.arn },
    });

    const bad = await fieldErrors(
      api.events.updateSchedule({
        tenant,
        name,
        group: "default",
        expression: "rate(0 hours)",
        timezone: "UTC",
        enabled: true,
      }),
    );
    expect(Object.keys(bad)).toEqual(["expression"]);
    const badZone = await fieldErrors(
      api.events.updateSchedule({
        tenant,
        name,
        group: "default",
        expression: "rate(1 hour)",
        timezone: "Mars/Base",
        enabled: true,
      }),
    );
    expect(Object.keys(badZone)).toEqual(["timezone"]);

    const off = await api.events.setScheduleState({ tenant, name, group: "default", enabled: false });
    expect(off.state).toBe("DISABLED");
    expect(await getTimer(pool(), "schedule", row.rows[0].id)).toMatchObject({ enabled: false });
    expect((await api.events.schedules({ tenant })).find((x) => x.name === name)).toMatchObject({
      state: "DISABLED",
      expression: "rate(2 hours)",
    });
    const on = await api.events.setScheduleState({ tenant, name, group: "default", enabled: true });
    expect(on.state).toBe("ENABLED");
    expect(await getTimer(pool(), "schedule", row.rows[0].id)).toMatchObject({ enabled: true });
  });
});
