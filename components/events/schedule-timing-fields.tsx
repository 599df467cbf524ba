"use client";
import { useMemo } from "react";
import { CircleAlert } from "lucide-react";
import { FormField, Input, Select } from "@/components/ui";
// Pure: the preview walks the expression with the very code the timers use.
import { describeNextFireTimes } from "@/server/core/schedule/expressions";
import { formatInZone } from "./schedule-field";

/**
 * When a schedule fires: its expression, its time zone and the next fire times as they would be
 * computed by the timers (the create form and the edit dialog). `zones` are offered; a time zone
 * outside them (the browser's, a schedule's own) is put first.
 */
export function ScheduleTimingFields({
  expression,
  onExpression,
  timezone,
  onTimezone,
  zones,
  errors,
  count,
  title,
  testId,
  autoFocus,
}: {
  expression: string;
  onExpression: (v: string) => void;
  timezone: string;
  onTimezone: (v: string) => void;
  zones: string[];
  errors: { expression?: string[]; timezone?: string[] };
  /** How many fire times the preview lists. */
  count: number;
  /** The preview's heading, e.g. `Next 10 fire times in Europe/Berlin`. */
  title: string;
  testId: string;
  autoFocus?: boolean;
}) {
  const preview = useMemo(
    () => describeNextFireTimes(expression.trim(), timezone, count, { dialect: "scheduler" }),
    [expression, timezone, count],
  );
  return (
    <>
      <div className="grid gap-4 sm:grid-cols-[1fr_14rem]">
        <FormField
          label="Schedule expression"
          error={errors.expression}
          hint="at(2026-12-24T09:00:00), rate(15 minutes) or cron(0 9 ? * MON-FRI *)"
        >
          <Input
            value={expression}
            onChange={(e) => onExpression(e.target.value)}
            className="font-mono"
            data-autofocus={autoFocus || undefined}
          />
        </FormField>
        <FormField label="Time zone" error={errors.timezone}>
          <Select value={timezone} onChange={(e) => onTimezone(e.target.value)}>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </Select>
        </FormField>
      </div>
      <div className="rounded-lg border border-gray-200 bg-gray-50/70 p-3">
        <div className="mb-2 text-sm font-medium text-gray-800">{title}</div>
        {preview.ok ? (
          preview.times.length ? (
            <ol className="grid gap-x-6 gap-y-1 text-sm tabular-nums sm:grid-cols-2" data-testid={testId}>
              {preview.times.map((t) => (
                <li key={t.utc} className="text-gray-900">
                  {formatInZone(t.utc, timezone)}
                </li>
              ))}
            </ol>
          ) : (
            <p className="text-sm text-gray-500">This expression never fires again.</p>
          )
        ) : (
          <p className="flex items-start gap-1.5 text-sm text-red-600">
            <CircleAlert className="mt-0.5 h-4 w-4 shrink-0" aria-hidden />
            {preview.message}
          </p>
        )}
      </div>
    </>
  );
}
