import { cn } from "./cn";

/**
 * A tiny bar sparkline (no axes) for list rows: one bar per bucket, scaled to the row's own
 * maximum, with a baseline so an all-zero row still reads as "nothing" rather than as missing.
 */
export function Sparkline({
  values,
  label,
  className,
  color = "#4f46e5",
}: {
  values: number[];
  label: string;
  className?: string;
  color?: string;
}) {
  const max = Math.max(0, ...values);
  const w = values.length * 4;
  return (
    <svg
      viewBox={`0 0 ${w} 20`}
      preserveAspectRatio="none"
      className={cn("h-5 w-24", className)}
      role="img"
      aria-label={label}
      data-max={max}
    >
      <line x1="0" x2={w} y1="19.5" y2="19.5" stroke="#e5e7eb" strokeWidth="1" />
      {values.map((v, i) => {
        const h = max === 0 ? 0 : Math.max(1.5, (v / max) * 18);
        return v > 0 ? <rect key={i} x={i * 4 + 0.5} y={19 - h} width="3" height={h} rx="0.5" fill={color} /> : null;
      })}
    </svg>
  );
}
