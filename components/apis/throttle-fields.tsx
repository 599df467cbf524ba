"use client";
import { FormField, Input } from "@/components/ui";

// Throttling as every API Gateway form asks for it (REST stage and method settings, HTTP stage
// default and per-route settings, usage plans): a steady rate in requests per second and a burst,
// both optional. The fields check themselves as the user types (a number, not negative, a whole
// burst; with `pair`, both or neither) and show the server's field errors in the same place.

export type ThrottleDraft = { rate: string; burst: string };

export const throttleDraftOf = (rate: number | null | undefined, burst: number | null | undefined): ThrottleDraft => ({
  rate: rate === null || rate === undefined ? "" : String(rate),
  burst: burst === null || burst === undefined ? "" : String(burst),
});

const blank = (s: string) => s.trim() === "";

/** The messages the fields show before anything is sent; empty when the draft can be saved. */
export function throttleProblems(d: ThrottleDraft, pair = false): { rate?: string; burst?: string } {
  const out: { rate?: string; burst?: string } = {};
  const rate = Number(d.rate);
  const burst = Number(d.burst);
  if (!blank(d.rate) && !Number.isFinite(rate)) out.rate = "A number of requests per second.";
  else if (!blank(d.rate) && rate < 0) out.rate = "Not negative.";
  if (!blank(d.burst) && !Number.isInteger(burst)) out.burst = "A whole number.";
  else if (!blank(d.burst) && burst < 0) out.burst = "Not negative.";
  if (pair && blank(d.rate) !== blank(d.burst)) {
    if (blank(d.rate)) out.rate ??= "Set the rate with the burst (or leave both empty).";
    else out.burst ??= "Set the burst with the rate (or leave both empty).";
  }
  return out;
}

export const throttleIsValid = (d: ThrottleDraft, pair = false) => Object.keys(throttleProblems(d, pair)).length === 0;

/** The draft as the API takes it: null for an empty field. */
export function throttleNumbers(d: ThrottleDraft): {
  throttlingRateLimit: number | null;
  throttlingBurstLimit: number | null;
} {
  return {
    throttlingRateLimit: blank(d.rate) ? null : Number(d.rate),
    throttlingBurstLimit: blank(d.burst) ? null : Number(d.burst),
  };
}

export function ThrottleFields({
  value,
  onChange,
  errors,
  disabled,
  pair,
  labels = { rate: "Throttling: rate (requests/s)", burst: "Throttling: burst" },
  rateHint,
  names = { rate: "rateLimit", burst: "burstLimit" },
  ariaLabels,
  compact,
}: {
  value: ThrottleDraft;
  onChange: (d: ThrottleDraft) => void;
  /** The server's field errors (they win over the fields' own checks). */
  errors?: { rate?: string[]; burst?: string[] };
  disabled?: boolean;
  /** Rate and burst go together (AWS's route and method settings): one without the other is an error. */
  pair?: boolean;
  labels?: { rate: string; burst: string };
  rateHint?: string;
  names?: { rate: string; burst: string };
  /** Accessible names when the visible labels are too short to tell the fields apart on the page. */
  ariaLabels?: { rate: string; burst: string };
  /** Narrow inputs for a row of fields (e.g. an override editor) rather than a grid. */
  compact?: boolean;
}) {
  const own = throttleProblems(value, pair);
  const wrap = compact ? "w-28" : undefined;
  return (
    <>
      <FormField label={labels.rate} error={errors?.rate ?? own.rate} hint={rateHint} className={wrap}>
        <Input
          name={names.rate}
          aria-label={ariaLabels?.rate}
          inputMode="decimal"
          value={value.rate}
          disabled={disabled}
          onChange={(e) => onChange({ ...value, rate: e.target.value })}
        />
      </FormField>
      <FormField label={labels.burst} error={errors?.burst ?? own.burst} className={wrap}>
        <Input
          name={names.burst}
          aria-label={ariaLabels?.burst}
          inputMode="numeric"
          value={value.burst}
          disabled={disabled}
          onChange={(e) => onChange({ ...value, burst: e.target.value })}
        />
      </FormField>
    </>
  );
}
