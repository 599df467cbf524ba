// How a key's own limits read in the list ("20/s, burst 40 · 10,000/day"), and the form's fields.
export type KeyLimitsView = {
  rateLimit: number | null;
  burstLimit: number | null;
  quotaLimit: number | null;
  quotaPeriod: "DAY" | "MONTH" | null;
} | null;

export function describeLimits(l: KeyLimitsView): string {
  if (!l) return "Team limit only";
  const parts: string[] = [];
  if (l.rateLimit !== null)
    parts.push(`${l.rateLimit.toLocaleString("en-US")}/s, burst ${(l.burstLimit ?? 0).toLocaleString("en-US")}`);
  if (l.quotaLimit !== null && l.quotaPeriod)
    parts.push(`${l.quotaLimit.toLocaleString("en-US")}/${l.quotaPeriod === "DAY" ? "day" : "month"}`);
  return parts.length ? parts.join(" · ") : "Team limit only";
}

/** A form field's text as the mutation's value: blank is "no limit" (null), anything else as typed. */
export function fieldValue(text: string): string | null {
  return text.trim() === "" ? null : text.trim();
}
