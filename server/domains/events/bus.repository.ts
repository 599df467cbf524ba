import type { Queryable } from "../../db";

// SQL of event buses, rules and rule targets. Every function takes the tenant and puts it in its
// WHERE, except the lookups by ARN that cross-account access needs (the caller checks the policy).

export type { Queryable };

export type BusRow = {
  id: string;
  tenantId: string;
  name: string;
  arn: string;
  description: string | null;
  policy: string | null;
  kmsKeyIdentifier: string | null;
  deadLetterConfig: { Arn?: string } | null;
  tags: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
};

export type RuleState = "ENABLED" | "DISABLED" | "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS";

export type RuleRow = {
  id: string;
  tenantId: string;
  busId: string;
  busName: string;
  name: string;
  arn: string;
  eventPattern: string | null;
  scheduleExpression: string | null;
  state: RuleState;
  description: string | null;
  roleArn: string | null;
  managedBy: string | null;
  createdBy: string;
  tags: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
};

/** A target as PutTargets received it (AWS's field names), plus where it lives. */
export type TargetDefinition = Record<string, unknown> & { Id: string; Arn: string };
export type TargetRow = {
  ruleId: string;
  targetId: string;
  tenantId: string;
  arn: string;
  definition: TargetDefinition;
};

const BUS_COLS = `id, tenant_id AS "tenantId", name, arn, description, policy, kms_key_identifier AS "kmsKeyIdentifier",
  dead_letter_config AS "deadLetterConfig", tags, created_at AS "createdAt", updated_at AS "updatedAt"`;

const RULE_COLS = `r.id, r.tenant_id AS "tenantId", r.bus_id AS "busId", b.name AS "busName", r.name, r.arn,
  r.event_pattern AS "eventPattern", r.schedule_expression AS "scheduleExpression", r.state, r.description,
  r.role_arn AS "roleArn", r.managed_by AS "managedBy", r.created_by AS "createdBy", r.tags,
  r.created_at AS "createdAt", r.updated_at AS "updatedAt"`;

// --- buses ---------------------------------------------------------------------------------------

export async function insertBus(db: Queryable, b: Omit<BusRow, "createdAt" | "updatedAt">): Promise<BusRow | null> {
  const r = await db.query(
    `INSERT INTO event_buses (id, tenant_id, name, arn, description, policy, kms_key_identifier, dead_letter_config, tags)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING ${BUS_COLS}`,
    [
      b.id,
      b.tenantId,
      b.name,
      b.arn,
      b.description,
      b.policy,
      b.kmsKeyIdentifier,
      b.deadLetterConfig === null ? null : JSON.stringify(b.deadLetterConfig),
      JSON.stringify(b.tags),
    ],
  );
  return r.rows[0] ?? null;
}

