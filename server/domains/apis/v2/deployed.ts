import { pool } from "../../../db";
import type { HttpSnapshot, Stage } from "../../../core/apis/v2/model";
import { findHttpApiForGateway, findHttpSnapshot } from "./http-api.repository";
import { GATEWAY_STAGE_CHANNEL, NotifiedCache } from "../gateway-cache";

// What the gateway serves for an HTTP API: the stage named by the path's first segment (else the
// $default stage, with that segment part of the path, as API Gateway serves $default at the root),
// cached per process until a NOTIFY says the API changed (gateway-cache.ts), and its deployment's snapshot, cached per process by deployment id (a
// deployment never changes, so the cache needs no invalidation, only a bound).

export type DeployedHttpStage = {
  tenant: { id: string; accountId: string; slug: string; name: string };
  apiId: string;
  stage: Stage;
  deploymentId: string;
  snapshot: HttpSnapshot;
  /** Whether the stage name was the path's first segment (else the path starts at that segment). */
  stageInPath: boolean;
};

const MAX_CACHED = 200;
const cache = new Map<string, HttpSnapshot>();

const stages = new NotifiedCache<DeployedHttpStage | { stage: null } | null>(GATEWAY_STAGE_CHANNEL);

/**
 * Null when `apiId` is no HTTP API; `{ stage: null }` when it is one with no such (deployed) stage.
 * The value is shared: callers must not change it.
 */
export function loadHttpStage(
  apiId: string,
  firstSegment: string,
): Promise<DeployedHttpStage | { stage: null } | null> {
  return stages.get(`${apiId}\n${firstSegment}`, apiId, () => readHttpStage(apiId, firstSegment));
}

async function readHttpStage(apiId: string, firstSegment: string): Promise<DeployedHttpStage | { stage: null } | null> {
  const api = await findHttpApiForGateway(pool(), apiId);
  if (!api) return null;
  const named = firstSegment && firstSegment !== "$default" ? api.stages?.[firstSegment] : undefined;
  const stage = named ?? api.stages?.$default;
  if (!stage?.deploymentId) return { stage: null };
  const key = `${apiId}/${stage.deploymentId}`;
  let snapshot = cache.get(key);
  if (!snapshot) {
    snapshot = (await findHttpSnapshot(pool(), apiId, stage.deploymentId)) ?? undefined;
    if (!snapshot) return { stage: null };
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, snapshot);
  }
  return {
    tenant: { id: api.tenantId, accountId: api.accountId, slug: api.slug, name: api.tenantName },
    apiId,
    stage,
    deploymentId: stage.deploymentId,
    snapshot,
    stageInPath: !!named || firstSegment === "$default",
  };
}
