import type { Queryable } from "../../db";

// SQL of the schema registry: registries, schemas and their versions, discoverers and the detail
// shapes discovery recorded. Every function takes the tenant and puts it in its WHERE.

export type { Queryable };

export type RegistryRow = {
  id: string;
  tenantId: string;
  name: string;
  arn: string;
  description: string | null;
  tags: Record<string, string>;
};

export type SchemaRow = {
  id: string;
  tenantId: string;
  registryId: string;
  name: string;
  arn: string;
  type: string;
  description: string | null;
  tags: Record<string, string>;
  discoveredShape: unknown;
  source: string | null;
  detailType: string | null;
  latestVersion: number;
  versionCount: number;
  lastModified: Date;
};

export type SchemaVersionRow = { version: number; type: string; content: string; createdAt: Date };

export type DiscovererRow = {
  id: string;
  tenantId: string;
  discovererId: string;
  arn: string;
  busId: string;
  sourceArn: string;
  description: string | null;
  state: "STARTED" | "STOPPED";
  crossAccount: boolean;
  tags: Record<string, string>;
};

const REGISTRY_COLS = `id, tenant_id AS "tenantId", name, arn, description, tags`;
const SCHEMA_COLS = `id, tenant_id AS "tenantId", registry_id AS "registryId", name, arn, type, description, tags,
  discovered_shape AS "discoveredShape", source, detail_type AS "detailType", latest_version AS "latestVersion",
  version_count AS "versionCount", last_modified AS "lastModified"`;
const DISCOVERER_COLS = `id, tenant_id AS "tenantId", discoverer_id AS "discovererId", arn, bus_id AS "busId",
  source_arn AS "sourceArn", description, state, cross_account AS "crossAccount", tags`;

// ---------- registries

export async function insertRegistry(db: Queryable, r: RegistryRow): Promise<boolean> {
  const res = await db.query(
    `INSERT INTO schema_registries (id, tenant_id, name, arn, description, tags) VALUES ($1,$2,$3,$4,$5,$6)
     ON CONFLICT (tenant_id, name) DO NOTHING`,
    [r.id, r.tenantId, r.name, r.arn, r.description, JSON.stringify(r.tags)],
  );
  return (res.rowCount ?? 0) > 0;
}

export async function findRegistry(db: Queryable, tenantId: string, name: string): Promise<RegistryRow | null> {
  const r = await db.query(`SELECT ${REGISTRY_COLS} FROM schema_registries WHERE tenant_id = $1 AND name = $2`, [
    tenantId,
    name,
  ]);
  return r.rows[0] ?? null;
}

export async function updateRegistryDescription(
  db: Queryable,
  tenantId: string,
  name: string,
  description: string | null,
) {
  const r = await db.query(
    `UPDATE schema_registries SET description = $3 WHERE tenant_id = $1 AND name = $2 RETURNING ${REGISTRY_COLS}`,
    [tenantId, name, description],
  );
  return (r.rows[0] as RegistryRow | undefined) ?? null;
}

