import { sqsError } from "./errors";
import { MAX_BATCH_ENTRIES, MAX_BATCH_ENTRY_ID_LENGTH } from "./limits";

// Checks that reject a whole batch before any entry is looked at, in AWS's order:
// empty → too many → ids (format, then distinct).
const ENTRY_ID_RE = /^[A-Za-z0-9_-]{1,80}$/;

export function checkBatchEntries(entries: Array<{ Id?: string }> | undefined, listName: string): void {
  if (!entries || entries.length === 0)
    throw sqsError("EmptyBatchRequest", `There should be at least one ${listName} in the request.`);
  if (entries.length > MAX_BATCH_ENTRIES)
    throw sqsError(
      "TooManyEntriesInBatchRequest",
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
    );
  const seen = new Set<string>();
  for (const e of entries) {
    const id = e.Id ?? "";
    if (!ENTRY_ID_RE.test(id)) {
      throw sqsError(
        "InvalidBatchEntryId",
        `A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most ${MAX_BATCH_ENTRY_ID_LENGTH} letters long.`,
      );
    }
    if (seen.has(id)) throw sqsError("BatchEntryIdsNotDistinct", `Id ${id} repeated.`);
    seen.add(id);
  }
}
