// Small formatting and validation helpers shared by the queue console (pure, no React).
import {
  DELAY_SECONDS,
  MAX_RECEIVE_COUNT,
  MAXIMUM_MESSAGE_SIZE,
  MESSAGE_RETENTION_PERIOD,
  RECEIVE_WAIT_TIME_SECONDS,
  VISIBILITY_TIMEOUT,
} from "@/server/core/sqs/limits";

export {
  DELAY_SECONDS,
  MAX_RECEIVE_COUNT,
  MAXIMUM_MESSAGE_SIZE,
  MESSAGE_RETENTION_PERIOD,
  RECEIVE_WAIT_TIME_SECONDS,
  VISIBILITY_TIMEOUT,
};

export const UNITS = [
  { id: "s", label: "seconds", seconds: 1 },
  { id: "m", label: "minutes", seconds: 60 },
  { id: "h", label: "hours", seconds: 3600 },
  { id: "d", label: "days", seconds: 86_400 },
] as const;
export type UnitId = (typeof UNITS)[number]["id"];

export function unitSeconds(u: UnitId): number {
  return UNITS.find((x) => x.id === u)?.seconds ?? 1;
}

/** The largest unit that expresses `seconds` exactly (345600 → 4 days). */
export function splitDuration(
  seconds: number,
  allowed: readonly UnitId[] = ["s", "m", "h", "d"],
): { value: string; unit: UnitId } {
  for (const u of [...UNITS].reverse()) {
    if (allowed.includes(u.id) && seconds > 0 && seconds % u.seconds === 0)
      return { value: String(seconds / u.seconds), unit: u.id };
  }
  return { value: String(seconds), unit: "s" };
}

/** "4 days", "30 seconds", "1 hour 30 minutes" (at most two parts). */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds === 0) return "0 seconds";
  const parts: string[] = [];
  let rest = seconds;
  for (const u of [...UNITS].reverse()) {
    const n = Math.floor(rest / u.seconds);
    if (n > 0) {
      parts.push(`${n} ${n === 1 ? u.label.slice(0, -1) : u.label}`);
      rest -= n * u.seconds;
    }
    if (parts.length === 2) break;
  }
  return parts.join(" ");
}

/** Compact age for tables: "12s", "4m 10s", "3h 5m", "2d 4h". */
export function formatAge(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return "—";
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
  return `${Math.floor(seconds / 86_400)}d ${Math.floor((seconds % 86_400) / 3600)}h`;
}

export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined) return "—";
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${+(n / 1024).toFixed(n % 1024 === 0 ? 0 : 1)} KiB`;
  return `${+(n / 1024 / 1024).toFixed(2)} MiB`;
}

export function utf8Length(s: string): number {
  return new TextEncoder().encode(s).length;
}

/** A whole number in [min, max] parsed from a text field, or an error message. */
export function parseIntIn(raw: string, min: number, max: number, label: string): { value?: number; error?: string } {
  const t = raw.trim();
  if (t === "") return { error: `Enter ${label.toLowerCase()}.` };
  if (!/^-?\d+$/.test(t)) return { error: `${label} must be a whole number.` };
  const n = Number(t);
  if (n < min || n > max)
    return { error: `${label} must be between ${min.toLocaleString("en-US")} and ${max.toLocaleString("en-US")}.` };
  return { value: n };
}

/** Queue name rules (AWS): 1–80 characters in all, letters/digits/-/_, FIFO names end in ".fifo". */
export function queueNameError(name: string, fifo: boolean): string | null {
  if (!name) return "Enter a queue name.";
  if (name.length > 80) return "A queue name has at most 80 characters (including .fifo).";
  const isFifoName = name.endsWith(".fifo");
  if (fifo && !isFifoName) return "A FIFO queue name must end in .fifo.";
  if (!fifo && isFifoName) return "Only FIFO queue names end in .fifo; choose FIFO as the type or change the name.";
  const base = isFifoName ? name.slice(0, -5) : name;
  if (!base) return "Enter a name before .fifo.";
  if (!/^[A-Za-z0-9_-]+$/.test(base)) return "Only letters, digits, hyphens (-) and underscores (_).";
  return null;
}

/** The queue name from an ARN (arn:aws:sqs:region:account:name). */
export function nameFromArn(arn: string | null | undefined): string {
  if (!arn) return "";
  return arn.slice(arn.lastIndexOf(":") + 1);
}
