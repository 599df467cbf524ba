import { compilePattern, matchPattern, type CompiledPattern } from "../../core/events/pattern";
import { archivesOfBus, insertArchivedEvents, type ArchivedEventInput, type Queryable } from "./archive.repository";

// Archiving inside the PutEvents transaction (called from events.hooks.ts): every ENABLED archive
// of the bus whose pattern matches (or that has none) gets the event's envelope, in one INSERT per
// call. The bus's archives and their compiled patterns are cached for 2 s per process (dropped at
// once by this process's Create/Update/DeleteArchive), so PutEvents does not query them each time.
// Replayed events are not archived again (a replay would otherwise grow its own archive).

type CachedArchive = { id: string; tenantId: string; pattern: CompiledPattern | null };

const CACHE_MS = 2_000;
const cache = new Map<string, { archives: CachedArchive[]; at: number }>();

export function forgetArchiveCache(busId: string): void {
  cache.delete(busId);
}

async function enabledArchives(db: Queryable, busId: string): Promise<CachedArchive[]> {
  const hit = cache.get(busId);
  const now = Date.now();
  if (hit && now - hit.at < CACHE_MS) return hit.archives;
  const rows = await archivesOfBus(db, busId);
  const archives: CachedArchive[] = [];
  for (const a of rows) {
    if (a.state !== "ENABLED") continue;
    try {
      archives.push({
        id: a.id,
        tenantId: a.tenantId,
        pattern: a.eventPattern ? compilePattern(a.eventPattern) : null,
      });
    } catch {
      // Stored patterns were validated; one that no longer compiles archives nothing.
    }
  }
  if (cache.size > 10_000) cache.clear();
  cache.set(busId, { archives, at: now });
  return archives;
}

export type ArchivableEvent = {
  id: string;
  envelope: string;
  eventTime: Date;
  size: number;
  ingest: string;
};

export async function recordArchivedEvents(tx: Queryable, busId: string, events: ArchivableEvent[]): Promise<void> {
  const live = events.filter((e) => e.ingest !== "replay");
  if (!live.length) return;
  const archives = await enabledArchives(tx, busId);
  if (!archives.length) return;
  const rows: ArchivedEventInput[] = [];
  for (const e of live) {
    let parsed: unknown;
    for (const a of archives) {
      if (a.pattern) {
        parsed ??= JSON.parse(e.envelope);
        if (!matchPattern(a.pattern, parsed)) continue;
      }
      rows.push({
        archiveId: a.id,
        tenantId: a.tenantId,
        eventId: e.id,
        eventTime: e.eventTime,
        envelope: e.envelope,
        size: e.size,
      });
    }
  }
  await insertArchivedEvents(tx, rows);
}
