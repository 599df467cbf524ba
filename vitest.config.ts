import { defineConfig } from "vitest/config";
import path from "node:path";

// Three kinds of tests, one runner:
//  - *.test.ts      pure/unit (server/core and friends)
//  - *.int.test.ts  integration against the real PostgreSQL (each test file makes its own tenant)
//  - tests/conformance/** and tests/e2e/** start a real server and drive it with real clients / Chromium
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    include: ["server/**/*.test.ts", "tests/**/*.test.ts", "tests/**/*.spec.ts"],
    exclude: ["node_modules/**", ".next/**", ".data/**"],
    globalSetup: ["tests/helpers/global-setup.ts"],
    setupFiles: ["tests/helpers/env.ts"],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    maxWorkers: 2,
  },
});
