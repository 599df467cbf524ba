// `npm run bench:workflows`: STANDARD workflow executions on the durable executor.
//
// The machine has 10 states (Pass, Choice, Task, ...); its two Task states start a child execution
// (arn:aws:states:::states:startExecution, request-response, of a one-state EXPRESS machine), the
// local task resource Signalbox has without wf-tasks' integrations. On a fresh temporary database
// (signalbox_bench_<random>) with ONE worker process (the runner), this process keeps BENCH_CONCURRENCY
// (50) executions running for BENCH_SECONDS (15): as each ends another starts (StartExecution through
// the service, i.e. commit + NOTIFY). Figures:
//  - durable state transitions/s: states entered by the finished executions (10 each; every
//    transition committed in PostgreSQL with its history) per second of the run;
//  - start → first task: the StartExecution call's start → the first TaskScheduled event's
//    timestamp (the 4th state), p50/p99 over every execution started at a steady BENCH_RATE (20)
//    executions/s for BENCH_SECONDS, and also under the throughput phase's saturating load.
// The same workload (concurrency, machine) then runs on moto_server's Step Functions mock (it does
// not run states: StartExecution → DescribeExecution reports SUCCEEDED) and on aws-local-stepfunctions
// (in memory, not durable, the Task answered by a local handler). BENCH_PEERS picks what runs
// (default "signalbox,moto,local"). Everything started is stopped by pid; the database is dropped.
import { randomUUID } from "node:crypto";
import {
  SFNClient,
  CreateStateMachineCommand,
  StartExecutionCommand,
  DescribeExecutionCommand,
} from "@aws-sdk/client-sfn";
import { StateMachine } from "aws-local-stepfunctions";
import { analyze, conditions, percentile, startWorkerProcess, stop, withBenchDatabase, withMoto } from "./harness";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const RATE = Number(process.env.BENCH_RATE ?? 20); // executions started per second in the latency phase
const PEERS = (process.env.BENCH_PEERS ?? "signalbox,moto,local").split(",").map((p) => p.trim());

function machine(taskResource: string, childArn: string) {
  const task = (next: string) => ({
    Type: "Task",
    Resource: taskResource,
    Parameters: { StateMachineArn: childArn, "Input.$": "$" },
    ResultPath: "$.task",
    Next: next,
  });
  return {
    StartAt: "Init",
    States: {
      Init: { Type: "Pass", Parameters: { "n.$": "$.n", step: 0 }, Next: "Route" },
      Route: {
        Type: "Choice",
        Choices: [{ Variable: "$.n", NumericGreaterThanEquals: 0, Next: "Prepare" }],
        Default: "Fail",
      },
      Prepare: { Type: "Pass", Result: 1, ResultPath: "$.step", Next: "Work" },
      Work: task("Merge"),
      Merge: { Type: "Pass", Parameters: { "n.$": "$.n", "step.$": "States.MathAdd($.step, 1)" }, Next: "Check" },
      Check: {
        Type: "Choice",
        Choices: [{ Variable: "$.step", NumericEquals: 2, Next: "Again" }],
        Default: "Fail",
      },
      Again: { Type: "Pass", Next: "Work2" },
      Work2: task("Tidy"),
      Tidy: { Type: "Pass", Parameters: { "n.$": "$.n", "done.$": "$.step" }, Next: "Done" },
      Done: { Type: "Succeed" },
      Fail: { Type: "Fail", Error: "Unexpected" },
    },
  };
}
const STATES_PER_EXECUTION = 10;

