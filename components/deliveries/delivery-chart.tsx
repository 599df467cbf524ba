"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { formatTick, type RangeId } from "./time-range";

// Stacked bars per time bucket: succeeded / retrying / failed (failed includes sent-to-DLQ).
const SERIES = [
  { key: "succeeded", label: "Succeeded", color: "#16a34a" },
  { key: "retrying", label: "Retrying", color: "#f59e0b" },
  { key: "failed", label: "Failed", color: "#dc2626" },
] as const;

export type ChartPoint = { t: number; succeeded: number; failed: number; retrying: number };

export function DeliveryChart({
  data,
  rangeId,
  bucketSeconds,
}: {
  data: ChartPoint[];
  rangeId: RangeId;
  bucketSeconds: number;
}) {
  const bucket = bucketSeconds >= 3600 ? `${bucketSeconds / 3600} h` : `${bucketSeconds / 60} min`;
  return (
    <div className="h-64 w-full" role="img" aria-label={`Deliveries per ${bucket}: succeeded, retrying and failed`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} barCategoryGap={1}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
          <XAxis
            dataKey="t"
            tickFormatter={(t: number) => formatTick(t, rangeId)}
            tick={{ fontSize: 11, fill: "#6b7280" }}
            minTickGap={32}
            tickLine={false}
            axisLine={{ stroke: "#e5e7eb" }}
          />
          <YAxis
            allowDecimals={false}
            tick={{ fontSize: 11, fill: "#6b7280" }}
            tickLine={false}
            axisLine={false}
            width={48}
          />
          <Tooltip
            cursor={{ fill: "rgba(0,0,0,0.04)" }}
            labelFormatter={(t) => `${new Date(Number(t)).toLocaleString()} (${bucket})`}
            contentStyle={{ fontSize: 12, borderRadius: 8, borderColor: "#e5e7eb" }}
          />
          <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
          {SERIES.map((s) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stackId="d"
              fill={s.color}
              isAnimationActive={false}
              maxBarSize={24}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
