// Loaded before every test file (vitest setupFiles): points server modules at the test database
// with fixed test secrets. Each test makes its own tenant, so files run in parallel safely.
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/signalbox_test";
process.env.DATABASE_URL = TEST_DATABASE_URL;
process.env.SIGNALBOX_MASTER_KEY ??= "a".repeat(64);
process.env.NEXTAUTH_SECRET ??= "test-secret-test-secret-test-secret";
process.env.SIGNALBOX_WEBHOOK_ALLOWLIST ??= "127.0.0.1/32,::1/128";
process.env.LOG_LEVEL ??= "silent";
(process.env as Record<string, string>).NODE_ENV = "test";
// One pg-boss schema per test file (inherited by the web and worker processes the file starts).
process.env.SIGNALBOX_BOSS_SCHEMA = `pgboss_t_${Math.floor(Date.now() / 1000)}_${Math.random().toString(36).slice(2, 8)}`;
