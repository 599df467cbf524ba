import type { Queryable } from "../../db";

// SQL for the Workflows catalog: state machines, their versions and aliases, activities. Every
// statement is scoped by tenant (or by a machine id read under the tenant) so no tenant reaches
// another's rows.

export type LoggingConfiguration = {
  level: string;
  includeExecutionData: boolean;
  destinations?: Array<{ cloudWatchLogsLogGroup?: { logGroupArn?: string } }>;
};
export type TracingConfiguration = { enabled: boolean };
export type EncryptionConfiguration = {
  type: string;
  kmsKeyId?: string;
  kmsDataKeyReusePeriodSeconds?: number;
};

export type StateMachineRow = {
  id: string;
  tenantId: string;
  name: string;
  arn: string;
  type: "STANDARD" | "EXPRESS";
  definition: string;
  roleArn: string;
  description: string;
  loggingConfiguration: LoggingConfiguration;
  tracingConfiguration: TracingConfiguration;
  encryptionConfiguration: EncryptionConfiguration;
  /** "INITIAL" until the first update (AWS shows no revisionId before then). */
  revisionId: string;
  status: "ACTIVE" | "DELETING";
  nextVersion: number;
  tags: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
};

const SM_COLS = `id, tenant_id AS "tenantId", name, arn, type, definition, role_arn AS "roleArn", description,
  logging_configuration AS "loggingConfiguration", tracing_configuration AS "tracingConfiguration",
  encryption_configuration AS "encryptionConfiguration", revision_id AS "revisionId", status,
  next_version AS "nextVersion", tags, created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function insertStateMachine(
  q: Queryable,
  r: Omit<StateMachineRow, "status" | "nextVersion" | "createdAt" | "updatedAt">,
): Promise<StateMachineRow | null> {
  const res = await q.query<StateMachineRow>(
    `INSERT INTO state_machines (id, tenant_id, name, arn, type, definition, role_arn, description,
       logging_configuration, tracing_configuration, encryption_configuration, revision_id, tags)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
     ON CONFLICT (tenant_id, name) DO NOTHING RETURNING ${SM_COLS}`,
    [
      r.id,
      r.tenantId,
      r.name,
      r.arn,
      r.type,
      r.definition,
      r.roleArn,
      r.description,
      JSON.stringify(r.loggingConfiguration),
      JSON.stringify(r.tracingConfiguration),
      JSON.stringify(r.encryptionConfiguration),
      r.revisionId,
      JSON.stringify(r.tags),
    ],
  );
  return res.rows[0] ?? null;
}

export async function findStateMachine(
  q: Queryable,
  tenantId: string,
  name: string,
  lock = false,
): Promise<StateMachineRow | null> {
  const res = await q.query<StateMachineRow>(
    `SELECT ${SM_COLS} FROM state_machines WHERE tenant_id = $1 AND name = $2${lock ? " FOR UPDATE" : ""}`,
    [tenantId, name],
  );
  return res.rows[0] ?? null;
}

export async function updateStateMachineRow(
  q: Queryable,
  id: string,
  patch: Partial<
    Pick<
      StateMachineRow,
      | "definition"
      | "roleArn"
      | "loggingConfiguration"
      | "tracingConfiguration"
      | "encryptionConfiguration"
      | "revisionId"
      | "status"
      | "nextVersion"
      | "tags"
    >
  >,
  touch = true,
): Promise<StateMachineRow> {
  const cols: Record<string, string> = {
    definition: "definition",
    roleArn: "role_arn",
    loggingConfiguration: "logging_configuration",
    tracingConfiguration: "tracing_configuration",
    encryptionConfiguration: "encryption_configuration",
    revisionId: "revision_id",
    status: "status",
    nextVersion: "next_version",
    tags: "tags",
  };
  const sets: string[] = [];
  const vals: unknown[] = [id];
  for (const [k, v] of Object.entries(patch)) {
    if (v === undefined) continue;
    vals.push(typeof v === "object" ? JSON.stringify(v) : v);
    sets.push(`${cols[k]} = $${vals.length}`);
  }
  if (touch) sets.push("updated_at = now()");
  const res = await q.query<StateMachineRow>(
    `UPDATE state_machines SET ${sets.join(", ") || "id = id"} WHERE id = $1 RETURNING ${SM_COLS}`,
    vals,
  );
  return res.rows[0]!;
}

export async function deleteStateMachineRow(q: Queryable, id: string): Promise<void> {
  await q.query(`DELETE FROM state_machines WHERE id = $1`, [id]);
}

export async function runningExecutionCount(q: Queryable, stateMachineId: string): Promise<number> {
  const res = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM executions WHERE state_machine_id = $1 AND status IN ('RUNNING', 'PENDING_REDRIVE')`,
    [stateMachineId],
  );
  return res.rows[0]!.n;
}