export async function findBusByName(db: Queryable, tenantId: string, name: string): Promise<BusRow | null> {
  const r = await db.query(`SELECT ${BUS_COLS} FROM event_buses WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
  return r.rows[0] ?? null;
}

/** Any tenant's bus by ARN: cross-account PutEvents and event-bus targets (the caller checks the policy). */
export async function findBusByArnUnscoped(db: Queryable, arn: string): Promise<BusRow | null> {
  const r = await db.query(`SELECT ${BUS_COLS} FROM event_buses WHERE arn = $1`, [arn]);
  return r.rows[0] ?? null;
}

export async function findBusById(db: Queryable, tenantId: string, id: string): Promise<BusRow | null> {
  const r = await db.query(`SELECT ${BUS_COLS} FROM event_buses WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return r.rows[0] ?? null;
}

/** Buses whose name starts with `prefix`, after `afterName`, in name order. */
export async function listBusesPage(
  db: Queryable,
  tenantId: string,
  prefix: string | null,
  afterName: string | null,
  limit: number,
): Promise<BusRow[]> {
  const r = await db.query(
    `SELECT ${BUS_COLS} FROM event_buses
      WHERE tenant_id = $1 AND ($2::text IS NULL OR starts_with(name, $2)) AND ($3::text IS NULL OR name > $3)
      ORDER BY name LIMIT $4`,
    [tenantId, prefix, afterName, limit],
  );
  return r.rows;
}

export type BusPatch = Partial<
  Pick<BusRow, "description" | "policy" | "kmsKeyIdentifier" | "deadLetterConfig" | "tags">
>;

export async function updateBus(db: Queryable, tenantId: string, id: string, patch: BusPatch): Promise<void> {
  const sets: string[] = [];
  const values: unknown[] = [tenantId, id];
  const add = (col: string, v: unknown) => {
    values.push(v);
    sets.push(`${col} = $${values.length}`);
  };
  if ("description" in patch) add("description", patch.description);
  if ("policy" in patch) add("policy", patch.policy);
  if ("kmsKeyIdentifier" in patch) add("kms_key_identifier", patch.kmsKeyIdentifier);
  if ("deadLetterConfig" in patch)
    add("dead_letter_config", patch.deadLetterConfig ? JSON.stringify(patch.deadLetterConfig) : null);
  if ("tags" in patch) add("tags", JSON.stringify(patch.tags));
  if (sets.length === 0) return;
  await db.query(
    `UPDATE event_buses SET ${sets.join(", ")}, updated_at = now() WHERE tenant_id = $1 AND id = $2`,
    values,
  );
}

export async function deleteBusRow(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM event_buses WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return (r.rowCount ?? 0) > 0;
}

// --- rules ---------------------------------------------------------------------------------------

export type NewRule = Omit<RuleRow, "createdAt" | "updatedAt" | "busName">;

/** PutRule creates or replaces (targets and tags stay). Returns the stored row. */
export async function upsertRule(db: Queryable, r: NewRule): Promise<void> {
  await db.query(
    `INSERT INTO event_rules (id, tenant_id, bus_id, name, arn, event_pattern, schedule_expression, state, description, role_arn, managed_by, created_by, tags)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
     ON CONFLICT (bus_id, name) DO UPDATE SET event_pattern = EXCLUDED.event_pattern,
       schedule_expression = EXCLUDED.schedule_expression, state = EXCLUDED.state, description = EXCLUDED.description,
       role_arn = EXCLUDED.role_arn, tags = event_rules.tags || EXCLUDED.tags, updated_at = now()`,
    [
      r.id,
      r.tenantId,
      r.busId,
      r.name,
      r.arn,
      r.eventPattern,
      r.scheduleExpression,
      r.state,
      r.description,
      r.roleArn,
      r.managedBy,
      r.createdBy,
      JSON.stringify(r.tags),
    ],
  );
}

export async function findRule(db: Queryable, tenantId: string, busId: string, name: string): Promise<RuleRow | null> {
  const r = await db.query(
    `SELECT ${RULE_COLS} FROM event_rules r JOIN event_buses b ON b.id = r.bus_id
      WHERE r.tenant_id = $1 AND r.bus_id = $2 AND r.name = $3`,
    [tenantId, busId, name],
  );
  return r.rows[0] ?? null;
}

export async function findRuleById(db: Queryable, tenantId: string, id: string): Promise<RuleRow | null> {
  const r = await db.query(
    `SELECT ${RULE_COLS} FROM event_rules r JOIN event_buses b ON b.id = r.bus_id WHERE r.tenant_id = $1 AND r.id = $2`,
    [tenantId, id],
  );
  return r.rows[0] ?? null;
}

export async function findRuleByArn(db: Queryable, tenantId: string, arn: string): Promise<RuleRow | null> {
  const r = await db.query(
    `SELECT ${RULE_COLS} FROM event_rules r JOIN event_buses b ON b.id = r.bus_id WHERE r.tenant_id = $1 AND r.arn = $2`,
    [tenantId, arn],
  );
  return r.rows[0] ?? null;
}

export async function listRulesPage(
  db: Queryable,
  tenantId: string,
  busId: string,
  prefix: string | null,
  afterName: string | null,
  limit: number,
): Promise<RuleRow[]> {
  const r = await db.query(
    `SELECT ${RULE_COLS} FROM event_rules r JOIN event_buses b ON b.id = r.bus_id
      WHERE r.tenant_id = $1 AND r.bus_id = $2 AND ($3::text IS NULL OR starts_with(r.name, $3))
        AND ($4::text IS NULL OR r.name > $4)
      ORDER BY r.name LIMIT $5`,
    [tenantId, busId, prefix, afterName, limit],
  );
  return r.rows;
}

/** Enabled rules of a bus that have a pattern, for the in-memory index. */
export async function listPatternRules(
  db: Queryable,
  busId: string,
): Promise<Array<Pick<RuleRow, "id" | "name" | "arn" | "eventPattern" | "state">>> {
  const r = await db.query(
    `SELECT id, name, arn, event_pattern AS "eventPattern", state FROM event_rules
      WHERE bus_id = $1 AND event_pattern IS NOT NULL AND state <> 'DISABLED'`,
    [busId],
  );
  return r.rows;
}

export async function setRuleState(db: Queryable, tenantId: string, id: string, state: RuleState): Promise<void> {
  await db.query(`UPDATE event_rules SET state = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
    state,
  ]);
}

export async function setRuleTags(db: Queryable, tenantId: string, id: string, tags: Record<string, string>) {
  await db.query(`UPDATE event_rules SET tags = $3, updated_at = now() WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
    JSON.stringify(tags),
  ]);
}

export async function deleteRuleRow(db: Queryable, tenantId: string, id: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM event_rules WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
  return (r.rowCount ?? 0) > 0;
}

