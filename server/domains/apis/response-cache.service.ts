import { assertCan } from "../../auth/permissions";
import { pool } from "../../db";
import { getStage } from "./deployment.service";
import { deleteStageCache } from "./response-cache.repository";
import { audit, type Caller } from "./rest-api.service";

// FlushStageCache for the AWS door and the console: the stage's cached answers go for every web
// process at once (the cache lives in PostgreSQL, see server/http/gateway/cache.ts).

export async function flushStageCache(caller: Caller, apiId: string, stageName: string): Promise<{ flushed: number }> {
  assertCan(caller.actor.role, "resource:write");
  await getStage(caller, apiId, stageName);
  const flushed = await deleteStageCache(pool(), apiId, stageName);
  await audit(caller, "api.stage.flush_cache", apiId, { stageName, flushed });
  return { flushed };
}
