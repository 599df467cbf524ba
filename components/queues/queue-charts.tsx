"use client";
import {
  Area,
  AreaChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { tickLabel, timeTicks } from "@/components/deliveries/time-range";

export type MetricPoint = {
  t: number;
  sent: number;
  received: number;
  deleted: number;
  depth: number | null;
  inFlight: number | null;
  delayed: number | null;
};

/** Round ticks over the data's own span (the chart is zoomed to its data), labelled for that span. */
function timeAxis(data: MetricPoint[]) {
  const from = data[0]?.t ?? 0;
  const to = data[data.length - 1]?.t ?? from;
  const { ticks, stepMs } = timeTicks(from, to);
  return { ticks, tickFormatter: (t: number) => tickLabel(t, stepMs, to - from) };
}

const axis = { tick: { fontSize: 11, fill: "#6b7280" }, tickLine: false } as const;
const tooltipStyle = { fontSize: 12, borderRadius: 8, borderColor: "#e5e7eb" };

// Sent, received and deleted are often equal (a consumer keeping up), so their lines would hide
// each other: a wide pale line, a narrower dashed one and a thin solid one on top stay visible together.
export function ThroughputChart({ data }: { data: MetricPoint[] }) {
  return (
    <div className="h-64 w-full" role="img" aria-label="Messages sent, received and deleted per minute">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={["dataMin", "dataMax"]}
            {...timeAxis(data)}
            minTickGap={16}
            axisLine={{ stroke: "#e5e7eb" }}
            {...axis}
          />
          <YAxis allowDecimals={false} axisLine={false} width={48} {...axis} />
          <Tooltip
            labelFormatter={(t) => `${new Date(Number(t)).toLocaleString()} (per minute)`}
            contentStyle={tooltipStyle}
          />
          <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
          <Line
            type="monotone"
            dataKey="sent"
            name="Sent"
            stroke="#4f46e5"
            strokeOpacity={0.35}
            strokeWidth={5}
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="received"
            name="Received"
            stroke="#0284c7"
            strokeOpacity={0.6}
            strokeWidth={3}
            strokeDasharray="6 3"
            dot={false}
            isAnimationActive={false}
          />
          <Line
            type="monotone"
            dataKey="deleted"
            name="Deleted"
            stroke="#15803d"
            strokeWidth={1.5}
            dot={false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}

export function DepthChart({ data }: { data: MetricPoint[] }) {
  return (
    <div
      className="h-64 w-full"
      role="img"
      aria-label="Queue depth over time: available, in flight and delayed messages"
    >
      <ResponsiveContainer width="100%" height="100%">
        <AreaChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke="#e5e7eb" />
          <XAxis
            dataKey="t"
            type="number"
            scale="time"
            domain={["dataMin", "dataMax"]}
            {...timeAxis(data)}
            minTickGap={16}
            axisLine={{ stroke: "#e5e7eb" }}
            {...axis}
          />
          <YAxis allowDecimals={false} axisLine={false} width={48} {...axis} />
          <Tooltip labelFormatter={(t) => new Date(Number(t)).toLocaleString()} contentStyle={tooltipStyle} />
          <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12 }} />
          <Area
            type="stepAfter"
            dataKey="depth"
            name="Available"
            stackId="d"
            stroke="#4f46e5"
            fill="#c7d2fe"
            connectNulls
            isAnimationActive={false}
          />
          <Area
            type="stepAfter"
            dataKey="inFlight"
            name="In flight"
            stackId="d"
            stroke="#d97706"
            fill="#fde68a"
            connectNulls
            isAnimationActive={false}
          />
          <Area
            type="stepAfter"
            dataKey="delayed"
            name="Delayed"
            stackId="d"
            stroke="#0284c7"
            fill="#bae6fd"
            connectNulls
            isAnimationActive={false}
          />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}