export async function countRulesOfBus(db: Queryable, busId: string): Promise<number> {
  const r = await db.query(`SELECT count(*)::int AS n FROM event_rules WHERE bus_id = $1`, [busId]);
  return r.rows[0].n;
}

// --- targets -------------------------------------------------------------------------------------

export async function listTargets(db: Queryable, ruleId: string): Promise<TargetRow[]> {
  const r = await db.query(
    `SELECT rule_id AS "ruleId", target_id AS "targetId", tenant_id AS "tenantId", arn, definition
       FROM event_targets WHERE rule_id = $1 ORDER BY position, created_at, target_id`,
    [ruleId],
  );
  return r.rows;
}

/** Targets of many rules at once (PutEvents: every matched rule's targets in one query). */
export async function listTargetsOfRules(db: Queryable, ruleIds: string[]): Promise<TargetRow[]> {
  if (ruleIds.length === 0) return [];
  const r = await db.query(
    `SELECT rule_id AS "ruleId", target_id AS "targetId", tenant_id AS "tenantId", arn, definition
       FROM event_targets WHERE rule_id = ANY($1::text[]) ORDER BY rule_id, position, created_at, target_id`,
    [ruleIds],
  );
  return r.rows;
}

export async function upsertTargets(
  db: Queryable,
  tenantId: string,
  ruleId: string,
  targets: TargetDefinition[],
): Promise<void> {
  if (targets.length === 0) return;
  await db.query(
    `INSERT INTO event_targets (rule_id, target_id, tenant_id, arn, definition, position)
     SELECT $1, t.id, $2, t.arn, t.def, COALESCE((SELECT max(position) + 1 FROM event_targets WHERE rule_id = $1), 0) + t.ord
       FROM unnest($3::text[], $4::text[], $5::jsonb[]) WITH ORDINALITY AS t(id, arn, def, ord)
     ON CONFLICT (rule_id, target_id) DO UPDATE SET arn = EXCLUDED.arn, definition = EXCLUDED.definition, updated_at = now()`,
    [ruleId, tenantId, targets.map((t) => t.Id), targets.map((t) => t.Arn), targets.map((t) => JSON.stringify(t))],
  );
}

export async function deleteTargets(db: Queryable, ruleId: string, ids: string[]): Promise<string[]> {
  const r = await db.query(
    `DELETE FROM event_targets WHERE rule_id = $1 AND target_id = ANY($2::text[]) RETURNING target_id AS "targetId"`,
    [ruleId, ids],
  );
  return r.rows.map((x: { targetId: string }) => x.targetId);
}

export async function countTargets(db: Queryable, ruleId: string): Promise<number> {
  const r = await db.query(`SELECT count(*)::int AS n FROM event_targets WHERE rule_id = $1`, [ruleId]);
  return r.rows[0].n;
}

/** ListRuleNamesByTarget: names of the bus's rules with a target of this ARN, after `afterName`. */
export async function ruleNamesByTarget(
  db: Queryable,
  tenantId: string,
  busId: string,
  arn: string,
  afterName: string | null,
  limit: number,
): Promise<string[]> {
  const r = await db.query(
    `SELECT DISTINCT r.name FROM event_targets t JOIN event_rules r ON r.id = t.rule_id
      WHERE t.tenant_id = $1 AND t.arn = $3 AND r.bus_id = $2 AND ($4::text IS NULL OR r.name > $4)
      ORDER BY r.name LIMIT $5`,
    [tenantId, busId, arn, afterName, limit],
  );
  return r.rows.map((x: { name: string }) => x.name);
}

export async function busNamesByIds(db: Queryable, tenantId: string, ids: string[]): Promise<Map<string, string>> {
  const r = await db.query(`SELECT id, name FROM event_buses WHERE tenant_id = $1 AND id = ANY($2::text[])`, [
    tenantId,
    ids,
  ]);
  return new Map(r.rows.map((x: { id: string; name: string }) => [x.id, x.name]));
}

/** Serializes changes to one bus's policy (read-modify-write of the document). */
export async function lockBus(db: Queryable, id: string): Promise<void> {
  await db.query(`SELECT 1 FROM event_buses WHERE id = $1 FOR UPDATE`, [id]);
}

/** Serializes changes to one rule's targets (the 5-target limit is checked against the stored ones). */
export async function lockRule(db: Queryable, id: string): Promise<void> {
  await db.query(`SELECT 1 FROM event_rules WHERE id = $1 FOR UPDATE`, [id]);
}

/** NOTIFY on commit: every process drops the bus's rule index (rule-index.ts). */
export async function notifyChannel(db: Queryable, channel: string, payload: string): Promise<void> {
  await db.query(`SELECT pg_notify($1, $2)`, [channel, payload]);
}
