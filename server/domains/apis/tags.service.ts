import { assertCan } from "../../auth/permissions";
import { pool, withTransaction } from "../../db";
import { badRequest, notFound } from "../../core/apis/model";
import { findStage, saveApi, saveStage } from "./rest-api.repository";
import { audit, loadApi, type Caller } from "./rest-api.service";

// TagResource / UntagResource / GetTags on API Gateway's resource ARNs: a REST API
// (arn:aws:apigateway:<region>::/restapis/<id>) or one of its stages (…/restapis/<id>/stages/<name>).

const MAX_TAGS = 50;

function parseArn(arn: string): { apiId: string; stage?: string } {
  const m = /^arn:aws:apigateway:[^:]*::\/restapis\/([^/]+)(?:\/stages\/([^/]+))?$/.exec(arn);
  if (!m) throw badRequest(`Invalid ARN specified in the request: ${arn}`);
  return { apiId: m[1], stage: m[2] };
}

async function change(caller: Caller, arn: string, fn: (tags: Record<string, string>) => Record<string, string>) {
  assertCan(caller.actor.role, "resource:write");
  const { apiId, stage } = parseArn(arn);
  await withTransaction(async (tx) => {
    const api = await loadApi(caller, apiId, tx, true);
    if (stage) {
      const s = await findStage(tx, caller.tenant.id, apiId, stage, true);
      if (!s) throw notFound("Invalid Stage identifier specified");
      const tags = fn({ ...(s.settings.tags ?? {}) });
      await saveStage(tx, caller.tenant.id, apiId, stage, s.deploymentId, { ...s.settings, tags });
    } else {
      const tags = fn({ ...(api.settings.tags ?? {}) });
      await saveApi(tx, caller.tenant.id, apiId, { name: api.name, settings: { ...api.settings, tags }, doc: api.doc });
    }
    await audit(caller, "api.tag", apiId, { name: api.name, arn }, tx);
  });
}

export async function tagResource(caller: Caller, arn: string, tags: Record<string, string>): Promise<void> {
  for (const [k, v] of Object.entries(tags)) {
    if (!k || k.length > 128 || k.startsWith("aws:")) throw badRequest(`Invalid tag key: ${k}`);
    if (v.length > 256) throw badRequest(`Invalid tag value for key ${k}`);
  }
  await change(caller, arn, (current) => {
    const next = { ...current, ...tags };
    if (Object.keys(next).length > MAX_TAGS) throw badRequest(`Too many tags: a resource can have at most ${MAX_TAGS}`);
    return next;
  });
}

export async function untagResource(caller: Caller, arn: string, keys: string[]): Promise<void> {
  await change(caller, arn, (current) => {
    for (const k of keys) delete current[k];
    return current;
  });
}

export async function getTags(caller: Caller, arn: string): Promise<Record<string, string>> {
  assertCan(caller.actor.role, "resource:read");
  const { apiId, stage } = parseArn(arn);
  const api = await loadApi(caller, apiId);
  if (!stage) return api.settings.tags ?? {};
  const s = await findStage(pool(), caller.tenant.id, apiId, stage);
  if (!s) throw notFound("Invalid Stage identifier specified");
  return s.settings.tags ?? {};
}
