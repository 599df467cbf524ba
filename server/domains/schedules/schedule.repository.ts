import type { Queryable } from "../../db";

// SQL of EventBridge Scheduler's tables (migration 20261202030000_timers_and_schedules).

export type ScheduleGroupRow = {
  id: string;
  tenant_id: string;
  name: string;
  arn: string;
  tags: Record<string, string>;
  client_token: string | null;
  created_at: Date;
  updated_at: Date;
};

export type ScheduleTarget = {
  Arn: string;
  RoleArn: string;
  Input?: string;
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
  DeadLetterConfig?: { Arn?: string };
  SqsParameters?: { MessageGroupId?: string };
  EventBridgeParameters?: { DetailType: string; Source: string };
};

export type ScheduleRow = {
  id: string;
  tenant_id: string;
  group_id: string;
  group_name: string;
  name: string;
  arn: string;
  description: string | null;
  schedule_expression: string;
  timezone: string;
  start_date: Date | null;
  end_date: Date | null;
  flexible_mode: "OFF" | "FLEXIBLE";
  flexible_window_minutes: number | null;
  state: "ENABLED" | "DISABLED";
  action_after_completion: "NONE" | "DELETE";
  kms_key_arn: string | null;
  target: ScheduleTarget;
  client_token: string | null;
  created_at: Date;
  updated_at: Date;
};

