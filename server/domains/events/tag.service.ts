import { assertCan, type Actor } from "../../auth/permissions";
import { pool, withTransaction, type Queryable } from "../../db";
import { parseBusArn, parseRuleArn } from "../../core/events/names";
import { findBusByName, findRule, setRuleTags, type BusRow, type RuleRow } from "./bus.repository";
import { requireOwnBus, setBusTags, type Caller } from "./bus.service";
import { ebNotFound, ebValidation, ruleNotFound } from "./event.errors";

// TagResource / UntagResource / ListTagsForResource for buses and rules (50 tags per resource).

const MAX_TAGS = 50;

type Tagged = { kind: "bus"; bus: BusRow } | { kind: "rule"; rule: RuleRow };

async function resolve(db: Queryable, caller: Caller, arn: string): Promise<Tagged> {
  if (!arn) throw ebValidation("Parameter ResourceARN must be specified.", "resourceArn");
  if (parseBusArn(arn)) return { kind: "bus", bus: await requireOwnBus(db, caller, arn) };
  const rule = parseRuleArn(arn);
  if (rule) {
    const b = rule.accountId === caller.accountId ? await findBusByName(db, caller.tenantId, rule.busName) : null;
    const row = b ? await findRule(db, caller.tenantId, b.id, rule.name) : null;
    if (!row) throw ruleNotFound(rule.name, rule.busName);
    return { kind: "rule", rule: row };
  }
  throw ebNotFound(`Resource ${arn} does not exist.`);
}

const tagsOf = (t: Tagged) => (t.kind === "bus" ? t.bus.tags : t.rule.tags);

async function write(db: Queryable, t: Tagged, tags: Record<string, string>) {
  if (t.kind === "bus") await setBusTags(db, t.bus, tags);
  else await setRuleTags(db, t.rule.tenantId, t.rule.id, tags);
}

export function checkTags(tags: Array<{ Key?: unknown; Value?: unknown }>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [i, t] of tags.entries()) {
    const k = typeof t.Key === "string" ? t.Key : "";
    const v = typeof t.Value === "string" ? t.Value : "";
    if (k.length < 1 || k.length > 128)
      throw ebValidation(
        `1 validation error detected: Value '${k}' at 'tags.${i + 1}.member.key' failed to satisfy constraint: Member must have length between 1 and 128`,
        "tags",
      );
    if (v.length > 256)
      throw ebValidation(
        `1 validation error detected: Value '${v}' at 'tags.${i + 1}.member.value' failed to satisfy constraint: Member must have length less than or equal to 256`,
        "tags",
      );
    if (k.startsWith("aws:")) throw ebValidation("Invalid tag key: keys with the aws: prefix are reserved.", "tags");
    out[k] = v;
  }
  return out;
}

export async function tagResource(actor: Actor, caller: Caller, arn: string, tags: Record<string, string>) {
  assertCan(actor.role, "resource:write");
  await withTransaction(async (tx) => {
    const t = await resolve(tx, caller, arn);
    const next = { ...tagsOf(t), ...tags };
    if (Object.keys(next).length > MAX_TAGS)
      throw ebValidation("The number of tags on the resource would exceed the maximum of 50.", "tags");
    await write(tx, t, next);
  });
}

export async function untagResource(actor: Actor, caller: Caller, arn: string, keys: string[]) {
  assertCan(actor.role, "resource:write");
  await withTransaction(async (tx) => {
    const t = await resolve(tx, caller, arn);
    const next = { ...tagsOf(t) };
    for (const k of keys) delete next[k];
    await write(tx, t, next);
  });
}

export async function listTagsForResource(actor: Actor, caller: Caller, arn: string): Promise<Record<string, string>> {
  assertCan(actor.role, "resource:read");
  return tagsOf(await resolve(pool(), caller, arn));
}
