import { z } from "zod";
import { parseAllowList } from "./core/net/ip-guard";

// The environment is parsed once, at first use. `npm start` (scripts/start.ts) fills in
// DATABASE_URL, SIGNALBOX_MASTER_KEY and NEXTAUTH_SECRET from the data folder before anything reads it.
const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("production"),
  DATABASE_URL: z.string().min(1, "DATABASE_URL is required (npm start sets it for the embedded database)"),
  SIGNALBOX_MASTER_KEY: z.string().min(32, "SIGNALBOX_MASTER_KEY must be 32 bytes as hex or base64"),
  NEXTAUTH_SECRET: z.string().min(16),
  NEXTAUTH_URL: z.string().url().optional(),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default("0.0.0.0"),
  SIGNALBOX_DATA_DIR: z.string().default(".data"),
  // Comma-separated CIDRs that webhook delivery may reach although they are private/loopback.
  SIGNALBOX_WEBHOOK_ALLOWLIST: z.string().default(""),
  // Comma-separated CIDRs of reverse proxies whose X-Forwarded-For is believed (sign-in limits
  // per client address). Default: none. A header anybody can write is believed only from proxies
  // the operator names (behind a proxy on the same machine: 127.0.0.1/32,::1/128).
  SIGNALBOX_TRUSTED_PROXIES: z
    .string()
    .default("")
    .superRefine((v, ctx) => {
      const { invalid } = parseAllowList(v);
      if (invalid.length) ctx.addIssue({ code: "custom", message: `not IP addresses or CIDRs: ${invalid.join(", ")}` });
    }),
  // Base URL printed in queue URLs and links when the Host header cannot be trusted.
  SIGNALBOX_PUBLIC_URL: z.string().url().optional(),
  SIGNALBOX_REGION: z.string().default("us-east-1"),
  SMTP_URL: z.string().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  // Data-plane requests per second per tenant, per web process (burst: twice that).
  SIGNALBOX_TENANT_RPS: z.coerce.number().int().min(1).default(1_000),
  DB_POOL_MAX: z.coerce.number().int().min(1).default(20),
});

export type Env = z.infer<typeof schema>;

let cached: Env | undefined;

export function env(): Env {
  if (cached) return cached;
  const parsed = schema.safeParse(process.env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`).join("\n");
    throw new Error(`Invalid environment:\n${problems}`);
  }
  cached = parsed.data;
  return cached;
}

/** Reads the environment again on the next env() (a bench that runs against a second database). */
export function resetEnv(): void {
  cached = undefined;
}
