import { z } from "zod";

// Operator settings of the delivery engine (environment, parsed once, all optional).
const schema = z.object({
  // Disable an endpoint after this many consecutive failed attempts…
  SIGNALBOX_WEBHOOK_DISABLE_AFTER_FAILURES: z.coerce.number().int().min(1).default(50),
  // …or after failing continuously for this long (hours; default 5 days).
  SIGNALBOX_WEBHOOK_DISABLE_AFTER_HOURS: z.coerce.number().min(0.001).default(120),
  // How long delivery attempts (request/response log) are kept.
  SIGNALBOX_DELIVERY_ATTEMPT_RETENTION_DAYS: z.coerce.number().min(0.001).default(14),
  // Deliveries per deliver job (each job sends its deliveries concurrently).
  SIGNALBOX_DELIVERY_CHUNK: z.coerce.number().int().min(1).max(200).default(50),
});

let cached: z.infer<typeof schema> | undefined;
export function deliveryConfig() {
  return (cached ??= schema.parse(process.env));
}
