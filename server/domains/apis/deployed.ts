import { pool } from "../../db";
import type { Snapshot } from "../../core/apis/model";
import { buildRouter, type Router } from "../../core/apis/routing";
import { findSnapshot, findStageForGateway, type StageSettings } from "./rest-api.repository";

// What the gateway serves: a stage (read per request: it is small and changes with UpdateStage and
// redeployments) and its deployment's snapshot with a compiled router (cached per process: a
// deployment never changes, so the cache needs no invalidation, only a bound).

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

export async function loadDeployedStage(apiId: string, stageName: string): Promise<DeployedStage | null> {
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
