import { pool } from "../../db";
import type { Snapshot } from "../../core/apis/model";
import { buildRouter, type Router } from "../../core/apis/routing";
import { findSnapshot, findStageForGateway, type StageSettings } from "./rest-api.repository";
import { GATEWAY_STAGE_CHANNEL, NotifiedCache } from "./gateway-cache";

// What the gateway serves: a stage and its deployment's snapshot with a compiled router. The stage
// (or its absence) is cached per process and dropped when a NOTIFY says the API's stages changed
// (UpdateStage, a redeployment, a deleted API: gateway-cache.ts); the snapshot is cached by
// deployment id (a deployment never changes, so that cache needs no invalidation, only a bound).

export type DeployedStage = {
  tenant: { id: string; accountId: string; slug: string; name: string };
  restApiId: string;
  stageName: string;
  deploymentId: string;
  settings: StageSettings;
  snapshot: Snapshot;
  router: Router;
};

const MAX_CACHED = 200;
const cache = new Map<string, { snapshot: Snapshot; router: Router }>();

const stages = new NotifiedCache<DeployedStage | null>(GATEWAY_STAGE_CHANNEL);

/** The deployed stage `apiId`/`stageName` (null: none). The value is shared: callers must not change it. */
export function loadDeployedStage(apiId: string, stageName: string): Promise<DeployedStage | null> {
  return stages.get(`${apiId}\n${stageName}`, apiId, () => readDeployedStage(apiId, stageName));
}

async function readDeployedStage(apiId: string, stageName: string): Promise<DeployedStage | null> {
  const stage = await findStageForGateway(pool(), apiId, stageName);
  if (!stage) return null;
  const key = `${apiId}/${stage.deploymentId}`;
  let hit = cache.get(key);
  if (!hit) {
    const snapshot = await findSnapshot(pool(), apiId, stage.deploymentId);
    if (!snapshot) return null;
    hit = { snapshot, router: buildRouter(snapshot.doc) };
    if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
    cache.set(key, hit);
  }
  return {
    tenant: { id: stage.tenantId, accountId: stage.accountId, slug: stage.slug, name: stage.tenantName },
    restApiId: apiId,
    stageName,
    deploymentId: stage.deploymentId,
    settings: stage.settings,
    snapshot: hit.snapshot,
    router: hit.router,
  };
}