/** DELETING machines of a tenant whose executions have all finished: gone now (their versions and aliases cascade). */
export async function purgeDeletedStateMachines(q: Queryable, tenantId: string): Promise<void> {
  await q.query(
    `DELETE FROM state_machines sm WHERE sm.tenant_id = $1 AND sm.status = 'DELETING'
       AND NOT EXISTS (SELECT 1 FROM executions e WHERE e.state_machine_id = sm.id AND e.status IN ('RUNNING', 'PENDING_REDRIVE'))`,
    [tenantId],
  );
}

export async function listStateMachinesPage(
  q: Queryable,
  tenantId: string,
  afterName: string | null,
  limit: number,
): Promise<StateMachineRow[]> {
  const res = await q.query<StateMachineRow>(
    `SELECT ${SM_COLS} FROM state_machines WHERE tenant_id = $1 AND ($2::text IS NULL OR name > $2)
     ORDER BY name LIMIT $3`,
    [tenantId, afterName, limit],
  );
  return res.rows;
}

// Versions

export type VersionRow = {
  id: string;
  tenantId: string;
  stateMachineId: string;
  version: number;
  arn: string;
  definition: string;
  roleArn: string;
  description: string;
  revisionId: string;
  /** null: published before versions kept them (the machine's current ones stand in). */
  loggingConfiguration: LoggingConfiguration | null;
  tracingConfiguration: TracingConfiguration | null;
  createdAt: Date;
};

const V_COLS = `id, tenant_id AS "tenantId", state_machine_id AS "stateMachineId", version, arn, definition,
  role_arn AS "roleArn", description, revision_id AS "revisionId", logging_configuration AS "loggingConfiguration",
  tracing_configuration AS "tracingConfiguration", created_at AS "createdAt"`;

export async function insertVersion(q: Queryable, r: Omit<VersionRow, "createdAt">): Promise<VersionRow> {
  const res = await q.query<VersionRow>(
    `INSERT INTO state_machine_versions (id, tenant_id, state_machine_id, version, arn, definition, role_arn, description,
       revision_id, logging_configuration, tracing_configuration)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) RETURNING ${V_COLS}`,
    [
      r.id,
      r.tenantId,
      r.stateMachineId,
      r.version,
      r.arn,
      r.definition,
      r.roleArn,
      r.description,
      r.revisionId,
      r.loggingConfiguration === null ? null : JSON.stringify(r.loggingConfiguration),
      r.tracingConfiguration === null ? null : JSON.stringify(r.tracingConfiguration),
    ],
  );
  return res.rows[0]!;
}

export async function findVersion(q: Queryable, stateMachineId: string, version: number): Promise<VersionRow | null> {
  const res = await q.query<VersionRow>(
    `SELECT ${V_COLS} FROM state_machine_versions WHERE state_machine_id = $1 AND version = $2`,
    [stateMachineId, version],
  );
  return res.rows[0] ?? null;
}

export async function latestVersion(q: Queryable, stateMachineId: string): Promise<VersionRow | null> {
  const res = await q.query<VersionRow>(
    `SELECT ${V_COLS} FROM state_machine_versions WHERE state_machine_id = $1 ORDER BY version DESC LIMIT 1`,
    [stateMachineId],
  );
  return res.rows[0] ?? null;
}

export async function versionCount(q: Queryable, stateMachineId: string): Promise<number> {
  const res = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM state_machine_versions WHERE state_machine_id = $1`,
    [stateMachineId],
  );
  return res.rows[0]!.n;
}

/** Newest first (as AWS lists them). */
export async function listVersionsPage(
  q: Queryable,
  stateMachineId: string,
  belowVersion: number | null,
  limit: number,
): Promise<VersionRow[]> {
  const res = await q.query<VersionRow>(
    `SELECT ${V_COLS} FROM state_machine_versions WHERE state_machine_id = $1 AND ($2::int IS NULL OR version < $2)
     ORDER BY version DESC LIMIT $3`,
    [stateMachineId, belowVersion, limit],
  );
  return res.rows;
}

export async function deleteVersionRow(q: Queryable, id: string): Promise<void> {
  await q.query(`DELETE FROM state_machine_versions WHERE id = $1`, [id]);
}

// Aliases

export type RoutingEntry = { stateMachineVersionArn: string; weight: number };

export type AliasRow = {
  id: string;
  tenantId: string;
  stateMachineId: string;
  name: string;
  arn: string;
  description: string;
  routing: RoutingEntry[];
  createdAt: Date;
  updatedAt: Date;
};

const A_COLS = `id, tenant_id AS "tenantId", state_machine_id AS "stateMachineId", name, arn, description, routing,
  created_at AS "createdAt", updated_at AS "updatedAt"`;

export async function insertAlias(
  q: Queryable,
  r: Omit<AliasRow, "createdAt" | "updatedAt">,
): Promise<AliasRow | null> {
  const res = await q.query<AliasRow>(
    `INSERT INTO state_machine_aliases (id, tenant_id, state_machine_id, name, arn, description, routing)
     VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT (state_machine_id, name) DO NOTHING RETURNING ${A_COLS}`,
    [r.id, r.tenantId, r.stateMachineId, r.name, r.arn, r.description, JSON.stringify(r.routing)],
  );
  return res.rows[0] ?? null;
}

export async function findAlias(q: Queryable, stateMachineId: string, name: string): Promise<AliasRow | null> {
  const res = await q.query<AliasRow>(
    `SELECT ${A_COLS} FROM state_machine_aliases WHERE state_machine_id = $1 AND name = $2`,
    [stateMachineId, name],
  );
  return res.rows[0] ?? null;
}

export async function aliasCount(q: Queryable, stateMachineId: string): Promise<number> {
  const res = await q.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM state_machine_aliases WHERE state_machine_id = $1`,
    [stateMachineId],
  );
  return res.rows[0]!.n;
}

