import { cn } from "@/components/ui/cn";

/** The Signalbox mark (three signal bars in a rounded square) and word. */
export function Logo({ className, withWord = true }: { className?: string; withWord?: boolean }) {
  return (
    <span className={cn("inline-flex items-center gap-2", className)}>
      <svg viewBox="0 0 32 32" className="h-7 w-7 shrink-0" aria-hidden>
        <rect width="32" height="32" rx="8" className="fill-accent-600" />
        <rect x="8" y="17" width="4" height="7" rx="1.5" fill="white" opacity="0.7" />
        <rect x="14" y="12" width="4" height="12" rx="1.5" fill="white" opacity="0.85" />
        <rect x="20" y="7" width="4" height="17" rx="1.5" fill="white" />
      </svg>
      {withWord && <span className="text-base font-semibold tracking-tight text-gray-900">Signalbox</span>}
    </span>
  );
}
