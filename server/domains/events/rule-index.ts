import { pool, type Queryable } from "../../db";
import { logger } from "../../logger";
import { compilePattern, PatternIndex } from "../../core/events/pattern";
import { isListening, listen } from "../../platform/listen";
import { TENANT_DELETED_CHANNEL } from "../../platform/channels";
import { listPatternRules, notifyChannel } from "./bus.repository";

// The enabled pattern rules of each bus, compiled once into a PatternIndex and kept per process.
// PutEvents matches against it without a query. A rule change NOTIFYs RULES_CHANGED_CHANNEL with
// the bus id inside the changing transaction (delivered on commit), and every process drops that
// bus's index; while the LISTEN connection is down nothing would say an index went stale, so the
// index is then rebuilt on every use. A generation per bus keeps a load that raced a change from
// being cached.

export const RULES_CHANGED_CHANNEL = "signalbox_event_rules_changed";

export type IndexedRule = { id: string; name: string; arn: string };

type Entry = { index: PatternIndex<string>; rules: Map<string, IndexedRule> };

const cache = new Map<string, Entry>();
const generation = new Map<string, number>();
let following = false;

function forget(busId: string): void {
  cache.delete(busId);
  generation.set(busId, (generation.get(busId) ?? 0) + 1);
}

function forgetAll(): void {
  for (const busId of cache.keys()) generation.set(busId, (generation.get(busId) ?? 0) + 1);
  cache.clear();
}

function follow(): void {
  if (following) return;
  following = true;
  listen(RULES_CHANGED_CHANNEL, { onNotify: (busId) => forget(busId), onResync: forgetAll }).catch((err) => {
    following = false;
    logger.warn({ err }, "event rule changes are not followed; rule indexes are rebuilt per call");
  });
  listen(TENANT_DELETED_CHANNEL, { onNotify: forgetAll, onResync: forgetAll }).catch(() => {});
}

async function build(db: Queryable, busId: string): Promise<Entry> {
  const rows = await listPatternRules(db, busId);
  const index = new PatternIndex<string>();
  const rules = new Map<string, IndexedRule>();
  for (const r of rows) {
    try {
      index.add(r.id, compilePattern(r.eventPattern!));
      rules.set(r.id, { id: r.id, name: r.name, arn: r.arn });
    } catch (err) {
      // Stored patterns were valid when PutRule accepted them; a matcher that became stricter
      // must not stop the bus: the rule matches nothing and says so in the log.
      logger.warn({ err, ruleId: r.id }, "stored event pattern no longer compiles");
    }
  }
  return { index, rules };
}

/** The bus's rule index (cached while changes are followed). */
export async function ruleIndexFor(busId: string, db: Queryable = pool()): Promise<Entry> {
  follow();
  const hit = cache.get(busId);
  if (hit && isListening(RULES_CHANGED_CHANNEL)) return hit;
  const gen = generation.get(busId) ?? 0;
  const entry = await build(db, busId);
  if (isListening(RULES_CHANGED_CHANNEL) && (generation.get(busId) ?? 0) === gen) {
    if (cache.size > 10_000) cache.clear();
    cache.set(busId, entry);
  }
  return entry;
}

/** Rules matching an event (the envelope object), as indexed rules. */
export function matchRules(entry: Entry, event: unknown): IndexedRule[] {
  return entry.index.match(event).flatMap((id) => entry.rules.get(id) ?? []);
}

/** Call inside the transaction that changes a bus's rules: every process drops the index on commit. */
export async function noteRulesChanged(tx: Queryable, busId: string): Promise<void> {
  forget(busId);
  await notifyChannel(tx, RULES_CHANGED_CHANNEL, busId);
}

/** After a commit, this process forgets at once (the NOTIFY reaches it a moment later). */
export function forgetRuleIndex(busId: string): void {
  forget(busId);
}
