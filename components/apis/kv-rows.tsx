"use client";
import { Plus, X } from "lucide-react";
import { Button, Input } from "@/components/ui";

export type Row = { key: string; value: string };

export const rowsOf = (m: Record<string, string> | undefined): Row[] =>
  Object.entries(m ?? {}).map(([key, value]) => ({ key, value }));
export const mapOf = (rows: Row[]): Record<string, string> =>
  Object.fromEntries(rows.filter((r) => r.key.trim()).map((r) => [r.key.trim(), r.value]));

/** Editable name → value rows (stage variables, request parameters, test headers). */
export function KvRows({
  rows,
  onChange,
  keyLabel,
  valueLabel,
  keyPlaceholder,
  valuePlaceholder,
  disabled,
  addLabel = "Add",
}: {
  rows: Row[];
  onChange: (rows: Row[]) => void;
  keyLabel: string;
  valueLabel: string;
  keyPlaceholder?: string;
  valuePlaceholder?: string;
  disabled?: boolean;
  addLabel?: string;
}) {
  return (
    <div className="space-y-2">
      {rows.map((r, i) => (
        <div key={i} className="flex items-center gap-2">
          <Input
            aria-label={keyLabel}
            className="font-mono text-xs"
            value={r.key}
            placeholder={keyPlaceholder}
            disabled={disabled}
            onChange={(e) => onChange(rows.map((x, j) => (j === i ? { ...x, key: e.target.value } : x)))}
          />
          <Input
            aria-label={valueLabel}
            className="font-mono text-xs"
            value={r.value}
            placeholder={valuePlaceholder}
            disabled={disabled}
            onChange={(e) => onChange(rows.map((x, j) => (j === i ? { ...x, value: e.target.value } : x)))}
          />
          {!disabled && (
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Remove ${r.key || "row"}`}
              onClick={() => onChange(rows.filter((_, j) => j !== i))}
            >
              <X className="h-4 w-4" aria-hidden />
            </Button>
          )}
        </div>
      ))}
      {!disabled && (
        <Button size="sm" variant="secondary" onClick={() => onChange([...rows, { key: "", value: "" }])}>
          <Plus className="h-4 w-4" aria-hidden />
          {addLabel}
        </Button>
      )}
    </div>
  );
}
