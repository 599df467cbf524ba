import { randomUUID } from "node:crypto";
import { pool, withTransaction } from "../../db";
import {
  discoveredSchemaName,
  foldShape,
  inferSchema,
  mergeSchemas,
  shapeFingerprint,
  toOpenApiDocument,
  type InferredSchema,
} from "../../core/events/schema-infer";
import { enqueue } from "../../platform/enqueue";
import type { JobContext } from "../../jobs/registry";
import { foldShapesJob } from "./schemas.jobs";
import { cachedDiscoverer, isKnownShape, rememberDiscoverer, rememberShapes } from "./discovery-cache";
import {
  addSchemaVersion,
  claimUnfoldedSamples,
  countPendingShapes,
  findDiscovererById,
  findDiscovererOfBus,
  findSchema,
  insertSchema,
  markSamplesFolded,
  recordShapeSamples,
  type DiscovererRow,
  type Queryable,
  type ShapeSample,
} from "./schema.repository";
import { DISCOVERED_REGISTRY, ensureRegistry, schemaArn } from "./schema.service";

// Schema discovery from a bus's traffic, in two halves so PutEvents stays fast:
//  1. inside the PutEvents transaction (`recordDiscoveredShapes`, called from events.hooks.ts):
//     infer each event's detail shape (pure, microseconds), and record each distinct shape once
//     (INSERT … ON CONFLICT DO NOTHING on its fingerprint). Only a shape never seen before writes a
//     row and enqueues the fold job, so steady traffic costs one index probe per distinct shape.
//  2. the fold job (`runFoldShapes`, debounced per discoverer by its "short" queue policy) merges
//     the new shapes into the `discovered-schemas` registry: a schema per source + detail-type
//     (named source@DetailType), and a new version whenever the merged shape differs.

/** An accepted event as the bus stored it (the envelope is parsed only when a discoverer runs). */
export type DiscoverableEvent = { source: string; detailType: string; envelope: string };

async function startedDiscoverer(db: Queryable, busId: string, now: number): Promise<DiscovererRow | null> {
  const hit = cachedDiscoverer<DiscovererRow | null>(busId, now);
  if (hit) return hit.value;
  const row = await findDiscovererOfBus(db, busId);
  rememberDiscoverer(busId, row, now);
  return row;
}

/**
 * Records the detail shapes of accepted events for the bus's discoverer (when it is STARTED), in
 * the caller's transaction. Events from other accounts count only when the discoverer is CrossAccount.
 */
export async function recordDiscoveredShapes(
  tx: Queryable,
  bus: { id: string; tenantId: string; accountId: string },
  events: DiscoverableEvent[],
): Promise<void> {
  if (!events.length) return;
  const now = Date.now();
  const d = await startedDiscoverer(tx, bus.id, now);
  if (!d || d.state !== "STARTED") return;
  const seen = new Set<string>();
  const samples: ShapeSample[] = [];
  for (const e of events) {
    const env = JSON.parse(e.envelope) as { account?: string; detail?: unknown };
    if (!d.crossAccount && env.account !== bus.accountId) continue;
    const shape = inferSchema(env.detail ?? {});
    const fingerprint = shapeFingerprint(shape);
    const key = `${d.id}\u0000${e.source}\u0000${e.detailType}\u0000${fingerprint}`;
    if (seen.has(key) || isKnownShape(key, now)) continue;
    seen.add(key);
    samples.push({ source: e.source, detailType: e.detailType, fingerprint, shape });
  }
  if (!samples.length) return;
  const added = await recordShapeSamples(tx, d, samples);
  rememberShapes(seen, now);
  if (added > 0)
    await enqueue(
      foldShapesJob,
      { tenantId: d.tenantId, discovererId: d.id, accountId: bus.accountId },
      { tx, singletonKey: d.id },
    );
}

const FOLD_BATCH = 200;

/** Folds one batch of recorded shapes; returns how many it folded (0 = nothing left). */
export async function foldShapesOnce(data: {
  tenantId: string;
  discovererId: string;
  accountId: string;
}): Promise<number> {
  return withTransaction(async (tx) => {
    const d = await findDiscovererById(tx, data.tenantId, data.discovererId);
    if (!d) return 0;
    const samples = await claimUnfoldedSamples(tx, d.id, FOLD_BATCH);
    if (!samples.length) return 0;
    const tenant = { id: data.tenantId, accountId: data.accountId };
    const registry = await ensureRegistry(tx, tenant, DISCOVERED_REGISTRY);
    const groups = new Map<string, { source: string; detailType: string; shape: InferredSchema }>();
    for (const s of samples) {
      const key = `${s.source}\u0000${s.detailType}`;
      const g = groups.get(key);
      if (g) g.shape = mergeSchemas(g.shape, s.shape as InferredSchema);
      else groups.set(key, { source: s.source, detailType: s.detailType, shape: s.shape as InferredSchema });
    }
    for (const g of groups.values()) {
      const name = discoveredSchemaName(g.source, g.detailType);
      const meta = { source: g.source, detailType: g.detailType };
      let existing = await findSchema(tx, tenant.id, registry.id, name, { forUpdate: true });
      if (!existing) {
        const created = await insertSchema(
          tx,
          {
            id: randomUUID(),
            tenantId: tenant.id,
            registryId: registry.id,
            name,
            arn: schemaArn(tenant, registry.name, name),
            type: "OpenApi3",
            description: null,
            tags: {},
            discoveredShape: g.shape,
            source: g.source,
            detailType: g.detailType,
          },
          JSON.stringify(toOpenApiDocument(g.shape, meta)),
        );
        if (created) continue;
        // Another fold (another bus) created it meanwhile: fold into theirs.
        existing = (await findSchema(tx, tenant.id, registry.id, name, { forUpdate: true }))!;
      }
      const { merged, changed } = foldShape((existing.discoveredShape as InferredSchema | null) ?? null, g.shape);
      if (changed)
        await addSchemaVersion(tx, existing.id, {
          type: "OpenApi3",
          content: JSON.stringify(toOpenApiDocument(merged, meta)),
          discoveredShape: merged,
        });
    }
    await markSamplesFolded(tx, d.id, samples);
    return samples.length;
  });
}

/** The fold job: folds until nothing is left (safe to run twice: folded rows are skipped). */
export async function runFoldShapes(
  data: { tenantId: string; discovererId: string; accountId: string },
  ctx?: Pick<JobContext, "log">,
): Promise<void> {
  let total = 0;
  for (let n = await foldShapesOnce(data); n > 0; n = await foldShapesOnce(data)) total += n;
  ctx?.log.debug({ discovererId: data.discovererId, folded: total }, "schema shapes folded");
}

/** For tests and the console: shapes waiting to be folded for a tenant. */
export async function pendingShapeCount(tenantId: string): Promise<number> {
  return countPendingShapes(pool(), tenantId);
}
