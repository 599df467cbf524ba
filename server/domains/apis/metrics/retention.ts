import { pool } from "../../../db";
import { deleteOldAccessLog, deleteOldMetrics } from "./metrics.repository";

// Retention of the gateway's access log (SIGNALBOX_API_ACCESS_LOG_DAYS, default 7) and per-minute
// metrics (SIGNALBOX_API_METRICS_DAYS, default 15: CloudWatch keeps 1-minute points 15 days).
// Hourly, in batches so one run never holds a long transaction.

const BATCH = 5_000;
const MAX_BATCHES = 200;

function days(name: string, fallback: number): number {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export function apiRetentionDays(): { accessLog: number; metrics: number } {
  return { accessLog: days("SIGNALBOX_API_ACCESS_LOG_DAYS", 7), metrics: days("SIGNALBOX_API_METRICS_DAYS", 15) };
}

export async function runApiMetricsRetention(now = new Date()): Promise<{ accessLog: number; metrics: number }> {
  const d = apiRetentionDays();
  const out = { accessLog: 0, metrics: 0 };
  const logCutoff = new Date(now.getTime() - d.accessLog * 86400_000);
  for (let i = 0; i < MAX_BATCHES; i++) {
    const n = await deleteOldAccessLog(pool(), logCutoff, BATCH);
    out.accessLog += n;
    if (n < BATCH) break;
  }
  const metricCutoff = new Date(now.getTime() - d.metrics * 86400_000);
  for (let i = 0; i < MAX_BATCHES; i++) {
    const n = await deleteOldMetrics(pool(), metricCutoff, BATCH);
    out.metrics += n;
    if (n < BATCH) break;
  }
  return out;
}
