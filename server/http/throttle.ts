import { AppError } from "../core/errors";
import { BucketMap } from "../core/token-bucket";

// Per-tenant request throttling on the data plane. Buckets live in each web process, so a tenant's
// effective limit is SIGNALBOX_TENANT_RPS × the number of web processes; that keeps the hot path
// free of a database round trip. (Per-endpoint delivery limits, which must hold across workers,
// are kept in PostgreSQL by the delivery engine instead.)
const rate = () => Number(process.env.SIGNALBOX_TENANT_RPS ?? 10_000);
const buckets = new BucketMap(() => ({ ratePerSecond: rate(), capacity: rate() * 2 }));

export function throttleTenant(tenantId: string, now = Date.now()): void {
  const r = buckets.take(tenantId, now);
  if (!r.ok) {
    throw new AppError("rate_limited", "Rate exceeded", {
      awsCode: "ThrottlingException",
      awsStatus: 400,
      retryAfterSeconds: Math.max(1, Math.ceil(r.retryAfterMs / 1000)),
    });
  }
}
