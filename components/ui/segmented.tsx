"use client";
import { cn } from "./cn";

export type SegmentOption<T extends string | number> = { value: T; label: string; ariaLabel?: string };

/**
 * A single choice among a few options shown side by side (time ranges, languages): a radiogroup
 * of buttons. `variant` "segmented" joins them in one bordered control, "pills" spaces them out.
 */
export function SegmentedControl<T extends string | number>({
  label,
  options,
  value,
  onChange,
  variant = "segmented",
}: {
  label: string;
  options: readonly SegmentOption<T>[];
  value: T;
  onChange: (value: T) => void;
  variant?: "segmented" | "pills";
}) {
  return (
    <div
      role="radiogroup"
      aria-label={label}
      className={
        variant === "segmented"
          ? "inline-flex rounded-md border border-gray-300 bg-white p-0.5 shadow-xs"
          : "flex flex-wrap gap-2"
      }
    >
      {options.map((o) => {
        const on = value === o.value;
        return (
          <button
            key={String(o.value)}
            type="button"
            role="radio"
            aria-checked={on}
            aria-label={o.ariaLabel}
            onClick={() => onChange(o.value)}
            className={cn(
              variant === "segmented"
                ? cn(
                    "rounded px-3 py-1 text-sm font-medium",
                    on ? "bg-accent-600 text-white" : "text-gray-600 hover:bg-gray-100",
                  )
                : cn(
                    "rounded-full border px-3 py-1 text-sm font-medium",
                    on
                      ? "border-accent-600 bg-accent-50 text-accent-700"
                      : "border-gray-300 bg-white text-gray-600 hover:bg-gray-50",
                  ),
            )}
          >
            {o.label}
          </button>
        );
      })}
    </div>
  );
}