export async function deleteRegistryRow(db: Queryable, tenantId: string, name: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM schema_registries WHERE tenant_id = $1 AND name = $2`, [tenantId, name]);
  return (r.rowCount ?? 0) > 0;
}

export async function listRegistryRows(
  db: Queryable,
  tenantId: string,
  opts: { prefix?: string; after?: string; limit: number },
): Promise<RegistryRow[]> {
  const r = await db.query(
    `SELECT ${REGISTRY_COLS} FROM schema_registries
      WHERE tenant_id = $1 AND ($2::text IS NULL OR starts_with(name, $2)) AND ($3::text IS NULL OR name > $3)
      ORDER BY name LIMIT $4`,
    [tenantId, opts.prefix ?? null, opts.after ?? null, opts.limit],
  );
  return r.rows;
}

// ---------- schemas

export async function findSchema(
  db: Queryable,
  tenantId: string,
  registryId: string,
  name: string,
  opts: { forUpdate?: boolean } = {},
): Promise<SchemaRow | null> {
  const r = await db.query(
    `SELECT ${SCHEMA_COLS} FROM schemas WHERE tenant_id = $1 AND registry_id = $2 AND name = $3${opts.forUpdate ? " FOR UPDATE" : ""}`,
    [tenantId, registryId, name],
  );
  return r.rows[0] ?? null;
}

export async function insertSchema(
  db: Queryable,
  s: Omit<SchemaRow, "latestVersion" | "versionCount" | "lastModified">,
  content: string,
): Promise<SchemaRow | null> {
  const r = await db.query(
    `INSERT INTO schemas (id, tenant_id, registry_id, name, arn, type, description, tags, discovered_shape, source, detail_type)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11) ON CONFLICT (registry_id, name) DO NOTHING RETURNING ${SCHEMA_COLS}`,
    [
      s.id,
      s.tenantId,
      s.registryId,
      s.name,
      s.arn,
      s.type,
      s.description,
      JSON.stringify(s.tags),
      s.discoveredShape === null ? null : JSON.stringify(s.discoveredShape),
      s.source,
      s.detailType,
    ],
  );
  const row = r.rows[0] as SchemaRow | undefined;
  if (!row) return null;
  await db.query(`INSERT INTO schema_versions (schema_id, version, type, content) VALUES ($1, 1, $2, $3)`, [
    row.id,
    s.type,
    content,
  ]);
  return row;
}

/** Adds the next version (the caller holds the schema row's lock) and returns the updated row. */
export async function addSchemaVersion(
  db: Queryable,
  schemaId: string,
  v: { type: string; content: string; description?: string | null; discoveredShape?: unknown },
): Promise<SchemaRow> {
  const r = await db.query(
    `UPDATE schemas SET latest_version = latest_version + 1, version_count = version_count + 1, type = $2,
            description = CASE WHEN $3::boolean THEN $4 ELSE description END,
            discovered_shape = CASE WHEN $5::boolean THEN $6::jsonb ELSE discovered_shape END,
            last_modified = now()
      WHERE id = $1 RETURNING ${SCHEMA_COLS}`,
    [
      schemaId,
      v.type,
      v.description !== undefined,
      v.description ?? null,
      v.discoveredShape !== undefined,
      v.discoveredShape === undefined ? null : JSON.stringify(v.discoveredShape),
    ],
  );
  const row = r.rows[0] as SchemaRow;
  await db.query(`INSERT INTO schema_versions (schema_id, version, type, content) VALUES ($1, $2, $3, $4)`, [
    schemaId,
    row.latestVersion,
    v.type,
    v.content,
  ]);
  return row;
}

export async function updateSchemaDescription(db: Queryable, schemaId: string, description: string | null) {
  const r = await db.query(
    `UPDATE schemas SET description = $2, last_modified = now() WHERE id = $1 RETURNING ${SCHEMA_COLS}`,
    [schemaId, description],
  );
  return r.rows[0] as SchemaRow;
}

export async function deleteSchemaRow(db: Queryable, tenantId: string, schemaId: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM schemas WHERE tenant_id = $1 AND id = $2`, [tenantId, schemaId]);
  return (r.rowCount ?? 0) > 0;
}

export async function findSchemaVersion(
  db: Queryable,
  schemaId: string,
  version: number,
): Promise<SchemaVersionRow | null> {
  const r = await db.query(
    `SELECT version, type, content, created_at AS "createdAt" FROM schema_versions WHERE schema_id = $1 AND version = $2`,
    [schemaId, version],
  );
  return r.rows[0] ?? null;
}

export async function latestSchemaVersion(db: Queryable, schemaId: string): Promise<SchemaVersionRow | null> {
  const r = await db.query(
    `SELECT version, type, content, created_at AS "createdAt" FROM schema_versions WHERE schema_id = $1
      ORDER BY version DESC LIMIT 1`,
    [schemaId],
  );
  return r.rows[0] ?? null;
}

/** Deletes one version; the schema's count follows (the latest version cannot be deleted: the service checks). */
export async function deleteSchemaVersionRow(db: Queryable, schemaId: string, version: number): Promise<boolean> {
  const r = await db.query(`DELETE FROM schema_versions WHERE schema_id = $1 AND version = $2`, [schemaId, version]);
  if (!r.rowCount) return false;
  await db.query(`UPDATE schemas SET version_count = version_count - 1 WHERE id = $1`, [schemaId]);
  return true;
}

