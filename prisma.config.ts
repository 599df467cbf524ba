import { defineConfig } from "prisma/config";

// Prisma 7 reads its settings here. The schema is split by domain (prisma/schema/*.prisma) so that
// each domain owns its models. Migrations are hand-written SQL in Prisma's layout, applied by
// server/db/migrate.ts (the CLI cannot download its schema engine on our machines).
export default defineConfig({
  schema: "prisma/schema",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/signalbox" },
});