async function benchSignalbox(): Promise<{ perSecond: number; p50: number; p99: number } | null> {
  return withBenchDatabase(async (db) => {
    const worker = await startWorkerProcess(db.env);
    try {
      const { rows } = await db.query(`SELECT id, account_id FROM tenants LIMIT 1`);
      const tenant = { id: rows[0].id as string, accountId: rows[0].account_id as string };
      const insert = async (name: string, type: string, definition: object) => {
        const arn = `arn:aws:states:us-east-1:${tenant.accountId}:stateMachine:${name}`;
        await db.query(
          `INSERT INTO state_machines (id, tenant_id, name, arn, type, definition, role_arn, revision_id)
           VALUES ($1, $2, $3, $4, $5, $6, 'arn:aws:iam::123456789012:role/bench', $7)`,
          [randomUUID(), tenant.id, name, arn, type, JSON.stringify(definition), randomUUID()],
        );
        return arn;
      };
      const child = await insert("child", "EXPRESS", { StartAt: "P", States: { P: { Type: "Pass", End: true } } });
      const parent = await insert("parent", "STANDARD", machine("arn:aws:states:::states:startExecution", child));
      const { startExecution } = await import("../server/domains/workflows/start");
      const caller = { tenant };
      const started = new Map<string, number>();
      // One poller for every lane: finished executions are found with one query every 10 ms (50
      // callers polling on their own would cost the database more than the executions do).
      const run = async (seconds: number, record: boolean) => {
        const until = Date.now() + seconds * 1000;
        let n = 0;
        const inFlight = new Set<string>();
        const launch = async () => {
          const t0 = Date.now();
          const { executionArn } = await startExecution(caller, {
            stateMachineArn: parent,
            input: JSON.stringify({ n: n++ }),
          });
          if (record) started.set(executionArn, t0);
          inFlight.add(executionArn);
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, launch));
        while (inFlight.size) {
          await new Promise((res) => setTimeout(res, 10));
          const r = await db.query(`SELECT arn FROM executions WHERE arn = ANY($1) AND status <> 'RUNNING'`, [
            [...inFlight],
          ]);
          for (const row of r.rows as Array<{ arn: string }>) inFlight.delete(row.arn);
          if (Date.now() < until) await Promise.all(r.rows.map(() => launch()));
        }
      };
      const firstTask = async (since: Date) => {
        const first = await db.query(
          `SELECT e.arn, min(ev.timestamp) AS t FROM executions e
             JOIN execution_events ev ON ev.execution_id = e.id AND ev.type = 'TaskScheduled'
            WHERE e.state_machine_arn = $1 AND e.start_date >= $2 GROUP BY e.arn`,
          [parent, since],
        );
        return (first.rows as Array<{ arn: string; t: Date }>)
          .filter((r) => started.has(r.arn))
          .map((r) => r.t.getTime() - started.get(r.arn)!)
          .sort((a, b) => a - b);
      };
      await run(3, false); // warm-up
      await analyze(db.query);
      const cond = await conditions(db.query);
      const since = new Date();
      const t0 = Date.now();
      await run(SECONDS, true);
      const elapsed = (Date.now() - t0) / 1000;
      const done = await db.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE status <> 'SUCCEEDED')::int AS bad FROM executions
          WHERE state_machine_arn = $1 AND start_date >= $2`,
        [parent, since],
      );
      const perSecond = (done.rows[0].n * STATES_PER_EXECUTION) / elapsed;
      const lat = await firstTask(since);
      const p50 = percentile(lat, 50);
      const p99 = percentile(lat, 99);
      console.log(
        `Signalbox STANDARD executions (1 worker; ${STATES_PER_EXECUTION}-state Pass/Choice/Task machine, ${CONCURRENCY} executions at a time, ${SECONDS} s; ${cond})`,
      );
      console.log(
        `  ${done.rows[0].n} executions (${done.rows[0].bad} not SUCCEEDED): ${perSecond.toFixed(0)} durable state transitions/s (bar ≥ 1,000); start → first task under this load p50 ${p50} ms, p99 ${p99} ms`,
      );
      // Latency at a steady rate: one start every 1/RATE s, each waited for by nobody.
      started.clear();
      const since2 = new Date();
      const steadyUntil = Date.now() + SECONDS * 1000;
      const calls: Promise<unknown>[] = [];
      for (let i = 0; Date.now() < steadyUntil; i++) {
        const due = since2.getTime() + (i * 1000) / RATE;
        if (due > Date.now()) await new Promise((res) => setTimeout(res, due - Date.now()));
        const t0 = Date.now();
        calls.push(
          startExecution(caller, { stateMachineArn: parent, input: JSON.stringify({ n: i }) }).then((r) =>
            started.set(r.executionArn, t0),
          ),
        );
      }
      await Promise.all(calls);
      for (let i = 0; i < 300; i++) {
        const r = await db.query(
          `SELECT count(*)::int AS n FROM executions WHERE state_machine_arn = $1 AND start_date >= $2 AND status = 'RUNNING'`,
          [parent, since2],
        );
        if (r.rows[0].n === 0) break;
        await new Promise((res) => setTimeout(res, 100));
      }
      const steady = await firstTask(since2);
      const s50 = percentile(steady, 50);
      const s99 = percentile(steady, 99);
      console.log(
        `Signalbox start → first task at a steady ${RATE} executions/s (${RATE * STATES_PER_EXECUTION} transitions/s) for ${SECONDS} s: ${steady.length} executions, p50 ${s50} ms, p99 ${s99} ms (bar p99 ≤ 100 ms)`,
      );
      return { perSecond, p50: s50, p99: s99 };
    } finally {
      await stop(worker.child);
    }
  });
}

async function benchMoto(): Promise<number | null> {
  const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
  try {
    return await withMoto(
      (endpoint) =>
        new SFNClient({ endpoint, region: "us-east-1", credentials }).send(
          new CreateStateMachineCommand({
            name: `ping-${randomUUID().slice(0, 6)}`,
            definition: JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }),
            roleArn: "arn:aws:iam::123456789012:role/bench",
          }),
        ),
      async (endpoint) => {
        const sfn = new SFNClient({ endpoint, region: "us-east-1", credentials });
        const child = await sfn.send(
          new CreateStateMachineCommand({
            name: "child",
            definition: JSON.stringify({ StartAt: "P", States: { P: { Type: "Pass", End: true } } }),
            roleArn: "arn:aws:iam::123456789012:role/bench",
          }),
        );
        const sm = await sfn.send(
          new CreateStateMachineCommand({
            name: "parent",
            definition: JSON.stringify(machine("arn:aws:states:::states:startExecution", child.stateMachineArn!)),
            roleArn: "arn:aws:iam::123456789012:role/bench",
          }),
        );
        let n = 0;
        const lat: number[] = [];
        const until = Date.now() + SECONDS * 1000;
        const t0 = Date.now();
        const lane = async () => {
          while (Date.now() < until) {
            const s = Date.now();
            const { executionArn } = await sfn.send(
              new StartExecutionCommand({ stateMachineArn: sm.stateMachineArn!, input: JSON.stringify({ n }) }),
            );
            lat.push(Date.now() - s);
            for (;;) {
              const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
              if (d.status !== "RUNNING") break;
              await new Promise((r) => setTimeout(r, 5));
            }
            n++;
          }
        };
        await Promise.all(Array.from({ length: CONCURRENCY }, lane));
        const perSecond = (n * STATES_PER_EXECUTION) / ((Date.now() - t0) / 1000);
        lat.sort((a, b) => a - b);
        sfn.destroy();
        console.log(
          `moto_server Step Functions mock (same machine, ${CONCURRENCY} at a time, ${SECONDS} s; it runs no states: executions are reported SUCCEEDED, nothing is durable)`,
        );
        console.log(
          `  ${n} executions: ${perSecond.toFixed(0)} nominal transitions/s (executions × ${STATES_PER_EXECUTION}); StartExecution p50 ${percentile(lat, 50)} ms, p99 ${percentile(lat, 99)} ms`,
        );
        return perSecond;
      },
    );
  } catch (e) {
    console.log(`moto_server: not measured (${(e as Error).message})`);
    return null;
  }
}

async function benchLocal(): Promise<number> {
  const def = machine(
    "arn:aws:states:::states:startExecution",
    "arn:aws:states:us-east-1:123456789012:stateMachine:child",
  );
  const sm = new StateMachine(def as never, { validationOptions: { checkArn: false } } as never);
  const handlers = { Work: async () => ({ ok: true }), Work2: async () => ({ ok: true }) };
  let n = 0;
  const until = Date.now() + SECONDS * 1000;
  const t0 = Date.now();
  const lane = async () => {
    while (Date.now() < until) {
      const e = sm.run({ n }, { overrides: { taskResourceLocalHandlers: handlers } } as never);
      await e.result;
      n++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  const perSecond = (n * STATES_PER_EXECUTION) / ((Date.now() - t0) / 1000);
  console.log(
    `aws-local-stepfunctions 3.0.0 (in memory in this process, not durable; same machine, Tasks answered by local handlers, ${CONCURRENCY} at a time, ${SECONDS} s)`,
  );
  console.log(`  ${n} executions: ${perSecond.toFixed(0)} state transitions/s`);
  return perSecond;
}

const ours = PEERS.includes("signalbox") ? await benchSignalbox() : null;
const moto = PEERS.includes("moto") ? await benchMoto() : null;
const local = PEERS.includes("local") ? await benchLocal() : null;
if (ours && moto)
  console.log(
    `ratio: Signalbox ran ${(ours.perSecond / moto).toFixed(2)}× moto_server's nominal transitions/s (moto runs no states)`,
  );
if (ours && local)
  console.log(
    `ratio: Signalbox (durable, every transition committed) ran ${(ours.perSecond / local).toFixed(3)}× aws-local-stepfunctions' in-memory transitions/s`,
  );
process.exit(0);
