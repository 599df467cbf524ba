import { describe, expect, it } from "vitest";
import { pool } from "../../db";
import { createTestTenant, uniqueName } from "../../../tests/helpers/fixtures";
import { createQueue } from "../queues/queue.service";
import {
  consoleBuses,
  consoleCreateBus,
  consoleEvent,
  consoleEvents,
  consoleGrant,
  consoleRevoke,
  consolePutEvent,
  consolePutRule,
  consolePutTarget,
  consoleRule,
  consoleRules,
} from "./events.console";
import { routePendingEvents } from "./event-router";

// The console's events service (what trpc.events.* calls) against real PostgreSQL: forms mapped to
// AWS's shapes, AWS's per-entry errors as field errors with nothing stored, and the explorer's
// list and path agreeing with each other and with what the queue received.

async function fieldErrorsOf(p: Promise<unknown>): Promise<Record<string, string[]>> {
  try {
    await p;
  } catch (err) {
    return (err as { fieldErrors?: Record<string, string[]> }).fieldErrors ?? {};
  }
  throw new Error("expected a validation error");
}

describe("events console service", () => {
  it("creates a bus and a rule with a queue target, and the explorer's numbers agree", async () => {
    const t = await createTestTenant();
    const bus = uniqueName("orders");
    const { queue: q } = await createQueue(t.actor, t.tenant.id, { name: uniqueName("q") });
    const created = await consoleCreateBus(t.actor, t.tenant, { name: bus });
    expect(created).toMatchObject({
      name: bus,
      rules: 0,
      arn: `arn:aws:events:us-east-1:${t.tenant.accountId}:event-bus/${bus}`,
    });
    expect((await consoleBuses(t.actor, t.tenant)).map((b) => b.name)).toEqual(["default", bus]);

    const rule = await consolePutRule(t.actor, t.tenant, {
      bus,
      name: "paid",
      eventPattern: JSON.stringify({ source: ["shop"], detail: { amount: [{ numeric: [">", 10] }] } }),
      state: "ENABLED",
    });
    expect(rule).toMatchObject({ name: "paid", busName: bus, targets: 0, state: "ENABLED" });
    // A target whose InputPath AWS refuses: the message is under the form's field and nothing is stored.
    const fe = await fieldErrorsOf(
      consolePutTarget(t.actor, t.tenant, { bus, rule: "paid", target: { id: "q", arn: q.arn, inputPath: "detail" } }),
    );
    expect(Object.keys(fe)).toEqual(["inputPath"]);
    expect((await consoleRule(t.actor, t.tenant, { bus, rule: "paid" })).targets).toEqual([]);
    await consolePutTarget(t.actor, t.tenant, {
      bus,
      rule: "paid",
      target: { id: "q", arn: q.arn, inputPath: "$.detail", maximumRetryAttempts: 3 },
    });
    const detail = await consoleRule(t.actor, t.tenant, { bus, rule: "paid" });
    expect(detail.targets).toEqual([
      expect.objectContaining({
        id: "q",
        arn: q.arn,
        inputPath: "$.detail",
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: undefined },
      }),
    ]);
    expect((await consoleRules(t.actor, t.tenant, bus))[0]).toMatchObject({ name: "paid", targets: 1 });

    // Malformed detail: AWS's per-entry error, under the detail field, and no event stored.
    const bad = await fieldErrorsOf(
      consolePutEvent(t.actor, t.tenant, { bus, source: "shop", detailType: "Paid", detail: "{ nope" }),
    );
    expect(bad.detail).toEqual(["Detail is malformed."]);
    expect((await consoleEvents(t.actor, t.tenant, { bus })).items).toEqual([]);

    const { eventId } = await consolePutEvent(t.actor, t.tenant, {
      bus,
      source: "shop",
      detailType: "Paid",
      detail: JSON.stringify({ amount: 42 }),
    });
    const { eventId: small } = await consolePutEvent(t.actor, t.tenant, {
      bus,
      source: "shop",
      detailType: "Paid",
      detail: JSON.stringify({ amount: 5 }),
    });
    await routePendingEvents({ tenantId: t.tenant.id }); // PutEvents only accepts; routing is asynchronous
    const list = await consoleEvents(t.actor, t.tenant, { bus });
    expect(list.items.map((e) => [e.id, e.matchedRules, e.invocations, e.failed])).toEqual([
      [small, 0, 0, 0],
      [eventId, 1, 1, 0],
    ]);
    const path = await consoleEvent(t.actor, t.tenant, { bus, id: eventId });
    expect(path.matched).toEqual([{ ruleArn: rule.arn, ruleName: "paid" }]);
    expect(path.invocations).toHaveLength(1);
    expect(path.invocations[0]).toMatchObject({
      ruleArn: rule.arn,
      targetId: "q",
      targetArn: q.arn,
      status: "succeeded",
    });
    expect(path.invocations[0]!.attempts.map((a) => [a.attemptNumber, a.outcome])).toEqual([[1, "succeeded"]]);
    expect(path.envelope).toMatchObject({ id: eventId, source: "shop", "detail-type": "Paid", detail: { amount: 42 } });
    // What the queue holds is the InputPath of the one matching event.
    const r = await pool().query(`SELECT body FROM queue_messages WHERE queue_id = $1`, [q.id]);
    expect(r.rows.map((x: { body: string }) => JSON.parse(x.body))).toEqual([{ amount: 42 }]);
    // Filters narrow the list; an event of another bus is not found on this one.
    expect((await consoleEvents(t.actor, t.tenant, { bus, id: eventId })).items.map((e) => e.id)).toEqual([eventId]);
    expect((await consoleEvents(t.actor, t.tenant, { bus, source: "other" })).items).toEqual([]);
    await expect(consoleEvent(t.actor, t.tenant, { bus: "default", id: eventId })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("grants and revokes another account's PutEvents on a bus through its policy", async () => {
    const t = await createTestTenant();
    const bus = uniqueName("shared");
    await consoleCreateBus(t.actor, t.tenant, { name: bus });
    const bad = await fieldErrorsOf(consoleGrant(t.actor, t.tenant, { bus, principal: "12", statementId: "s1" }));
    expect(Object.keys(bad)).toEqual(["principal"]);
    const granted = await consoleGrant(t.actor, t.tenant, { bus, principal: "111122223333", statementId: "billing" });
    const doc = JSON.parse(granted.policy!) as { Statement: Array<{ Sid: string; Action: string }> };
    expect(doc.Statement.map((s) => [s.Sid, s.Action])).toEqual([["billing", "events:PutEvents"]]);
    expect((await consoleRevoke(t.actor, t.tenant, { bus, statementId: "billing" })).policy).toBeNull();
  });

  it("adds a state machine target with the role PutTargets requires for it", async () => {
    const t = await createTestTenant();
    await consolePutRule(t.actor, t.tenant, {
      bus: "default",
      name: "flows",
      eventPattern: JSON.stringify({ source: ["shop"] }),
      state: "ENABLED",
    });
    const sm = `arn:aws:states:us-east-1:${t.tenant.accountId}:stateMachine:flow`;
    await consolePutTarget(t.actor, t.tenant, { bus: "default", rule: "flows", target: { id: "flow", arn: sm } });
    const r = await consoleRule(t.actor, t.tenant, { bus: "default", rule: "flows" });
    expect(r.targets.map((x) => x.arn)).toEqual([sm]);
  });

  it("refuses a viewer's changes", async () => {
    const t = await createTestTenant({ role: "viewer" });
    await expect(consoleCreateBus(t.actor, t.tenant, { name: uniqueName("b") })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(
      consolePutEvent(t.actor, t.tenant, { bus: "default", source: "s", detailType: "d", detail: "{}" }),
    ).rejects.toMatchObject({ code: "forbidden" });
  });
});
