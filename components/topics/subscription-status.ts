import type { BadgeTone } from "@/components/ui";

export type SubStatus = "pending" | "confirmed" | "disabled";

export function subStatus(s: { status: string; disabledAt: Date | string | null }): SubStatus {
  if (s.disabledAt) return "disabled";
  return s.status === "confirmed" ? "confirmed" : "pending";
}

export const SUB_STATUS_TONE: Record<SubStatus, BadgeTone> = {
  pending: "warning",
  confirmed: "success",
  disabled: "danger",
};
export const SUB_STATUS_LABEL: Record<SubStatus, string> = {
  pending: "Pending confirmation",
  confirmed: "Confirmed",
  disabled: "Disabled",
};

/** "event, amount · attributes": the keys a filter policy looks at, for a table cell. */
export function filterSummary(policy: string | null, scope: string): string | null {
  if (!policy) return null;
  try {
    const keys: string[] = [];
    const walk = (o: Record<string, unknown>, prefix: string) => {
      for (const [k, v] of Object.entries(o)) {
        if (k === "$or" && Array.isArray(v)) {
          keys.push("$or");
          continue;
        }
        if (v && typeof v === "object" && !Array.isArray(v)) walk(v as Record<string, unknown>, `${prefix}${k}.`);
        else keys.push(`${prefix}${k}`);
      }
    };
    walk(JSON.parse(policy), "");
    return `${keys.join(", ")} · ${scope === "MessageBody" ? "body" : "attributes"}`;
  } catch {
    return "custom";
  }
}
