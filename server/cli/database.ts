import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { migrate, migrationStatus } from "../db/migrate";
import { detachExitHooks } from "../db/exit-hooks";

// Which database a CLI command talks to:
//  - DATABASE_URL when set (the operator's PostgreSQL);
//  - otherwise the embedded database of the data folder: if `npm start` is running it, connect to
//    it (its port is in <data>/pg/port); if not, start it for this command and stop it afterwards.

export type CliDatabase = {
  url: string;
  source: "env" | "embedded-running" | "embedded-started";
  close: () => Promise<void>;
};

const say = (m: string) => process.stderr.write(`[signalbox] ${m}\n`);

async function answers(url: string): Promise<boolean> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    await c.query("SELECT 1");
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => {});
  }
}

export function embeddedUrl(port: number): string {
  return `postgresql://postgres:postgres@127.0.0.1:${port}/signalbox`;
}

export async function openDatabase(
  dataDir: string,
  opts: { autoMigrate: boolean } = { autoMigrate: true },
): Promise<CliDatabase> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL, source: "env", close: async () => {} };

  const portFile = path.join(dataDir, "pg", "port");
  if (existsSync(portFile)) {
    const port = Number(readFileSync(portFile, "utf8").trim());
    if (port > 0 && (await answers(embeddedUrl(port)))) {
      process.env.DATABASE_URL = embeddedUrl(port);
      return { url: process.env.DATABASE_URL, source: "embedded-running", close: async () => {} };
    }
  }
  if (existsSync(path.join(dataDir, "pg", "data", "postmaster.pid"))) {
    throw new Error(
      `The embedded PostgreSQL in ${path.join(dataDir, "pg", "data")} looks running (postmaster.pid exists) but does not answer. ` +
        "Stop `npm start`, or remove a stale postmaster.pid if no postgres process is left.",
    );
  }
  say(`no DATABASE_URL: starting the embedded PostgreSQL in ${path.join(dataDir, "pg")} for this command`);
  const restore = detachExitHooks();
  const { startEmbeddedPostgres } = await import("../db/embedded");
  restore();
  const db = await startEmbeddedPostgres(dataDir, say);
  process.env.DATABASE_URL = db.url;
  // The CLI owns this database for the command's lifetime: bring its schema up to date, as
  // `npm start` would.
  try {
    if (opts.autoMigrate) await migrate(db.url, say);
  } catch (err) {
    await db.stop().catch(() => {});
    throw err;
  }
  return {
    url: db.url,
    source: "embedded-started",
    close: async () => {
      await db.stop();
    },
  };
}

/** Commands other than `migrate` refuse to run on a database with pending migrations. */
export async function assertMigrated(url: string): Promise<void> {
  const s = await migrationStatus(url);
  if (s.pending.length) {
    throw new CliError(
      `The database has ${s.pending.length} pending migration(s) (${s.pending.join(", ")}). Run \`signalbox migrate\` first.`,
    );
  }
}

export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "CliError";
  }
}