export async function listSchemaRows(
  db: Queryable,
  tenantId: string,
  registryId: string,
  opts: { prefix?: string; after?: string; limit: number },
): Promise<SchemaRow[]> {
  const r = await db.query(
    `SELECT ${SCHEMA_COLS} FROM schemas
      WHERE tenant_id = $1 AND registry_id = $2 AND ($3::text IS NULL OR starts_with(name, $3)) AND ($4::text IS NULL OR name > $4)
      ORDER BY name LIMIT $5`,
    [tenantId, registryId, opts.prefix ?? null, opts.after ?? null, opts.limit],
  );
  return r.rows;
}

export async function listVersionRows(
  db: Queryable,
  schemaId: string,
  opts: { after?: number; limit: number },
): Promise<SchemaVersionRow[]> {
  const r = await db.query(
    `SELECT version, type, content, created_at AS "createdAt" FROM schema_versions
      WHERE schema_id = $1 AND ($2::int IS NULL OR version < $2) ORDER BY version DESC LIMIT $3`,
    [schemaId, opts.after ?? null, opts.limit],
  );
  return r.rows;
}

// ---------- discoverers

export async function insertDiscoverer(db: Queryable, d: DiscovererRow): Promise<boolean> {
  const r = await db.query(
    `INSERT INTO schema_discoverers (id, tenant_id, discoverer_id, arn, bus_id, source_arn, description, state, cross_account, tags)
     VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) ON CONFLICT DO NOTHING`,
    [
      d.id,
      d.tenantId,
      d.discovererId,
      d.arn,
      d.busId,
      d.sourceArn,
      d.description,
      d.state,
      d.crossAccount,
      JSON.stringify(d.tags),
    ],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function findDiscoverer(
  db: Queryable,
  tenantId: string,
  discovererId: string,
): Promise<DiscovererRow | null> {
  const r = await db.query(
    `SELECT ${DISCOVERER_COLS} FROM schema_discoverers WHERE tenant_id = $1 AND discoverer_id = $2`,
    [tenantId, discovererId],
  );
  return r.rows[0] ?? null;
}

export async function findDiscovererById(db: Queryable, tenantId: string, id: string): Promise<DiscovererRow | null> {
  const r = await db.query(`SELECT ${DISCOVERER_COLS} FROM schema_discoverers WHERE tenant_id = $1 AND id = $2`, [
    tenantId,
    id,
  ]);
  return r.rows[0] ?? null;
}

/** The discoverer of a bus (at most one per bus), whatever its state. */
export async function findDiscovererOfBus(db: Queryable, busId: string): Promise<DiscovererRow | null> {
  const r = await db.query(`SELECT ${DISCOVERER_COLS} FROM schema_discoverers WHERE bus_id = $1`, [busId]);
  return r.rows[0] ?? null;
}

export async function updateDiscovererRow(
  db: Queryable,
  tenantId: string,
  discovererId: string,
  patch: { description?: string | null; crossAccount?: boolean; state?: "STARTED" | "STOPPED" },
): Promise<DiscovererRow | null> {
  const r = await db.query(
    `UPDATE schema_discoverers SET
        description = CASE WHEN $3::boolean THEN $4 ELSE description END,
        cross_account = COALESCE($5, cross_account),
        state = COALESCE($6, state)
      WHERE tenant_id = $1 AND discoverer_id = $2 RETURNING ${DISCOVERER_COLS}`,
    [
      tenantId,
      discovererId,
      patch.description !== undefined,
      patch.description ?? null,
      patch.crossAccount ?? null,
      patch.state ?? null,
    ],
  );
  return r.rows[0] ?? null;
}

export async function deleteDiscovererRow(db: Queryable, tenantId: string, discovererId: string): Promise<boolean> {
  const r = await db.query(`DELETE FROM schema_discoverers WHERE tenant_id = $1 AND discoverer_id = $2`, [
    tenantId,
    discovererId,
  ]);
  return (r.rowCount ?? 0) > 0;
}

export async function listDiscovererRows(
  db: Queryable,
  tenantId: string,
  opts: { idPrefix?: string; sourceArnPrefix?: string; after?: string; limit: number },
): Promise<DiscovererRow[]> {
  const r = await db.query(
    `SELECT ${DISCOVERER_COLS} FROM schema_discoverers
      WHERE tenant_id = $1 AND ($2::text IS NULL OR starts_with(discoverer_id, $2))
        AND ($3::text IS NULL OR starts_with(source_arn, $3)) AND ($4::text IS NULL OR discoverer_id > $4)
      ORDER BY discoverer_id LIMIT $5`,
    [tenantId, opts.idPrefix ?? null, opts.sourceArnPrefix ?? null, opts.after ?? null, opts.limit],
  );
  return r.rows;
}

// ---------- shape samples (discovery)

export type ShapeSample = { source: string; detailType: string; fingerprint: string; shape: unknown };

/** Records shapes not seen before; returns how many were new (0 = nothing for the fold job). */
export async function recordShapeSamples(
  db: Queryable,
  d: { id: string; tenantId: string },
  samples: ShapeSample[],
): Promise<number> {
  if (!samples.length) return 0;
  const r = await db.query(
    `INSERT INTO schema_shape_samples (discoverer_id, tenant_id, source, detail_type, fingerprint, shape)
     SELECT $1, $2, s.source, s.detail_type, s.fingerprint, s.shape
       FROM jsonb_to_recordset($3::jsonb) AS s(source text, detail_type text, fingerprint text, shape jsonb)
     ON CONFLICT DO NOTHING`,
    [
      d.id,
      d.tenantId,
      JSON.stringify(
        samples.map((s) => ({
          source: s.source,
          detail_type: s.detailType,
          fingerprint: s.fingerprint,
          shape: s.shape,
        })),
      ),
    ],
  );
  return r.rowCount ?? 0;
}

/** Claims the next shapes to fold (skipping rows another fold holds) in the caller's transaction. */
export async function claimUnfoldedSamples(db: Queryable, discovererId: string, limit: number): Promise<ShapeSample[]> {
  const r = await db.query(
    `SELECT source, detail_type AS "detailType", fingerprint, shape FROM schema_shape_samples
      WHERE discoverer_id = $1 AND folded_at IS NULL ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED`,
    [discovererId, limit],
  );
  return r.rows;
}

export async function markSamplesFolded(db: Queryable, discovererId: string, samples: ShapeSample[]): Promise<void> {
  if (!samples.length) return;
  await db.query(
    `UPDATE schema_shape_samples s SET folded_at = now()
       FROM jsonb_to_recordset($2::jsonb) AS x(source text, detail_type text, fingerprint text)
      WHERE s.discoverer_id = $1 AND s.source = x.source AND s.detail_type = x.detail_type AND s.fingerprint = x.fingerprint`,
    [
      discovererId,
      JSON.stringify(samples.map((s) => ({ source: s.source, detail_type: s.detailType, fingerprint: s.fingerprint }))),
    ],
  );
}

export async function countPendingShapes(db: Queryable, tenantId: string): Promise<number> {
  const r = await db.query(
    `SELECT count(*)::int AS n FROM schema_shape_samples WHERE tenant_id = $1 AND folded_at IS NULL`,
    [tenantId],
  );
  return r.rows[0].n;
}

// ---------- tags (registries, schemas, discoverers share the column)

const TAGGABLE = { registry: "schema_registries", schema: "schemas", discoverer: "schema_discoverers" } as const;
export type TaggableKind = keyof typeof TAGGABLE;

export async function findTags(
  db: Queryable,
  tenantId: string,
  kind: TaggableKind,
  arn: string,
): Promise<Record<string, string> | null> {
  const r = await db.query(`SELECT tags FROM ${TAGGABLE[kind]} WHERE tenant_id = $1 AND arn = $2`, [tenantId, arn]);
  return r.rows[0]?.tags ?? null;
}

export async function setTags(
  db: Queryable,
  tenantId: string,
  kind: TaggableKind,
  arn: string,
  tags: Record<string, string>,
): Promise<void> {
  await db.query(`UPDATE ${TAGGABLE[kind]} SET tags = $3 WHERE tenant_id = $1 AND arn = $2`, [
    tenantId,
    arn,
    JSON.stringify(tags),
  ]);
}

/** Forgets the shapes recorded for a source + detail-type, so discovery records them again. */
export async function forgetShapes(db: Queryable, tenantId: string, source: string, detailType: string): Promise<void> {
  await db.query(`DELETE FROM schema_shape_samples WHERE tenant_id = $1 AND source = $2 AND detail_type = $3`, [
    tenantId,
    source,
    detailType,
  ]);
}
