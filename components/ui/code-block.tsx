import type { ReactNode } from "react";
import { cn } from "./cn";
import { CopyButton } from "./copy-button";

/**
 * Monospaced block with an optional title and a copy button. Scrolls sideways, or with `wrap`
 * breaks long lines (headers, signatures) so nothing hides past the edge on a phone.
 */
export function CodeBlock({
  code,
  title,
  copy = true,
  wrap = false,
  className,
}: {
  code: string;
  title?: ReactNode;
  copy?: boolean;
  wrap?: boolean;
  className?: string;
}) {
  return (
    <div className={cn("overflow-hidden rounded-lg border border-gray-800 bg-gray-900", className)}>
      {(title || copy) && (
        <div className="flex items-center justify-between gap-2 border-b border-gray-800 px-3 py-1.5">
          <span className="min-w-0 text-xs font-medium break-all text-gray-400">{title}</span>
          {copy && (
            <CopyButton
              value={code}
              variant="ghost"
              className="h-7 border border-gray-700 text-gray-200! hover:bg-gray-800! hover:text-white!"
            />
          )}
        </div>
      )}
      <pre
        className={cn(
          "p-3 font-mono text-xs leading-relaxed text-gray-100",
          wrap ? "break-all whitespace-pre-wrap" : "overflow-x-auto",
        )}
      >
        <code>{code}</code>
      </pre>
    </div>
  );
}

/** A single value in monospace with a copy button (ids, secrets, URLs). */
export function CopyField({ label, value, id }: { label: string; value: string; id?: string }) {
  return (
    <div>
      <div className="mb-1 text-xs font-medium text-gray-600">{label}</div>
      <div className="flex items-center gap-2">
        <code
          id={id}
          className="min-w-0 flex-1 truncate rounded-md border border-gray-200 bg-gray-50 px-3 py-2 font-mono text-sm text-gray-900 select-all"
          title={value}
        >
          {value}
        </code>
        <CopyButton value={value} label={`Copy`} />
      </div>
    </div>
  );
}
