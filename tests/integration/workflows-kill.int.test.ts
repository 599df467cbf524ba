import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeDb, pool } from "../../server/db";
import { stopBoss } from "../../server/jobs/boss";
import { startExecution } from "../../server/domains/workflows/execution.service";
import { createQueue, urlOf } from "../../server/domains/queues/queue.service";
import { createTestTenant, uniqueName, type TestTenant } from "../helpers/fixtures";
import { startWorker, type TestProcess } from "../helpers/server";
import { insertStateMachine } from "../helpers/workflows";

// Durability: 200 executions mid-flight (in Waits, in child executions started by a task) when the
// only worker is SIGKILLed; a new worker resumes each from its last committed transition. Every
// execution ends with the output it would have had, and no task was sent twice: each execution's
// sqs:sendMessage task put exactly one message in the queue, and each parent started exactly one
// child (states:startExecution.sync:2); both are local resources that commit with their
// TaskScheduled transition.

const N = 200;
let t: TestTenant;
const workers: TestProcess[] = [];

beforeAll(async () => {
  t = await createTestTenant();
});
afterAll(async () => {
  for (const w of workers) await w.stop();
  await stopBoss();
  await closeDb();
});

async function counts(parentSm: string) {
  const { rows } = await pool().query<{ status: string; n: number }>(
    `SELECT status, count(*)::int AS n FROM executions WHERE state_machine_arn = $1 GROUP BY status`,
    [parentSm],
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n])) as Record<string, number>;
}

async function until(what: () => Promise<boolean>, ms: number) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await what()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe("a killed worker", () => {
  it("loses no transition and sends no task twice: 200 executions resume on another worker", async () => {
    const child = await insertStateMachine(t.tenant, {
      StartAt: "Wait",
      States: {
        Wait: { Type: "Wait", Seconds: 1, Next: "Echo" },
        Echo: { Type: "Pass", Parameters: { "twice.$": "States.MathAdd($.n, $.n)" }, End: true },
      },
    });
    const { queue } = await createQueue(t.actor, t.tenant.id, { name: uniqueName("kill") });
    const parent = await insertStateMachine(t.tenant, {
      StartAt: "Prepare",
      States: {
        Prepare: { Type: "Pass", Parameters: { "n.$": "$.n" }, Next: "Notify" },
        Notify: {
          Type: "Task",
          Resource: "arn:aws:states:::sqs:sendMessage",
          Parameters: {
            QueueUrl: urlOf(queue, "http://localhost:3000"),
            MessageBody: { "execution.$": "$$.Execution.Id" },
          },
          ResultPath: null,
          Next: "Hold",
        },
        Hold: { Type: "Wait", Seconds: 1, Next: "Call" },
        Call: {
          Type: "Task",
          Resource: "arn:aws:states:::states:startExecution.sync:2",
          Parameters: { StateMachineArn: child, "Input.$": "$" },
          ResultSelector: { "twice.$": "$.Output.twice" },
          ResultPath: "$.child",
          Next: "Check",
        },
        Check: {
          Type: "Choice",
          Choices: [{ Variable: "$.child.twice", NumericGreaterThanEquals: 100, Next: "Big" }],
          Default: "Small",
        },
        Big: { Type: "Pass", Result: "big", ResultPath: "$.size", Next: "Rest" },
        Small: { Type: "Pass", Result: "small", ResultPath: "$.size", Next: "Rest" },
        Rest: { Type: "Wait", Seconds: 1, End: true },
      },
    });
    const first = await startWorker();
    workers.push(first);
    const arns: string[] = [];
    for (let n = 0; n < N; n++)
      arns.push(
        (await startExecution({ tenant: t.tenant }, { stateMachineArn: parent, input: JSON.stringify({ n }) }))
          .executionArn,
      );
    // Mid-flight: children exist (tasks were sent) while most parents are still running.
    const { rows: parentRow } = await pool().query<{ id: string }>(`SELECT id FROM state_machines WHERE arn = $1`, [
      parent,
    ]);
    expect(parentRow).toHaveLength(1);
    const midFlight = await until(async () => {
      const { rows } = await pool().query<{ n: number }>(
        `SELECT count(*)::int AS n FROM executions WHERE state_machine_arn = $1`,
        [child],
      );
      return rows[0]!.n >= 20;
    }, 60_000);
    expect(midFlight).toBe(true);
    await first.stop("SIGKILL");
    const before = await counts(parent);
    expect(before.RUNNING ?? 0).toBeGreaterThan(0);

    const second = await startWorker();
    workers.push(second);
    const done = await until(async () => (await counts(parent)).SUCCEEDED === N, 120_000);
    expect(await counts(parent)).toEqual({ SUCCEEDED: N });
    expect(done).toBe(true);

    const { rows } = await pool().query<{ arn: string; input: string; output: string }>(
      `SELECT arn, input, output FROM executions WHERE state_machine_arn = $1`,
      [parent],
    );
    for (const r of rows) {
      const n = (JSON.parse(r.input) as { n: number }).n;
      expect(JSON.parse(r.output)).toEqual({ n, child: { twice: 2 * n }, size: 2 * n >= 100 ? "big" : "small" });
    }
    // Exactly one child per parent: no task was started twice.
    const { rows: perParent } = await pool().query<{ parent: string; n: number }>(
      `SELECT p.arn AS parent, count(c.id)::int AS n FROM executions p
         LEFT JOIN executions c ON c.parent_execution_id = p.id
        WHERE p.state_machine_arn = $1 GROUP BY p.arn`,
      [parent],
    );
    expect(perParent).toHaveLength(N);
    expect(perParent.every((r) => r.n === 1)).toBe(true);
    // Exactly one queue message per execution: the sqs:sendMessage task was not sent twice.
    const { rows: sent } = await pool().query<{ body: string }>(`SELECT body FROM queue_messages WHERE queue_id = $1`, [
      queue.id,
    ]);
    const perExecution = new Map<string, number>();
    for (const m of sent) {
      const arn = (JSON.parse(m.body) as { execution: string }).execution;
      perExecution.set(arn, (perExecution.get(arn) ?? 0) + 1);
    }
    expect(sent).toHaveLength(N);
    expect(perExecution.size).toBe(N);
    expect([...perExecution.values()].every((n) => n === 1)).toBe(true);
    expect(arns.every((a) => perExecution.get(a) === 1)).toBe(true);
    // Each committed history has two TaskScheduled (the send, the child) and consecutive event ids.
    const { rows: hist } = await pool().query<{ scheduled: number; events: number; maxid: number }>(
      `SELECT count(*) FILTER (WHERE ev.type = 'TaskScheduled')::int AS scheduled, count(*)::int AS events,
              max(ev.id)::int AS maxid
         FROM executions p JOIN execution_events ev ON ev.execution_id = p.id
        WHERE p.state_machine_arn = $1 GROUP BY p.id`,
      [parent],
    );
    expect(hist.every((h) => h.scheduled === 2 && h.events === h.maxid)).toBe(true);
    expect(arns).toHaveLength(N);
  });
});
