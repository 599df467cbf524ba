import type { ReactNode } from "react";
import { cn } from "./cn";

/** A definition list of label/value rows (two columns from `sm` up). */
export function KeyValue({
  items,
  className,
}: {
  items: { label: ReactNode; value: ReactNode; mono?: boolean }[];
  className?: string;
}) {
  return (
    <dl className={cn("divide-y divide-gray-100", className)}>
      {items.map((it, i) => (
        <div key={i} className="grid gap-1 py-3 sm:grid-cols-3 sm:gap-4">
          <dt className="text-sm font-medium text-gray-500">{it.label}</dt>
          <dd className={cn("min-w-0 text-sm break-all text-gray-900 sm:col-span-2", it.mono && "font-mono")}>
            {it.value}
          </dd>
        </div>
      ))}
    </dl>
  );
}