export async function listAliasesPage(
  q: Queryable,
  stateMachineId: string,
  afterName: string | null,
  limit: number,
): Promise<AliasRow[]> {
  const res = await q.query<AliasRow>(
    `SELECT ${A_COLS} FROM state_machine_aliases WHERE state_machine_id = $1 AND ($2::text IS NULL OR name > $2)
     ORDER BY name LIMIT $3`,
    [stateMachineId, afterName, limit],
  );
  return res.rows;
}

export async function aliasesRoutingTo(q: Queryable, stateMachineId: string, versionArn: string): Promise<AliasRow[]> {
  const res = await q.query<AliasRow>(
    `SELECT ${A_COLS} FROM state_machine_aliases WHERE state_machine_id = $1
       AND routing @> $2::jsonb`,
    [stateMachineId, JSON.stringify([{ stateMachineVersionArn: versionArn }])],
  );
  return res.rows;
}

export async function updateAliasRow(
  q: Queryable,
  id: string,
  patch: { description?: string; routing?: RoutingEntry[] },
): Promise<AliasRow> {
  const res = await q.query<AliasRow>(
    `UPDATE state_machine_aliases SET description = COALESCE($2, description), routing = COALESCE($3::jsonb, routing),
       updated_at = now() WHERE id = $1 RETURNING ${A_COLS}`,
    [id, patch.description ?? null, patch.routing ? JSON.stringify(patch.routing) : null],
  );
  return res.rows[0]!;
}

export async function deleteAliasRow(q: Queryable, id: string): Promise<void> {
  await q.query(`DELETE FROM state_machine_aliases WHERE id = $1`, [id]);
}

// Activities

export type ActivityRow = {
  id: string;
  tenantId: string;
  name: string;
  arn: string;
  tags: Record<string, string>;
  createdAt: Date;
};

const ACT_COLS = `id, tenant_id AS "tenantId", name, arn, tags, created_at AS "createdAt"`;

export async function insertActivity(q: Queryable, r: Omit<ActivityRow, "createdAt">): Promise<ActivityRow | null> {
  const res = await q.query<ActivityRow>(
    `INSERT INTO activities (id, tenant_id, name, arn, tags) VALUES ($1,$2,$3,$4,$5)
     ON CONFLICT (tenant_id, name) DO NOTHING RETURNING ${ACT_COLS}`,
    [r.id, r.tenantId, r.name, r.arn, JSON.stringify(r.tags)],
  );
  return res.rows[0] ?? null;
}

export async function findActivity(
  q: Queryable,
  tenantId: string,
  name: string,
  lock = false,
): Promise<ActivityRow | null> {
  const res = await q.query<ActivityRow>(
    `SELECT ${ACT_COLS} FROM activities WHERE tenant_id = $1 AND name = $2${lock ? " FOR UPDATE" : ""}`,
    [tenantId, name],
  );
  return res.rows[0] ?? null;
}

export async function listActivitiesPage(
  q: Queryable,
  tenantId: string,
  afterName: string | null,
  limit: number,
): Promise<ActivityRow[]> {
  const res = await q.query<ActivityRow>(
    `SELECT ${ACT_COLS} FROM activities WHERE tenant_id = $1 AND ($2::text IS NULL OR name > $2) ORDER BY name LIMIT $3`,
    [tenantId, afterName, limit],
  );
  return res.rows;
}

export async function setActivityTags(q: Queryable, id: string, tags: Record<string, string>): Promise<void> {
  await q.query(`UPDATE activities SET tags = $2 WHERE id = $1`, [id, JSON.stringify(tags)]);
}

export async function deleteActivityRow(q: Queryable, id: string): Promise<void> {
  await q.query(`DELETE FROM activities WHERE id = $1`, [id]);
}
