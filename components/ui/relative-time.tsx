"use client";
import { useEffect, useState } from "react";

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

export function formatRelative(date: Date, now = Date.now()): string {
  const diff = (date.getTime() - now) / 1000;
  const abs = Math.abs(diff);
  if (abs < 45) return diff <= 0 ? "just now" : "in a few seconds";
  const fmt = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  for (const [unit, secs] of UNITS) if (abs >= secs) return fmt.format(Math.round(diff / secs), unit);
  return "just now";
}

/** "3 minutes ago" with the exact time in a tooltip; `fallback` when the date is null. */
export function RelativeTime({ date, fallback = "—" }: { date: Date | string | null | undefined; fallback?: string }) {
  const [now, setNow] = useState<number | null>(null);
  useEffect(() => {
    setNow(Date.now());
    const t = setInterval(() => setNow(Date.now()), 30_000);
    return () => clearInterval(t);
  }, []);
  if (!date) return <span className="text-gray-400">{fallback}</span>;
  const d = typeof date === "string" ? new Date(date) : date;
  const exact = d.toISOString().replace("T", " ").slice(0, 19) + " UTC";
  // The first render matches the server (absolute); relative text appears after hydration.
  return (
    <time dateTime={d.toISOString()} title={exact} className="whitespace-nowrap">
      {now === null ? exact.slice(0, 16) : formatRelative(d, now)}
    </time>
  );
}