export async function findGroup(db: Queryable, tenantId: string, name: string): Promise<ScheduleGroupRow | null> {
  const r = await db.query(`SELECT * FROM schedule_groups WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
  return (r.rows[0] as ScheduleGroupRow | undefined) ?? null;
}

export async function findGroupByArn(db: Queryable, tenantId: string, arn: string): Promise<ScheduleGroupRow | null> {
  const r = await db.query(`SELECT * FROM schedule_groups WHERE tenant_id = $1 AND arn = $2`, [tenantId, arn]);
  return (r.rows[0] as ScheduleGroupRow | undefined) ?? null;
}

/** Inserts a group; null when the name exists (the caller decides between idempotency and conflict). */
export async function insertGroup(
  db: Queryable,
  g: Pick<ScheduleGroupRow, "id" | "tenant_id" | "name" | "arn" | "tags" | "client_token">,
): Promise<ScheduleGroupRow | null> {
  const r = await db.query(
    `INSERT INTO schedule_groups (id, tenant_id, name, arn, tags, client_token)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tenant_id, name) DO NOTHING RETURNING *`,
    [g.id, g.tenant_id, g.name, g.arn, JSON.stringify(g.tags), g.client_token],
  );
  return (r.rows[0] as ScheduleGroupRow | undefined) ?? null;
}

export async function deleteGroup(db: Queryable, tenantId: string, id: string): Promise<void> {
  await db.query(`DELETE FROM schedule_groups WHERE tenant_id = $1 AND id = $2`, [tenantId, id]);
}

export async function listGroups(
  db: Queryable,
  tenantId: string,
  f: { prefix?: string; after?: string; limit: number },
): Promise<ScheduleGroupRow[]> {
  const r = await db.query(
    `SELECT * FROM schedule_groups
      WHERE tenant_id = $1 AND ($2::text IS NULL OR starts_with(name, $2)) AND ($3::text IS NULL OR name > $3)
      ORDER BY name LIMIT $4`,
    [tenantId, f.prefix ?? null, f.after ?? null, f.limit],
  );
  return r.rows as ScheduleGroupRow[];
}

export async function setGroupTags(db: Queryable, id: string, tags: Record<string, string>): Promise<void> {
  await db.query(`UPDATE schedule_groups SET tags = $2, updated_at = now() WHERE id = $1`, [id, JSON.stringify(tags)]);
}

/** Ids of a group's schedules (their timers are deleted with them). */
export async function scheduleIdsOfGroup(db: Queryable, groupId: string): Promise<string[]> {
  const r = await db.query(`SELECT id FROM schedules WHERE group_id = $1`, [groupId]);
  return r.rows.map((x) => x.id as string);
}

const SELECT_SCHEDULE = `SELECT s.*, g.name AS group_name FROM schedules s JOIN schedule_groups g ON g.id = s.group_id`;

export async function findSchedule(
  db: Queryable,
  tenantId: string,
  groupName: string,
  name: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ScheduleRow | null> {
  const r = await db.query(
    `${SELECT_SCHEDULE} WHERE s.tenant_id = $1 AND g.name = $2 AND s.name = $3${opts.forUpdate ? " FOR UPDATE OF s" : ""}`,
    [tenantId, groupName, name],
  );
  return (r.rows[0] as ScheduleRow | undefined) ?? null;
}

export async function findScheduleById(
  db: Queryable,
  tenantId: string,
  id: string,
  opts: { forUpdate?: boolean } = {},
): Promise<ScheduleRow | null> {
  const r = await db.query(
    `${SELECT_SCHEDULE} WHERE s.tenant_id = $1 AND s.id = $2${opts.forUpdate ? " FOR UPDATE OF s" : ""}`,
    [tenantId, id],
  );
  return (r.rows[0] as ScheduleRow | undefined) ?? null;
}

export type ScheduleWrite = Omit<ScheduleRow, "group_name" | "created_at" | "updated_at">;

export async function insertSchedule(db: Queryable, s: ScheduleWrite): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO schedules (id, tenant_id, group_id, name, arn, description, schedule_expression, timezone,
                            start_date, end_date, flexible_mode, flexible_window_minutes, state,
                            action_after_completion, kms_key_arn, target, client_token)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
     ON CONFLICT (group_id, name) DO NOTHING`,
    [
      s.id,
      s.tenant_id,
      s.group_id,
      s.name,
      s.arn,
      s.description,
      s.schedule_expression,
      s.timezone,
      s.start_date,
      s.end_date,
      s.flexible_mode,
      s.flexible_window_minutes,
      s.state,
      s.action_after_completion,
      s.kms_key_arn,
      JSON.stringify(s.target),
      s.client_token,
    ],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function updateSchedule(db: Queryable, s: ScheduleWrite): Promise<void> {
  await db.query(
    `UPDATE schedules SET description = $2, schedule_expression = $3, timezone = $4, start_date = $5,
            end_date = $6, flexible_mode = $7, flexible_window_minutes = $8, state = $9,
            action_after_completion = $10, kms_key_arn = $11, target = $12, client_token = $13,
            updated_at = now()
      WHERE id = $1`,
    [
      s.id,
      s.description,
      s.schedule_expression,
      s.timezone,
      s.start_date,
      s.end_date,
      s.flexible_mode,
      s.flexible_window_minutes,
      s.state,
      s.action_after_completion,
      s.kms_key_arn,
      JSON.stringify(s.target),
      s.client_token,
    ],
  );
}

export async function deleteScheduleRow(db: Queryable, id: string): Promise<void> {
  await db.query(`DELETE FROM schedules WHERE id = $1`, [id]);
}

export async function listSchedules(
  db: Queryable,
  tenantId: string,
  f: { group?: string; prefix?: string; state?: string; after?: { group: string; name: string }; limit: number },
): Promise<ScheduleRow[]> {
  const r = await db.query(
    `${SELECT_SCHEDULE}
      WHERE s.tenant_id = $1 AND ($2::text IS NULL OR g.name = $2) AND ($3::text IS NULL OR starts_with(s.name, $3))
        AND ($4::text IS NULL OR s.state = $4) AND ($5::text IS NULL OR (g.name, s.name) > ($5, $6::text))
      ORDER BY g.name, s.name LIMIT $7`,
    [
      tenantId,
      f.group ?? null,
      f.prefix ?? null,
      f.state ?? null,
      f.after?.group ?? null,
      f.after?.name ?? null,
      f.limit,
    ],
  );
  return r.rows as ScheduleRow[];
}
