"use client";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { bucketLabel, tickLabel, timeTicks } from "./time-range";

// Stacked bars per time bucket: succeeded / retrying / failed (failed includes sent-to-DLQ).
const SERIES = [
  { key: "succeeded", label: "Succeeded", color: "#16a34a" },
  { key: "retrying", label: "Retrying", color: "#f59e0b" },
  { key: "failed", label: "Failed", color: "#dc2626" },
] as const;

export type ChartPoint = { t: number; succeeded: number; failed: number; retrying: number };

export function DeliveryChart({ data, bucketSeconds }: { data: ChartPoint[]; bucketSeconds: number }) {
  const bucket = bucketLabel(bucketSeconds);
  const from = data[0]?.t ?? 0;
  const to = (data[data.length - 1]?.t ?? 0) + bucketSeconds * 1000;
  const { ticks, stepMs } = timeTicks(from, to);
  return (
    <div className="h-64 w-full" role="img" aria-label={`Deliveries per ${bucket}: succeeded, retrying and failed`}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} barCategoryGap={1}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            // Half a bucket of room each side, so the first and last bars are whole.
            domain={[from - (bucketSeconds * 1000) / 2, to - (bucketSeconds * 1000) / 2]}
            ticks={ticks}
            tickFormatter={(t: number) => tickLabel(t, stepMs, to - from)}
            tick={{ fontSize: 11, fill: "#6b7280" }}
            minTickGap={16}
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
