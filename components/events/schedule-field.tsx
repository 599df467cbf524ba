"use client";
import { useMemo, useState } from "react";
import { CircleAlert } from "lucide-react";
import { FormField, Input, Label, Select } from "@/components/ui";
// Pure: the preview walks the expression with the very code the timers use.
import { describeNextFireTimes } from "@/server/core/schedule/expressions";

const ZONES = [
  "UTC",
  "America/Los_Angeles",
  "America/New_York",
  "America/Sao_Paulo",
  "Europe/London",
  "Europe/Berlin",
  "Asia/Kolkata",
  "Asia/Singapore",
  "Asia/Tokyo",
  "Australia/Sydney",
];

function browserZone(): string {
  try {
    return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  } catch {
    return "UTC";
  }
}

/** "Tue 2 Dec 2026, 14:05 GMT+1" in `zone`. */
export function formatInZone(iso: string, zone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone: zone,
    weekday: "short",
    day: "numeric",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    timeZoneName: "short",
  }).format(new Date(iso));
}

/**
 * A rule's schedule expression (rate(…) or AWS's six-field cron(…)), evaluated in UTC as EventBridge
 * rules are, with the next 10 fire times shown in the zone the reader picks.
 */
export function ScheduleField({
  value,
  onChange,
  error,
  disabled,
}: {
  value: string;
  onChange: (v: string) => void;
  error?: string[];
  disabled?: boolean;
}) {
  const [zone, setZone] = useState(browserZone);
  const preview = useMemo(() => describeNextFireTimes(value.trim(), "UTC", 10, { dialect: "events" }), [value]);
  const zones = ZONES.includes(zone) ? ZONES : [zone, ...ZONES];
  return (
    <div className="grid gap-5 lg:grid-cols-2">
      <div className="space-y-3">
        <FormField
          label="Schedule expression"
          error={error}
          hint="rate(5 minutes), rate(1 hour), or cron(0 12 * * ? *): minutes, hours, day of month, month, day of week, year. Rules run in UTC."
        >
          <Input value={value} onChange={(e) => onChange(e.target.value)} disabled={disabled} className="font-mono" />
        </FormField>
        {!preview.ok && value.trim() && (
          <p className="flex items-start gap-1.5 text-sm text-red-600" data-testid="schedule-status">
            <CircleAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
            {preview.message}
          </p>
        )}
      </div>
      <div className="rounded-lg border border-gray-200 bg-gray-50/70 p-3">
        <div className="mb-2 flex flex-wrap items-end justify-between gap-2">
          <div className="text-sm font-medium text-gray-800">Next 10 fire times</div>
          <div className="w-56">
            <Label htmlFor="schedule-zone" className="sr-only">
              Show times in
            </Label>
            <Select id="schedule-zone" value={zone} onChange={(e) => setZone(e.target.value)}>
              {zones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </Select>
          </div>
        </div>
        {preview.ok ? (
          preview.times.length ? (
            <ol className="space-y-1 text-sm tabular-nums" aria-label="Next fire times" data-testid="fire-times">
              {preview.times.map((t, i) => (
                <li key={t.utc} className="flex justify-between gap-3">
                  <span className="text-gray-400">{i + 1}.</span>
                  <span className="flex-1 text-gray-900">{formatInZone(t.utc, zone)}</span>
                  <span className="hidden font-mono text-xs text-gray-500 sm:inline">{t.utc}</span>
                </li>
              ))}
            </ol>
          ) : (
            <p className="text-sm text-gray-500">This expression never fires again.</p>
          )
        ) : (
          <p className="text-sm text-gray-500">Fix the expression to see when it fires.</p>
        )}
      </div>
    </div>
  );
}
