// Queue tags as the console edits them: rows of key/value, checked with SQS's tag rules, then
// turned into the TagQueue / UntagQueue calls that bring the queue from its current tags there.

export const MAX_TAGS = 50;
export const MAX_TAG_KEY = 128;
export const MAX_TAG_VALUE = 256;

export type TagRow = { id: number; key: string; value: string };
export type TagRowErrors = { key?: string; value?: string };
export type TagValidation = { rows: Record<number, TagRowErrors>; list?: string; tags?: Record<string, string> };

export function validateTagRows(rows: TagRow[]): TagValidation {
  const errors: Record<number, TagRowErrors> = {};
  const tags: Record<string, string> = {};
  const seen = new Set<string>();
  for (const r of rows) {
    const e: TagRowErrors = {};
    // Keys are case-sensitive and kept as typed, except surrounding spaces nobody means.
    const key = r.key.trim();
    if (!key) e.key = "Enter a key.";
    else if (key.length > MAX_TAG_KEY) e.key = `At most ${MAX_TAG_KEY} characters (this one has ${key.length}).`;
    else if (seen.has(key)) e.key = `The key “${key}” is already used above.`;
    if (r.value.length > MAX_TAG_VALUE)
      e.value = `At most ${MAX_TAG_VALUE} characters (this one has ${r.value.length}).`;
    if (e.key || e.value) errors[r.id] = e;
    if (key) seen.add(key);
    tags[key] = r.value;
  }
  const list =
    rows.length > MAX_TAGS ? `A queue can have at most ${MAX_TAGS} tags; remove ${rows.length - MAX_TAGS}.` : undefined;
  return Object.keys(errors).length || list ? { rows: errors, list } : { rows: {}, tags };
}

/** What to send: keys to set (new or changed values) and keys to remove. */
export function diffTags(
  current: Record<string, string>,
  next: Record<string, string>,
): { set: Record<string, string>; remove: string[] } {
  const set: Record<string, string> = {};
  for (const [k, v] of Object.entries(next)) if (current[k] !== v) set[k] = v;
  const remove = Object.keys(current).filter((k) => !(k in next));
  return { set, remove };
}
