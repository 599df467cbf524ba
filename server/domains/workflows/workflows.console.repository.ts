import type { Queryable } from "../../db";

// SQL the console reads directly (the AWS actions have no tenant-wide listing): every top-level
// Standard execution of a team with filters and keyset paging, and each machine's counts and latest
// execution for the machines list. Map-run children are not listed (as AWS's ListExecutions without
// a MapRunArn); Express executions keep no history and are not listed either.

export type ConsoleExecutionRow = {
  id: string;
  arn: string;
  name: string;
  status: string;
  state_machine_arn: string;
  machine_name: string;
  start_date: Date;
  stop_date: Date | null;
  redrive_count: number;
};

export type ExecutionFilter = {
  tenantId: string;
  machine?: string;
  status?: string;
  namePrefix?: string;
  startedAfter?: Date;
  startedBefore?: Date;
  /** Keyset: rows strictly older than this (start_date, id). */
  after?: { startDate: Date; id: string };
  limit: number;
};

const likePrefix = (s: string) => `${s.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** One page of a team's executions, newest first (start_date DESC, id DESC). */
export async function listConsoleExecutions(q: Queryable, f: ExecutionFilter): Promise<ConsoleExecutionRow[]> {
  const where = ["e.tenant_id = $1", "e.type = 'STANDARD'", "e.map_run_arn IS NULL"];
  const params: unknown[] = [f.tenantId];
  const add = (sql: string, ...v: unknown[]) => {
    let s = sql;
    for (const x of v) {
      params.push(x);
      s = s.replace("?", `$${params.length}`);
    }
    where.push(s);
  };
  if (f.machine) add("s.name = ?", f.machine);
  if (f.status) add("e.status = ?", f.status);
  if (f.namePrefix) add("e.name LIKE ?", likePrefix(f.namePrefix));
  if (f.startedAfter) add("e.start_date >= ?", f.startedAfter);
  if (f.startedBefore) add("e.start_date < ?", f.startedBefore);
  if (f.after) add("(e.start_date, e.id) < (?, ?)", f.after.startDate, f.after.id);
  params.push(f.limit);
  const r = await q.query<ConsoleExecutionRow>(
    `SELECT e.id, e.arn, e.name, e.status, e.state_machine_arn, s.name AS machine_name, e.start_date, e.stop_date,
            e.redrive_count
       FROM executions e JOIN state_machines s ON s.id = e.state_machine_id
      WHERE ${where.join(" AND ")}
      ORDER BY e.start_date DESC, e.id DESC
      LIMIT $${params.length}`,
    params,
  );
  return r.rows;
}

export type MachineStatsRow = {
  name: string;
  versions: number;
  aliases: number;
  last_status: string | null;
  last_start: Date | null;
  last_name: string | null;
};

/** Per machine of a team: published versions, aliases and the latest top-level execution. */
export async function machineStats(q: Queryable, tenantId: string): Promise<MachineStatsRow[]> {
  const r = await q.query<MachineStatsRow>(
    `SELECT s.name,
            (SELECT count(*)::int FROM state_machine_versions v WHERE v.state_machine_id = s.id) AS versions,
            (SELECT count(*)::int FROM state_machine_aliases a WHERE a.state_machine_id = s.id) AS aliases,
            l.status AS last_status, l.start_date AS last_start, l.name AS last_name
       FROM state_machines s
       LEFT JOIN LATERAL (
         SELECT e.status, e.start_date, e.name FROM executions e
          WHERE e.state_machine_id = s.id AND e.map_run_arn IS NULL
          ORDER BY e.start_date DESC, e.id DESC LIMIT 1) l ON true
      WHERE s.tenant_id = $1`,
    [tenantId],
  );
  return r.rows;
}
